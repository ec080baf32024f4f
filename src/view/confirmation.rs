//! The request may have been accepted now or on an earlier visit.
//!
//! Every line says only what is true: units reserved by other channels count as ahead in line,
//! a pre-order is not a place in a queue, and nobody is promised an email unless the endpoint
//! said it sends one.

use super::messages::{LocaleFormat, Messages};
use crate::domain::date::parse_iso_date;
use crate::domain::request::RequestKind;
use crate::text::{concat, decimal};

/// A request the endpoint accepted, as the endpoint answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmation<'a> {
    pub kind: RequestKind,
    pub quantity: u32,
    /// The request's place among the endpoint's own requests.
    pub queue_position: Option<u32>,
    /// Every unit promised before this request, whichever channel promised it.
    pub units_ahead: Option<u32>,
    pub expected_date: Option<&'a str>,
    /// Whether the endpoint itself emails the shopper about this request.
    pub notifies: bool,
    /// Whether it can be cancelled from here (the endpoint returned a cancel token).
    pub cancellable: bool,
}

/// The confirmation's lines.
pub fn confirmation_text(
    confirmation: &Confirmation,
    messages: &Messages,
    format: &dyn LocaleFormat,
) -> Vec<String> {
    let Confirmation {
        kind,
        quantity,
        queue_position,
        units_ahead,
        expected_date,
        notifies,
        cancellable,
    } = *confirmation;
    if kind == RequestKind::Notify {
        let done = match notifies {
            true => "confirmed_notify_email",
            false => "confirmed_notify",
        };
        let mut lines = vec![messages.text(done)];
        if cancellable {
            lines.push(messages.text("withdraw_hint"));
        }
        return lines;
    }
    let count = decimal(quantity);
    let mut lines = Vec::new();
    match (kind, units_ahead, queue_position) {
        (RequestKind::Preorder, ..) => {
            lines.push(messages.counted("preordered", quantity, None, format))
        }
        (_, Some(0), _) => {
            lines.push(messages.counted("reserved", quantity, None, format));
            lines.push(messages.text("first_in_line"));
        }
        (_, Some(ahead), _) => {
            lines.push(messages.counted("reserved", quantity, None, format));
            lines.push(messages.counted("ahead", ahead, None, format));
        }
        // An endpoint that numbers only its own requests: its number is all there is to say.
        (_, None, Some(position)) => lines.push(messages.compose(
            "reservation",
            Some(quantity),
            &[("count", &count), ("position", &decimal(position))],
            format,
        )),
        (_, None, None) => lines.push(messages.counted("reserved", quantity, None, format)),
    }
    if let Some(date) = expected_date.and_then(parse_iso_date) {
        lines.push(messages.dated("confirmed_date", &format.date(date)));
    }
    if notifies {
        lines.push(messages.text("email_updates"));
    }
    if cancellable {
        lines.push(messages.text("cancel_hint"));
    }
    lines
}

/// The cancel button's label: "Cancel reservation", "Cancel pre-order", "Withdraw request".
pub fn cancel_label(kind: RequestKind, messages: &Messages) -> String {
    messages.text(&concat(&["cancel.", kind.as_str()]))
}

/// What the shopper reads once it is cancelled.
pub fn cancelled_text(kind: RequestKind, messages: &Messages) -> String {
    messages.text(&concat(&["cancelled.", kind.as_str()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::messages::PlainFormat;

    fn check(confirmation: Confirmation, expected: &[&str]) {
        let lines = confirmation_text(&confirmation, &Messages::for_locale("en"), &PlainFormat);
        assert_eq!(lines, expected, "{confirmation:?}");
    }

    const BACKORDER: Confirmation = Confirmation {
        kind: RequestKind::Backorder,
        quantity: 2,
        queue_position: Some(1),
        units_ahead: None,
        expected_date: Some("2026-12-15"),
        notifies: false,
        cancellable: true,
    };

    #[test]
    fn a_backorder_counts_every_unit_ahead_whoever_promised_it() {
        let hint = "Changed your mind? You can cancel here, in this browser, until it ships.";
        // 12 units promised through other channels: "#1 in line" would be untrue.
        check(
            Confirmation {
                units_ahead: Some(12),
                ..BACKORDER
            },
            &[
                "2 units reserved.",
                "12 units are reserved ahead of you.",
                "Ships by 2026-12-15.",
                hint,
            ],
        );
        check(
            Confirmation {
                units_ahead: Some(1),
                ..BACKORDER
            },
            &[
                "2 units reserved.",
                "1 unit is reserved ahead of you.",
                "Ships by 2026-12-15.",
                hint,
            ],
        );
        check(
            Confirmation {
                units_ahead: Some(0),
                ..BACKORDER
            },
            &[
                "2 units reserved.",
                "Nobody is ahead of you in line.",
                "Ships by 2026-12-15.",
                hint,
            ],
        );
        // An endpoint that only numbers its own requests.
        check(
            Confirmation {
                queue_position: Some(3),
                ..BACKORDER
            },
            &[
                "You're #3 in line for 2 units.",
                "Ships by 2026-12-15.",
                hint,
            ],
        );
        check(
            Confirmation {
                queue_position: None,
                expected_date: None,
                ..BACKORDER
            },
            &["2 units reserved.", hint],
        );
        // Without a cancel token nothing here can cancel it, so nothing says it can.
        check(
            Confirmation {
                queue_position: None,
                expected_date: None,
                cancellable: false,
                ..BACKORDER
            },
            &["2 units reserved."],
        );
    }

    #[test]
    fn a_pre_order_is_reserved_not_in_line() {
        check(
            Confirmation {
                kind: RequestKind::Preorder,
                quantity: 1,
                units_ahead: Some(4),
                ..BACKORDER
            },
            &[
                "Pre-order reserved: 1 unit.",
                "Ships by 2026-12-15.",
                "Changed your mind? You can cancel here, in this browser, until it ships.",
            ],
        );
    }

    #[test]
    fn email_is_promised_only_when_the_endpoint_sends_it() {
        let notify = Confirmation {
            kind: RequestKind::Notify,
            queue_position: None,
            expected_date: None,
            ..BACKORDER
        };
        let withdraw = "You can withdraw it here, in this browser.";
        check(notify, &["Done. The shop has your request.", withdraw]);
        check(
            Confirmation {
                notifies: true,
                ..notify
            },
            &["Done. We will email you when it is back.", withdraw],
        );
        let lines = confirmation_text(
            &Confirmation {
                notifies: true,
                ..BACKORDER
            },
            &Messages::for_locale("en"),
            &PlainFormat,
        );
        assert!(lines.contains(&"The shop will email you about it.".to_owned()));
        let silent = confirmation_text(&BACKORDER, &Messages::for_locale("en"), &PlainFormat);
        assert!(
            !silent.iter().any(|line| line.contains("email")),
            "{silent:?}"
        );
    }

    #[test]
    fn each_kind_cancels_in_its_own_words() {
        let messages = Messages::for_locale("en");
        for (kind, label, done) in [
            (
                RequestKind::Backorder,
                "Cancel reservation",
                "Your reservation is cancelled.",
            ),
            (
                RequestKind::Preorder,
                "Cancel pre-order",
                "Your pre-order is cancelled.",
            ),
            (
                RequestKind::Notify,
                "Withdraw request",
                "Your request is withdrawn.",
            ),
        ] {
            assert_eq!(cancel_label(kind, &messages), label);
            assert_eq!(cancelled_text(kind, &messages), done);
        }
    }
}
