// Vite emits the .wasm itself (the glue names it with `new URL(…, import.meta.url)`). The wording
// files are fetched by name from a folder (`de.json`, …), so they must keep their names: this
// plugin copies the package's wording/ folder into the build as `wording/`, unhashed, which is
// what an integrator does with any bundler (or with a plain copy into their static folder).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const wording = fileURLToPath(new URL("node_modules/backorder-widget/wording/", import.meta.url));

/** @type {import("vite").Plugin} */
const backorderWording = {
  name: "backorder-wording",
  generateBundle() {
    // A package without the folder builds anyway: tests/npm/run.mjs then names what is missing.
    for (const file of existsSync(wording) ? readdirSync(wording) : []) {
      this.emitFile({ type: "asset", fileName: `wording/${file}`, source: readFileSync(wording + file) });
    }
  },
};

export default { plugins: [backorderWording], build: { emptyOutDir: true } };
