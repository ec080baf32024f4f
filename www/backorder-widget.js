// The one script tag merchants add:
//   <script type="module" src="/backorder-widget.js" data-endpoint="/api/backorders"
//           data-availability-url="/api/availability"></script>
// It loads the WebAssembly, hands it this script element's data-* settings and defines
// <backorder-status>. Every rule lives in the WebAssembly; this file only loads and wires.
import init, { start, mount, evaluate } from './pkg/backorder_widget.js';

// The benchmark measures from here to the first backorder:status (see `make bench`).
performance.mark('backorder-widget:start');

const script = Array.from(document.querySelectorAll('script[src]'))
  .find((candidate) => candidate.src === import.meta.url) || null;

export const ready = init({ module_or_path: new URL('./pkg/backorder_widget_bg.wasm', import.meta.url) })
  .then(() => start(script, new URL('./wording/', import.meta.url).href))
  .catch((error) => {
    // The host page keeps working; the elements stay empty and the console says why.
    console.error('<backorder-status>: the widget could not start', error);
  });

export { mount, evaluate };
