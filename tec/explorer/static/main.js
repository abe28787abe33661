// The explorer's router: #/ (matching), #/annuaire, #/besoins, #/mecenat, #/acteur/ID, #/conflit/ID.

import { h, clear, put, errorBox } from "./dom.js";
import { closeAll } from "./live.js";
import { actorPage } from "./pages/actor.js";
import { conflictPage } from "./pages/conflict.js";
import { directoryPage } from "./pages/directory.js";
import { matchPage } from "./pages/match.js";
import { needsPage } from "./pages/needs.js";
import { sponsorshipPage } from "./pages/sponsorship.js";

const main = document.getElementById("contenu");

function parse() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "") };
}

async function route() {
  const { parts, params } = parse();
  const page = parts[0] || "";
  document.title = "Explorateur — Territoires en commun";
  for (const link of document.querySelectorAll("[data-nav]")) {
    const current = (link.dataset.nav === "match" && page === "") || link.dataset.nav === page;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  closeAll(); // a page's live subscription ends with the page
  main.setAttribute("aria-busy", "true");
  try {
    if (page === "") await matchPage(main, params);
    else if (page === "annuaire") await directoryPage(main, params);
    else if (page === "besoins") await needsPage(main, params);
    else if (page === "mecenat") await sponsorshipPage(main, params);
    else if (page === "acteur" && parts[1]) await actorPage(main, parts[1], params);
    else if (page === "conflit" && parts[1]) await conflictPage(main, parts[1]);
    else put(main, h("h1", {}, "Page introuvable"), h("p", {}, h("a", { href: "#/" }, "Retour à l'accueil")));
  } catch (error) {
    put(main, errorBox(error));
  } finally {
    main.setAttribute("aria-busy", "false");
  }
}

let previous = null;
window.addEventListener("hashchange", () => {
  const page = parse().parts[0] || "";
  route().then(() => {
    if (page !== previous) main.focus();
    previous = page;
  });
});
previous = parse().parts[0] || "";
route();
