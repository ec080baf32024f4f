// What the shipped WebAssembly spends its bytes on: `make size-report`.
//
// Reads twiggy's CSV (`twiggy top --format csv`) of a build that keeps function names, and sums
// the raw bytes by where the code comes from: each module of this crate, each dependency, the
// data segments, the imports. Raw bytes before gzip; gzip shrinks code to about 45%. The build
// is the shipped one with names kept: imports and exports renamed short as shrink.mjs does.
import { readFileSync } from "node:fs";

const [csvPath, rows = "40"] = process.argv.slice(2);
const lines = readFileSync(csvPath, "utf8").trim().split("\n").slice(1);

/** Splits one CSV line (twiggy quotes names that hold commas or quotes). */
function fields(line) {
  const out = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') { field += '"'; i++; }
    else if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) { out.push(field); field = ""; }
    else field += c;
  }
  out.push(field);
  return out;
}

/** Where an item comes from: `backorder_widget::web::loader`, `core::iter`, `rlsf`, …  */
function origin(name) {
  if (name.startsWith("data segment")) return "data (strings, tables)";
  if (name.startsWith("import ")) return "imports";
  if (name.startsWith("export ")) return "exports";
  // A callback of ours handed to JavaScript is named as wasm-bindgen's shim around it: it is
  // counted with the module that wrote it.
  if (name.includes("shim") && !name.includes("backorder_widget")) return "wasm-bindgen shims";
  // The first `crate::module` in the name: `<T as alloc::string::ToString>::…` is alloc's.
  const path = name.replace(/\[[0-9a-f]+\]/g, "");
  const parts = path.match(/([a-z_][a-z0-9_]*)::([a-z_][a-z0-9_]*)(?:::([a-z_][a-z0-9_]*))?/);
  if (!parts) return "other (runtime glue, exports, tables)";
  const [, crate, module, submodule] = parts;
  if (crate === "backorder_widget") {
    return ["web", "domain", "view", "outbox", "widget", "wire"].includes(module) && submodule
      ? `${crate}::${module}::${submodule}` : `${crate}::${module}`;
  }
  return ["core", "alloc", "std"].includes(crate) ? `${crate}::${module}` : crate;
}

const sums = new Map();
let total = 0;
for (const line of lines) {
  const [name, shallow] = fields(line);
  if (name.includes('names" subsection')) continue;
  const bytes = Number(shallow);
  total += bytes;
  const key = origin(name);
  sums.set(key, (sums.get(key) ?? 0) + bytes);
}
const sorted = [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(rows));
console.log(`${"raw bytes".padStart(10)}  share  origin`);
for (const [key, bytes] of sorted) {
  console.log(`${bytes.toLocaleString("en").padStart(10)}  ${(100 * bytes / total).toFixed(1).padStart(4)}%  ${key}`);
}
console.log(`${total.toLocaleString("en").padStart(10)}  100.0%  total (names excluded)`);
