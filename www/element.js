// Defines <backorder-status> and forwards each element's lifecycle to the WebAssembly widget
// that serves it: the full build, or the badge-only build a collection page loads
// (backorder-widget.js picks). Custom elements need a JavaScript class; this file is only that
// wiring, with no rules of its own.

const OBSERVED = ['sku', 'quantity', 'quantity-input', 'mode', 'locale', 'endpoint', 'availability-url'];
// Each build imports its own copy of this file; the builds of one page meet here, and every
// copy finds an element's build under the same key.
const BUILDS = Symbol.for('backorder-status:builds');
const OWNER = Symbol.for('backorder-status:owner');

// What the badge-only build can serve: exactly what its `mode` attribute reads as a badge.
const servable = (build, element) => !build.badgesOnly || element.getAttribute('mode') === 'badge';

export function defineBackorderStatus(connected, disconnected, changed, badgesOnly) {
  // `missing` is the loader's: it loads the full build for an element no loaded build serves.
  const builds = (globalThis[BUILDS] ??= { list: [], waiting: new Set(), missing() {} });
  builds.list.push({ connected, disconnected, changed, badgesOnly });
  const release = (element) => {
    element[OWNER]?.disconnected(element);
    element[OWNER] = undefined;
  };
  // Hands `element` to the first build that serves it, or waits for one.
  const connect = (element) => {
    const build = builds.list.find((candidate) => servable(candidate, element));
    if (!build) {
      builds.waiting.add(element);
      builds.missing();
      return;
    }
    builds.waiting.delete(element);
    release(element);
    element[OWNER] = build;
    build.connected(element);
  };
  if (customElements.get('backorder-status')) {
    // Another build came first: this one takes the elements that waited for it.
    for (const element of [...builds.waiting]) if (element.isConnected) connect(element);
    return false;
  }
  customElements.define('backorder-status', class extends HTMLElement {
    static get observedAttributes() { return OBSERVED; }
    connectedCallback() { connect(this); }
    disconnectedCallback() {
      builds.waiting.delete(this);
      release(this);
    }
    attributeChangedCallback(name, previous, value) {
      if (previous === value || !this.isConnected) return;
      const owner = this[OWNER];
      if (!owner) return;
      // A badge that becomes a full element stays a badge until the full build can take it.
      owner.changed(this, name);
      if (!servable(owner, this)) connect(this);
    }
  });
  return true;
}
