//! Renders the merchant preview (`?backorder-preview`): every state side by side, each in the
//! widget's own markup and theme, with the request form of each kind.

use wasm_bindgen::JsValue;

use super::form_dom::FormDom;
use super::render::{Nodes, Skeleton};
use crate::domain::{Payment, RequestKind};
use crate::view::{LocaleFormat, Messages, Tone, preview_samples, status_view};

/// Fills the widget's body with one block per state.
pub fn show_preview(
    dom: &Skeleton,
    messages: &Messages,
    format: &dyn LocaleFormat,
    payment: Option<Payment>,
    today: chrono::NaiveDate,
) -> Result<(), JsValue> {
    dom.show_status("preview", Tone::Neutral, "Preview: every state", &[]);
    dom.clear_body();
    let nodes = Nodes::new(&dom.document)?;
    let grid = nodes.element("div", "preview", &[("part", "preview")]);
    let mut forms_shown: Vec<RequestKind> = Vec::new();
    for sample in preview_samples(today) {
        let view = status_view(&sample, messages, format);
        let block = nodes.child(
            &grid,
            "div",
            "widget sample",
            &[
                ("data-state", view.state),
                ("data-tone", view.tone.as_str()),
            ],
        );
        let status = nodes.child(&block, "p", "status", &[("part", "status")]);
        nodes.append(&status, &nodes.headline_line(&view.headline));
        let details = nodes.child(&status, "span", "details", &[("part", "details")]);
        for detail in &view.details {
            nodes.append(&details, &nodes.detail_line(detail));
        }
        if let Some(kind) = view.offer.filter(|kind| !forms_shown.contains(kind)) {
            forms_shown.push(kind);
            let built = FormDom::build(
                &dom.document,
                kind,
                messages,
                payment,
                view.request_quantity,
                view.max_request_quantity,
            );
            match built {
                Ok(form) => {
                    form.submit.set_disabled(true);
                    nodes.append(&block, &form.form);
                }
                Err(_) => {
                    nodes.fail();
                }
            }
        }
    }
    let grid = nodes.finish(grid)?;
    dom.body.append_child(&grid)?;
    Ok(())
}
