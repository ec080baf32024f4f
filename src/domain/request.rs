//! The widget runs these checks before sending and the reference endpoint runs them again on
//! arrival, so a request the page accepts is a request the endpoint accepts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{concat, decimal};
use crate::wire::BackorderRequest;

use super::MAX_QUANTITY;
use super::availability::{Availability, Evaluation, NoDateReason, evaluate};
use super::calendar::{ShopCalendar, ShopDay};
use super::stock::Stock;

/// What the shopper asks for; on the wire, `"backorder"`, `"preorder"` or `"notify"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Backorder,
    Preorder,
    Notify,
}

impl RequestKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "backorder" => Some(Self::Backorder),
            "preorder" => Some(Self::Preorder),
            "notify" => Some(Self::Notify),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Backorder => "backorder",
            Self::Preorder => "preorder",
            Self::Notify => "notify",
        }
    }

    /// The request a shopper can make in this state, if any.
    pub fn offered_for(availability: &Availability) -> Option<Self> {
        match availability {
            Availability::Partial { .. } | Availability::Backordered { .. } => {
                Some(Self::Backorder)
            }
            Availability::Preorder { .. } => Some(Self::Preorder),
            Availability::OutOfStock { notify: true, .. } => Some(Self::Notify),
            _ => None,
        }
    }

    /// Whether this kind holds units from what is en route.
    pub fn reserves_units(self) -> bool {
        !matches!(self, Self::Notify)
    }
}

/// One problem with one field, in a form both the widget and the endpoint's `422` body use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    /// A stable machine code, such as `invalid_email`, that the widget turns into wording.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// A request whose every field passed [`check_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRequest {
    pub kind: RequestKind,
    pub sku: String,
    pub quantity: u32,
    pub email: String,
    pub name: Option<String>,
    pub consent_text: String,
    pub idempotency_key: String,
}

/// Checks every field of a request body; all problems at once, so a form can show them together.
pub fn check_request(body: &BackorderRequest) -> Result<CheckedRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = body.kind;
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "invalid_kind",
            "kind must be backorder, preorder or notify",
        ));
    }
    let sku = body.sku.as_deref().map(str::trim).unwrap_or_default();
    if sku.is_empty() || sku.len() > 128 {
        errors.push(FieldError::new(
            "sku",
            "invalid_sku",
            "sku is required (at most 128 characters)",
        ));
    }
    let quantity = match body.quantity {
        Some(quantity) if (1..=i64::from(MAX_QUANTITY)).contains(&quantity) => quantity as u32,
        _ => {
            errors.push(FieldError::new(
                "quantity",
                "invalid_quantity",
                "quantity must be a whole number of at least 1",
            ));
            0
        }
    };
    // Control characters (NUL, CR, LF...) are refused anywhere in a field, before trimming:
    // stored text ends up in emails' headers, CSV exports and logs.
    let email = body.email.as_deref().map(str::trim).unwrap_or_default();
    let raw_email = body.email.as_deref().unwrap_or_default();
    if let Err(code) = validate_email(email).and(no_control(raw_email).ok_or("invalid_email")) {
        errors.push(FieldError::new(
            "email",
            code,
            "enter an email address such as name@example.com",
        ));
    }
    let name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty());
    if name.is_some_and(|name| name.chars().count() > 200)
        || no_control(body.name.as_deref().unwrap_or_default()).is_none()
    {
        errors.push(FieldError::new(
            "name",
            "invalid_name",
            "name must be at most 200 characters, without control characters",
        ));
    }
    let consent = body.consent.clone().unwrap_or_default();
    if !consent.given {
        errors.push(FieldError::new(
            "consent",
            "consent_required",
            "consent is required to send the request",
        ));
    } else if consent.text.trim().is_empty() || consent.text.len() > 2000 {
        errors.push(FieldError::new(
            "consent",
            "invalid_consent",
            "the consent text shown must be sent with the request",
        ));
    }
    let key = body.idempotency_key.as_deref().unwrap_or_default();
    if !(8..=128).contains(&key.len())
        || !key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        errors.push(FieldError::new(
            "idempotency_key",
            "invalid_idempotency_key",
            "idempotency_key must be 8 to 128 letters, digits, - or _",
        ));
    }
    for (field, value, limit) in [
        ("sku", body.sku.as_deref(), usize::MAX),
        ("consent", Some(consent.text.as_str()), usize::MAX),
        ("locale", body.locale.as_deref(), 35),
        ("page", body.page.as_deref(), 2048),
        ("created_at", body.created_at.as_deref(), 64),
        ("expected_date", body.expected_date.as_deref(), 10),
    ] {
        let value = value.unwrap_or_default();
        if no_control(value).is_none() {
            errors.push(FieldError::new(
                field,
                "control_characters",
                concat(&[field, " must not contain control characters"]),
            ));
        } else if value.len() > limit {
            errors.push(FieldError::new(
                field,
                "too_long",
                concat(&[
                    field,
                    " must be at most ",
                    &decimal(limit as u64),
                    " characters",
                ]),
            ));
        }
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(CheckedRequest {
            kind,
            sku: sku.to_owned(),
            quantity,
            email: email.to_owned(),
            name: name.map(str::to_owned),
            consent_text: consent.text,
            idempotency_key: key.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// `Some` when `text` has no control character (the C0 and C1 ranges, DEL).
fn no_control(text: &str) -> Option<()> {
    (!text.chars().any(char::is_control)).then_some(())
}

/// Checks an email address's shape. It cannot prove the mailbox exists; it catches the typing
/// mistakes that would make the shop unable to reach the shopper.
pub fn validate_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        return Err("email_required");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("invalid_email");
    };
    let well_formed = email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        // Two dots in a row (a byte comparison: a substring search costs the widget 1 KB).
        && !domain.as_bytes().windows(2).any(|pair| pair == b"..")
        && !email.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';')
        });
    if well_formed {
        Ok(())
    } else {
        Err("invalid_email")
    }
}

/// Why a well-formed request cannot be granted for this stock today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferError {
    /// The state offers another kind of request (or none).
    WrongKind { offered: Option<RequestKind> },
    /// More units than can still be promised; `remaining` can.
    Exceeds { remaining: u32 },
}

/// The promise a granted request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    /// The day the last requested unit ships; none for notify requests.
    pub expected_ship_date: Option<NaiveDate>,
}

/// Decides whether `quantity` units of `kind` can be promised now, and with which date.
///
/// The quantity of a backorder is the units the shopper reserves from what is en route: in a
/// partial state, the ones the shelf cannot cover.
#[inline]
pub fn offer(
    stock: &Stock,
    calendar: &ShopCalendar,
    kind: RequestKind,
    quantity: u32,
    today: impl Into<ShopDay>,
) -> Result<Offer, OfferError> {
    offer_on(stock, calendar, kind, quantity, today.into())
}

/// [`offer`] itself, once for every kind of *today*.
fn offer_on(
    stock: &Stock,
    calendar: &ShopCalendar,
    kind: RequestKind,
    quantity: u32,
    today: ShopDay,
) -> Result<Offer, OfferError> {
    // Evaluating with the shelf empty asks exactly "when would `quantity` units from en route ship".
    // A pre-order's first shipment includes what is already in the warehouse, so only
    // backorders leave the shelf out.
    let preorder = stock
        .release_date
        .is_some_and(|release| release > today.date);
    let from_incoming = if preorder {
        stock.clone()
    } else {
        Stock {
            on_hand: 0,
            ..super::availability::shelf_first(stock).into_owned()
        }
    };
    let evaluation: Evaluation = evaluate(&from_incoming, calendar, quantity, today);
    let current = evaluate(stock, calendar, 1, today);
    // With units on the shelf the state for one unit is "in stock", yet the units beyond the
    // shelf may still be backordered: that is the partial state's request.
    let offered = RequestKind::offered_for(&current.availability).or_else(|| {
        RequestKind::offered_for(&evaluation.availability)
            .filter(|&beyond| beyond == RequestKind::Backorder)
    });
    if offered != Some(kind) {
        // Everything en route is already promised (or too far out): the request is of the
        // right kind, there is just nothing left, which the endpoint answers with `409`.
        let sold_out = matches!(
            evaluation.availability,
            Availability::OutOfStock {
                reason: NoDateReason::CapReached | NoDateReason::BeyondMaxWait,
                ..
            }
        );
        if sold_out && reservable_kind(stock, today.date) == Some(kind) {
            return Err(OfferError::Exceeds { remaining: 0 });
        }
        return Err(OfferError::WrongKind { offered });
    }
    if !kind.reserves_units() {
        return Ok(Offer {
            expected_ship_date: None,
        });
    }
    if quantity > evaluation.max_quantity {
        let remaining = evaluation.max_quantity;
        return Err(OfferError::Exceeds { remaining });
    }
    Ok(Offer {
        expected_ship_date: evaluation.availability.expected_ship_date(),
    })
}

/// Whether one shopper, who already holds `held` units of this item in requests still in line,
/// may ask for `quantity` more: together they stay within [`per_order_cap`], so one email
/// cannot reserve a whole delivery in several requests.
///
/// [`per_order_cap`]: super::availability::per_order_cap
pub fn within_shopper_cap(
    stock: &Stock,
    calendar: &ShopCalendar,
    held: u32,
    quantity: u32,
) -> Result<(), OfferError> {
    let cap = super::per_order_cap(stock, calendar);
    match held.saturating_add(quantity) > cap {
        true => Err(OfferError::Exceeds {
            remaining: cap.saturating_sub(held),
        }),
        false => Ok(()),
    }
}

/// The kind of request that holds units of this stock when any are left: a pre-order before the
/// release date, a backorder when the shop takes them.
fn reservable_kind(stock: &Stock, today: NaiveDate) -> Option<RequestKind> {
    if stock.discontinued {
        None
    } else if stock.release_date.is_some_and(|release| release > today) {
        Some(RequestKind::Preorder)
    } else if stock.backorders_allowed {
        Some(RequestKind::Backorder)
    } else {
        None
    }
}
