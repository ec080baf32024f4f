//! SPEC "Every change is history": the store writes each [`Event`] as the [`HistoryEntry`] row it
//! maps to.

use chrono::NaiveDate;

use super::delay::Change;

/// Who cancelled a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy {
    Shopper,
    Merchant,
    /// The delay rule: no yes by the deadline.
    NoConsent,
}

impl CancelledBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shopper => "shopper",
            Self::Merchant => "merchant",
            Self::NoConsent => "no_consent",
        }
    }
}

/// One entry of a request's history. Nothing is ever overwritten: each change is a new entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Created {
        stated: Option<NaiveDate>,
    },
    /// Units arrived for it (`units` now, `total` set aside in all).
    SetAside {
        units: u32,
        total: u32,
    },
    Ready,
    /// Its current date moved (a reschedule, a short or cancelled delivery, a late batch).
    DateChanged {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    /// What the delay rule decided (a notice, a question, a cancellation).
    Rule(Change),
    Consented {
        date: Option<NaiveDate>,
    },
    Shipped,
    Cancelled {
        by: CancelledBy,
    },
    /// A notify sign-up was told the item is back (`domain::waves`).
    Notified,
}

/// An event as a history row stores it: what happened, the old and new date, and which notice
/// was due by when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryEntry {
    pub what: &'static str,
    pub old_date: Option<NaiveDate>,
    pub new_date: Option<NaiveDate>,
    pub notice: Option<&'static str>,
    pub due: Option<NaiveDate>,
    /// Units, for `set_aside`.
    pub units: Option<u32>,
}

impl Event {
    pub fn entry(self) -> HistoryEntry {
        let entry = |what| HistoryEntry {
            what,
            old_date: None,
            new_date: None,
            notice: None,
            due: None,
            units: None,
        };
        match self {
            Self::Created { stated } => HistoryEntry {
                new_date: stated,
                ..entry("created")
            },
            Self::SetAside { units, .. } => HistoryEntry {
                units: Some(units),
                ..entry("set_aside")
            },
            Self::Ready => entry("ready"),
            Self::DateChanged { from, to } => HistoryEntry {
                old_date: from,
                new_date: to,
                ..entry("date_changed")
            },
            Self::Rule(Change::Delayed { revised, due_by }) => HistoryEntry {
                new_date: Some(revised),
                notice: Some("delay"),
                due: Some(due_by),
                ..entry("delayed")
            },
            Self::Rule(Change::ConsentNeeded {
                offered,
                deadline,
                due_by,
                late,
            }) => HistoryEntry {
                new_date: offered,
                old_date: Some(deadline),
                notice: Some(if late { "consent_late" } else { "consent" }),
                due: Some(due_by),
                ..entry("consent_needed")
            },
            Self::Rule(Change::OfferChanged { offered }) => HistoryEntry {
                new_date: offered,
                notice: Some("consent"),
                ..entry("offer_changed")
            },
            Self::Rule(Change::BackOnTime) => entry("back_on_time"),
            Self::Rule(Change::Cancelled {
                cancelled_on,
                refund_due,
            }) => HistoryEntry {
                new_date: Some(cancelled_on),
                due: Some(refund_due),
                notice: Some("cancelled"),
                ..entry("cancelled")
            },
            Self::Consented { date } => HistoryEntry {
                new_date: date,
                ..entry("consented")
            },
            Self::Shipped => entry("shipped"),
            Self::Notified => entry("notified"),
            Self::Cancelled { .. } => HistoryEntry {
                notice: Some("cancelled"),
                ..entry("cancelled")
            },
        }
    }
}

/// The webhook event (SPEC "People are told") a history entry's `what` tells the shop's tools
/// about, if any: units set aside, a date that moved without a notice and a date back on time
/// are the shop's own business, told through the events that follow from them.
pub fn webhook_type(what: &str) -> Option<&'static str> {
    Some(match what {
        "created" => "backorder.created",
        "delayed" => "backorder.delayed",
        // A changed offer asks the same question again, with the new date.
        "consent_needed" | "offer_changed" => "backorder.consent_needed",
        "consented" => "backorder.consented",
        "ready" => "backorder.ready",
        "shipped" => "backorder.shipped",
        "cancelled" => "backorder.cancelled",
        "notified" => "notify.back_in_stock",
        _ => return None,
    })
}

/// The email a shopper gets for a history entry, if any (SPEC "People are told"): the
/// confirmation, the delay notice in its two cases, ready, the cancellation's receipt and
/// back in stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mail {
    Confirmation,
    /// Later, within the rule: silence counts as consent.
    Delayed,
    /// A yes is needed by a deadline, or the request is cancelled.
    ConsentNeeded,
    Ready,
    Cancelled,
    BackInStock,
}

impl Mail {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmation => "confirmation",
            Self::Delayed => "delayed",
            Self::ConsentNeeded => "consent_needed",
            Self::Ready => "ready",
            Self::Cancelled => "cancelled",
            Self::BackInStock => "back_in_stock",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Confirmation,
            Self::Delayed,
            Self::ConsentNeeded,
            Self::Ready,
            Self::Cancelled,
            Self::BackInStock,
        ]
        .into_iter()
        .find(|mail| mail.as_str() == text)
    }
}

/// The email a history entry's `what` sends the shopper, if any. Shipping is the shop's own
/// mail (with its tracking number), so it sends none here.
pub fn mail_for(what: &str) -> Option<Mail> {
    Some(match what {
        "created" => Mail::Confirmation,
        "delayed" => Mail::Delayed,
        "consent_needed" | "offer_changed" => Mail::ConsentNeeded,
        "ready" => Mail::Ready,
        "cancelled" => Mail::Cancelled,
        "notified" => Mail::BackInStock,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every history entry either names its webhook event or is deliberately silent.
    #[test]
    fn history_entries_and_their_webhook_events() {
        let day = NaiveDate::from_ymd_opt(2030, 1, 2);
        let events = [
            (Event::Created { stated: day }, Some("backorder.created")),
            (Event::SetAside { units: 1, total: 1 }, None),
            (Event::Ready, Some("backorder.ready")),
            (
                Event::DateChanged {
                    from: day,
                    to: None,
                },
                None,
            ),
            (
                Event::Rule(Change::Delayed {
                    revised: day.expect("a day"),
                    due_by: day.expect("a day"),
                }),
                Some("backorder.delayed"),
            ),
            (
                Event::Rule(Change::ConsentNeeded {
                    offered: day,
                    deadline: day.expect("a day"),
                    due_by: day.expect("a day"),
                    late: false,
                }),
                Some("backorder.consent_needed"),
            ),
            (
                Event::Rule(Change::OfferChanged { offered: None }),
                Some("backorder.consent_needed"),
            ),
            (Event::Rule(Change::BackOnTime), None),
            (
                Event::Rule(Change::Cancelled {
                    cancelled_on: day.expect("a day"),
                    refund_due: day.expect("a day"),
                }),
                Some("backorder.cancelled"),
            ),
            (Event::Consented { date: day }, Some("backorder.consented")),
            (Event::Shipped, Some("backorder.shipped")),
            (Event::Notified, Some("notify.back_in_stock")),
            (
                Event::Cancelled {
                    by: CancelledBy::Merchant,
                },
                Some("backorder.cancelled"),
            ),
        ];
        for (event, expected) in events {
            assert_eq!(webhook_type(event.entry().what), expected, "{event:?}");
            // Every event the shopper hears of by email is one the shop's tools hear of too.
            if let Some(mail) = mail_for(event.entry().what) {
                assert!(
                    expected.is_some(),
                    "{event:?} mails {mail:?} but has no webhook"
                );
                assert_eq!(Mail::parse(mail.as_str()), Some(mail));
            }
        }
        assert_eq!(mail_for("shipped"), None);
        assert_eq!(mail_for("set_aside"), None);
    }
}
