// Computes, from the rendered colours, every text's contrast with what is behind it (WCAG
// 1.4.3: at least 4.5:1) and every text field's border contrast (WCAG 1.4.11: at least 3:1),
// inside every <backorder-status> on the page. Returns one line per failure, and a count of
// what was checked so a test cannot pass by checking nothing.
const parse = (text) => {
  const match = /rgba?\(([^)]+)\)/.exec(text);
  if (!match) return null;
  const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
};
const linear = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
const luminance = (c) => 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
const over = (top, bottom) => ({
  r: top.r * top.a + bottom.r * (1 - top.a),
  g: top.g * top.a + bottom.g * (1 - top.a),
  b: top.b * top.a + bottom.b * (1 - top.a),
  a: 1,
});
const ratio = (a, b) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
};
const parentOf = (element) => {
  if (element.parentElement) return element.parentElement;
  const root = element.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
};
const canvas = (() => {
  const probe = document.createElement('div');
  probe.style.setProperty('background-color', 'Canvas');
  document.documentElement.append(probe);
  const colour = parse(getComputedStyle(probe).backgroundColor);
  probe.remove();
  return colour || { r: 255, g: 255, b: 255, a: 1 };
})();
const background = (element) => {
  const layers = [];
  for (let node = element; node; node = parentOf(node)) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour && colour.a > 0) {
      layers.push(colour);
      if (colour.a >= 1) break;
    }
  }
  let result = canvas;
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
};
const visible = (element) => element.getClientRects().length > 0 && !element.closest('.trap')
  && getComputedStyle(element).visibility !== 'hidden';
const name = (host, element) => `${host.getAttribute('sku')} ${element.tagName.toLowerCase()}.${element.className || ''}[${(element.textContent || '').trim().slice(0, 40)}]`;
const failures = [];
let texts = 0;
let fields = 0;
for (const host of document.querySelectorAll('backorder-status')) {
  const root = host.shadowRoot;
  if (!root) continue;
  for (const element of root.querySelectorAll('*')) {
    if (!visible(element)) continue;
    const ownText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
    if (ownText && !element.matches('[disabled]')) {
      const behind = background(element);
      const colour = over(parse(getComputedStyle(element).color), behind);
      const contrast = ratio(colour, behind);
      texts += 1;
      if (contrast < 4.5) failures.push(`text ${name(host, element)}: ${contrast.toFixed(2)}:1`);
    }
    if (element.matches('input:not([type=checkbox])')) {
      const behind = background(element);
      const border = over(parse(getComputedStyle(element).borderTopColor), behind);
      const contrast = ratio(border, behind);
      fields += 1;
      if (contrast < 3) failures.push(`border ${name(host, element)}: ${contrast.toFixed(2)}:1`);
    }
    if (element.matches('input[type=checkbox]')) {
      // A native checkbox is drawn by the browser in the element's colour scheme: dark on a
      // light page looks ticked (the Boutique theme in dark mode did).
      const dark = luminance(background(element)) < 0.179;
      const scheme = getComputedStyle(element).colorScheme;
      fields += 1;
      if (scheme !== (dark ? 'dark' : 'light')) failures.push(`checkbox ${name(host, element)}: color-scheme ${scheme} on a ${dark ? 'dark' : 'light'} background`);
    }
  }
}
return { failures, texts, fields };
