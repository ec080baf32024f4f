//! The outbox as the browser stores it in `localStorage` (`backorder-widget:outbox:v1`): the
//! same document every version of the widget has written, so what an earlier visit left is
//! still read.

use serde::{Deserialize, Serialize};

use super::error::{Problem, WireError};
use super::read::{is_true, lenient, read};
use super::tree::Tree;
use crate::domain::request::RequestKind;
use crate::outbox::queue::{Action, Outbox, Pending, Reservation};

/// The whole document. The browser reads it entry by entry (an entry that does not read is
/// dropped with a warning, the others kept); it is written whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredOutbox {
    pub pending: Vec<StoredPending>,
    pub reservations: Vec<StoredReservation>,
}

/// What a stored message asks of the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    Submit,
    Cancel,
    Consent,
}

/// One message waiting to be sent: [`Pending`], with its action spelled out flat (`"action":
/// "cancel", "id": …, "token": …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPending {
    pub key: String,
    pub endpoint: String,
    pub sku: String,
    pub kind: RequestKind,
    pub quantity: u32,
    pub body: String,
    pub created_ms: u64,
    pub attempts: u32,
    pub next_attempt_ms: u64,
    /// Absent in what the first versions stored: they stored only submissions.
    #[serde(default)]
    pub action: Option<ActionName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A confirmed reservation: [`Reservation`] as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReservation {
    pub sku: String,
    pub kind: RequestKind,
    pub id: String,
    pub quantity: u32,
    /// A count that does not read is only left out.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub queue_position: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub units_ahead: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_token: Option<String>,
    /// Stored before the endpoint said whether it emails: it promised none.
    #[serde(default, deserialize_with = "is_true")]
    pub notifies: bool,
    pub endpoint: String,
    pub confirmed_ms: u64,
}

impl StoredOutbox {
    /// The outbox in `document`, entry by entry: an entry that does not read (a kind this
    /// version does not know, a cancel without its request) is left out, and why comes back,
    /// while the others are kept.
    pub fn read_entries(document: &Tree) -> (Outbox, Vec<WireError>) {
        let mut outbox = Outbox::default();
        let mut dropped = Vec::new();
        for entry in document.items("pending") {
            match read::<StoredPending>(entry).and_then(StoredPending::pending) {
                Ok(pending) => outbox.pending.push(pending),
                Err(error) => dropped.push(error),
            }
        }
        for entry in document.items("reservations") {
            match read::<StoredReservation>(entry) {
                Ok(reservation) => outbox.reservations.push(reservation.reservation()),
                Err(error) => dropped.push(error),
            }
        }
        (outbox, dropped)
    }

    pub fn of(outbox: &Outbox) -> Self {
        Self {
            pending: outbox.pending.iter().map(StoredPending::of).collect(),
            reservations: outbox
                .reservations
                .iter()
                .map(StoredReservation::of)
                .collect(),
        }
    }
}

impl StoredPending {
    pub fn of(pending: &Pending) -> Self {
        let (action, target) = match &pending.action {
            Action::Submit => (ActionName::Submit, None),
            Action::Cancel { id, token } => (ActionName::Cancel, Some((id, token))),
            Action::Consent { id, token } => (ActionName::Consent, Some((id, token))),
        };
        Self {
            key: pending.key.clone(),
            endpoint: pending.endpoint.clone(),
            sku: pending.sku.clone(),
            kind: pending.kind,
            quantity: pending.quantity,
            body: pending.body.clone(),
            created_ms: pending.created_ms,
            attempts: pending.attempts,
            next_attempt_ms: pending.next_attempt_ms,
            action: Some(action),
            id: target.map(|(id, _)| id.clone()),
            token: target.map(|(_, token)| token.clone()),
        }
    }

    /// The message; a cancel or consent needs the request's `id` and `token`.
    pub fn pending(self) -> Result<Pending, WireError> {
        let target = |id: Option<String>, token: Option<String>| match (id, token) {
            (Some(id), Some(token)) => Ok((id, token)),
            (None, _) => Err(WireError::new(Problem::Missing).within("id")),
            (_, None) => Err(WireError::new(Problem::Missing).within("token")),
        };
        let action = match self.action {
            None | Some(ActionName::Submit) => Action::Submit,
            Some(ActionName::Cancel) => {
                let (id, token) = target(self.id, self.token)?;
                Action::Cancel { id, token }
            }
            Some(ActionName::Consent) => {
                let (id, token) = target(self.id, self.token)?;
                Action::Consent { id, token }
            }
        };
        Ok(Pending {
            key: self.key,
            endpoint: self.endpoint,
            sku: self.sku,
            kind: self.kind,
            quantity: self.quantity,
            body: self.body,
            created_ms: self.created_ms,
            attempts: self.attempts,
            next_attempt_ms: self.next_attempt_ms,
            action,
        })
    }
}

impl StoredReservation {
    pub fn of(reservation: &Reservation) -> Self {
        Self {
            sku: reservation.sku.clone(),
            kind: reservation.kind,
            id: reservation.id.clone(),
            quantity: reservation.quantity,
            queue_position: reservation.queue_position,
            units_ahead: reservation.units_ahead,
            expected_date: reservation.expected_date.clone(),
            cancel_token: reservation.cancel_token.clone(),
            notifies: reservation.notifies,
            endpoint: reservation.endpoint.clone(),
            confirmed_ms: reservation.confirmed_ms,
        }
    }

    pub fn reservation(self) -> Reservation {
        Reservation {
            sku: self.sku,
            kind: self.kind,
            id: self.id,
            quantity: self.quantity,
            queue_position: self.queue_position,
            units_ahead: self.units_ahead,
            expected_date: self.expected_date,
            cancel_token: self.cancel_token,
            notifies: self.notifies,
            endpoint: self.endpoint,
            confirmed_ms: self.confirmed_ms,
        }
    }
}
