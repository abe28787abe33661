// Building DOM nodes without innerHTML: every value from the API goes in as text.

export function h(tag, attrs = {}, ...children) {
  const svg = ["svg", "g", "path", "circle", "line", "text", "title", "image", "desc"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.setAttribute("class", value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replace an element's content; null, undefined and false children are skipped (unlike Element.append).
export function put(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function errorBox(error) {
  return h("p", { class: "error", role: "alert" }, "Erreur : ", error.message || String(error));
}

export function km(value) {
  return `${value.toLocaleString("fr-FR", { maximumFractionDigits: value < 10 ? 1 : 0 })} km`;
}

export function number(value, digits = 2) {
  return value.toLocaleString("fr-FR", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function normalise(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[-'’]/g, " ").toLowerCase().trim();
}
