// Mécénat d'expérience: the candidate sponsors for an authority's need, each score explained, and
// where each candidate stands in the workflow (sponsorships under way against its capacity).

import { gql } from "../api.js";
import { combobox } from "../combobox.js";
import { h, clear, put, errorBox, km, number } from "../dom.js";
import { EVIDENCE_FIELDS, evidenceList, scoreSentence } from "../explain.js";
import { KINDS, label } from "../labels.js";
import { conflictTypeOption, typeOptions } from "./match.js";

const PAGE = 10;

const BENEFICIARIES = `query Beneficiaries($search: String!) {
  actors(search: $search, first: 8) { nodes { id name kind basedIn { name code } } }
}`;

const BENEFICIARY = `query Beneficiary($id: ID!) { actor(id: $id) { id name kind basedIn { name code } } }`;

export const CANDIDATES = `query Candidates($beneficiary: ID!, $type: String!, $radius: Float!, $first: Int!, $after: String) {
  sponsorshipCandidates(beneficiary: $beneficiary, need: {conflictType: $type}, radiusKm: $radius, first: $first, after: $after) {
    withinRadius radiusKm searchedUpToKm
    conflictType { label }
    pageInfo { hasNextPage endCursor }
    nodes {
      score experience distanceKm beyondRadius casesFound activeSponsorships capacity
      actor { id name kind }
      basedIn { name }
      cooperationPath { hops actors { id name } }
      scoreFactors { name value }
      ${EVIDENCE_FIELDS}
    }
  }
}`;

const STEPS = [
  ["Proposée", "le parrain, le bénéficiaire ou la plateforme propose (proposeSponsorship)"],
  ["Acceptée ou déclinée", "la partie sollicitée répond (respondToSponsorship) ; un refus donne sa raison"],
  ["En cours", "l'une des parties la démarre (startSponsorship) : un lien de coopération est créé"],
  ["Terminée", "l'une des parties la clôt avec son issue et un retour (completeSponsorship) : elle devient une expérience du parrain"],
];

async function beneficiaryOptions(text) {
  if (text.length < 2) return [];
  const data = await gql(BENEFICIARIES, { search: text });
  return data.actors.nodes.map((a) => ({
    value: a.id,
    label: a.name,
    detail: [label(KINDS, a.kind), a.basedIn ? a.basedIn.name : null].filter(Boolean).join(" · "),
  }));
}

export async function sponsorshipPage(main, params) {
  const who = combobox({
    id: "beneficiaire",
    label: "Bénéficiaire",
    hint: "La collectivité ou l'acteur qui a le besoin (nom)",
    placeholder: "ex. Commune de Rennes",
    source: beneficiaryOptions,
    onPick: () => {},
    minLength: 2,
  });
  const need = combobox({
    id: "besoin",
    label: "Besoin : type de conflit",
    hint: "Le problème à traiter : éolien, bassine, bruit…",
    placeholder: "ex. retenue d'irrigation",
    source: typeOptions,
    onPick: () => {},
  });
  const radius = h("input", { id: "rayon-mecenat", type: "number", min: "5", max: "300", step: "5", value: params.get("rayon") || "100", inputmode: "numeric" });
  const form = h(
    "form",
    { class: "search", "aria-labelledby": "titre-mecenat" },
    who.element,
    need.element,
    h("div", { class: "field radius-field" }, h("label", { for: "rayon-mecenat" }, "Rayon (km)"), radius),
    h("div", { class: "field submit" }, h("button", { type: "submit" }, "Trouver des parrains")),
  );
  const message = h("div", { class: "message", "aria-live": "polite" });
  const results = h("section", { class: "results", "aria-label": "Parrains possibles" });
  put(main, 
    h("h1", { id: "titre-mecenat" }, "Mécénat d'expérience : qui peut parrainer ?"),
    h("p", { class: "lead" }, "Pour le besoin d'une collectivité, les acteurs expérimentés ouverts au mécénat et disponibles, en préférant les pairs de taille comparable et ceux déjà liés au bénéficiaire par des coopérations."),
    form,
    message,
    results,
    h(
      "section",
      { class: "block" },
      h("h2", {}, "Les étapes d'un mécénat"),
      h("ol", { class: "steps" }, STEPS.map(([step, how]) => h("li", {}, h("strong", {}, step), ` — ${how}`))),
      h("p", { class: "hint" }, "Chaque étape est une mutation de l'API, réservée aux éditeurs du parrain ou du bénéficiaire (clé d'API) ; l'explorateur, anonyme, montre les candidats et leur disponibilité."),
    ),
  );

  if (params.get("beneficiaire")) {
    try {
      const data = await gql(BENEFICIARY, { id: params.get("beneficiaire") });
      if (data.actor) who.set({ value: data.actor.id, label: data.actor.name });
    } catch (error) {
      message.append(errorBox(error));
    }
  }
  if (params.get("besoin")) {
    const found = await conflictTypeOption(params.get("besoin")).catch(() => null);
    if (found) need.set(found);
  }

  const cursors = [null];
  async function run(pageIndex) {
    put(message, h("p", { class: "loading" }, "Recherche…"));
    let data;
    try {
      data = await gql(CANDIDATES, { beneficiary: who.picked.value, type: need.picked.value, radius: Number(radius.value) || 100, first: PAGE, after: cursors[pageIndex] });
    } catch (error) {
      put(message, errorBox(error));
      return;
    }
    const ranking = data.sponsorshipCandidates;
    cursors[pageIndex + 1] = ranking.pageInfo.endCursor;
    put(message, 
      h(
        "p",
        { class: "summary" },
        `${ranking.withinRadius} parrain${ranking.withinRadius > 1 ? "s" : ""} possible${ranking.withinRadius > 1 ? "s" : ""} dans un rayon de ${km(ranking.radiusKm)} pour « ${ranking.conflictType ? ranking.conflictType.label : need.picked.label} ».`,
        ranking.searchedUpToKm ? ` Recherche étendue jusqu'à ${km(ranking.searchedUpToKm)}.` : "",
      ),
    );
    const pager = h("nav", { class: "pager", "aria-label": "Pages de candidats" });
    if (pageIndex > 0) pager.append(h("button", { type: "button", onclick: () => run(pageIndex - 1) }, "← Précédents"));
    pager.append(h("span", {}, `Page ${pageIndex + 1}`));
    if (ranking.pageInfo.hasNextPage) pager.append(h("button", { type: "button", onclick: () => run(pageIndex + 1) }, "Suivants →"));
    put(results, 
      ranking.nodes.length
        ? h(
            "ol",
            { class: "ranking", start: pageIndex * PAGE + 1 },
            ranking.nodes.map((c) =>
              h(
                "li",
                { "data-id": c.actor.id, class: c.beyondRadius ? "beyond" : null },
                h("h3", {}, h("a", { href: `#/acteur/${encodeURIComponent(c.actor.id)}` }, c.actor.name)),
                h(
                  "p",
                  { class: "meta" },
                  `${label(KINDS, c.actor.kind)}${c.basedIn ? ` · ${c.basedIn.name}` : ""} · à ${km(c.distanceKm)} · score ${number(c.score)} · ${c.activeSponsorships} mécénat${c.activeSponsorships > 1 ? "s" : ""} en cours sur ${c.capacity} possible${c.capacity > 1 ? "s" : ""}`,
                  c.beyondRadius ? h("span", { class: "badge" }, "au-delà du rayon") : null,
                ),
                c.cooperationPath
                  ? h("p", { class: "path" }, `Déjà lié au bénéficiaire en ${c.cooperationPath.hops} saut${c.cooperationPath.hops > 1 ? "s" : ""} : ${c.cooperationPath.actors.map((a) => a.name).join(" → ")}`)
                  : null,
                h("details", { class: "why" }, h("summary", {}, `Pourquoi ? ${c.evidence.length} cas`), h("p", {}, scoreSentence(c)), evidenceList(c)),
              ),
            ),
          )
        : h("p", {}, "Aucun parrain disponible pour ce besoin dans ce rayon."),
      pager,
    );
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!who.picked || !need.picked) {
      put(message, h("p", { class: "error", role: "alert" }, !who.picked ? "Choisissez un bénéficiaire dans la liste proposée." : "Choisissez un type de conflit dans la liste proposée."));
      (!who.picked ? who.input : need.input).focus();
      return;
    }
    history.pushState(null, "", `#/mecenat?${new URLSearchParams({ beneficiaire: who.picked.value, besoin: need.picked.value, rayon: radius.value })}`);
    cursors.length = 1;
    run(0);
  });
  if (who.picked && need.picked) await run(0);
}
