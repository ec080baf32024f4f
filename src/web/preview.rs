//! Renders the merchant preview (`?backorder-preview`): every state side by side, each in the
//! widget's own markup and theme, with the request form of each kind.

use wasm_bindgen::JsValue;

use super::form_dom::FormDom;
use super::render::{Skeleton, detail_line, element, headline_line};
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
    let grid = element(&dom.document, "div", "preview", &[("part", "preview")])?;
    let mut forms_shown: Vec<RequestKind> = Vec::new();
    for sample in preview_samples(today) {
        let view = status_view(&sample, messages, format);
        let block = element(
            &dom.document,
            "div",
            "widget sample",
            &[
                ("data-state", view.state),
                ("data-tone", view.tone.as_str()),
            ],
        )?;
        let status = element(&dom.document, "p", "status", &[("part", "status")])?;
        status.append_child(headline_line(&dom.document, &view.headline)?.as_ref())?;
        let details = element(&dom.document, "span", "details", &[("part", "details")])?;
        for detail in &view.details {
            details.append_child(detail_line(&dom.document, detail)?.as_ref())?;
        }
        status.append_child(&details)?;
        block.append_child(&status)?;
        if let Some(kind) = view.offer.filter(|kind| !forms_shown.contains(kind)) {
            forms_shown.push(kind);
            let form = FormDom::build(
                &dom.document,
                kind,
                messages,
                payment,
                view.request_quantity,
                view.max_request_quantity,
            )?;
            form.submit.set_disabled(true);
            block.append_child(&form.form)?;
        }
        grid.append_child(&block)?;
    }
    dom.body.append_child(&grid)?;
    Ok(())
}
