// The needs board: needs filtered like the directory (territory, conflict type, theme, status, poster),
// counts and pages, each on the map; its candidates and task force on demand; new needs live.

import { explorerConfig, gql } from "../api.js";
import { combobox } from "../combobox.js";
import { h, put, errorBox, km, number } from "../dom.js";
import { EVIDENCE_FIELDS, evidenceList, scoreSentence } from "../explain.js";
import { follow } from "../live.js";
import { KINDS, NEED_HELP, NEED_OUTCOMES, NEED_STATUSES, SPONSORSHIP_STATUSES, TEAM_ROLES, label } from "../labels.js";
import { drawMap } from "../map.js";
import { filterThemes, territoryOptions } from "./directory.js";
import { conflictTypeOption, typeOptions } from "./match.js";

const PAGE = 10;

const POSTER = `query Poster($id: ID!) { actor(id: $id) { id name } }`;

// What a card of the board shows of a need (a live event fetches the same for the need it names).
const NEED_CARD = `fragment NeedCard on Need {
  id description status help dueOn postedAt outcome
  actor { id name kind }
  conflictType { code label }
  theme { label }
  territory { name code location { lat lon } }
  conflict { id title }
}`;

export const NEEDS = `query Needs($where: NeedWhere, $first: Int!, $after: String) {
  needs(where: $where, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ...NeedCard }
  }
}
${NEED_CARD}`;

const NEED = `query Need($id: ID!) { node(id: $id) { ... on Need { ...NeedCard } } }
${NEED_CARD}`;

export const HELPERS = `query NeedHelpers($id: ID!, $withTeam: Boolean!) {
  node(id: $id) {
    ... on Need {
      sponsorships(first: 10) { id status proposedAt startedOn completedOn sponsor { id name } }
      candidates(first: 5) {
        radiusKm withinRadius
        nodes {
          score distanceKm beyondRadius casesFound activeSponsorships capacity
          actor { id name kind }
          scoreFactors { name value }
          ${EVIDENCE_FIELDS}
        }
      }
      taskForceProposal(size: 5) @include(if: $withTeam) {
        radiusKm
        members { role distanceKm actor { id name } }
        unfilledRoles { role }
      }
    }
  }
}`;

export const FOLLOW = `subscription FollowNeeds($kinds: [EventKind!], $after: String) {
  events(kinds: $kinds, after: $after) { id seq at kind records payload }
}`;

const LIVE_KINDS = ["NEED_POSTED", "NEED_UPDATED", "NEED_CLOSED", "CONFLICT_CREATED", "TASK_FORCE_CREATED"];

const EVENT_TEXT = {
  NEED_POSTED: "Nouveau besoin",
  NEED_UPDATED: "Besoin modifié",
  NEED_CLOSED: "Besoin clos",
  CONFLICT_CREATED: "Nouveau conflit signalé",
  TASK_FORCE_CREATED: "Équipe d'appui constituée",
};

function date(value) {
  return value ? new Date(value).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" }) : "";
}

function needCard(need) {
  const about = need.conflictType ? need.conflictType.label : need.theme ? `thème ${need.theme.label}` : "—";
  const helpers = h("div", { class: "helpers" });
  const details = h("details", { class: "why" }, h("summary", {}, need.conflict ? "Qui peut aider ? Parrains et équipe d'appui" : "Qui peut aider ? Parrains possibles"), helpers);
  let loaded = false;
  details.addEventListener("toggle", () => {
    if (details.open && !loaded) {
      loaded = true;
      showHelpers(helpers, need);
    }
  });
  return h(
    "li",
    { "data-id": need.id, class: need.status === "CLOSED" ? "closed" : null },
    h("h3", {}, about, need.territory ? ` — ${need.territory.name}` : ""),
    h(
      "p",
      { class: "meta" },
      "Posté par ",
      need.actor ? h("a", { href: `#/acteur/${encodeURIComponent(need.actor.id)}` }, need.actor.name) : "un acteur",
      need.postedAt ? ` le ${date(need.postedAt)}` : "",
      ` · cherche ${need.help.map((x) => label(NEED_HELP, x)).join(", ")}`,
      need.dueOn ? ` · avant le ${date(need.dueOn)}` : "",
      " · ",
      h("span", { class: "badge" }, need.status === "CLOSED" && need.outcome ? `clos : ${label(NEED_OUTCOMES, need.outcome)}` : label(NEED_STATUSES, need.status)),
    ),
    h("p", { class: "description" }, need.description),
    need.conflict ? h("p", {}, "À propos du conflit ", h("a", { href: `#/conflit/${encodeURIComponent(need.conflict.id)}` }, `« ${need.conflict.title} »`)) : null,
    details,
  );
}

async function showHelpers(section, need) {
  put(section, h("p", { class: "loading" }, "Recherche…"));
  let found;
  try {
    found = (await gql(HELPERS, { id: need.id, withTeam: Boolean(need.conflict) })).node;
  } catch (error) {
    put(section, errorBox(error));
    return;
  }
  const ranking = found.candidates;
  const team = found.taskForceProposal;
  const running = found.sponsorships || [];
  put(
    section,
    running.length
      ? [
          h("h4", {}, "Mécénats proposés pour ce besoin"),
          h(
            "ul",
            { class: "workflow" },
            running.map((s) =>
              h(
                "li",
                { "data-status": s.status },
                s.sponsor ? h("a", { href: `#/acteur/${encodeURIComponent(s.sponsor.id)}` }, s.sponsor.name) : "un parrain",
                ` : ${label(SPONSORSHIP_STATUSES, s.status)}`,
                s.proposedAt ? `, proposé le ${date(s.proposedAt)}` : "",
                s.startedOn ? `, commencé le ${date(s.startedOn)}` : "",
                s.completedOn ? `, terminé le ${date(s.completedOn)}` : "",
              ),
            ),
          ),
        ]
      : null,
    h("h4", {}, `Parrains possibles (${ranking.withinRadius} dans un rayon de ${km(ranking.radiusKm)})`),
    ranking.nodes.length
      ? h(
          "ol",
          { class: "ranking candidates" },
          ranking.nodes.map((c) =>
            h(
              "li",
              { class: c.beyondRadius ? "beyond" : null },
              h("a", { href: `#/acteur/${encodeURIComponent(c.actor.id)}` }, c.actor.name),
              ` — ${label(KINDS, c.actor.kind)}, à ${km(c.distanceKm)}, score ${number(c.score)}, ${c.activeSponsorships} mécénat${c.activeSponsorships > 1 ? "s" : ""} en cours sur ${c.capacity} possible${c.capacity > 1 ? "s" : ""}`,
              c.beyondRadius ? h("span", { class: "badge" }, "au-delà du rayon") : null,
              h("p", {}, scoreSentence(c)),
              evidenceList(c),
            ),
          ),
        )
      : h("p", {}, "Aucun parrain disponible à portée."),
    team
      ? [
          h("h4", {}, "Proposition d'équipe d'appui pour le conflit"),
          team.members.length
            ? h(
                "ul",
                { class: "team" },
                team.members.map((m) => h("li", {}, h("strong", {}, label(TEAM_ROLES, m.role)), " : ", h("a", { href: `#/acteur/${encodeURIComponent(m.actor.id)}` }, m.actor.name), `, à ${km(m.distanceKm)}`)),
              )
            : h("p", {}, "Personne à portée pour ces rôles."),
          team.unfilledRoles.length ? h("p", {}, `Rôles non pourvus : ${team.unfilledRoles.map((r) => label(TEAM_ROLES, r.role)).join(", ")}`) : null,
        ]
      : null,
  );
}

function matches(need, params) {
  // a need arriving live joins the list only when it fits the filters the API can be trusted to check cheaply
  if (params.get("statut") && params.get("statut") !== need.status) return false;
  if (params.get("acteur") && (!need.actor || need.actor.id !== params.get("acteur"))) return false;
  return !params.get("territoire") && !params.get("type") && !params.get("theme");
}

export async function needsPage(main, params) {
  const themes = await filterThemes(main);
  if (!themes) return;
  const territory = combobox({
    id: "territoire-besoin",
    label: "Territoire",
    hint: "Commune, intercommunalité, département ou région (nom ou code) : les besoins qui y sont situés",
    placeholder: "ex. Finistère, 35238",
    source: territoryOptions,
    onPick: () => {},
    minLength: 2,
  });
  if (params.get("territoire")) territory.set({ value: params.get("territoire"), label: params.get("nomTerritoire") || params.get("territoire") });
  const type = combobox({
    id: "type-besoin",
    label: "Type de conflit",
    hint: "Les besoins sur ce type ou un type plus précis",
    placeholder: "ex. éolien",
    source: typeOptions,
    onPick: () => {},
  });
  if (params.get("type")) {
    const found = await conflictTypeOption(params.get("type")).catch(() => null);
    if (found) type.set(found);
  }
  const theme = h("select", { id: "theme-besoin" }, h("option", { value: "" }, "Tous"), themes.map((t) => h("option", { value: t.code, selected: params.get("theme") === t.code }, t.label)));
  const status = params.has("statut") ? params.get("statut") : "OPEN";
  const statusField = h(
    "select",
    { id: "statut" },
    [["OPEN", "Ouverts"], ["CLOSED", "Clos"], ["", "Tous"]].map(([code, text]) => h("option", { value: code, selected: status === code }, text)),
  );
  let poster = null;
  if (params.get("acteur")) {
    try {
      poster = (await gql(POSTER, { id: params.get("acteur") })).actor;
    } catch (error) {
      put(main, errorBox(error));
      return;
    }
  }
  const form = h(
    "form",
    { class: "search needs-form", role: "search", "aria-label": "Filtrer les besoins" },
    territory.element,
    type.element,
    h("div", { class: "field" }, h("label", { for: "theme-besoin" }, "Thème"), theme),
    h("div", { class: "field" }, h("label", { for: "statut" }, "Statut"), statusField),
    h("div", { class: "field submit" }, h("button", { type: "submit" }, "Filtrer")),
  );
  const liveState = h("p", { class: "live-state" }, "Alertes en direct : connexion…");
  const liveList = h("ol", { class: "live-events" });
  const live = h(
    "section",
    { class: "block live", "aria-labelledby": "titre-direct" },
    h("h2", { id: "titre-direct" }, "En direct"),
    liveState,
    h("div", { role: "log", "aria-live": "polite", "aria-label": "Besoins et événements arrivés depuis l'ouverture de la page" }, liveList),
  );
  const mapBox = h("div", { class: "map-box needs-map" });
  const results = h("section", { class: "needs", "aria-live": "polite", "aria-labelledby": "besoins-resultats" });
  put(
    main,
    h("h1", {}, poster ? `Besoins de ${poster.name}` : "Besoins des territoires"),
    h("p", { class: "lead" }, "Ce que les collectivités et les acteurs locaux cherchent : un parrain qui a déjà traité ce type de conflit, une équipe d'appui, des ressources. Pour chaque besoin, les acteurs qui peuvent aider, classés et expliqués."),
    form,
    live,
    h("div", { class: "board" }, results, mapBox),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    const place = territory.picked || (territory.input.value.trim() ? { value: territory.input.value.trim(), label: territory.input.value.trim() } : null);
    if (place) {
      query.set("territoire", place.value);
      query.set("nomTerritoire", place.label);
    }
    if (type.picked && type.input.value.trim()) query.set("type", type.picked.value);
    if (theme.value) query.set("theme", theme.value);
    query.set("statut", statusField.value);
    if (params.get("acteur")) query.set("acteur", params.get("acteur"));
    location.hash = `#/besoins?${query}`;
  });

  const where = {};
  if (params.get("territoire")) where.within = params.get("territoire");
  if (params.get("type")) where.conflictType = params.get("type");
  if (params.get("theme")) where.theme = params.get("theme");
  if (status) where.status = status;
  if (params.get("acteur")) where.actor = params.get("acteur");

  let list = null;
  let shown = [];
  async function redraw() {
    const placed = shown.filter((n) => n.territory && n.territory.location);
    await drawMap(
      mapBox,
      {
        label: `Carte des ${placed.length} besoins de la page`,
        minSize: 70, // a region around the needs, not a commune's streets
        tiles: (await explorerConfig()).mapTiles,
        markers: placed.map((n) => ({
          id: n.id,
          kind: "base",
          lat: n.territory.location.lat,
          lon: n.territory.location.lon,
          label: `${n.conflictType ? n.conflictType.label : n.theme ? n.theme.label : "Besoin"} — ${n.territory.name}${n.actor ? `, ${n.actor.name}` : ""}`,
        })),
      },
      (id) => {
        const card = results.querySelector(`li[data-id="${CSS.escape(id)}"]`);
        if (card) {
          card.scrollIntoView({ block: "center" });
          card.querySelector("summary").focus();
        }
      },
    );
  }

  const cursors = [null];
  let total = 0;
  async function run(pageIndex) {
    let data;
    try {
      data = await gql(NEEDS, { where, first: PAGE, after: cursors[pageIndex] });
    } catch (error) {
      put(results, errorBox(error));
      return;
    }
    const needs = data.needs;
    cursors[pageIndex + 1] = needs.pageInfo.endCursor;
    total = needs.totalCount;
    shown = needs.nodes;
    const from = pageIndex * PAGE + 1;
    const to = pageIndex * PAGE + needs.nodes.length;
    const pager = h("nav", { class: "pager", "aria-label": "Pages de besoins" });
    if (pageIndex > 0) pager.append(h("button", { type: "button", onclick: () => run(pageIndex - 1) }, "← Précédents"));
    if (needs.pageInfo.hasNextPage) pager.append(h("button", { type: "button", onclick: () => run(pageIndex + 1) }, "Suivants →"));
    list = h("ul", { class: "cards needs-list" }, needs.nodes.map(needCard));
    put(results, h("h2", { id: "besoins-resultats", class: "count" }, countText(total, from, to)), list, pager);
    list.dataset.page = String(pageIndex);
    await redraw();
  }

  function countText(count, from, to) {
    if (count === 0) return "Aucun besoin trouvé";
    return `${count.toLocaleString("fr-FR")} besoin${count > 1 ? "s" : ""} — ${from} à ${to}`;
  }

  async function arrived(event) {
    const [first] = event.records;
    let need = null;
    if (event.kind.startsWith("NEED_") && first) {
      need = (await gql(NEED, { id: first }).catch(() => ({ node: null }))).node;
    }
    const what = need ? `${need.conflictType ? need.conflictType.label : need.theme ? need.theme.label : ""}${need.territory ? `, ${need.territory.name}` : ""}${need.actor ? ` (${need.actor.name})` : ""}` : "";
    const time = new Date(event.at).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    liveList.prepend(
      h(
        "li",
        { "data-kind": event.kind, "data-record": first || "" },
        h("time", { datetime: event.at }, time),
        ` ${EVENT_TEXT[event.kind] || event.kind}`,
        what ? " : " : "",
        what,
        event.kind === "CONFLICT_CREATED" && first ? [" — ", h("a", { href: `#/conflit/${encodeURIComponent(first)}` }, "voir le conflit")] : null,
      ),
    );
    while (liveList.children.length > 20) liveList.lastElementChild.remove();
    if (!need || !list) return;
    const card = list.querySelector(`li[data-id="${CSS.escape(need.id)}"]`);
    if (card) card.replaceWith(needCard(need));
    else if (event.kind === "NEED_POSTED" && list.dataset.page === "0" && matches(need, params)) {
      list.prepend(needCard(need));
      shown = [need, ...shown];
      total += 1;
      const heading = results.querySelector("h2.count");
      put(heading, countText(total, 1, list.children.length));
      await redraw();
    }
  }

  follow(
    FOLLOW,
    { kinds: LIVE_KINDS },
    {
      next: (data) => arrived(data.events),
      error: (message) => put(liveState, h("span", { class: "error" }, `Alertes en direct indisponibles : ${message}`)),
      status: (state, delay) => {
        if (liveState.querySelector(".error")) return;
        const text = {
          connecting: "Alertes en direct : connexion…",
          live: "Alertes en direct : les nouveaux besoins s'affichent ici dès qu'ils sont publiés.",
          waiting: `Alertes en direct : connexion perdue, nouvel essai dans ${Math.round((delay || 0) / 1000)} s (rien ne sera manqué).`,
          closed: "Alertes en direct arrêtées.",
        }[state];
        liveState.dataset.state = state;
        put(liveState, text);
      },
    },
    (data) => data.events.id,
  );
  await run(0);
}
