use crate::outbox::answer::Delivery;
use crate::outbox::queue::{Action, Outbox, Reservation};

/// What an answer to `GET {endpoint}/{id}` says about a remembered reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCheck {
    /// `200`: the body says how it stands now (read it).
    Read,
    /// The endpoint itself knows no such request (its data was reset, or the token is not its
    /// own): nothing is held, so the browser forgets it and the form is back.
    Gone,
    /// Offline, an error, or a `404` from something that is not the endpoint (a wrong URL): what
    /// was stored stays, cancel token and all, marked as not checked.
    Unknown,
}

/// Reads the answer to a status check: `status` (`None`: no answer) and the `error` code of its
/// body, when it has one.
pub fn status_check(status: Option<u16>, error_code: Option<&str>) -> StatusCheck {
    match (status, error_code) {
        (Some(200), _) => StatusCheck::Read,
        (Some(404), Some("unknown_request")) => StatusCheck::Gone,
        _ => StatusCheck::Unknown,
    }
}

/// What a cancel or a keep the courier delivered (or not) leaves on show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAction {
    /// The cancel arrived (or the endpoint no longer had the request): "cancelled", and the form.
    Cancelled,
    /// The keep arrived: "kept", and the reservation as it stands.
    Kept,
    /// Not delivered yet: the buttons go, so nothing is sent twice; a cancel says it is saved.
    Waiting { cancel: bool },
    /// A keep refused: the request ended meanwhile (cancelled for a late answer, or gone), and
    /// asking again shows what ended it.
    AskAgain,
    /// A cancel refused: the reservation stays, with an error, and the merchant is told.
    Failed,
}

/// What `delivery` of a cancel (`cancel`) or a keep means for what the shopper sees.
pub fn after_action(cancel: bool, delivery: &Delivery) -> AfterAction {
    match delivery {
        Delivery::Done if cancel => AfterAction::Cancelled,
        Delivery::Done => AfterAction::Kept,
        Delivery::WillRetry { .. } => AfterAction::Waiting { cancel },
        Delivery::Refused(_) if !cancel => AfterAction::AskAgain,
        Delivery::Refused(_) | Delivery::Accepted(_) => AfterAction::Failed,
    }
}

/// What a returning shopper sees for `sku`, from what the browser kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returning<'a> {
    /// A reservation the endpoint confirmed: shown, then checked with the endpoint.
    Reserved(&'a Reservation),
    /// A request not delivered yet: "saved, it will be sent".
    Queued,
    /// Nothing kept: the form.
    Nothing,
}

/// What the outbox holds for `sku`: a confirmed reservation first (a later request for the SKU
/// is not offered while one is held), then a request still on its way.
pub fn returning<'a>(outbox: &'a Outbox, sku: &str) -> Returning<'a> {
    if let Some(reservation) = outbox.reservation(sku) {
        Returning::Reserved(reservation)
    } else if outbox
        .pending
        .iter()
        .any(|pending| pending.sku == sku && pending.action == Action::Submit)
    {
        Returning::Queued
    } else {
        Returning::Nothing
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
pub(crate) mod tests {
    use super::*;

    fn pending(sku: &str, action: Action) -> crate::outbox::queue::Pending {
        crate::outbox::queue::Pending {
            key: format!("key-of-{sku}-{}", action.name()),
            endpoint: "/api".to_owned(),
            sku: sku.to_owned(),
            kind: crate::domain::request::RequestKind::Backorder,
            quantity: 1,
            body: String::new(),
            created_ms: 0,
            attempts: 0,
            next_attempt_ms: 0,
            action,
        }
    }

    /// A confirmed reservation of `sku` with a cancel token, for the tests here and the model's.
    pub(crate) fn reservation(sku: &str) -> Reservation {
        Reservation {
            sku: sku.to_owned(),
            kind: crate::domain::request::RequestKind::Backorder,
            id: "bo_1".to_owned(),
            quantity: 1,
            queue_position: Some(1),
            units_ahead: None,
            expected_date: None,
            cancel_token: Some("t".to_owned()),
            notifies: false,
            endpoint: "/api".to_owned(),
            confirmed_ms: 0,
        }
    }

    #[test]
    fn a_returning_shopper_sees_their_reservation_then_what_is_on_its_way() {
        let cancel = || Action::Cancel {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        let mut outbox = Outbox::default();
        assert_eq!(returning(&outbox, "A"), Returning::Nothing);
        outbox.add(pending("B", Action::Submit));
        assert_eq!(returning(&outbox, "B"), Returning::Queued);
        assert_eq!(
            returning(&outbox, "A"),
            Returning::Nothing,
            "another SKU's request"
        );
        outbox.add(pending("A", cancel()));
        assert_eq!(
            returning(&outbox, "A"),
            Returning::Nothing,
            "a cancel on its way is not a request"
        );
        outbox.confirm(reservation("A"));
        assert!(matches!(returning(&outbox, "A"), Returning::Reserved(kept) if kept.id == "bo_1"));
        outbox.add(pending("A", Action::Submit));
        assert!(
            matches!(returning(&outbox, "A"), Returning::Reserved(_)),
            "the reservation comes first"
        );
    }

    #[test]
    fn a_cancel_counts_as_done_only_when_the_endpoint_has_it() {
        use crate::outbox::answer::Outcome;
        use crate::wire::Accepted;
        let retry = Delivery::WillRetry {
            attempts: 1,
            reason: "offline".to_owned(),
        };
        let refused = Delivery::Refused(Outcome::Unreadable);
        let accepted = Delivery::Accepted(Accepted::unknown());
        // (a cancel, what the courier says, what the shopper sees)
        let table = [
            (true, &Delivery::Done, AfterAction::Cancelled),
            (false, &Delivery::Done, AfterAction::Kept),
            (true, &retry, AfterAction::Waiting { cancel: true }),
            (false, &retry, AfterAction::Waiting { cancel: false }),
            (false, &refused, AfterAction::AskAgain),
            (true, &refused, AfterAction::Failed),
            (true, &accepted, AfterAction::Failed),
        ];
        for (cancel, delivery, expected) in table {
            assert_eq!(
                after_action(cancel, delivery),
                expected,
                "{cancel} {delivery:?}"
            );
        }
    }

    #[test]
    fn only_the_endpoint_saying_so_forgets_a_reservation() {
        let table = [
            (Some(200), None, StatusCheck::Read),
            (Some(200), Some("unknown_request"), StatusCheck::Read),
            (Some(404), Some("unknown_request"), StatusCheck::Gone),
            (Some(404), None, StatusCheck::Unknown),
            (Some(404), Some("not_found"), StatusCheck::Unknown),
            (Some(410), Some("unknown_request"), StatusCheck::Unknown),
            (Some(401), Some("bad_token"), StatusCheck::Unknown),
            (Some(500), None, StatusCheck::Unknown),
            (Some(503), None, StatusCheck::Unknown),
            (None, None, StatusCheck::Unknown),
        ];
        for (status, code, check) in table {
            assert_eq!(status_check(status, code), check, "{status:?} {code:?}");
        }
    }
}
