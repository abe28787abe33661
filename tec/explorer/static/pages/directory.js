// The directory: full-text search with territory, kind and theme filters, counts and pages.

import { gql } from "../api.js";
import { h, clear, put, errorBox } from "../dom.js";
import { KINDS, label } from "../labels.js";

const PAGE = 20;

const THEMES = `query Themes { themes { code label } }`;

export const ACTORS = `query Directory($search: String, $where: ActorWhere, $first: Int!, $after: String) {
  actors(search: $search, where: $where, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name kind basedIn { name code } themes(first: 3) { label } }
  }
}`;

export async function directoryPage(main, params) {
  let themes = [];
  try {
    themes = (await gql(THEMES)).themes;
  } catch (error) {
    put(main, errorBox(error));
    return;
  }
  const search = h("input", { id: "recherche", type: "search", value: params.get("q") || "" });
  const territory = h("input", { id: "territoire", type: "text", value: params.get("territoire") || "", "aria-describedby": "territoire-aide" });
  const kind = h("select", { id: "nature" }, h("option", { value: "" }, "Toutes"), Object.entries(KINDS).map(([code, text]) => h("option", { value: code, selected: params.get("nature") === code }, text)));
  const theme = h("select", { id: "theme" }, h("option", { value: "" }, "Tous"), themes.map((t) => h("option", { value: t.code, selected: params.get("theme") === t.code }, t.label)));
  const form = h(
    "form",
    { class: "search directory-form", role: "search", "aria-label": "Rechercher dans l'annuaire" },
    h("div", { class: "field" }, h("label", { for: "recherche" }, "Mots-clés"), search),
    h("div", { class: "field" }, h("label", { for: "territoire" }, "Territoire (code)"), h("p", { id: "territoire-aide", class: "hint" }, "Code INSEE, de département ou de région : 35238, 79, 53…"), territory),
    h("div", { class: "field" }, h("label", { for: "nature" }, "Nature"), kind),
    h("div", { class: "field" }, h("label", { for: "theme" }, "Thème"), theme),
    h("div", { class: "field submit" }, h("button", { type: "submit" }, "Rechercher")),
  );
  const results = h("section", { class: "directory", "aria-live": "polite", "aria-labelledby": "annuaire-resultats" });
  put(main, h("h1", {}, "Annuaire des acteurs"), form, results);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    if (search.value.trim()) query.set("q", search.value.trim());
    if (territory.value.trim()) query.set("territoire", territory.value.trim());
    if (kind.value) query.set("nature", kind.value);
    if (theme.value) query.set("theme", theme.value);
    location.hash = `#/annuaire?${query}`;
  });

  const cursors = [null];
  async function run(pageIndex) {
    const where = {};
    if (params.get("territoire")) where.territory = params.get("territoire");
    if (params.get("nature")) where.kinds = [params.get("nature")];
    if (params.get("theme")) where.themes = [params.get("theme")];
    let data;
    try {
      data = await gql(ACTORS, { search: params.get("q") || null, where, first: PAGE, after: cursors[pageIndex] });
    } catch (error) {
      put(results, errorBox(error));
      return;
    }
    const actors = data.actors;
    cursors[pageIndex + 1] = actors.pageInfo.endCursor;
    const from = pageIndex * PAGE + 1;
    const to = pageIndex * PAGE + actors.nodes.length;
    const pager = h("nav", { class: "pager", "aria-label": "Pages de l'annuaire" });
    if (pageIndex > 0) pager.append(h("button", { type: "button", onclick: () => run(pageIndex - 1) }, "← Précédents"));
    if (actors.pageInfo.hasNextPage) pager.append(h("button", { type: "button", onclick: () => run(pageIndex + 1) }, "Suivants →"));
    put(results, 
      h("h2", { id: "annuaire-resultats", class: "count" }, actors.totalCount === 0 ? "Aucun acteur trouvé" : `${actors.totalCount.toLocaleString("fr-FR")} acteur${actors.totalCount > 1 ? "s" : ""} — ${from} à ${to}`),
      h(
        "ul",
        { class: "cards" },
        actors.nodes.map((a) =>
          h(
            "li",
            {},
            h("h3", {}, h("a", { href: `#/acteur/${encodeURIComponent(a.id)}` }, a.name)),
            h("p", { class: "meta" }, `${label(KINDS, a.kind)}${a.basedIn ? ` · ${a.basedIn.name} (${a.basedIn.code})` : ""}`),
            a.themes.length ? h("p", { class: "tags" }, a.themes.map((t) => h("span", { class: "tag" }, t.label))) : null,
          ),
        ),
      ),
      pager,
    );
  }
  await run(0);
}
