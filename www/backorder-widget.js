// The one script tag merchants add:
//   <script type="module" src="/backorder-widget.js" data-endpoint="/api/backorders"
//           data-availability-url="/api/availability"></script>
// It loads the WebAssembly, hands it this script element's data-* settings and defines
// <backorder-status>. Every rule of the widget lives in the WebAssembly; this file only picks
// which of its two builds to load, loads it and wires it.

// The benchmark measures from here to the first backorder:status (see `make bench`).
performance.mark('backorder-widget:start');

const here = import.meta.url;
const script = Array.from(document.querySelectorAll('script[src]'))
  .find((candidate) => candidate.src === here) || null;
// Shared with element.js, through which the two builds of a page meet.
const builds = (globalThis[Symbol.for('backorder-status:builds')] ??=
  { list: [], waiting: new Set(), missing() {} });

// The badge-only build (no form, outbox, reservation, preview or structured data) serves a page
// whose elements are all badges, unless a request waits to be sent or the page asks for what
// only the full build has. A full element that appears later loads the full build then.
function badgesOnly() {
  const elements = document.querySelectorAll('backorder-status');
  if (elements.length === 0 || script?.dataset.structuredData === 'on'
    || new URLSearchParams(location.search).has('backorder-preview')) return false;
  if (![...elements].every((element) => element.getAttribute('mode') === 'badge')) return false;
  try {
    const stored = JSON.parse(localStorage.getItem('backorder-widget:outbox:v1') ?? '{}');
    return !(stored?.pending?.length > 0);
  } catch {
    return false;
  }
}

const loads = new Map();
// Loads and starts one build once; its .wasm is fetched at once, beside its glue.
function load(path) {
  if (!loads.has(path)) {
    const wasm = fetch(new URL(`${path}_bg.wasm`, here));
    const loading = import(new URL(`${path}.js`, here).href).then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      glue.start(script, new URL('./wording/', here).href);
      started.set(path, glue);
      return glue;
    });
    // A build that could not load is tried again when next needed.
    loading.catch(() => loads.delete(path));
    loads.set(path, loading);
  }
  return loads.get(path);
}
const FULL = './pkg/backorder_widget';
const full = () => load(FULL);
// The host page keeps working; the elements stay empty and the console says why.
const report = (error) => console.error('<backorder-status>: the widget could not start', error);
builds.missing = () => full().catch(report);

const started = new Map();
// Without the badge-only build (a copy of pkg/ without pkg/badge/, say), the full build serves.
export const ready = (badgesOnly() ? load('./pkg/badge/backorder_widget_badge').catch(full) : full())
  .then(() => {}, report);

/** `evaluate` of whichever build has started (both have the engine). */
export const evaluate = (record, options) => [...started.values()][0].evaluate(record, options);

/** `mount` on the full build, at once once it has started. On a page that started only the
 *  badge build, it loads the full build first, and the handle passes `update` and `destroy` on
 *  once the widget is mounted. */
export function mount(element, config) {
  const glue = started.get(FULL);
  if (glue) return glue.mount(element, config);
  const mounted = full().then((glue) => glue.mount(element, config));
  mounted.catch(report);
  const later = (name) => (changes) => { mounted.then((handle) => handle[name](changes), () => {}); };
  return { update: later('update'), destroy: later('destroy') };
}
