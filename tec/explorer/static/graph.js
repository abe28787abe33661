// A small force layout (repulsion, springs, centring) drawn in SVG: an actor's neighbourhood.

import { h, clear, put } from "./dom.js";

const COLOURS = { Actor: "actor", Conflict: "conflict", Project: "project", Territory: "territory", Resource: "resource" };

export function drawGraph(container, subgraph, startId) {
  const nodes = subgraph.nodes.map((n, i) => {
    const angle = (2 * Math.PI * i) / subgraph.nodes.length;
    const r = n.depth * 120;
    return { ...n, x: Math.cos(angle) * r, y: Math.sin(angle) * r, vx: 0, vy: 0 };
  });
  const index = new Map(nodes.map((n) => [n.id, n]));
  const edges = subgraph.edges.filter((e) => index.has(e.source) && index.has(e.target));
  for (let step = 0; step < 300; step++) {
    const cooling = 1 - step / 300;
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const dx = a.x - b.x;
        const dy = a.y - b.y;
        const d2 = Math.max(dx * dx + dy * dy, 25);
        const force = 4000 / d2;
        a.vx += (dx / Math.sqrt(d2)) * force;
        a.vy += (dy / Math.sqrt(d2)) * force;
      }
    }
    for (const e of edges) {
      const a = index.get(e.source);
      const b = index.get(e.target);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.max(Math.hypot(dx, dy), 1);
      const pull = (d - 90) * 0.02;
      a.vx += (dx / d) * pull;
      a.vy += (dy / d) * pull;
      b.vx -= (dx / d) * pull;
      b.vy -= (dy / d) * pull;
    }
    for (const n of nodes) {
      if (n.id === startId) {
        n.x = 0;
        n.y = 0;
        continue;
      }
      n.vx -= n.x * 0.005;
      n.vy -= n.y * 0.005;
      n.x += Math.max(-20, Math.min(20, n.vx)) * cooling;
      n.y += Math.max(-20, Math.min(20, n.vy)) * cooling;
      n.vx *= 0.5;
      n.vy *= 0.5;
    }
  }
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const pad = 60;
  const [x0, y0] = [Math.min(...xs) - pad, Math.min(...ys) - pad];
  const [w, h0] = [Math.max(...xs) - x0 + pad, Math.max(...ys) - y0 + pad];
  const svg = h(
    "svg",
    { class: "graph", viewBox: `${x0} ${y0} ${w} ${h0}`, role: "img", "aria-label": `Voisinage : ${nodes.length} nœuds et ${edges.length} liens` },
    h("title", {}, `Voisinage : ${nodes.length} nœuds et ${edges.length} liens`),
  );
  const lines = h("g", { class: "edges" });
  for (const e of edges) {
    const a = index.get(e.source);
    const b = index.get(e.target);
    lines.append(h("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: e.type.toLowerCase() }, h("title", {}, e.type)));
  }
  const dots = h("g", { class: "nodes" });
  for (const n of nodes) {
    const kind = COLOURS[n.labels[0]] || "other";
    dots.append(
      h(
        "g",
        { class: `node ${kind}${n.id === startId ? " start" : ""}${n.depth > 1 ? " far" : ""}`, transform: `translate(${n.x.toFixed(1)} ${n.y.toFixed(1)})` },
        h("circle", { r: n.id === startId ? 10 : n.depth > 1 ? 4 : 6 }, h("title", {}, n.label)),
        // labels on the start and its direct partners; farther nodes name themselves on hover
        n.depth <= 1 ? h("text", { x: 9, y: 4 }, n.label.length > 28 ? `${n.label.slice(0, 27)}…` : n.label) : null,
      ),
    );
  }
  svg.append(lines, dots);
  put(container, svg);
  return svg;
}
