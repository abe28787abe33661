// The directory: full-text search with territory, kind and theme filters, counts and pages.

import { gql } from "../api.js";
import { h, clear, put, errorBox } from "../dom.js";
import { combobox } from "../combobox.js";
import { KINDS, label } from "../labels.js";
import { placeOptions } from "./match.js";

// The directory's `territory` filter takes a code; a région is named by its id (REGION-53), since a
// bare code shared by a région and a département means the département.
export async function territoryOptions(text) {
  return (await placeOptions(text)).map((o) => ({ ...o, value: o.level === "REGION" ? `REGION-${o.value}` : o.value }));
}

const PAGE = 20;

const THEMES = `query Themes { themes { code label } }`;

// The taxonomy's themes, for a filter; null when they could not be read (the error is then shown in `main`).
export async function filterThemes(main) {
  try {
    return (await gql(THEMES)).themes;
  } catch (error) {
    put(main, errorBox(error));
    return null;
  }
}

export const ACTORS = `query Directory($search: String, $where: ActorWhere, $first: Int!, $after: String) {
  actors(search: $search, where: $where, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name kind basedIn { name code } themes(first: 3) { label } }
  }
}`;

export async function directoryPage(main, params) {
  const themes = await filterThemes(main);
  if (!themes) return;
  const search = h("input", { id: "recherche", type: "search", value: params.get("q") || "" });
  const territory = combobox({
    id: "territoire",
    label: "Territoire",
    hint: "Commune, intercommunalité, département ou région (nom ou code) : les acteurs qui y sont basés",
    placeholder: "ex. Finistère, 35238",
    source: territoryOptions,
    onPick: () => {},
    minLength: 2,
  });
  if (params.get("territoire")) territory.set({ value: params.get("territoire"), label: params.get("nomTerritoire") || params.get("territoire") });
  const kind = h("select", { id: "nature" }, h("option", { value: "" }, "Toutes"), Object.entries(KINDS).map(([code, text]) => h("option", { value: code, selected: params.get("nature") === code }, text)));
  const theme = h("select", { id: "theme" }, h("option", { value: "" }, "Tous"), themes.map((t) => h("option", { value: t.code, selected: params.get("theme") === t.code }, t.label)));
  const form = h(
    "form",
    { class: "search directory-form", role: "search", "aria-label": "Rechercher dans l'annuaire" },
    h("div", { class: "field" }, h("label", { for: "recherche" }, "Mots-clés"), search),
    territory.element,
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
    const place = territory.picked || (territory.input.value.trim() ? { value: territory.input.value.trim(), label: territory.input.value.trim() } : null);
    if (place) {
      query.set("territoire", place.value);
      query.set("nomTerritoire", place.label);
    }
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
