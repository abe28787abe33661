// « Qui a déjà traité ce type de conflit près d'ici ? »: type and place type-aheads, a radius, the
// ranked list linked to the map, each score explained.

import { gql, explorerConfig } from "../api.js";
import { combobox } from "../combobox.js";
import { h, clear, put, errorBox, km, normalise, number } from "../dom.js";
import { evidenceList, scoreSentence } from "../explain.js";
import { KINDS, LEVELS, label } from "../labels.js";
import { drawMap } from "../map.js";

const PAGE = 10;

const TAXONOMY = `query Taxonomy { conflictTypes { code label family level aliases parent { label } } }`;

const PLACES = `query Places($search: String!) {
  territories(search: $search, first: 8) {
    nodes { id code level name location { lat lon } parent { name code } }
  }
}`;

const PLACES_BY_CODE = `query PlacesByCode($code: String!, $departement: String!) {
  commune: territory(code: $code, level: COMMUNE) { id code level name location { lat lon } parent { name code } }
  departement: territory(code: $departement, level: DEPARTEMENT) { id code level name location { lat lon } parent { name code } }
}`;

export const MATCH = `query Match($type: String!, $place: String!, $radius: Float!, $first: Int!, $after: String) {
  experiencedActors(conflictType: $type, near: {territory: $place}, radiusKm: $radius, first: $first, after: $after) {
    withinRadius radiusKm searchedUpToKm origin { lat lon }
    conflictType { code label }
    pageInfo { hasNextPage endCursor }
    nodes {
      score distanceKm beyondRadius casesFound
      actor { id name kind location { lat lon } }
      basedIn { name code }
      scoreFactors { name value }
      evidence {
        title match role year startedYear outcome distanceKm measuredFrom caseScore rank rankWeight contribution
        conflict { id location { lat lon } }
        conflictType { label }
        place { name }
        factors { type distance recency outcome role }
      }
    }
  }
}`;

let taxonomy = null;

async function conflictTypes() {
  if (taxonomy === null) {
    const data = await gql(TAXONOMY);
    taxonomy = data.conflictTypes.map((t) => ({
      ...t,
      words: normalise([t.label, t.code.replace(/_/g, " "), ...t.aliases].join(" | ")),
    }));
  }
  return taxonomy;
}

export async function conflictTypeOption(code) {
  const found = (await conflictTypes()).find((t) => t.code === code);
  return found ? { value: found.code, label: found.label } : null;
}

export async function typeOptions(text) {
  const wanted = normalise(text);
  const all = await conflictTypes();
  const found = all.filter((t) => t.words.includes(wanted));
  found.sort((a, b) => (normalise(a.label).startsWith(wanted) ? 0 : 1) - (normalise(b.label).startsWith(wanted) ? 0 : 1) || b.level - a.level);
  return found.slice(0, 10).map((t) => {
    const alias = t.aliases.find((a) => normalise(a).includes(wanted) && !normalise(t.label).includes(wanted));
    return {
      value: t.code,
      label: t.label,
      detail: [t.parent ? t.parent.label : t.family === "USAGE" ? "Conflit d'usage" : "Conflit d'aménagement", alias ? `aussi « ${alias} »` : null]
        .filter(Boolean)
        .join(" · "),
    };
  });
}

function placeOption(t, why) {
  const parent = t.parent ? `${t.parent.name} (${t.parent.code})` : null;
  return {
    value: t.code,
    level: t.level,
    label: t.name,
    location: t.location,
    detail: [label(LEVELS, t.level), t.level === "COMMUNE" ? `INSEE ${t.code}` : t.code, parent, why].filter(Boolean).join(" · "),
  };
}

export async function placeOptions(text) {
  const digits = text.replace(/\s/g, "");
  if (/^(\d{2,3}|2[ABab])$|^\d{5}$|^2[ABab]\d{3}$/.test(digits)) {
    // An INSEE code, a département number or a postal code: the reference data has no postal-code
    // table, so a postal code stands for its département (its first two or three digits).
    const departement = /^97/.test(digits) ? digits.slice(0, 3) : digits.slice(0, 2).toUpperCase();
    const data = await gql(PLACES_BY_CODE, { code: digits.toUpperCase(), departement });
    const options = [];
    if (data.commune) options.push(placeOption(data.commune, "code INSEE"));
    if (data.departement) options.push(placeOption(data.departement, digits.length === 5 ? "d'après le code postal" : null));
    return options;
  }
  if (text.length < 2) return [];
  const data = await gql(PLACES, { search: text });
  return data.territories.nodes.filter((t) => t.location).map((t) => placeOption(t));
}

function typeByCode(code) {
  return (taxonomy || []).find((t) => t.code === code);
}

export async function matchPage(main, params) {
  const configured = explorerConfig();
  const typeBox = combobox({
    id: "type",
    label: "Type de conflit",
    hint: "Tapez un mot : éolien, carrière, bassine, bruit…",
    placeholder: "ex. éolien terrestre",
    source: typeOptions,
    onPick: () => {},
  });
  const placeBox = combobox({
    id: "lieu",
    label: "Lieu",
    hint: "Nom de commune, code postal, code INSEE ou numéro de département",
    placeholder: "ex. Rennes, 35000, 79",
    source: placeOptions,
    onPick: () => {},
    minLength: 2,
  });
  const radius = h("input", { id: "rayon", type: "number", min: "5", max: "300", step: "5", value: params.get("rayon") || "50", inputmode: "numeric" });
  const form = h(
    "form",
    { class: "search", "aria-labelledby": "titre" },
    typeBox.element,
    placeBox.element,
    h("div", { class: "field radius-field" }, h("label", { for: "rayon" }, "Rayon (km)"), radius),
    h("div", { class: "field submit" }, h("button", { type: "submit" }, "Chercher")),
  );
  const message = h("div", { class: "message", "aria-live": "polite" });
  const mapBox = h("div", { class: "map-box" });
  const legend = h(
    "p",
    { class: "legend" },
    h("span", { class: "key base" }), " base d'un acteur ",
    h("span", { class: "key beyond" }), " au-delà du rayon ",
    h("span", { class: "key case" }), " cas ",
    h("span", { class: "key radius" }), " rayon",
  );
  const results = h("section", { class: "results", "aria-labelledby": "resultats-titre" });
  put(main, 
    h("h1", { id: "titre" }, "Qui a déjà traité ce type de conflit près d'ici ?"),
    h("p", { class: "lead" }, "Choisissez un type de conflit et un lieu : la carte et la liste montrent les acteurs qui ont l'expérience de cas semblables, classés par un score expliqué."),
    form,
    message,
    h("div", { class: "match-layout" }, h("div", { class: "map-column" }, mapBox, legend), results),
  );
  const config = await configured;
  drawMap(mapBox, { markers: [], label: "Carte de France métropolitaine", tiles: config.mapTiles });

  // A search in the address (#/?type=…&lieu=…&rayon=…) is run at once: shareable links.
  const typeCode = params.get("type");
  const placeCode = params.get("lieu");
  if (typeCode) {
    await conflictTypes().catch(() => null);
    const t = typeByCode(typeCode);
    if (t) typeBox.set({ value: t.code, label: t.label });
  }
  if (placeCode) placeBox.set({ value: placeCode, label: params.get("nom") || placeCode });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const type = typeBox.picked;
    const place = placeBox.picked;
    if (!type || !place) {
      put(message, 
        h("p", { class: "error", role: "alert" }, !type ? "Choisissez un type de conflit dans la liste proposée." : "Choisissez un lieu dans la liste proposée."),
      );
      (!type ? typeBox.input : placeBox.input).focus();
      return;
    }
    const query = new URLSearchParams({ type: type.value, lieu: place.value, nom: place.label, rayon: radius.value });
    history.pushState(null, "", `#/?${query}`); // no hashchange: the page stays, the search runs
    cursors.length = 1;
    run();
  });

  const cursors = [null];
  async function run(pageIndex = 0) {
    const type = typeBox.picked;
    const place = placeBox.picked;
    if (!type || !place) return;
    put(message, h("p", { class: "loading" }, "Recherche…"));
    let data;
    try {
      data = await gql(MATCH, { type: type.value, place: place.value, radius: Number(radius.value) || 50, first: PAGE, after: cursors[pageIndex] });
    } catch (error) {
      put(message, errorBox(error));
      return;
    }
    const ranking = data.experiencedActors;
    if (!ranking) {
      put(message, h("p", { class: "error", role: "alert" }, "Ce lieu ou ce type est inconnu."));
      return;
    }
    cursors[pageIndex + 1] = ranking.pageInfo.endCursor;
    show(ranking, type, place, pageIndex);
  }

  function show(ranking, type, place, pageIndex) {
    const beyond = ranking.nodes.filter((n) => n.beyondRadius).length;
    put(message, 
      h(
        "p",
        { class: "summary" },
        `${ranking.withinRadius} acteur${ranking.withinRadius > 1 ? "s" : ""} dans un rayon de ${km(ranking.radiusKm)} autour de ${place.label} pour « ${ranking.conflictType ? ranking.conflictType.label : type.label} ».`,
        ranking.searchedUpToKm
          ? ` Trop peu dans le rayon : ${beyond ? `les ${beyond} suivants viennent de plus loin (jusqu'à ${km(ranking.searchedUpToKm)}) et sont marqués « au-delà du rayon »` : `aucun autre jusqu'à ${km(ranking.searchedUpToKm)}`}.`
          : "",
      ),
    );
    const markers = [];
    for (const item of ranking.nodes) {
      const where = item.basedIn ? ` (${item.basedIn.name})` : "";
      if (item.actor.location)
        markers.push({ id: item.actor.id, kind: "base", lat: item.actor.location.lat, lon: item.actor.location.lon, beyond: item.beyondRadius, label: `${item.actor.name}${where}` });
      for (const e of item.evidence) {
        if (e.conflict && e.conflict.location)
          markers.push({ id: item.actor.id, kind: "case", lat: e.conflict.location.lat, lon: e.conflict.location.lon, label: `${e.title} — ${item.actor.name}` });
      }
    }
    const origin = ranking.origin ? { ...ranking.origin, label: place.label } : null;
    const list = h("ol", { class: "ranking", start: pageIndex * PAGE + 1 });
    let map = null;
    const select = (id, focus) => {
      for (const li of list.querySelectorAll("li.selected")) li.classList.remove("selected");
      const li = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
      if (li) {
        li.classList.add("selected");
        if (focus) li.querySelector("h3 a").focus();
      }
      if (map) map.highlight(id);
    };
    for (const item of ranking.nodes) {
      const details = h("details", { class: "why" }, h("summary", {}, `Pourquoi ? ${item.evidence.length} cas`), h("p", {}, scoreSentence(item)), evidenceList(item));
      list.append(
        h(
          "li",
          { "data-id": item.actor.id, class: item.beyondRadius ? "beyond" : null },
          h("h3", {}, h("a", { href: `#/acteur/${encodeURIComponent(item.actor.id)}` }, item.actor.name)),
          h(
            "p",
            { class: "meta" },
            `${label(KINDS, item.actor.kind)}${item.basedIn ? ` · ${item.basedIn.name}` : ""} · à ${km(item.distanceKm)} · score ${number(item.score)}`,
            item.beyondRadius ? h("span", { class: "badge" }, "au-delà du rayon") : null,
          ),
          details,
        ),
      );
      list.lastChild.addEventListener("mouseenter", () => select(item.actor.id, false));
      list.lastChild.addEventListener("focusin", () => select(item.actor.id, false));
    }
    const pager = h("nav", { class: "pager", "aria-label": "Pages de résultats" });
    if (pageIndex > 0) pager.append(h("button", { type: "button", onclick: () => run(pageIndex - 1) }, "← Précédents"));
    pager.append(h("span", {}, `Page ${pageIndex + 1}`));
    if (ranking.pageInfo.hasNextPage) pager.append(h("button", { type: "button", onclick: () => run(pageIndex + 1) }, "Suivants →"));
    put(results, 
      h("h2", { id: "resultats-titre" }, "Acteurs classés"),
      ranking.nodes.length ? list : h("p", {}, "Aucun acteur n'a traité ce type de conflit dans ce rayon ni un peu au-delà."),
      pager,
    );
    drawMap(
      mapBox,
      { origin, radiusKm: ranking.radiusKm, markers, tiles: config.mapTiles, label: `Carte : ${place.label}, rayon de ${km(ranking.radiusKm)}, bases des acteurs (ronds pleins) et leurs cas (petits ronds)` },
      (id) => {
        select(id, true);
        const li = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
        if (li) li.querySelector("details").open = true;
      },
    ).then((drawn) => {
      map = drawn;
    });
  }

  if (typeBox.picked && placeBox.picked) await run();
}
