// Defines <backorder-status> and forwards its lifecycle to the WebAssembly widget.
// Custom elements need a JavaScript class; this file is only that wiring, with no rules of its own.

const OBSERVED = ['sku', 'quantity', 'quantity-input', 'mode', 'locale', 'endpoint', 'availability-url'];

export function defineBackorderStatus(connected, disconnected, changed) {
  if (customElements.get('backorder-status')) return false;
  customElements.define('backorder-status', class extends HTMLElement {
    static get observedAttributes() { return OBSERVED; }
    connectedCallback() { connected(this); }
    disconnectedCallback() { disconnected(this); }
    attributeChangedCallback(name, previous, value) {
      if (previous !== value && this.isConnected) changed(this, name);
    }
  });
  return true;
}
