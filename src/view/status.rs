//! The status line (and the request the shopper may make) for each availability state.

use super::{LocaleFormat, Messages};
use crate::domain::{Availability, Evaluation, NoDateReason, RequestKind};
use crate::text::decimal;

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
    /// The request the form offers, if any.
    pub offer: Option<RequestKind>,
    /// The quantity the form starts with (the units that wait, for a partial shipment).
    pub request_quantity: u32,
    /// The most the form accepts.
    pub max_request_quantity: u32,
}

/// Words for an evaluation.
pub fn status_view(
    evaluation: &Evaluation,
    messages: &Messages,
    format: &dyn LocaleFormat,
) -> StatusView {
    let date = |date| format.date(date);
    let mut details = Vec::new();
    let (tone, headline) = match &evaluation.availability {
        Availability::InStock {
            low_stock: Some(left),
        } => (
            Tone::Available,
            messages.counted("low_stock", *left, None, format),
        ),
        Availability::InStock { low_stock: None } => (Tone::Available, messages.text("in_stock")),
        Availability::Partial {
            ship_now,
            backordered,
            expected_ship_date,
        } => {
            let later = date(*expected_ship_date);
            details.push(messages.counted("partial_later", *backordered, Some(&later), format));
            (
                Tone::Waiting,
                messages.counted("partial_now", *ship_now, None, format),
            )
        }
        Availability::Backordered { expected_ship_date } => (
            Tone::Waiting,
            messages.dated("backordered", &date(*expected_ship_date)),
        ),
        Availability::Preorder {
            release_date,
            expected_ship_date,
        } => {
            if expected_ship_date > release_date {
                details.push(messages.dated("preorder_ships", &date(*expected_ship_date)));
            }
            (
                Tone::Waiting,
                messages.dated("preorder", &date(*release_date)),
            )
        }
        Availability::OutOfStock { reason, .. } => {
            match reason {
                NoDateReason::Delayed => details.push(messages.text("delayed")),
                NoDateReason::BeyondMaxWait | NoDateReason::CapReached => {
                    details.push(messages.text("no_date"))
                }
                NoDateReason::NothingIncoming | NoDateReason::BackordersDenied => {}
            }
            (Tone::Unavailable, messages.text("out_of_stock"))
        }
        Availability::Discontinued => (Tone::Unavailable, messages.text("discontinued")),
    };
    if evaluation.limited {
        details.push(messages.counted("limited", evaluation.max_quantity, None, format));
    }
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
        offer,
        request_quantity,
        max_request_quantity,
    }
}

/// What the shopper reads about a request the endpoint accepted (now or on an earlier visit).
pub fn confirmation_text(
    kind: RequestKind,
    quantity: u32,
    queue_position: Option<u32>,
    expected_date: Option<&str>,
    messages: &Messages,
    format: &dyn LocaleFormat,
) -> Vec<String> {
    if kind == RequestKind::Notify {
        return vec![messages.text("confirmed_notify")];
    }
    let count = decimal(quantity);
    let mut lines = vec![match queue_position {
        Some(position) => {
            let position = decimal(position);
            messages.compose(
                "reservation",
                Some(quantity),
                &[("count", &count), ("position", &position)],
                format,
            )
        }
        None => messages.counted("reserved", quantity, None, format),
    }];
    if let Some(date) = expected_date.and_then(crate::domain::parse_iso_date) {
        lines.push(messages.dated("confirmed_date", &format.date(date)));
    }
    lines.push(messages.text("cancel_hint"));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_iso_date;
    use crate::view::PlainFormat;

    fn view(availability: Availability, limited: bool) -> StatusView {
        let evaluation = Evaluation {
            availability,
            quantity: 5,
            limited,
            max_quantity: 5,
            reservable: 2,
        };
        status_view(&evaluation, &Messages::for_locale("en-US"), &PlainFormat)
    }

    fn check(
        availability: Availability,
        headline: &str,
        details: &[&str],
        offer: Option<RequestKind>,
    ) {
        let view = view(availability, false);
        assert_eq!(view.headline, headline);
        assert_eq!(view.details, details);
        assert_eq!(view.offer, offer);
    }

    #[test]
    fn every_state_has_words() {
        let date = parse_iso_date("2026-12-15").expect("date");
        let later = parse_iso_date("2026-12-22").expect("date");
        check(
            Availability::InStock { low_stock: None },
            "In stock",
            &[],
            None,
        );
        check(
            Availability::InStock { low_stock: Some(1) },
            "Only 1 left",
            &[],
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
            Some(RequestKind::Backorder),
        );
        check(
            Availability::Backordered {
                expected_ship_date: date,
            },
            "Backordered: ships by 2026-12-15",
            &[],
            Some(RequestKind::Backorder),
        );
        check(
            Availability::Preorder {
                release_date: date,
                expected_ship_date: later,
            },
            "Pre-order: releases 2026-12-15",
            &["Reserved units ship by 2026-12-22"],
            Some(RequestKind::Preorder),
        );
        check(
            Availability::OutOfStock {
                notify: true,
                reason: NoDateReason::Delayed,
            },
            "Out of stock",
            &["The next delivery is running late; no new date yet"],
            Some(RequestKind::Notify),
        );
        check(Availability::Discontinued, "No longer available", &[], None);
        assert_eq!(
            view(Availability::InStock { low_stock: None }, true).details,
            ["Only 5 can be ordered"]
        );
    }

    #[test]
    fn confirmations() {
        let messages = Messages::for_locale("en");
        let lines = confirmation_text(
            RequestKind::Backorder,
            2,
            Some(3),
            Some("2026-12-15"),
            &messages,
            &PlainFormat,
        );
        assert_eq!(
            lines[..2],
            ["You're #3 in line for 2 units.", "Ships by 2026-12-15."]
        );
        let lines = confirmation_text(
            RequestKind::Preorder,
            1,
            None,
            None,
            &messages,
            &PlainFormat,
        );
        assert_eq!(lines[0], "1 unit reserved.");
        let lines = confirmation_text(RequestKind::Notify, 1, None, None, &messages, &PlainFormat);
        assert_eq!(lines, ["Done. We will email you when it is back."]);
    }

    #[test]
    fn partial_form_reserves_only_the_units_that_wait() {
        let date = parse_iso_date("2026-12-15").expect("date");
        let view = view(
            Availability::Partial {
                ship_now: 3,
                backordered: 2,
                expected_ship_date: date,
            },
            false,
        );
        assert_eq!((view.request_quantity, view.max_request_quantity), (2, 2));
    }
}
