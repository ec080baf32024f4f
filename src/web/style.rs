//! The widget's stylesheet, shared by every shadow root on the page.
//!
//! A constructed stylesheet (`adoptedStyleSheets`) is parsed once for all elements and is not an
//! inline style, so it works under a strict Content-Security-Policy. Merchants theme through the
//! custom properties below and the `::part` names documented in the README.
//!
//! Touch targets: every button and text field is at least 44 px tall, and the consent checkbox
//! is toggled by its label, padded to at least 44 px, with the box centred on the label's first
//! line however many lines it wraps to (checked in every browser, `tests/e2e`).

use web_sys::CssStyleSheet;

const CSS: &str = r#"
:host { display: block; font: var(--backorder-font, inherit); }
:host([hidden]) { display: none; }
.widget {
  --_fg: var(--backorder-color-text, currentColor);
  --_bg: var(--backorder-color-background, transparent);
  --_muted: var(--backorder-color-muted, #57606a);
  --_ok: var(--backorder-color-available, #1a7f37);
  --_wait: var(--backorder-color-waiting, #8a5c00);
  --_no: var(--backorder-color-unavailable, #b3261e);
  --_accent: var(--backorder-color-accent, #0757ba);
  --_on-accent: var(--backorder-color-on-accent, #ffffff);
  --_border: var(--backorder-color-border, #767676);
  --_radius: var(--backorder-radius, 6px);
  --_gap: var(--backorder-spacing, 0.5rem);
  color-scheme: light;
  color: var(--_fg);
  background: var(--_bg);
  border-radius: var(--_radius);
  display: grid;
  gap: var(--_gap);
  min-width: 0;
  overflow-wrap: anywhere;
}
.widget[data-scheme="dark"] {
  --_muted: var(--backorder-color-muted, #a8b1bb);
  --_ok: var(--backorder-color-available, #3fb950);
  --_wait: var(--backorder-color-waiting, #d29922);
  --_no: var(--backorder-color-unavailable, #ff7b72);
  --_accent: var(--backorder-color-accent, #58a6ff);
  --_on-accent: var(--backorder-color-on-accent, #0d1117);
  --_border: var(--backorder-color-border, #8b949e);
  color-scheme: dark;
}
p { margin: 0; }
.status, .details, .body, .confirmation { display: grid; gap: 0.25em; min-width: 0; }
.body { gap: var(--_gap); }
.details:empty, .body:empty, .note:empty { display: none; }
.headline { font-weight: 600; }
.headline::before { content: "●"; content: "●" / ""; margin-inline-end: 0.4em; font-size: 0.8em; }
[data-tone="available"] > .status > .headline::before { color: var(--_ok); }
[data-tone="waiting"] > .status > .headline::before { color: var(--_wait); }
[data-tone="unavailable"] > .status > .headline::before { color: var(--_no); }
[data-tone="neutral"] > .status > .headline::before { content: none; }
.detail, .note, .keys { color: var(--_muted); }
.form { display: grid; gap: var(--_gap); min-width: 0; border: 1px solid var(--_border); border-radius: var(--_radius); padding: calc(var(--_gap) * 2); }
.form-title { font-weight: 600; }
.field { display: grid; gap: 0.2em; min-width: 0; }
.field.consent { grid-template-columns: auto minmax(0, 1fr); align-items: start; column-gap: 0.5em; }
.field.consent label { padding-block: 10px; padding-block: max(0px, calc((44px - 1lh) / 2)); }
.field.consent .error { grid-column: 1 / -1; }
input { font: inherit; color: inherit; min-width: 0; margin: 0; accent-color: var(--_accent); }
input:not([type="checkbox"]) { box-sizing: border-box; width: 100%; max-width: 24rem; min-height: 44px; padding: 0.4em 0.5em; border: 1px solid var(--_border); border-radius: var(--_radius); background: transparent; }
input[type="checkbox"] { width: 1.25em; height: 1.25em; margin-block-start: calc(22px - 0.625em); }
input[aria-invalid="true"] { border-color: var(--_no); }
.error { color: var(--_no); font-size: 0.9em; }
.error:empty, .message:empty { display: none; }
button { font: inherit; cursor: pointer; min-height: 44px; min-width: 44px; padding: 0.5em 1em; max-width: 100%; border: 0; border-radius: var(--_radius); background: var(--_accent); color: var(--_on-accent); justify-self: start; transition: opacity 0.15s; }
button.secondary { background: transparent; color: var(--_accent); border: 1px solid var(--_border); }
button[disabled] { opacity: 0.6; cursor: progress; }
:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.preview { display: grid; gap: calc(var(--_gap) * 2); grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr)); }
.sample { display: grid; gap: var(--_gap); align-content: start; min-width: 0; border: 1px dashed var(--_border); border-radius: var(--_radius); padding: var(--_gap); }
.keys { font: 0.8em ui-monospace, monospace; }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
"#;

/// The stylesheet every widget adopts, or `None` in a browser without constructable stylesheets
/// (the widget then renders unstyled but works).
pub fn shared_sheet() -> Option<CssStyleSheet> {
    let sheet = CssStyleSheet::new().ok()?;
    sheet.replace_sync(CSS).ok()?;
    Some(sheet)
}
