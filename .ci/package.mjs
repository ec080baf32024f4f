// Completes the npm package wasm-pack wrote: `node .ci/package.mjs <pkg dir> <name>`.
//
// wasm-pack's package.json lists the glue, the .wasm, the .d.ts and the snippets the glue imports
// (`www/element.js`). A page needs one more thing from the package: the wording files a widget
// fetches for any language but English. This copies www/wording/*.json into `<pkg>/wording/`
// and lists that folder (and the snippets, should wasm-pack stop listing them) in `files`, so
// `npm pack` holds them. The browser never loads `<pkg>/wording/`: the loader reads `wording/`
// beside itself (www/wording/), so nothing is added to what `make size` measures.
//
// Checked before anything is written: every file the glue imports is in `files`. Run by
// `make build` after shrink.mjs; `make test-npm` installs what `npm pack` makes of it.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync }
  from "node:fs";
import { join } from "node:path";

const [pkg, name] = process.argv.slice(2);
const fail = (why) => {
  console.error(`package.mjs: ${why}`);
  process.exit(1);
};
const wording = new URL("../www/wording/", import.meta.url).pathname;
const manifestPath = join(pkg, "package.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));

// npm reads a folder's name in `files` as everything under it, with or without a trailing `/`.
const files = new Set(manifest.files ?? fail("wasm-pack wrote no `files` list"));
const listed = (file) => [...files].some((entry) =>
  file === entry || file.startsWith(`${entry.replace(/\/$/, "")}/`));
if (existsSync(join(pkg, "snippets")) && !listed("snippets/")) files.add("snippets/");
if (!listed("wording/")) files.add("wording/");
const glue = readFileSync(join(pkg, `${name}.js`), "utf8");
for (const [, file] of glue.matchAll(/from\s*["']\.\/([^"']+)["']/g)) {
  if (!listed(file)) fail(`the glue imports ./${file}, which package.json's files leaves out`);
  if (!existsSync(join(pkg, file))) fail(`the glue imports ./${file}, which is not in ${pkg}`);
}

const languages = readdirSync(wording).filter((file) => file.endsWith(".json"));
if (languages.length === 0) fail(`no wording files in ${wording}`);
rmSync(join(pkg, "wording"), { recursive: true, force: true });
mkdirSync(join(pkg, "wording"));
for (const file of languages) copyFileSync(join(wording, file), join(pkg, "wording", file));
manifest.files = [...files];
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
