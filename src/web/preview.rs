//! Renders the merchant preview (`?backorder-preview`): every sample side by side, each in the
//! widget's own markup and theme, with the message keys it uses written under it.

use chrono::NaiveDate;
use wasm_bindgen::JsValue;

use super::render::Skeleton;
use crate::domain::calendar::{Payment, ShopCalendar};
use crate::view::messages::{LocaleFormat, Messages};
use crate::view::preview::{preview_samples, preview_tree};
use crate::view::status::Tone;

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
    let samples = preview_samples(shown.today, calendar, messages, format, shown.with_forms);
    dom.show_block(&preview_tree(&samples, messages, shown.payment))?;
    Ok(())
}
