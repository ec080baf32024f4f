//! Samples are dated on the shop's own working days, and each names the message keys it uses, so a
//! merchant can check the wording and the theme, and knows which key to override, without hunting
//! for a product in each state.

use chrono::{Days, NaiveDate};

use super::confirmation::{Confirmation, cancel_label, cancelled_text, confirmation_text};
use super::form::{FormAsk, form_tree};
use super::messages::{LocaleFormat, Messages};
use super::status::{Tone, status_view};
use super::tree::{self, Node};
use crate::domain::availability::{Availability, Evaluation, NoDateReason};
use crate::domain::calendar::{Payment, ShopCalendar};
use crate::domain::request::RequestKind;
use crate::text::join;

/// One sample, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewSample {
    pub state: &'static str,
    pub tone: Tone,
    pub headline: String,
    pub details: Vec<String>,
    /// Lines below the status: a confirmation, or the queued or cancelled message.
    pub lines: Vec<String>,
    /// The request form, on the first sample of each kind (a badge preview shows none).
    pub form: Option<PreviewForm>,
    /// A button under the lines (the confirmation's cancel), shown but never pressed.
    pub button: Option<String>,
    /// The message keys behind everything the sample shows, in order.
    pub keys: Vec<&'static str>,
}

/// The form a sample shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewForm {
    pub kind: RequestKind,
    pub quantity: u32,
    pub max_quantity: u32,
    pub note: Option<String>,
}

/// Every sample; `with_forms` is false for badges, which never show a form.
pub fn preview_samples(
    today: NaiveDate,
    calendar: &ShopCalendar,
    messages: &Messages,
    format: &dyn LocaleFormat,
    with_forms: bool,
) -> Vec<PreviewSample> {
    let payment_key = match calendar.payment {
        Some(Payment::AtOrder) => Some("payment.at_order"),
        Some(Payment::AtShipment) => Some("payment.at_shipment"),
        None => None,
    };
    // A date about `days` from today on which the shop ships: the first working day from then.
    let shipping_day = |days| {
        let day = today.checked_add_days(Days::new(days)).unwrap_or(today);
        calendar.ship_date(day, 0).unwrap_or(day)
    };
    let backordered = Availability::Backordered {
        expected_ship_date: shipping_day(18),
    };
    let out_of_stock = |reason| Availability::OutOfStock {
        notify: true,
        reason,
    };
    let states = [
        (Availability::InStock { low_stock: None }, false),
        (Availability::InStock { low_stock: Some(2) }, false),
        (
            Availability::Partial {
                ship_now: 2,
                backordered: 3,
                expected_ship_date: shipping_day(16),
            },
            false,
        ),
        (backordered.clone(), false),
        (backordered.clone(), true),
        (
            Availability::Preorder {
                release_date: shipping_day(45),
                expected_ship_date: shipping_day(45),
            },
            false,
        ),
        (
            Availability::Preorder {
                release_date: shipping_day(45),
                expected_ship_date: shipping_day(52),
            },
            false,
        ),
        (out_of_stock(NoDateReason::Delayed), false),
        (out_of_stock(NoDateReason::CapReached), false),
        (out_of_stock(NoDateReason::BeyondMaxWait), false),
        (out_of_stock(NoDateReason::NothingIncoming), false),
        (Availability::Discontinued, false),
    ];
    let mut samples = Vec::new();
    let mut forms_shown: Vec<RequestKind> = Vec::new();
    for (availability, limited) in states {
        let evaluation = Evaluation {
            availability,
            quantity: if limited { 40 } else { 1 },
            limited,
            max_quantity: if limited { 28 } else { 30 },
            reservable: 30,
            late_delivery: false,
        };
        let view = status_view(&evaluation, messages, format);
        let mut keys = view.keys.clone();
        let form = view
            .offer
            .filter(|kind| with_forms && !forms_shown.contains(kind))
            .map(|kind| {
                forms_shown.push(kind);
                keys.extend(form_keys(kind));
                keys.extend(["label_email", "label_name"]);
                if kind.reserves_units() {
                    keys.push("label_quantity");
                    keys.extend(payment_key);
                }
                if view.form_note.is_some() {
                    keys.push("partial_form");
                }
                PreviewForm {
                    kind,
                    quantity: view.request_quantity,
                    max_quantity: view.max_request_quantity,
                    note: view.form_note.clone(),
                }
            });
        samples.push(PreviewSample {
            state: view.state,
            tone: view.tone,
            headline: view.headline,
            details: view.details,
            lines: Vec::new(),
            form,
            button: None,
            keys,
        });
    }
    samples.push(neutral("loading", messages));
    samples.push(neutral("unavailable", messages));
    if with_forms {
        samples.extend(after_a_request(&backordered, messages, format));
    }
    samples
}

/// The message keys of a request form of `kind`.
fn form_keys(kind: RequestKind) -> [&'static str; 3] {
    match kind {
        RequestKind::Backorder => [
            "form_title.backorder",
            "consent.backorder",
            "submit.backorder",
        ],
        RequestKind::Preorder => ["form_title.preorder", "consent.preorder", "submit.preorder"],
        RequestKind::Notify => ["form_title.notify", "consent.notify", "submit.notify"],
    }
}

/// The loading state and the neutral fallback: no colour, no promise.
fn neutral(key: &'static str, messages: &Messages) -> PreviewSample {
    PreviewSample {
        state: key,
        tone: Tone::Neutral,
        headline: messages.text(key),
        details: Vec::new(),
        lines: Vec::new(),
        form: None,
        button: None,
        keys: vec![key],
    }
}

/// What a shopper sees after reserving: the confirmation, a request saved to send later, and a
/// cancelled reservation.
fn after_a_request(
    backordered: &Availability,
    messages: &Messages,
    format: &dyn LocaleFormat,
) -> Vec<PreviewSample> {
    let evaluation = Evaluation {
        availability: backordered.clone(),
        quantity: 2,
        limited: false,
        max_quantity: 30,
        reservable: 30,
        late_delivery: false,
    };
    let status = status_view(&evaluation, messages, format);
    let expected = backordered
        .expected_ship_date()
        .map(crate::domain::date::format_iso_date);
    let confirmation = Confirmation {
        kind: RequestKind::Backorder,
        quantity: 2,
        queue_position: Some(3),
        units_ahead: Some(12),
        expected_date: expected.as_deref(),
        notifies: false,
        cancellable: true,
    };
    let confirmation_lines = confirmation_text(&confirmation, messages, format);
    let sample = |lines: Vec<String>, keys: &[&'static str]| {
        let mut all = status.keys.clone();
        all.extend_from_slice(keys);
        PreviewSample {
            state: status.state,
            tone: status.tone,
            headline: status.headline.clone(),
            details: status.details.clone(),
            lines,
            form: None,
            button: None,
            keys: all,
        }
    };
    let confirmed = PreviewSample {
        button: Some(cancel_label(RequestKind::Backorder, messages)),
        ..sample(
            confirmation_lines,
            &[
                "reserved",
                "ahead",
                "confirmed_date",
                "cancel_hint",
                "cancel.backorder",
            ],
        )
    };
    vec![
        confirmed,
        sample(vec![messages.text("queued")], &["queued"]),
        sample(
            vec![cancelled_text(RequestKind::Backorder, messages)],
            &["cancelled.backorder"],
        ),
    ]
}

/// The preview's grid: one block per sample, in the widget's own markup, with the message keys
/// it uses written under it. Its forms are shown, never sent.
pub fn preview_tree(
    samples: &[PreviewSample],
    messages: &Messages,
    payment: Option<Payment>,
) -> Node {
    let block = |sample: &PreviewSample| {
        let mut block = Node::new("div", "sample")
            .attr("data-state", sample.state)
            .attr("data-tone", sample.tone.as_str())
            .child(tree::status(&sample.headline, &sample.details));
        if !sample.lines.is_empty() {
            let mut lines = tree::lines("confirmation", "confirmation", &sample.lines);
            if let Some(label) = &sample.button {
                let attributes = [("type", "button"), ("part", "cancel"), ("disabled", "")];
                let button = Node::new("button", "secondary").attrs(&attributes);
                lines = lines.child(button.text(label.as_str()));
            }
            block = block.child(lines);
        }
        if let Some(form) = &sample.form {
            let ask = FormAsk {
                kind: form.kind,
                payment,
                quantity: form.quantity,
                max_quantity: form.max_quantity,
                note: form.note.as_deref(),
                shown_only: true,
            };
            block = block.child(form_tree(ask, messages).node);
        }
        let keys = Node::part("p", "keys", "preview-keys").text(&join(&sample.keys, ", "));
        block.child(keys)
    };
    Node::part("div", "preview", "preview").children(samples.iter().map(block))
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;
    use crate::domain::date::parse_iso_date;
    use crate::view::messages::PlainFormat;
    use crate::wire::ShopConfig;

    fn samples(with_forms: bool) -> Vec<PreviewSample> {
        // Today is Friday; the 18th day from it is a Tuesday, the 16th a Sunday.
        let today = parse_iso_date("2026-11-27").expect("today");
        let calendar = ShopCalendar::from_config(&ShopConfig {
            holidays: vec!["2026-12-14".to_owned()],
            ..ShopConfig::default()
        })
        .expect("calendar");
        preview_samples(
            today,
            &calendar,
            &Messages::for_locale("en"),
            &PlainFormat,
            with_forms,
        )
    }

    #[test]
    fn every_state_and_every_moment_after_a_request_is_sampled() {
        let samples = samples(true);
        let headlines: Vec<(&str, &str)> = samples
            .iter()
            .map(|sample| (sample.state, sample.headline.as_str()))
            .collect();
        assert_eq!(
            headlines,
            [
                ("in_stock", "In stock"),
                ("in_stock", "Only 2 left"),
                ("partial", "2 ship now"),
                ("backordered", "Backordered: ships by 2026-12-15"),
                ("backordered", "Backordered: ships by 2026-12-15"),
                ("preorder", "Pre-order: releases 2027-01-11"),
                ("preorder", "Pre-order: releases 2027-01-11"),
                ("out_of_stock", "Out of stock"),
                ("out_of_stock", "Out of stock"),
                ("out_of_stock", "Out of stock"),
                ("out_of_stock", "Out of stock"),
                ("discontinued", "No longer available"),
                ("loading", "Checking availability…"),
                ("unavailable", "Availability could not be loaded"),
                ("backordered", "Backordered: ships by 2026-12-15"),
                ("backordered", "Backordered: ships by 2026-12-15"),
                ("backordered", "Backordered: ships by 2026-12-15"),
            ]
        );
        let all_keys: Vec<&str> = samples.iter().flat_map(|s| s.keys.clone()).collect();
        for key in [
            "limited",
            "preorder_ships",
            "cap_reached",
            "beyond_max_wait",
            "delayed",
            "partial_form",
            "loading",
            "unavailable",
            "ahead",
            "queued",
            "cancelled.backorder",
        ] {
            assert!(all_keys.contains(&key), "no sample shows {key}");
        }
        let forms: Vec<RequestKind> = samples
            .iter()
            .filter_map(|sample| sample.form.as_ref().map(|form| form.kind))
            .collect();
        assert_eq!(
            forms,
            [
                RequestKind::Backorder,
                RequestKind::Preorder,
                RequestKind::Notify
            ]
        );
        assert_eq!(samples[14].lines[0], "2 units reserved.");
        assert_eq!(samples[14].button.as_deref(), Some("Cancel reservation"));
        assert_eq!(
            samples[15].lines,
            ["Saved. It will be sent as soon as the shop can be reached."]
        );
    }

    #[test]
    fn every_sample_date_is_a_working_day() {
        let samples = samples(true);
        let dates: Vec<NaiveDate> = samples
            .iter()
            .flat_map(|sample| {
                let mut texts = vec![sample.headline.clone()];
                texts.extend(sample.details.clone());
                texts
            })
            .filter_map(|text| text.rsplit(' ').next().and_then(parse_iso_date))
            .collect();
        assert!(dates.len() >= 6, "{dates:?}");
        for date in dates {
            assert!(
                date.weekday().number_from_monday() <= 5,
                "{date} is a weekend"
            );
            assert_ne!(date, parse_iso_date("2026-12-14").expect("date"));
        }
    }

    #[test]
    fn badges_preview_only_statuses() {
        let samples = samples(false);
        assert!(samples.iter().all(|sample| sample.form.is_none()));
        assert!(samples.iter().all(|sample| sample.lines.is_empty()));
        assert_eq!(samples.len(), 14);
    }
}
