// Optimises the widget that wasm-pack built, for size: `node .ci/shrink.mjs <pkg dir> <name>`.
//
// 1. wasm-opt -Oz, and every import, export and import module renamed to one or two letters
//    (wasm-bindgen's names carry 16-character hashes, and each is spelled in the .wasm and in the
//    glue JavaScript).
// 2. The glue JavaScript rewritten to the new names, then minified with terser (its comments are
//    the TypeScript types' job: the .d.ts files stay as wasm-bindgen wrote them).
//
// Run by `make build`; the end-to-end tests load what this writes.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [pkg, name] = process.argv.slice(2);
const wasm = join(pkg, `${name}_bg.wasm`);
const glue = join(pkg, `${name}.js`);
const types = join(pkg, `${name}_bg.wasm.d.ts`);
const tools = new URL("../target/tools/node_modules/", import.meta.url);
const wasmOpt = new URL("binaryen/bin/wasm-opt", tools).pathname;
const { minify } = await import(new URL("terser/main.js", tools).href);

// The features rustc's wasm32 target enables by default; wasm-opt must know them.
const features = ["bulk-memory", "nontrapping-float-to-int", "sign-ext", "mutable-globals",
  "reference-types", "multivalue"].map((feature) => `--enable-${feature}`);
const map = JSON.parse(execFileSync("node", [wasmOpt, "-Oz", ...features, "--strip-debug",
  "--strip-producers", "--minify-imports-and-exports-and-modules", wasm, "-o", wasm],
  { encoding: "utf8", maxBuffer: 1 << 24 }));

let js = readFileSync(glue, "utf8");
const fail = (why) => { console.error(`shrink.mjs: ${why}`); process.exit(1); };
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\$]/g, "\\$&");

// The imports object: `{ __proto__: null, "<module>": importN, … }` becomes `{ a: import0 }`,
// every import a key of import0 under its new name.
const modules = /return \{\s*__proto__: null,\s*((?:"[^"]+": import\d+,?\s*)+)\};/;
const found = js.match(modules) ?? fail("the glue's imports object was not found");
const variables = Object.fromEntries([...found[1].matchAll(/"([^"]+)": (import\d+)/g)].map((m) => [m[1], m[2]]));
const own = "./" + `${name}_bg.js`;
const moved = [];
for (const [module, old, renamed] of map.imports) {
  if (module === own) {
    const key = new RegExp(`^(\\s+)${literal(old)}:`, "m");
    if (!key.test(js)) fail(`import ${old} is not in the glue`);
    js = js.replace(key, `$1${renamed}:`);
  } else {
    const variable = variables[module] ?? fail(`no variable for module ${module}`);
    moved.push(`        ${renamed}: ${variable}.${old},`);
  }
}
const own_variable = variables[own] ?? fail("the glue has no imports of its own");
js = js.replace(modules, `return { a: ${own_variable} };`);
if (moved.length) {
  js = js.replace(`const ${own_variable} = {\n        __proto__: null,\n`,
    (head) => head + moved.join("\n") + "\n");
  if (!js.includes(moved[0])) fail("could not add the snippet imports");
}

// Exports: every `wasm.<name>` the glue calls.
let types_text = readFileSync(types, "utf8");
for (const [old, renamed] of map.exports) {
  js = js.replace(new RegExp(`\\bwasm\\.${literal(old)}\\b`, "g"), `wasm.${renamed}`);
  types_text = types_text.replace(new RegExp(`\\b${literal(old)}\\b`, "g"), renamed);
}
const left = js.match(/\bwasm\.(__wbg|__wbindgen|wasm_bindgen)\w*/);
if (left) fail(`the glue still uses ${left[0]}`);
const minified = await minify(js, {
  module: true,
  compress: { passes: 2 },
  format: { preamble: `/* @ts-self-types="./${name}.d.ts" */` },
});
writeFileSync(glue, minified.code);
writeFileSync(types, types_text);
