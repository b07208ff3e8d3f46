// Copies the viewer that GET /docs serves into chalicelib/static/docs, where the Lambda package picks it up:
// the page and its start script from src/, and from swagger-ui-dist only the prebuilt bundle, its stylesheet
// and its licence texts (no source maps, no standalone preset: the page loads one document, this API's).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "chalicelib", "static", "docs");
const dist = join(here, "node_modules", "swagger-ui-dist");

const own = ["index.html", "init.js"];
const vendored = ["swagger-ui-bundle.js", "swagger-ui.css"];
// Apache-2.0: the licence and notice travel with the copy.
const licences = { LICENSE: "swagger-ui.LICENSE", NOTICE: "swagger-ui.NOTICE",
  "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt" };
// A map is not shipped, so the comment pointing at one goes too (browser tools would ask for it).
const sourceMapComment = /\n?\/[/*]# sourceMappingURL=\S+(?: \*\/)?\s*$/;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of own) copyFileSync(join(here, "src", name), join(out, name));
for (const name of vendored) {
  writeFileSync(join(out, name), readFileSync(join(dist, name), "utf8").replace(sourceMapComment, "\n"));
}
for (const [name, copy] of Object.entries(licences)) copyFileSync(join(dist, name), join(out, copy));
const { version } = JSON.parse(readFileSync(join(dist, "package.json"), "utf8"));
console.log(`swagger-ui-dist ${version}: ${[...own, ...vendored].join(", ")} -> ${out}`);
