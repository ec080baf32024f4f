// Optimises the widget that wasm-pack built, for size: `node .ci/shrink.mjs <pkg dir> <name>`.
//
// 1. wasm-opt -Oz, repeated while it still shrinks the module (`--converge`), then every import,
//    export and import module renamed to one or two letters (wasm-bindgen's names carry
//    16-character hashes, and each is spelled in the .wasm and in the glue JavaScript).
// 2. The glue JavaScript rewritten to the new names, then minified with terser (the .d.ts files
//    keep wasm-bindgen's documentation; their raw export names are renamed too).
// 3. Checked before anything is written: the new .wasm compiles, and the glue provides exactly
//    the imports it asks for and calls only exports it has. A mismatch fails the build here
//    instead of in a shopper's browser, and leaves www/pkg as wasm-pack wrote it.
//
// Run by `make build`; the end-to-end tests load what this writes.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [pkg, name] = process.argv.slice(2);
const wasm = join(pkg, `${name}_bg.wasm`);
const glue = join(pkg, `${name}.js`);
const rawTypes = join(pkg, `${name}_bg.wasm.d.ts`);
const types = join(pkg, `${name}.d.ts`);
const tools = new URL("../target/tools/node_modules/", import.meta.url);
const wasmOpt = new URL("binaryen/bin/wasm-opt", tools).pathname;
const { minify } = await import(new URL("terser/main.js", tools).href);

const fail = (why) => {
  console.error(`shrink.mjs: ${why}`);
  process.exit(1);
};
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Replaces every match of `pattern` with `replacement`, taken literally (no `$` patterns). */
const swap = (text, pattern, replacement) => text.replace(pattern, (...groups) =>
  typeof replacement === "function" ? replacement(...groups) : replacement);

// The features rustc's wasm32 target may use; wasm-opt must know them. The Makefile turns
// reference types off, but a build without its flags (docs/size.md, "How the widget is built
// small") uses them, and enabling a feature the module does not use changes nothing.
const features = ["bulk-memory", "nontrapping-float-to-int", "sign-ext", "mutable-globals",
  "reference-types", "multivalue"].map((feature) => `--enable-${feature}`);
const optimised = `${wasm}.optimised`;
const shrunk = `${wasm}.shrunk`;
const run = (...args) => execFileSync("node", [wasmOpt, ...features, ...args],
  { encoding: "utf8", maxBuffer: 1 << 24 });
let map;
let bytes;
try {
  // Two runs: `--converge` repeats every pass it is given, and the renaming must run (and print
  // its map) exactly once. A last -Oz after renaming still takes off about 0.1 KB.
  run("-Oz", "--converge", "--strip-debug", "--strip-producers", "--strip-target-features", wasm,
    "-o", optimised);
  map = JSON.parse(run("--minify-imports-and-exports-and-modules", "-Oz", optimised, "-o", shrunk));
  bytes = readFileSync(shrunk);
} finally {
  // Never left beside the package, where a server would serve them.
  rmSync(optimised, { force: true });
  rmSync(shrunk, { force: true });
}
const module = new WebAssembly.Module(bytes);

let js = readFileSync(glue, "utf8");

// The imports object: `{ __proto__: null, "<module>": importN, … }` becomes `{ <m>: import0 }`,
// every import a key of import0 under its new name.
const importModules = new Set(WebAssembly.Module.imports(module).map((entry) => entry.module));
if (importModules.size !== 1) fail(`expected one import module, found ${[...importModules]}`);
const [newModule] = importModules;
const modules = /return \{\s*__proto__: null,\s*((?:"[^"]+": import\d+,?\s*)+)\};/;
const found = js.match(modules) ?? fail("the glue's imports object was not found");
const variables = Object.fromEntries([...found[1].matchAll(/"([^"]+)": (import\d+)/g)].map((m) => [m[1], m[2]]));
const own = `./${name}_bg.js`;
const ownVariable = variables[own] ?? fail("the glue has no imports of its own");
const moved = [];
for (const [from, old, renamed] of map.imports) {
  if (from === own) {
    const key = new RegExp(`^(\\s+)${literal(old)}:`, "m");
    if (!key.test(js)) fail(`import ${old} is not in the glue`);
    js = swap(js, key, (_, indent) => `${indent}${renamed}:`);
  } else {
    const variable = variables[from] ?? fail(`no variable for module ${from}`);
    moved.push(`        ${renamed}: ${variable}.${old},`);
  }
}
js = swap(js, modules, `return { ${JSON.stringify(newModule)}: ${ownVariable} };`);
if (moved.length) {
  const head = `const ${ownVariable} = {\n        __proto__: null,\n`;
  if (!js.includes(head)) fail("could not add the snippet imports");
  js = swap(js, head, head + moved.join("\n") + "\n");
}

// Exports: every `wasm.<name>` the glue calls, and the raw exports the types describe.
let rawTypesText = readFileSync(rawTypes, "utf8");
let typesText = readFileSync(types, "utf8");
for (const [old, renamed] of map.exports) {
  js = swap(js, new RegExp(`\\bwasm\\.${literal(old)}\\b`, "g"), `wasm.${renamed}`);
  rawTypesText = swap(rawTypesText, new RegExp(`\\b${literal(old)}\\b`, "g"), renamed);
  typesText = swap(typesText, new RegExp(`(\\breadonly )${literal(old)}:`, "g"),
    (_, readonly) => `${readonly}${renamed}:`);
}

// Nothing is written unless the glue and the module agree, both ways.
const exported = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
for (const [, used] of js.matchAll(/\bwasm\.([\w$]+)/g)) {
  if (!exported.has(used)) fail(`the glue calls wasm.${used}, which the module does not export`);
}
for (const entry of WebAssembly.Module.imports(module)) {
  const key = new RegExp(`^\\s+${literal(entry.name)}:`, "m");
  if (!key.test(js)) fail(`the module imports ${entry.name}, which the glue does not provide`);
}

const minified = await minify(js, {
  module: true,
  compress: { passes: 2 },
  format: { preamble: `/* @ts-self-types="./${name}.d.ts" */` },
});
writeFileSync(wasm, bytes);
writeFileSync(glue, minified.code);
writeFileSync(rawTypes, rawTypesText);
writeFileSync(types, typesText);
