//! Renders the merchant preview (`?backorder-preview`): every sample side by side, each in the
//! widget's own markup and theme, with the message keys it uses written under it.

use chrono::NaiveDate;
use wasm_bindgen::JsValue;

use super::form_dom::FormDom;
use super::render::{Nodes, Skeleton};
use crate::domain::{Payment, ShopCalendar};
use crate::text::join;
use crate::view::{LocaleFormat, Messages, Tone, preview_samples};

/// What this element's preview shows.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub today: NaiveDate,
    /// A badge previews only statuses, as it only ever shows one.
    pub with_forms: bool,
    pub payment: Option<Payment>,
    /// Why the element's own stock cannot be shown, for the merchant to fix.
    pub problem: Option<&'a str>,
}

/// Fills the widget's body with one block per sample.
pub fn show_preview(
    dom: &Skeleton,
    messages: &Messages,
    format: &dyn LocaleFormat,
    calendar: &ShopCalendar,
    shown: Shown,
) -> Result<(), JsValue> {
    let problem: Vec<String> = shown.problem.map(str::to_owned).into_iter().collect();
    dom.show_status(
        "preview",
        Tone::Neutral,
        &messages.text("preview_title"),
        &problem,
    );
    dom.clear_body();
    let nodes = Nodes::new(&dom.document)?;
    let grid = nodes.element("div", "preview", &[("part", "preview")]);
    let samples = preview_samples(shown.today, calendar, messages, format, shown.with_forms);
    for sample in samples {
        let block = nodes.child(
            &grid,
            "div",
            "sample",
            &[
                ("data-state", sample.state),
                ("data-tone", sample.tone.as_str()),
            ],
        );
        let status = nodes.child(&block, "p", "status", &[("part", "status")]);
        nodes.append(&status, &nodes.headline_line(&sample.headline));
        let details = nodes.child(&status, "span", "details", &[("part", "details")]);
        for detail in &sample.details {
            nodes.append(&details, &nodes.detail_line(detail));
        }
        if !sample.lines.is_empty() {
            let lines = nodes.child(&block, "div", "confirmation", &[("part", "confirmation")]);
            for line in &sample.lines {
                nodes.append(&lines, &nodes.text_element("p", "", &[], line));
            }
            if let Some(label) = &sample.button {
                let attributes = [("type", "button"), ("part", "cancel"), ("disabled", "")];
                let button = nodes.text_element("button", "secondary", &attributes, label);
                nodes.append(&lines, &button);
            }
        }
        if let Some(form) = &sample.form {
            let built = FormDom::build(
                &dom.document,
                form.kind,
                messages,
                shown.payment,
                (form.quantity, form.max_quantity),
                form.note.as_deref(),
            );
            match built {
                Ok(built) => {
                    built.submit.set_disabled(true);
                    nodes.append(&block, &built.form);
                }
                Err(_) => {
                    nodes.fail();
                }
            }
        }
        let keys = join(&sample.keys, ", ");
        nodes.append(
            &block,
            &nodes.text_element("p", "keys", &[("part", "preview-keys")], &keys),
        );
    }
    let grid = nodes.finish(grid)?;
    dom.body.append_child(&grid)?;
    Ok(())
}
