// An integrator's module: the widget imported by its package name, typed by the package's .d.ts.
// It records what the page saw and leaves the judging to tests/npm/run.mjs, which reads
// `window.__result` (and the same JSON in <pre id="result">).
import init, { evaluate, mount, start, type WidgetHandle } from "backorder-widget";

/** One `backorder:status` as it reached the document, outside the shadow root. */
interface StatusSeen {
  target: string;
  sku: string;
  state: string;
  quantity: number;
  text: string;
  composed: boolean;
  bubbles: boolean;
}

interface Result {
  statuses: StatusSeen[];
  errors: { target: string; code: string; message: string }[];
  evaluated: unknown;
  germanShadowText: string;
  failure?: string;
}

declare global {
  interface Window {
    __result?: Result;
  }
}

const statuses: StatusSeen[] = [];
const errors: Result["errors"] = [];

/** The event's own target as the document sees it: the host element, retargeted. */
const hostId = (event: Event): string =>
  event.target instanceof Element ? event.target.id : String(event.target);

document.addEventListener("backorder:status", (event) => {
  const detail = (event as CustomEvent<Record<string, unknown>>).detail;
  statuses.push({
    target: hostId(event),
    sku: String(detail.sku),
    state: String(detail.state),
    quantity: Number(detail.quantity),
    text: String(detail.text),
    composed: event.composed,
    bubbles: event.bubbles,
  });
});
document.addEventListener("backorder:error", (event) => {
  const detail = (event as CustomEvent<Record<string, unknown>>).detail;
  errors.push({ target: hostId(event), code: String(detail.code), message: String(detail.message) });
});

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found;
}

/** Resolves once `count` statuses have been seen for `target`, or rejects after 10 s. */
function statusesFor(target: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = (): void => {
      if (statuses.filter((status) => status.target === target).length >= count) resolve();
      else if (Date.now() > deadline) reject(new Error(`fewer than ${count} statuses for #${target}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

async function run(): Promise<Result> {
  // The glue finds its .wasm beside itself (`new URL(…, import.meta.url)`), which Vite emits.
  await init();
  // The bundler serves the package's wording/ folder at /wording/ (vite.config.js).
  start(element("backorder-settings"), new URL("wording/", document.baseURI).href);

  const product: WidgetHandle = mount(element("product"), { sku: "TEE-RED-M", quantity: 1 });
  await statusesFor("product", 1);
  product.update({ quantity: 3 });
  await statusesFor("product", 2);
  product.update({ sku: "SCARF-GREY" });
  await statusesFor("product", 3);

  const produkt = mount(element("produkt"), { sku: "TEE-RED-M", locale: "de", mode: "badge" });
  await statusesFor("produkt", 1);
  const germanShadowText = element("produkt").shadowRoot?.textContent ?? "(no open shadow root)";
  produkt.destroy();

  const evaluated: unknown = evaluate(
    { sku: "A", backorders: "allow", incoming: [{ quantity: 3, expected: "2026-12-14" }] },
    { quantity: 2, today: "2026-11-27" },
  );
  return {
    statuses,
    errors,
    evaluated,
    germanShadowText,
  };
}

function report(result: Result): void {
  window.__result = result;
  element("result").textContent = JSON.stringify(result, null, 2);
}

run().then(report, (error: unknown) =>
  report({ statuses, errors, evaluated: null, germanShadowText: "", failure: String(error) }),
);
