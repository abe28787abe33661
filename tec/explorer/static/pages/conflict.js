// A conflict's page: parties, type, place, and the experienced actors near it.

import { gql } from "../api.js";
import { h, clear, put, errorBox, km, number } from "../dom.js";
import { INTENSITIES, KINDS, OUTCOMES, ROLES, STATUSES, TEAM_ROLES, UNFILLED, label } from "../labels.js";

export const CONFLICT = `query ConflictPage($id: ID!) {
  conflict(id: $id) {
    id title summary status intensity year startedOn endedOn outcome
    location { lat lon }
    type { code label parent { label } }
    territory { name code parent { name } }
    project { title }
    actors(first: 30) { role actor { id name kind } }
  }
}`;

const NEARBY = `query Nearby($type: String!, $lat: Float!, $lon: Float!) {
  experiencedActors(conflictType: $type, near: {lat: $lat, lon: $lon}, radiusKm: 50, first: 5) {
    radiusKm
    nodes { score distanceKm beyondRadius actor { id name kind } }
  }
}`;

export const TEAM = `query TaskForce($id: ID!) {
  taskForceProposal(conflict: $id, size: 5) {
    radiusKm
    members { role score distanceKm actor { id name kind } basedIn { name } cases { __typename } }
    unfilledRoles { role reason }
  }
}`;

async function showTeam(section, id) {
  const title = h("h2", {}, "Proposition d'équipe d'appui (task force)");
  try {
    const team = (await gql(TEAM, { id })).taskForceProposal;
    put(section, 
      title,
      h("p", { class: "hint" }, `Cinq rôles, des membres à moins de ${km(team.radiusKm)}, jamais deux de la même organisation ni les parties du conflit.`),
      team.members.length
        ? h(
            "ul",
            { class: "team" },
            team.members.map((m) =>
              h(
                "li",
                {},
                h("strong", {}, label(TEAM_ROLES, m.role)),
                " : ",
                h("a", { href: `#/acteur/${encodeURIComponent(m.actor.id)}` }, m.actor.name),
                ` — ${label(KINDS, m.actor.kind)}${m.basedIn ? `, ${m.basedIn.name}` : ""}, à ${km(m.distanceKm)}, ${m.cases.length} cas à l'appui`,
              ),
            ),
          )
        : h("p", {}, "Personne à portée pour ces rôles."),
      team.unfilledRoles.length
        ? h("p", {}, "Rôles non pourvus : ", team.unfilledRoles.map((r) => `${label(TEAM_ROLES, r.role)} (${label(UNFILLED, r.reason)})`).join(" ; "))
        : null,
    );
  } catch (error) {
    put(section, title, errorBox(error));
  }
}

export async function conflictPage(main, id) {
  let data;
  try {
    data = await gql(CONFLICT, { id });
  } catch (error) {
    put(main, errorBox(error));
    return;
  }
  const c = data.conflict;
  if (!c) {
    put(main, h("h1", {}, "Conflit introuvable"), h("p", {}, "Aucun conflit ne porte cet identifiant."));
    return;
  }
  document.title = `${c.title} — Territoires en commun`;
  const nearby = h("section", { class: "block" }, h("h2", {}, "Acteurs expérimentés à proximité"), h("p", { class: "loading" }, "Recherche…"));
  const team = h("section", { class: "block team-block" }, h("h2", {}, "Proposition d'équipe d'appui (task force)"), h("p", { class: "loading" }, "Composition…"));
  const rows = [
    ["Type", c.type ? `${c.type.label}${c.type.parent ? ` (${c.type.parent.label})` : ""}` : "—"],
    ["Lieu", c.territory ? `${c.territory.name} (${c.territory.code})${c.territory.parent ? `, ${c.territory.parent.name}` : ""}` : "—"],
    ["Statut", label(STATUSES, c.status)],
    ["Intensité", label(INTENSITIES, c.intensity)],
    ["Période", [c.startedOn || c.year, c.endedOn].filter(Boolean).join(" → ") || "—"],
    ["Issue", label(OUTCOMES, c.outcome)],
    ["Projet", c.project ? c.project.title : "—"],
  ];
  put(main, 
    h("h1", {}, c.title),
    c.summary ? h("p", { class: "description" }, c.summary) : null,
    h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h(
      "section",
      { class: "block" },
      h("h2", {}, "Parties et intervenants"),
      c.actors.length
        ? h("ul", {}, c.actors.map((p) => h("li", {}, h("a", { href: `#/acteur/${encodeURIComponent(p.actor.id)}` }, p.actor.name), ` — ${label(ROLES, p.role)} (${label(KINDS, p.actor.kind)})`)))
        : h("p", {}, "Aucun acteur connu."),
    ),
    nearby,
    team,
  );
  const teamShown = showTeam(team, c.id);
  if (!c.type || !c.location) {
    put(nearby, h("h2", {}, "Acteurs expérimentés à proximité"), h("p", {}, "Type ou lieu inconnu : pas de recherche possible."));
    await teamShown;
    return;
  }
  try {
    const found = (await gql(NEARBY, { type: c.type.code, lat: c.location.lat, lon: c.location.lon })).experiencedActors;
    const parties = new Set(c.actors.map((p) => p.actor.id));
    const others = found.nodes.filter((n) => !parties.has(n.actor.id));
    put(nearby, 
      h("h2", {}, "Acteurs expérimentés à proximité"),
      others.length
        ? h(
            "ol",
            {},
            others.map((n) =>
              h("li", {}, h("a", { href: `#/acteur/${encodeURIComponent(n.actor.id)}` }, n.actor.name), ` — ${label(KINDS, n.actor.kind)}, à ${km(n.distanceKm)}, score ${number(n.score)}`, n.beyondRadius ? h("span", { class: "badge" }, "au-delà du rayon") : null),
            ),
          )
        : h("p", {}, "Aucun autre acteur expérimenté à moins de 50 km."),
      h("p", {}, h("a", { href: `#/?${new URLSearchParams({ type: c.type.code, lieu: c.territory ? c.territory.code : "", nom: c.territory ? c.territory.name : "" })}` }, "Voir sur la carte")),
    );
  } catch (error) {
    put(nearby, h("h2", {}, "Acteurs expérimentés à proximité"), errorBox(error));
  }
  await teamShown;
}
