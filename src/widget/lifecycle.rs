/// Where one element's request stands. One value, so no two flags can disagree about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Phase {
    /// The form is shown and can be submitted.
    #[default]
    Editing,
    /// A submission is on its way; another click sends nothing.
    Sending,
    /// The request is saved in the outbox and will be retried.
    Queued,
    /// The endpoint confirmed a reservation for this SKU (now or on an earlier visit).
    Confirmed,
}

/// What happened to the element's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The shopper submitted a valid request.
    Submitted,
    /// The endpoint stored it: the reservation is shown.
    Accepted,
    /// The endpoint refused it for good: the shopper can correct it and send again.
    Refused,
    /// It could not be delivered yet: saved, and retried.
    WillRetry,
    /// A reservation the browser remembers is shown (a returning shopper).
    Remembered,
    /// The reservation is gone (cancelled, shipped, unknown to the endpoint), or the element now
    /// shows another SKU: the form is back.
    Reset,
}

impl Phase {
    /// The phase after `step`. A submission counts only from the form being edited; every other
    /// step moves the same way from anywhere.
    pub fn after(self, step: Step) -> Self {
        match (self, step) {
            (Self::Editing, Step::Submitted) => Self::Sending,
            (phase, Step::Submitted) => phase,
            (_, Step::Accepted | Step::Remembered) => Self::Confirmed,
            (_, Step::Refused | Step::Reset) => Self::Editing,
            (_, Step::WillRetry) => Self::Queued,
        }
    }

    /// Whether a submit click sends: a second click while the first is on its way, or after it
    /// was queued or confirmed, sends nothing.
    pub fn may_submit(self) -> bool {
        self == Self::Editing
    }

    /// Whether a full element shows the request form (or a badge's nothing) rather than a
    /// reservation or a queued message.
    pub fn shows_form(self) -> bool {
        matches!(self, Self::Editing | Self::Sending)
    }

    /// Whether a `backorder:queued` event is due: the first time a request is saved for later,
    /// not on every retry.
    pub fn first_queued(self) -> bool {
        self != Self::Queued
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;

    #[test]
    fn every_step_from_every_phase() {
        use Phase::*;
        use Step::*;
        // (from, step, to): every pair.
        let table = [
            (Editing, Submitted, Sending),
            (Sending, Submitted, Sending),
            (Queued, Submitted, Queued),
            (Confirmed, Submitted, Confirmed),
            (Editing, Accepted, Confirmed),
            (Sending, Accepted, Confirmed),
            (Queued, Accepted, Confirmed),
            (Confirmed, Accepted, Confirmed),
            (Editing, Refused, Editing),
            (Sending, Refused, Editing),
            (Queued, Refused, Editing),
            (Confirmed, Refused, Editing),
            (Editing, WillRetry, Queued),
            (Sending, WillRetry, Queued),
            (Queued, WillRetry, Queued),
            (Confirmed, WillRetry, Queued),
            (Editing, Remembered, Confirmed),
            (Sending, Remembered, Confirmed),
            (Queued, Remembered, Confirmed),
            (Confirmed, Remembered, Confirmed),
            (Editing, Reset, Editing),
            (Sending, Reset, Editing),
            (Queued, Reset, Editing),
            (Confirmed, Reset, Editing),
        ];
        for (from, step, to) in table {
            assert_eq!(from.after(step), to, "{from:?} + {step:?}");
        }
        // A submission is the only step that needs the form, and only the form's phase moves.
        for from in [Editing, Sending, Queued, Confirmed] {
            let sent = from.after(Submitted);
            assert_eq!(sent != from, from.may_submit(), "{from:?}");
        }
    }

    #[test]
    fn what_each_phase_allows() {
        use Phase::*;
        // (phase, may submit, shows the form, a queued event is due)
        let table = [
            (Editing, true, true, true),
            (Sending, false, true, true),
            (Queued, false, false, false),
            (Confirmed, false, false, true),
        ];
        for (phase, submit, form, queued) in table {
            assert_eq!(phase.may_submit(), submit, "{phase:?}");
            assert_eq!(phase.shows_form(), form, "{phase:?}");
            assert_eq!(phase.first_queued(), queued, "{phase:?}");
        }
    }
}
