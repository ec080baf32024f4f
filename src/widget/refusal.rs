use crate::domain::request::FieldError;
use crate::outbox::answer::Outcome;

/// How a request the endpoint refused for good is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Beside the fields the form has (`known`), with the general line too when some error
    /// names a field the form does not have.
    OnFields {
        known: Vec<FieldError>,
        general: bool,
    },
    /// What can be promised has changed: the reason above the state, loaded afresh.
    AboveReloaded,
    /// The reason under the form, which can be sent again as a new request.
    UnderForm,
    /// The form is gone (the request had been queued): the reason above a fresh form.
    AboveFreshForm,
}

impl Shown {
    /// Whether sending again is a new request, with a new idempotency key: the endpoint's
    /// answer was about this request as it is, and a corrected one is another.
    pub fn forgets_request(&self) -> bool {
        matches!(self, Self::UnderForm | Self::AboveFreshForm)
    }
}

/// How `outcome` is shown, with the form on show or not; `fields` are the form's own.
pub fn shown(outcome: &Outcome, form_shown: bool, fields: &[&str]) -> Shown {
    if !form_shown {
        return Shown::AboveFreshForm;
    }
    match outcome {
        Outcome::Invalid(errors) => {
            let known: Vec<FieldError> = errors
                .iter()
                .filter(|error| fields.contains(&error.field.as_str()))
                .cloned()
                .collect();
            Shown::OnFields {
                general: known.len() < errors.len(),
                known,
            }
        }
        Outcome::Exceeds { .. } => Shown::AboveReloaded,
        _ => Shown::UnderForm,
    }
}

/// The reason in a line: the message key, and the count it takes.
pub fn reason(outcome: &Outcome) -> (&'static str, Option<u32>) {
    match outcome {
        Outcome::Exceeds { remaining: 0 } => ("error.sold_out", None),
        Outcome::Exceeds { remaining } => ("error.exceeds", Some(*remaining)),
        _ => ("error.rejected", None),
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

    fn error(field: &str) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code: "invalid".to_owned(),
            message: "no".to_owned(),
        }
    }

    #[test]
    fn each_refusal_is_shown_where_the_shopper_can_act_on_it() {
        let fields = ["email", "quantity", "consent"];
        let invalid =
            |names: &[&str]| Outcome::Invalid(names.iter().map(|name| error(name)).collect());
        // (outcome, form shown, how it is shown, a new request next time, reason key)
        let table = [
            (
                invalid(&["email"]),
                true,
                Shown::OnFields {
                    known: vec![error("email")],
                    general: false,
                },
                false,
                "error.rejected",
            ),
            (
                invalid(&["email", "page"]),
                true,
                Shown::OnFields {
                    known: vec![error("email")],
                    general: true,
                },
                false,
                "error.rejected",
            ),
            (
                invalid(&["locale"]),
                true,
                Shown::OnFields {
                    known: vec![],
                    general: true,
                },
                false,
                "error.rejected",
            ),
            (
                Outcome::Exceeds { remaining: 2 },
                true,
                Shown::AboveReloaded,
                false,
                "error.exceeds",
            ),
            (
                Outcome::Exceeds { remaining: 0 },
                true,
                Shown::AboveReloaded,
                false,
                "error.sold_out",
            ),
            (
                Outcome::Rejected {
                    status: 403,
                    message: None,
                },
                true,
                Shown::UnderForm,
                true,
                "error.rejected",
            ),
            (
                Outcome::Unreadable,
                true,
                Shown::UnderForm,
                true,
                "error.rejected",
            ),
            (
                invalid(&["email"]),
                false,
                Shown::AboveFreshForm,
                true,
                "error.rejected",
            ),
            (
                Outcome::Exceeds { remaining: 0 },
                false,
                Shown::AboveFreshForm,
                true,
                "error.sold_out",
            ),
        ];
        for (outcome, form, expected, forgets, key) in table {
            let got = shown(&outcome, form, &fields);
            assert_eq!(got, expected, "{outcome:?} form={form}");
            assert_eq!(got.forgets_request(), forgets, "{outcome:?} form={form}");
            assert_eq!(reason(&outcome).0, key, "{outcome:?}");
        }
        assert_eq!(reason(&Outcome::Exceeds { remaining: 3 }).1, Some(3));
    }
}
