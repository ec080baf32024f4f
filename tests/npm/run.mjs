// The npm package as an integrator uses it: `node tests/npm/run.mjs`, after `make test-npm` has
// packed www/pkg, installed the tarball into tests/npm/app and built the app with Vite.
//
// 1. The installed package holds what a page needs: the glue, the .wasm, the .d.ts, every file
//    the glue imports, and one wording file per language in www/wording/.
// 2. The built app runs in headless Chromium (ChromeDriver's WebDriver HTTP API, Node's fetch)
//    against a static server on 127.0.0.1; what the page recorded in `window.__result` is held
//    against what mount(), update(), the events and evaluate() must give.
//
// Every failed expectation is printed, and the exit code is 1. ChromeDriver and the server are
// always stopped.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const app = join(root, "tests/npm/app");
const dist = join(app, "dist");
const installed = join(app, "node_modules/backorder-widget");
const languages = readdirSync(join(root, "www/wording")).filter((file) => file.endsWith(".json"));
const chromedriver = process.env.CHROMEDRIVER || "/usr/bin/chromedriver";
const chromium = process.env.CHROME_BINARY || "/usr/bin/chromium";
const RESULT_TIMEOUT_MS = 20_000;

const failures = [];
/** Records one expectation; the run fails at the end if any did not hold. */
function expect(what, actual, expected) {
  const same = JSON.stringify(actual) === JSON.stringify(expected);
  console.log(`${same ? "ok  " : "FAIL"} ${what}`);
  if (!same) {
    failures.push(what);
    console.log(`       expected ${JSON.stringify(expected)}\n       got      ${JSON.stringify(actual)}`);
  }
}

// 1. The package's files.
const glue = readFileSync(join(installed, "backorder_widget.js"), "utf8");
const imported = [...glue.matchAll(/from\s*["']\.\/([^"']+)["']/g)].map((match) => match[1]);
const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
for (const file of ["backorder_widget_bg.wasm", manifest.types, ...imported]) {
  expect(`the package holds ${file}`, existsSync(join(installed, file)), true);
}
for (const file of languages) {
  expect(`the package holds wording/${file}`, existsSync(join(installed, "wording", file)), true);
}

// 2. The app in Chromium.
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm",
  ".json": "application/json", ".css": "text/css" };
const requested = [];
const server = createServer((request, response) => {
  const path = new URL(request.url, "http://localhost").pathname;
  requested.push(path);
  const file = normalize(join(dist, path.endsWith("/") ? `${path}index.html` : path));
  if (!file.startsWith(dist) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  response.end(readFileSync(file));
});

/** A port nobody listens on now, for ChromeDriver. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 100 ms until it gives something other than undefined, or throws. */
async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s${lastError ? ` (last: ${lastError.message})` : ""}`);
}

let driver;
let driverUrl;
let session;
async function webdriver(method, path, body) {
  const response = await fetch(`${driverUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${answer.value?.message ?? response.status}`);
  return answer.value;
}

let result;
try {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const page = `http://127.0.0.1:${server.address().port}/`;
  const port = await freePort();
  driverUrl = `http://127.0.0.1:${port}`;
  driver = spawn(chromedriver, [`--port=${port}`], { stdio: ["ignore", "ignore", "inherit"] });
  driver.once("error", (error) => console.error(`${chromedriver} did not start: ${error.message}`));
  await waitFor("ChromeDriver answers", 10_000, async () =>
    (await webdriver("GET", "/status")).ready ? true : undefined);
  session = (await webdriver("POST", "/session", {
    capabilities: { alwaysMatch: { "goog:chromeOptions": { binary: chromium, args: [
      "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--no-first-run",
      "--lang=en-US",
    ] }, "goog:loggingPrefs": { browser: "ALL" } } },
  })).sessionId;
  await webdriver("POST", `/session/${session}/url`, { url: page });
  result = await waitFor("the page writes window.__result", RESULT_TIMEOUT_MS, async () =>
    (await webdriver("POST", `/session/${session}/execute/sync`,
      { script: "return window.__result ?? null", args: [] })) ?? undefined);
} catch (error) {
  failures.push(error.message);
  console.log(`FAIL ${error.message}`);
} finally {
  if (session && (failures.length || !result || result.failure)) {
    const logs = await webdriver("POST", `/session/${session}/se/log`, { type: "browser" })
      .catch(() => []);
    for (const entry of logs) console.log(`  console ${entry.level}: ${entry.message}`);
  }
  if (session) await webdriver("DELETE", `/session/${session}`).catch(() => {});
  if (driver && driver.exitCode === null) {
    const exited = new Promise((resolve) => driver.once("exit", resolve));
    driver.kill();
    await Promise.race([exited, sleep(5_000)]);
  }
  server.closeAllConnections();
  server.close();
}

if (result) {
  expect("the page ran to the end", result.failure ?? null, null);
  const statuses = (target) => result.statuses.filter((status) => status.target === target)
    .map(({ sku, state, quantity }) => ({ sku, state, quantity }));
  expect("mount(), update({quantity}), update({sku}): backorder:status each time, in order",
    statuses("product"), [
      { sku: "TEE-RED-M", state: "in_stock", quantity: 1 },
      { sku: "TEE-RED-M", state: "in_stock", quantity: 3 },
      { sku: "SCARF-GREY", state: "out_of_stock", quantity: 3 },
    ]);
  expect("backorder:status bubbles and is composed, and reaches the document from the host",
    result.statuses.every((status) => status.bubbles && status.composed), true);
  const english = result.statuses.find((status) => status.target === "product");
  expect("an English widget's status text", english?.text, "In stock");
  const german = JSON.parse(readFileSync(join(root, "www/wording/de.json"), "utf8")).in_stock;
  const deutsch = result.statuses.find((status) => status.target === "produkt");
  expect("a locale \"de\" widget's status text, from the package's wording/de.json",
    deutsch && { state: deutsch.state, text: deutsch.text }, { state: "in_stock", text: german });
  expect("the German widget's shadow root shows it", result.germanShadowText.includes(german), true);
  expect("the page fetched /wording/de.json", requested.includes("/wording/de.json"), true);
  expect("no backorder:error", result.errors, []);
  const { state, expected_date, schema_org } = result.evaluated ?? {};
  expect("evaluate()", { state, expected_date, schema_org },
    { state: "backordered", expected_date: "2026-12-15", schema_org: "https://schema.org/BackOrder" });
}

if (failures.length) {
  console.error(`\ntest-npm: ${failures.length} expectation(s) failed:\n  ${failures.join("\n  ")}`);
  if (result) console.error(`window.__result was ${JSON.stringify(result, null, 2)}`);
  process.exit(1);
}
console.log("test-npm: the packed npm package works in a Vite app");
