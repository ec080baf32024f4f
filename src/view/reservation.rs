//! As SPEC "The shopper sees the current truth" asks: the current place in line, a delay with the
//! date it was and the date it is, "ready to ship", or what ended it. Pure: the browser layer
//! fetches and shows.

use chrono::NaiveDate;

use super::confirmation::{Confirmation, cancelled_text, confirmation_text};
use super::messages::{LocaleFormat, Messages};
use crate::domain::date::parse_iso_date;
use crate::domain::lifecycle::Status;
use crate::domain::request::RequestKind;
use crate::text::decimal;
use crate::wire::RequestStatus;

/// `GET {endpoint}/{id}`'s answer, as the view needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub kind: RequestKind,
    pub status: Status,
    pub quantity: u32,
    pub allocated: u32,
    pub queue_position: Option<u32>,
    pub units_ahead: Option<u32>,
    /// The date stated when it was taken.
    pub stated_date: Option<NaiveDate>,
    /// When it ships now (none: ready, or nothing en route covers it).
    pub current_date: Option<NaiveDate>,
    pub needs_consent: bool,
    pub consent_by: Option<NaiveDate>,
    /// `shopper`, `merchant` or `no_consent`.
    pub cancelled_by: Option<String>,
    pub refund_due: Option<NaiveDate>,
}

impl Current {
    /// The answer as the view needs it; a date that does not parse is none.
    pub fn of(status: RequestStatus) -> Self {
        let date = |text: Option<String>| text.as_deref().and_then(parse_iso_date);
        Self {
            kind: status.kind,
            status: status.status,
            quantity: status.quantity,
            allocated: status.allocated,
            queue_position: status.queue_position,
            units_ahead: status.units_ahead,
            stated_date: date(status.stated_date),
            current_date: date(status.current_date),
            needs_consent: status.needs_consent,
            consent_by: date(status.consent_by),
            cancelled_by: status.cancelled_by,
            refund_due: date(status.refund_due),
        }
    }
}

/// What the returning shopper is shown, and which actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationView {
    pub lines: Vec<String>,
    /// "Keep my reservation": a yes to a delay.
    pub keep: bool,
    pub cancel: bool,
    /// It is over (shipped or cancelled): the browser forgets it after showing this once.
    pub over: bool,
}

/// The view of `current`; `notifies` is what the endpoint said when it was taken.
pub fn reservation_view(
    current: &Current,
    notifies: bool,
    messages: &Messages,
    format: &dyn LocaleFormat,
) -> ReservationView {
    let date = |date: NaiveDate| format.date(date);
    let view = |lines, keep, cancel, over| ReservationView {
        lines,
        keep,
        cancel,
        over,
    };
    match current.status {
        Status::Shipped => return view(vec![messages.text("shipped")], false, false, true),
        Status::Cancelled => {
            let line = match current.cancelled_by.as_deref() {
                Some("merchant") => messages.text("cancelled_by_shop"),
                Some("no_consent") => {
                    let refund = current.refund_due.map(date).unwrap_or_default();
                    messages.dated("cancelled_no_consent", &refund)
                }
                _ => cancelled_text(current.kind, messages),
            };
            return view(vec![line], false, false, true);
        }
        Status::Ready => {
            let mut lines = vec![messages.counted("ready", current.quantity, None, format)];
            // Set aside is not shipped: a yes the rule asked for still counts until then.
            let asked = current.consent_by.filter(|_| current.needs_consent);
            if let Some(deadline) = asked {
                lines.push(messages.dated("keep_by", &date(deadline)));
            }
            lines.push(messages.text("cancel_hint"));
            return view(lines, asked.is_some(), true, false);
        }
        Status::Waiting | Status::Delayed => {}
    }
    let delayed = current.status == Status::Delayed;
    let confirmation = Confirmation {
        kind: current.kind,
        quantity: current.quantity,
        queue_position: current.queue_position,
        units_ahead: current.units_ahead,
        expected_date: None,
        notifies,
        cancellable: false,
    };
    let mut lines = confirmation_text(&confirmation, messages, format);
    if delayed {
        let was = current.stated_date.map(date).unwrap_or_default();
        lines.push(match current.current_date {
            Some(now) => messages.compose(
                "delayed_to",
                None,
                &[("date", &date(now)), ("was", &was)],
                format,
            ),
            None => messages.compose("delayed_open", None, &[("was", &was)], format),
        });
        lines.push(match current.consent_by {
            Some(deadline) if current.needs_consent => messages.dated("keep_by", &date(deadline)),
            _ => messages.text("kept_by_default"),
        });
    } else if let Some(ships) = current.current_date.or(current.stated_date) {
        lines.push(messages.dated("confirmed_date", &date(ships)));
    }
    if current.allocated > 0 && current.allocated < current.quantity {
        let count = decimal(current.allocated);
        lines.push(messages.compose(
            "part_set_aside",
            Some(current.allocated),
            &[("count", &count)],
            format,
        ));
    }
    lines.push(messages.text("cancel_hint"));
    view(lines, delayed, true, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso_date;
    use crate::view::messages::PlainFormat;

    fn day(text: &str) -> Option<NaiveDate> {
        parse_iso_date(text)
    }

    fn waiting() -> Current {
        Current {
            kind: RequestKind::Backorder,
            status: Status::Waiting,
            quantity: 2,
            allocated: 0,
            queue_position: Some(2),
            units_ahead: Some(3),
            stated_date: day("2026-12-15"),
            current_date: day("2026-12-15"),
            needs_consent: false,
            consent_by: None,
            cancelled_by: None,
            refund_due: None,
        }
    }

    fn check(current: Current, lines: &[&str], keep: bool, cancel: bool, over: bool) {
        let view = reservation_view(&current, false, &Messages::for_locale("en"), &PlainFormat);
        assert_eq!(view.lines, lines, "{current:?}");
        assert_eq!((view.keep, view.cancel, view.over), (keep, cancel, over));
    }

    const HINT: &str = "Changed your mind? You can cancel here, in this browser, until it ships.";

    #[test]
    fn waiting_shows_the_current_place_and_date() {
        check(
            waiting(),
            &[
                "2 units reserved.",
                "3 units are reserved ahead of you.",
                "Ships by 2026-12-15.",
                HINT,
            ],
            false,
            true,
            false,
        );
    }

    #[test]
    fn a_delay_shows_the_new_date_beside_the_old_with_keep_and_cancel() {
        check(
            Current {
                status: Status::Delayed,
                current_date: day("2026-12-29"),
                ..waiting()
            },
            &[
                "2 units reserved.",
                "3 units are reserved ahead of you.",
                "Now ships by 2026-12-29 (was 2026-12-15).",
                "You don't need to do anything to keep it.",
                HINT,
            ],
            true,
            true,
            false,
        );
        check(
            Current {
                status: Status::Delayed,
                current_date: None,
                needs_consent: true,
                consent_by: day("2027-01-14"),
                allocated: 1,
                ..waiting()
            },
            &[
                "2 units reserved.",
                "3 units are reserved ahead of you.",
                "The delivery is late and has no new date yet; it was due to ship by 2026-12-15.",
                "To keep it, say so by 2027-01-14; otherwise it is cancelled and refunded.",
                "1 of them is set aside for you.",
                HINT,
            ],
            true,
            true,
            false,
        );
    }

    #[test]
    fn ready_shipped_and_cancelled() {
        check(
            Current {
                status: Status::Ready,
                allocated: 2,
                ..waiting()
            },
            &["Ready to ship: your 2 units are set aside.", HINT],
            false,
            true,
            false,
        );
        // Set aside after a late delivery, with the yes still open: it still counts.
        check(
            Current {
                status: Status::Ready,
                allocated: 2,
                needs_consent: true,
                consent_by: day("2027-01-14"),
                ..waiting()
            },
            &[
                "Ready to ship: your 2 units are set aside.",
                "To keep it, say so by 2027-01-14; otherwise it is cancelled and refunded.",
                HINT,
            ],
            true,
            true,
            false,
        );
        check(
            Current {
                status: Status::Shipped,
                ..waiting()
            },
            &["It has shipped."],
            false,
            false,
            true,
        );
        check(
            Current {
                status: Status::Cancelled,
                cancelled_by: Some("no_consent".to_owned()),
                refund_due: day("2027-01-26"),
                ..waiting()
            },
            &[
                "It was cancelled: the delivery was late and the shop did not hear from you. Your refund is due by 2027-01-26.",
            ],
            false,
            false,
            true,
        );
        check(
            Current {
                status: Status::Cancelled,
                cancelled_by: Some("merchant".to_owned()),
                ..waiting()
            },
            &["The shop cancelled this reservation."],
            false,
            false,
            true,
        );
    }
}
