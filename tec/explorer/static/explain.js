// Plain-French explanations of a ranked actor's score, from `evidence` and `scoreFactors`.

import { h, km, number } from "./dom.js";
import { FACTORS, MATCHES, OUTCOMES, ROLES, label } from "./labels.js";

// The fields of a ranked actor's `evidence` that scoreSentence and evidenceList read, for the queries.
export const EVIDENCE_FIELDS = `evidence {
  title match role year startedYear outcome distanceKm measuredFrom caseScore rank rankWeight contribution
  conflict { id }
  conflictType { label }
  place { name }
  factors { type distance recency outcome role }
}`;

const FACTOR_WHY = {
  TYPE: (v, best) => `le cas porte sur ${label(MATCHES, best.match)} (${number(v)})`,
  DISTANCE: (v, best) =>
    `à ${km(best.distanceKm)} ${best.measuredFrom === "BASE" ? "de la base de l'acteur" : "du lieu du cas"} (${number(v)})`,
  RECENCY: (v, best) => `année ${best.year || "inconnue"} (${number(v)})`,
  OUTCOME: (v, best) => `issue : ${best.outcome ? label(OUTCOMES, best.outcome) : "inconnue"} (${number(v)})`,
  ROLE: (v, best) => `rôle de ${label(ROLES, best.role)} (${number(v)})`,
  CASES: (v, _best, item) =>
    item.evidence.length > 1
      ? `${item.evidence.length} cas comptés sur ${item.casesFound} trouvés, bonus × ${number(v)}`
      : `un seul cas compté (× ${number(v)})`,
  PEER: (v) => (v > 1 ? `même type d'acteur que le bénéficiaire (× ${number(v)})` : `autre type d'acteur (× ${number(v)})`),
  SIZE: (v) => `taille comparable (× ${number(v)})`,
  TRUST: (v) => (v > 1 ? `déjà lié par des coopérations (× ${number(v)})` : `pas de lien de coopération connu (× ${number(v)})`),
};

export function scoreSentence(item) {
  const best = item.evidence[0];
  if (!best) return `Score ${number(item.score)}.`;
  const parts = item.scoreFactors.map((f) => (FACTOR_WHY[f.name] || ((v) => `${label(FACTORS, f.name)} ${number(v)}`))(f.value, best, item));
  return `Score ${number(item.score)} : son meilleur cas compte ${number(best.caseScore)} — ${parts.join(" ; ")}.`;
}

export function evidenceList(item) {
  return h(
    "ol",
    { class: "evidence" },
    item.evidence.map((e) =>
      h(
        "li",
        {},
        h("strong", {}, label(ROLES, e.role)),
        " dans ",
        e.conflict ? h("a", { href: `#/conflit/${encodeURIComponent(e.conflict.id)}` }, `« ${e.title} »`) : `« ${e.title} »`,
        e.conflictType ? ` (${e.conflictType.label}, ${label(MATCHES, e.match)})` : "",
        e.place ? `, ${e.place.name}` : "",
        e.year ? `, ${e.year}` : "",
        e.startedYear && e.startedYear !== e.year ? ` (commencé en ${e.startedYear})` : "",
        `, à ${km(e.distanceKm)} ${e.measuredFrom === "BASE" ? "(base de l'acteur)" : "(lieu du cas)"}`,
        e.outcome ? `, issue : ${label(OUTCOMES, e.outcome)}` : "",
        h(
          "span",
          { class: "factors" },
          ` — cas ${number(e.caseScore)} = type ${number(e.factors.type)} × proximité ${number(e.factors.distance)} × ancienneté ${number(e.factors.recency)} × issue ${number(e.factors.outcome)} × rôle ${number(e.factors.role)}` +
            (e.rank > 1 ? `, ${e.rank}e cas (poids ${number(e.rankWeight)})` : "") +
            `, apporte ${number(e.contribution)}`,
        ),
      ),
    ),
  );
}
