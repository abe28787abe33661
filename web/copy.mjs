// Copies the shipped third-party browser files out of node_modules (run by `make assets` after `npm ci`).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const files = [
  ["react/umd/react.production.min.js", "tec/explorer/static/vendor/react.production.min.js"],
  ["react/LICENSE", "tec/explorer/static/vendor/react.LICENSE.txt"],
  ["react-dom/umd/react-dom.production.min.js", "tec/explorer/static/vendor/react-dom.production.min.js"],
  ["graphiql/graphiql.min.js", "tec/explorer/static/vendor/graphiql.min.js"],
  ["graphiql/graphiql.min.css", "tec/explorer/static/vendor/graphiql.min.css"],
  ["graphiql/LICENSE", "tec/explorer/static/vendor/graphiql.LICENSE.txt"],
  ["axe-core/axe.min.js", "tests/browser/axe.min.js"],
  ["axe-core/LICENSE", "tests/browser/axe.LICENSE.txt"],
];
for (const [from, to] of files) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(here, "node_modules", from), join(root, to));
  console.log(`${to}`);
}
