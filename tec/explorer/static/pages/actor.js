// An actor's page: profile, cases, projects, resources, cooperations, and its neighbourhood as a graph.

import { gql } from "../api.js";
import { h, clear, put, errorBox } from "../dom.js";
import { drawGraph } from "../graph.js";
import { COOPERATIONS, KINDS, PROJECT_ROLES, RESOURCE_KINDS, ROLES, label } from "../labels.js";

export const ACTOR = `query ActorPage($id: ID!, $depth: Int!) {
  actor(id: $id) {
    id name kind description website openToSponsorship sponsorshipCapacity
    basedIn { name code parent { name } }
    actsIn(first: 10) { name code }
    themes(first: 10) { label }
    conflicts(first: 30) { role from to conflict { id title year status type { label } territory { name } } }
    projects(first: 20) { role project { id title status territory { name } } }
    resources(first: 20) { id title kind url publishedOn }
    cooperations(first: 30) { kind since until partner { id name kind } }
    networks(first: 10) { id name }
  }
  neighbourhood(id: $id, depth: $depth, relationshipTypes: [COOPERATES_WITH, MEMBER_OF], limit: 60) {
    ... on Subgraph { truncated nodes { id label labels depth } edges { type source target } }
    ... on NotFound { message }
  }
}`;

function section(title, items, render, empty) {
  return h("section", { class: "block" }, h("h2", {}, title), items.length ? h("ul", {}, items.map((item) => h("li", {}, render(item)))) : h("p", { class: "empty" }, empty));
}

export async function actorPage(main, id, params) {
  const depth = params.get("profondeur") === "1" ? 1 : 2;
  let data;
  try {
    data = await gql(ACTOR, { id, depth });
  } catch (error) {
    put(main, errorBox(error));
    return;
  }
  const actor = data.actor;
  if (!actor) {
    put(main, h("h1", {}, "Acteur introuvable"), h("p", {}, "Aucun acteur ne porte cet identifiant."));
    return;
  }
  document.title = `${actor.name} — Territoires en commun`;
  const graphBox = h("div", { class: "graph-box" });
  const exportId = encodeURIComponent(actor.id);
  put(main, 
    h("p", { class: "crumbs" }, h("a", { href: "#/annuaire" }, "Annuaire"), " › ", actor.name),
    h("h1", {}, actor.name),
    h(
      "p",
      { class: "meta" },
      label(KINDS, actor.kind),
      actor.basedIn ? ` · basé à ${actor.basedIn.name} (${actor.basedIn.code})` : "",
      actor.openToSponsorship ? h("span", { class: "badge ok" }, "ouvert au mécénat d'expérience") : null,
    ),
    actor.description ? h("p", { class: "description" }, actor.description) : null,
    h("p", {}, h("a", { href: `#/mecenat?beneficiaire=${encodeURIComponent(actor.id)}` }, "Trouver des parrains pour un besoin de cet acteur")),
    h("p", {}, h("a", { href: `#/besoins?acteur=${encodeURIComponent(actor.id)}&statut=` }, "Les besoins publiés par cet acteur")),
    actor.website ? h("p", {}, "Site : ", h("a", { href: actor.website, rel: "noopener noreferrer" }, actor.website)) : null,
    actor.themes.length ? h("p", { class: "tags" }, actor.themes.map((t) => h("span", { class: "tag" }, t.label))) : null,
    actor.actsIn.length ? h("p", {}, "Agit sur : ", actor.actsIn.map((t) => t.name).join(", ")) : null,
    h(
      "div",
      { class: "columns" },
      section(
        "Cas de conflits",
        actor.conflicts,
        (c) => [
          h("a", { href: `#/conflit/${encodeURIComponent(c.conflict.id)}` }, c.conflict.title),
          ` — ${label(ROLES, c.role)}`,
          c.conflict.type ? `, ${c.conflict.type.label}` : "",
          c.conflict.territory ? `, ${c.conflict.territory.name}` : "",
          c.conflict.year ? `, ${c.conflict.year}` : "",
        ],
        "Aucun cas connu.",
      ),
      section("Projets", actor.projects, (p) => [`${label(PROJECT_ROLES, p.role)} « ${p.project.title} »`, p.project.territory ? ` (${p.project.territory.name})` : ""], "Aucun projet connu."),
      section(
        "Ressources",
        actor.resources,
        (r) => [r.url ? h("a", { href: r.url, rel: "noopener noreferrer" }, r.title) : r.title, ` — ${label(RESOURCE_KINDS, r.kind)}`, r.publishedOn ? `, ${r.publishedOn.slice(0, 4)}` : ""],
        "Aucune ressource publiée.",
      ),
      section(
        "Coopérations",
        actor.cooperations,
        (c) => [h("a", { href: `#/acteur/${encodeURIComponent(c.partner.id)}` }, c.partner.name), ` — ${label(COOPERATIONS, c.kind)}`, c.since ? ` depuis ${c.since}` : ""],
        "Aucune coopération connue.",
      ),
    ),
    h(
      "section",
      { class: "block neighbourhood", "aria-labelledby": "voisinage" },
      h("h2", { id: "voisinage" }, `Voisinage de coopération (${depth} saut${depth > 1 ? "s" : ""})`),
      h(
        "p",
        {},
        depth === 2 ? h("a", { href: `#/acteur/${exportId}?profondeur=1` }, "Voir 1 saut") : h("a", { href: `#/acteur/${exportId}` }, "Voir 2 sauts"),
        " · Exporter : ",
        h("a", { href: `/export/neighbourhood.graphml?id=${exportId}&depth=${depth}&types=COOPERATES_WITH,MEMBER_OF`, download: "" }, "GraphML (Gephi)"),
        " · ",
        h("a", { href: `/export/neighbourhood.geojson?id=${exportId}&depth=${depth}&types=COOPERATES_WITH,MEMBER_OF`, download: "" }, "GeoJSON"),
      ),
      graphBox,
    ),
  );
  const sub = data.neighbourhood;
  if (!sub || !sub.nodes) {
    graphBox.append(h("p", {}, (sub && sub.message) || "Voisinage indisponible."));
    return;
  }
  if (sub.nodes.length <= 1) {
    graphBox.append(h("p", {}, "Aucune coopération ni réseau connu autour de cet acteur."));
    return;
  }
  drawGraph(graphBox, sub, actor.id);
  const partners = sub.nodes.filter((n) => n.id !== actor.id);
  graphBox.append(
    h(
      "details",
      { class: "graph-list" },
      h("summary", {}, `Les ${partners.length} acteurs du voisinage, en liste`),
      h("ul", {}, partners.map((n) => h("li", {}, h("a", { href: `#/acteur/${encodeURIComponent(n.id)}` }, n.label), ` — à ${n.depth} saut${n.depth > 1 ? "s" : ""}`))),
    ),
  );
  if (sub.truncated) graphBox.append(h("p", { class: "hint" }, "Voisinage tronqué à 60 acteurs."));
}
