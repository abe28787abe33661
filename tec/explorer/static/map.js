// An SVG map of metropolitan France in Web Mercator (so that optional raster tiles line up),
// drawn from the régions and départements the project ships (france.json).

import { h, clear, put } from "./dom.js";

const WORLD = 4096; // projected units: the world is WORLD wide (256-pixel tiles at zoom 4)
const FRANCE = { west: -5.3, east: 9.7, south: 41.3, north: 51.2 };
const KM_PER_RADIAN = 6371.0088;

export function project(lon, lat) {
  const phi = (Math.max(Math.min(lat, 85), -85) * Math.PI) / 180;
  const x = ((lon + 180) / 360) * WORLD;
  const y = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * WORLD;
  return [x, y];
}

// Projected units per km at a latitude (Mercator stretches by 1 / cos(lat)).
function unitsPerKm(lat) {
  return WORLD / (2 * Math.PI * KM_PER_RADIAN * Math.cos((lat * Math.PI) / 180));
}

let shapes = null;

async function boundaries() {
  if (shapes === null) {
    const response = await fetch("/explorer/france.json");
    shapes = await response.json();
  }
  return shapes;
}

function pathOf(geometry) {
  const parts = [];
  for (const polygon of geometry.coordinates) {
    for (const ring of polygon) {
      parts.push(
        ring.map(([lon, lat], i) => {
          const [x, y] = project(lon, lat);
          return `${i ? "L" : "M"}${x.toFixed(2)} ${y.toFixed(2)}`;
        }).join("") + "Z",
      );
    }
  }
  return parts.join("");
}

function box(points, minSize) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const grow = (a, b) => {
    const size = Math.max(b - a, minSize);
    const middle = (a + b) / 2;
    return [middle - size / 2, middle + size / 2];
  };
  [x0, x1] = grow(x0, x1);
  [y0, y1] = grow(y0, y1);
  const pad = Math.max(x1 - x0, y1 - y0) * 0.06;
  return [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
}

function tiles(template, [x, y, width, height]) {
  const zoom = Math.max(0, Math.min(18, Math.round(Math.log2((4 * WORLD) / width))));
  const size = WORLD / 2 ** zoom;
  const images = [];
  for (let tx = Math.floor(x / size); tx * size < x + width; tx++) {
    for (let ty = Math.floor(y / size); ty * size < y + height; ty++) {
      if (ty < 0 || ty >= 2 ** zoom) continue;
      const href = template.replace("{z}", zoom).replace("{x}", tx).replace("{y}", ty);
      images.push(h("image", { href, x: tx * size, y: ty * size, width: size, height: size }));
    }
  }
  return h("g", { class: "tiles", "aria-hidden": "true" }, images);
}

/**
 * Draw the map into `container`. `view`: {origin: {lat, lon, label}, radiusKm, markers: [{id, lat, lon,
 * kind: "base" | "case", label, beyond}], tiles, minSize (the smallest view, in projected units: 24 by default)}. Returns {highlight(id)} to link markers and the list.
 * `onSelect(id)` runs when a marker is activated (click, Enter or Space).
 */
export async function drawMap(container, view, onSelect) {
  const geo = await boundaries();
  const points = [];
  let circle = null;
  if (view.origin) {
    const [ox, oy] = project(view.origin.lon, view.origin.lat);
    const r = view.radiusKm * unitsPerKm(view.origin.lat);
    circle = { x: ox, y: oy, r };
    points.push([ox - r, oy - r], [ox + r, oy + r]);
  }
  const projected = view.markers.map((m) => ({ ...m, xy: project(m.lon, m.lat) }));
  // the view frames the circle and the actors' bases; a case far from both may fall outside it
  for (const m of projected) if (m.kind === "base" || !circle) points.push(m.xy);
  if (!points.length) {
    points.push(project(FRANCE.west, FRANCE.north), project(FRANCE.east, FRANCE.south));
  }
  const viewBox = box(points, view.minSize || 24);
  const unit = viewBox[2] / 120; // marker size follows the zoom

  const svg = h(
    "svg",
    {
      class: "map",
      viewBox: viewBox.map((v) => v.toFixed(2)).join(" "),
      role: "group",
      "aria-label": view.label || "Carte de France",
      preserveAspectRatio: "xMidYMid meet",
    },
    h("title", {}, view.label || "Carte de France"),
  );
  if (view.tiles) svg.append(tiles(view.tiles, viewBox));
  const departements = h("g", { class: "departements", "aria-hidden": "true" });
  const regions = h("g", { class: "regions", "aria-hidden": "true" });
  for (const feature of geo.features) {
    const path = h("path", { d: pathOf(feature.geometry) }, h("title", {}, feature.properties.name));
    (feature.properties.level === "REGION" ? regions : departements).append(path);
  }
  svg.append(departements, regions);
  if (circle) {
    svg.append(
      h("circle", { class: "radius", cx: circle.x, cy: circle.y, r: circle.r, "aria-hidden": "true" }),
      h("circle", { class: "origin", cx: circle.x, cy: circle.y, r: unit * 0.9 }, h("title", {}, view.origin.label)),
    );
  }
  const byId = new Map();
  const layer = h("g", { class: "markers" });
  // cases under bases, so that an actor's base stays clickable
  for (const m of projected.sort((a, b) => (a.kind === "case" ? -1 : 1) - (b.kind === "case" ? -1 : 1))) {
    const marker = h(
      "circle",
      {
        class: `marker ${m.kind}${m.beyond ? " beyond" : ""}`,
        cx: m.xy[0],
        cy: m.xy[1],
        r: m.kind === "base" ? unit * 0.8 : unit * 0.5,
        tabindex: m.kind === "base" ? "0" : null,
        role: m.kind === "base" ? "button" : null,
        "aria-label": m.kind === "base" ? m.label : null,
        "data-id": m.id,
        "data-kind": m.kind,
      },
      h("title", {}, m.label),
    );
    if (m.kind === "base" && onSelect) {
      marker.addEventListener("click", () => onSelect(m.id));
      marker.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onSelect(m.id);
        }
      });
    }
    if (!byId.has(m.id)) byId.set(m.id, []);
    byId.get(m.id).push(marker);
    layer.append(marker);
  }
  svg.append(layer);
  put(container, svg);
  return {
    highlight(id) {
      for (const el of layer.querySelectorAll(".active")) el.classList.remove("active");
      for (const el of byId.get(id) || []) {
        el.classList.add("active");
        layer.append(el); // on top
      }
    },
  };
}
