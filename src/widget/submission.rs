use crate::domain::calendar::{ShopCalendar, ShopDay};
use crate::domain::request::{
    CheckedRequest, FieldError, OfferError, RequestKind, check_request, offer,
};
use crate::domain::stock::Stock;
use crate::wire::BackorderRequest;

/// What a submission of the form comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Problems to show, all in one round: each beside its field, and a general line
    /// (`rejected`) when the state shown offers no request of this kind.
    Fix {
        problems: Vec<Problem>,
        rejected: bool,
    },
    /// Only a bot fills the field nobody can see: send nothing, and say nothing.
    Ignore,
    /// Valid: store it and send it.
    Send(CheckedRequest),
}

/// One problem with a submission, shown beside its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A field the rules refuse (`check_request`).
    Field(FieldError),
    /// More units than can still be promised: `remaining` can.
    Exceeds { remaining: u32 },
}

impl Problem {
    /// The field the problem is shown beside.
    pub fn field(&self) -> &str {
        match self {
            Self::Field(error) => &error.field,
            Self::Exceeds { .. } => "quantity",
        }
    }
}

/// Fields that can carry an error, with the id of their input.
pub const FIELDS: &[&str] = &["email", "name", "quantity", "consent"];

/// Reviews `request`, read from a form offering `kind`, against the stock it was shown with:
/// the fields by `check_request`, and the quantity by `offer`, the rules the endpoint applies
/// too. `trap_filled`: the hidden field has a value.
pub fn review(
    request: &BackorderRequest,
    stock: &Stock,
    calendar: &ShopCalendar,
    kind: RequestKind,
    today: ShopDay,
    trap_filled: bool,
) -> Review {
    let (errors, checked) = match check_request(request) {
        Ok(checked) => (Vec::new(), Some(checked)),
        Err(errors) => (errors, None),
    };
    // A quantity the fields' check refused is not offered against the stock too.
    let quantity = request
        .quantity
        .and_then(|quantity| u32::try_from(quantity).ok())
        .filter(|_| !errors.iter().any(|error| error.field == "quantity"));
    let mut problems: Vec<Problem> = errors.into_iter().map(Problem::Field).collect();
    if let Some(quantity) = quantity {
        match offer(stock, calendar, kind, quantity, today) {
            Err(OfferError::Exceeds { remaining }) => problems.push(Problem::Exceeds { remaining }),
            Err(OfferError::WrongKind { .. }) => {
                return Review::Fix {
                    problems,
                    rejected: true,
                };
            }
            Ok(_) => {}
        }
    }
    match checked {
        Some(checked) if problems.is_empty() => {
            if trap_filled {
                Review::Ignore
            } else {
                Review::Send(checked)
            }
        }
        _ => Review::Fix {
            problems,
            rejected: false,
        },
    }
}

// Native only: the test records are read with serde_json.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso_date;
    use crate::wire::{Consent, StockRecord};

    fn stock(json: &str) -> Stock {
        let record: StockRecord = serde_json::from_str(json).expect("record");
        Stock::from_record(&record).expect("stock")
    }

    fn request(kind: &str, quantity: i64, email: &str, consent: bool) -> BackorderRequest {
        BackorderRequest {
            kind: RequestKind::parse(kind),
            sku: Some("BACK".to_owned()),
            quantity: Some(quantity),
            email: Some(email.to_owned()),
            consent: Some(Consent {
                text: "Email me about this request".to_owned(),
                given: consent,
            }),
            idempotency_key: Some("key-0000000001".to_owned()),
            created_at: Some("2026-11-27T09:00:00Z".to_owned()),
            ..BackorderRequest::default()
        }
    }

    /// What a review shows, in brief: the fields with problems, whether the general line is
    /// shown, or `send` / `ignore`.
    fn brief(review: &Review) -> String {
        match review {
            Review::Fix { problems, rejected } => {
                let fields: Vec<String> = problems
                    .iter()
                    .map(|problem| match problem {
                        Problem::Field(error) => format!("{}:{}", error.field, error.code),
                        Problem::Exceeds { remaining } => format!("quantity:exceeds {remaining}"),
                    })
                    .collect();
                format!(
                    "fix [{}]{}",
                    fields.join(" "),
                    if *rejected { " rejected" } else { "" }
                )
            }
            Review::Ignore => "ignore".to_owned(),
            Review::Send(checked) => {
                format!("send {} × {}", checked.kind.as_str(), checked.quantity)
            }
        }
    }

    #[test]
    fn every_problem_in_one_round_and_only_a_valid_request_is_sent() {
        // Four units may still be backordered.
        let back = stock(
            r#"{"sku": "BACK", "backorders": "allow", "backorder_limit": 4,
                "incoming": [{"quantity": 10, "expected": "2026-12-14"}]}"#,
        );
        let today = ShopDay::from(parse_iso_date("2026-11-27").expect("date"));
        let calendar = ShopCalendar::default();
        let backorder = RequestKind::Backorder;
        // (request, form's kind, trap filled, what comes of it)
        let table = [
            (
                request("backorder", 2, "ana@example.com", true),
                backorder,
                false,
                "send backorder × 2",
            ),
            (
                request("backorder", 4, "ana@example.com", true),
                backorder,
                false,
                "send backorder × 4",
            ),
            (
                request("backorder", 5, "ana@example.com", true),
                backorder,
                false,
                "fix [quantity:exceeds 4]",
            ),
            (
                request("backorder", 5, "not-an-email", false),
                backorder,
                false,
                "fix [email:invalid_email consent:consent_required quantity:exceeds 4]",
            ),
            (
                request("backorder", 0, "ana@example.com", true),
                backorder,
                false,
                "fix [quantity:invalid_quantity]",
            ),
            (
                request("backorder", 2, "ana@example.com", true),
                backorder,
                true,
                "ignore",
            ),
            (
                request("backorder", 9, "ana@example.com", true),
                backorder,
                true,
                "fix [quantity:exceeds 4]",
            ),
            (
                request("preorder", 1, "ana@example.com", true),
                RequestKind::Preorder,
                false,
                "fix [] rejected",
            ),
        ];
        for (request, kind, trap, expected) in table {
            let reviewed = review(&request, &back, &calendar, kind, today, trap);
            assert_eq!(brief(&reviewed), expected, "{request:?}");
        }
    }

    #[test]
    fn problems_are_shown_beside_their_fields() {
        assert_eq!(Problem::Exceeds { remaining: 1 }.field(), "quantity");
        let error = FieldError {
            field: "email".to_owned(),
            code: "invalid_email".to_owned(),
            message: "enter an email address".to_owned(),
        };
        assert_eq!(Problem::Field(error).field(), "email");
    }
}
