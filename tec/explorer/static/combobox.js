// An accessible type-ahead (WAI-ARIA combobox with a listbox popup): arrows move, Enter picks,
// Escape closes. `source(text)` returns options {value, label, detail}; `onPick(option)` is called.

import { h, clear } from "./dom.js";

let counter = 0;

export function combobox({ id, label, hint, placeholder, source, onPick, minLength = 1 }) {
  const listId = `${id}-options`;
  const hintId = `${id}-hint`;
  const input = h("input", {
    id,
    type: "text",
    role: "combobox",
    autocomplete: "off",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": listId,
    "aria-describedby": hint ? hintId : null,
    placeholder,
  });
  const list = h("ul", { id: listId, role: "listbox", class: "options", "aria-label": label, hidden: true });
  const status = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
  let options = [];
  let active = -1;
  let request = 0;
  let picked = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  function pick(index) {
    const option = options[index];
    if (!option) return;
    picked = option;
    input.value = option.label;
    close();
    onPick(option);
  }

  function render() {
    clear(list);
    options.forEach((option, i) => {
      const li = h(
        "li",
        { id: `${id}-opt-${++counter}`, role: "option", "aria-selected": "false", "data-value": option.value },
        h("span", { class: "option-label" }, option.label),
        option.detail ? h("span", { class: "option-detail" }, option.detail) : null,
      );
      li.addEventListener("mousedown", (event) => event.preventDefault());
      li.addEventListener("click", () => pick(i));
      list.append(li);
    });
    const open = options.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    status.textContent = open ? `${options.length} suggestion${options.length > 1 ? "s" : ""}` : "Aucune suggestion";
    highlight(open ? 0 : -1);
  }

  async function update() {
    const text = input.value.trim();
    picked = null;
    if (text.length < minLength) {
      options = [];
      close();
      return;
    }
    const mine = ++request;
    const found = await source(text);
    if (mine !== request) return;
    options = found;
    render();
  }

  input.addEventListener("input", update);
  input.addEventListener("blur", () => setTimeout(close, 100));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden) update();
      else highlight(Math.min(active + 1, options.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === "Escape") {
      close();
    }
  });

  const field = h(
    "div",
    { class: "field combo" },
    h("label", { for: id }, label),
    hint ? h("p", { id: hintId, class: "hint" }, hint) : null,
    input,
    list,
    status,
  );
  return {
    element: field,
    input,
    get picked() {
      return picked;
    },
    set(option) {
      picked = option;
      input.value = option.label;
    },
  };
}
