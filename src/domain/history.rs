//! What a request's history records: one entry per change, never overwritten (SPEC "Every
//! change is history"). The store writes each [`Event`] as the [`HistoryEntry`] row it maps to.

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
            Self::Cancelled { .. } => HistoryEntry {
                notice: Some("cancelled"),
                ..entry("cancelled")
            },
        }
    }
}
