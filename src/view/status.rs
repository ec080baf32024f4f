use super::messages::{LocaleFormat, Messages};
use crate::domain::availability::{Availability, Evaluation, NoDateReason};
use crate::domain::request::RequestKind;

/// How the status should look: themes colour by tone, not by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Available,
    Waiting,
    Unavailable,
    /// Loading, or the neutral fallback: no colour, no promise.
    Neutral,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Waiting => "waiting",
            Self::Unavailable => "unavailable",
            Self::Neutral => "neutral",
        }
    }
}

/// Everything the status part of the widget shows, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub state: &'static str,
    pub tone: Tone,
    pub headline: String,
    pub details: Vec<String>,
    /// The message keys behind the headline and the details, in order: the merchant preview
    /// names them, so a merchant knows which key to override.
    pub keys: Vec<&'static str>,
    /// The request the form offers, if any.
    pub offer: Option<RequestKind>,
    /// The quantity the form starts with (the units that wait, for a partial shipment).
    pub request_quantity: u32,
    /// The most the form accepts.
    pub max_request_quantity: u32,
    /// What the form says about itself: in the partial state, that the units that ship now are
    /// bought through the cart, since the form reserves only those that wait.
    pub form_note: Option<String>,
}

/// Words for an evaluation.
pub fn status_view(
    evaluation: &Evaluation,
    messages: &Messages,
    format: &dyn LocaleFormat,
) -> StatusView {
    let date = |date| format.date(date);
    let mut details = Vec::new();
    let mut keys = Vec::new();
    let mut detail = |key: &'static str, text: String| {
        keys.push(key);
        details.push(text);
    };
    let mut form_note = None;
    let (tone, headline_key, headline) = match &evaluation.availability {
        Availability::InStock {
            low_stock: Some(left),
        } => (
            Tone::Available,
            "low_stock",
            messages.counted("low_stock", *left, None, format),
        ),
        Availability::InStock { low_stock: None } => {
            (Tone::Available, "in_stock", messages.text("in_stock"))
        }
        Availability::Partial {
            ship_now,
            backordered,
            expected_ship_date,
        } => {
            let later = date(*expected_ship_date);
            detail(
                "partial_later",
                messages.counted("partial_later", *backordered, Some(&later), format),
            );
            form_note = Some(messages.counted("partial_form", *ship_now, None, format));
            (
                Tone::Waiting,
                "partial_now",
                messages.counted("partial_now", *ship_now, None, format),
            )
        }
        Availability::Backordered { expected_ship_date } => (
            Tone::Waiting,
            "backordered",
            messages.dated("backordered", &date(*expected_ship_date)),
        ),
        Availability::Preorder {
            release_date,
            expected_ship_date,
        } => {
            if expected_ship_date > release_date {
                detail(
                    "preorder_ships",
                    messages.dated("preorder_ships", &date(*expected_ship_date)),
                );
            }
            (
                Tone::Waiting,
                "preorder",
                messages.dated("preorder", &date(*release_date)),
            )
        }
        Availability::OutOfStock { reason, .. } => {
            if let Some(key) = reason_key(*reason) {
                detail(key, messages.text(key));
            }
            (
                Tone::Unavailable,
                "out_of_stock",
                messages.text("out_of_stock"),
            )
        }
        Availability::Discontinued => (
            Tone::Unavailable,
            "discontinued",
            messages.text("discontinued"),
        ),
    };
    if evaluation.limited {
        detail(
            "limited",
            messages.counted("limited", evaluation.max_quantity, None, format),
        );
        if evaluation.late_delivery {
            // "Only 2 can be ordered" alone would hide why: the delivery meant for the rest
            // is late.
            detail("delayed", messages.text("delayed"));
        }
    }
    keys.insert(0, headline_key);
    let offer = RequestKind::offered_for(&evaluation.availability);
    let (request_quantity, max_request_quantity) = match &evaluation.availability {
        // The backorder is for the units that wait; `max_quantity` carries `max_per_order`.
        Availability::Partial { backordered, .. } => (
            *backordered,
            evaluation.reservable.min(evaluation.max_quantity),
        ),
        Availability::OutOfStock { .. } => (evaluation.quantity, crate::domain::MAX_QUANTITY),
        _ => (evaluation.quantity, evaluation.max_quantity),
    };
    StatusView {
        state: evaluation.availability.state_name(),
        tone,
        headline,
        details,
        keys,
        offer,
        request_quantity,
        max_request_quantity,
        form_note,
    }
}

/// The detail line that says why nothing can be promised, when there is something to say.
fn reason_key(reason: NoDateReason) -> Option<&'static str> {
    match reason {
        NoDateReason::Delayed => Some("delayed"),
        NoDateReason::CapReached => Some("cap_reached"),
        NoDateReason::BeyondMaxWait => Some("beyond_max_wait"),
        NoDateReason::NothingIncoming | NoDateReason::BackordersDenied => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso_date;
    use crate::view::messages::PlainFormat;

    fn view(availability: Availability, limited: bool) -> StatusView {
        let evaluation = Evaluation {
            availability,
            quantity: 5,
            limited,
            max_quantity: 5,
            reservable: 2,
            late_delivery: false,
        };
        status_view(&evaluation, &Messages::for_locale("en-US"), &PlainFormat)
    }

    /// The headline, the details and the keys behind them, and the request offered.
    fn check(
        availability: Availability,
        headline: &str,
        details: &[&str],
        keys: &[&str],
        offer: Option<RequestKind>,
    ) {
        let view = view(availability, false);
        assert_eq!(view.headline, headline);
        assert_eq!(view.details, details);
        assert_eq!(view.keys, keys, "the keys of {headline:?}");
        assert_eq!(view.offer, offer);
    }

    fn out_of_stock(reason: NoDateReason) -> Availability {
        Availability::OutOfStock {
            notify: true,
            reason,
        }
    }

    #[test]
    fn every_state_has_words() {
        let date = parse_iso_date("2026-12-15").expect("date");
        let later = parse_iso_date("2026-12-22").expect("date");
        check(
            Availability::InStock { low_stock: None },
            "In stock",
            &[],
            &["in_stock"],
            None,
        );
        check(
            Availability::InStock { low_stock: Some(1) },
            "Only 1 left",
            &[],
            &["low_stock"],
            None,
        );
        check(
            Availability::Partial {
                ship_now: 1,
                backordered: 2,
                expected_ship_date: date,
            },
            "1 ships now",
            &["2 more ship by 2026-12-15"],
            &["partial_now", "partial_later"],
            Some(RequestKind::Backorder),
        );
        check(
            Availability::Backordered {
                expected_ship_date: date,
            },
            "Backordered: ships by 2026-12-15",
            &[],
            &["backordered"],
            Some(RequestKind::Backorder),
        );
        check(
            Availability::Preorder {
                release_date: date,
                expected_ship_date: later,
            },
            "Pre-order: releases 2026-12-15",
            &["Reserved units ship by 2026-12-22"],
            &["preorder", "preorder_ships"],
            Some(RequestKind::Preorder),
        );
        check(
            Availability::Discontinued,
            "No longer available",
            &[],
            &["discontinued"],
            None,
        );
        let limited = view(Availability::InStock { low_stock: None }, true);
        assert_eq!(limited.details, ["Only 5 can be ordered"]);
        assert_eq!(limited.keys, ["in_stock", "limited"]);
    }

    /// "No delivery date yet" was shown for different truths; each now says its own.
    #[test]
    fn out_of_stock_says_why_there_is_no_date() {
        for (reason, details, keys) in [
            (
                NoDateReason::Delayed,
                &["The next delivery is running late; no new date yet"][..],
                &["out_of_stock", "delayed"][..],
            ),
            (
                NoDateReason::CapReached,
                &["Reservations are full for now"],
                &["out_of_stock", "cap_reached"],
            ),
            (
                NoDateReason::BeyondMaxWait,
                &["The next delivery is too far out to promise a date"],
                &["out_of_stock", "beyond_max_wait"],
            ),
            (NoDateReason::NothingIncoming, &[], &["out_of_stock"]),
            (NoDateReason::BackordersDenied, &[], &["out_of_stock"]),
        ] {
            check(
                out_of_stock(reason),
                "Out of stock",
                details,
                keys,
                Some(RequestKind::Notify),
            );
        }
    }

    #[test]
    fn the_partial_form_reserves_only_the_units_that_wait_and_says_so() {
        let date = parse_iso_date("2026-12-15").expect("date");
        let partial = view(
            Availability::Partial {
                ship_now: 3,
                backordered: 2,
                expected_ship_date: date,
            },
            false,
        );
        assert_eq!(
            (partial.request_quantity, partial.max_request_quantity),
            (2, 2)
        );
        assert_eq!(
            partial.form_note.as_deref(),
            Some(
                "This reserves only the units that wait. Buy the 3 that ship now through the cart."
            )
        );
        let backordered = view(
            Availability::Backordered {
                expected_ship_date: date,
            },
            false,
        );
        assert_eq!(backordered.form_note, None);
    }
}
