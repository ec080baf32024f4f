//! The request form as a tree: labelled fields with their errors tied to them
//! (`aria-describedby`), the payment and form notes, the consent text and the honeypot.

use super::messages::Messages;
use super::tree::{Node, error_id};
use crate::domain::calendar::Payment;
use crate::domain::request::RequestKind;
use crate::text::{concat, decimal};

/// The form to build, with the texts the browser layer keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormTree {
    /// Named `form`, `email`, `name`, `quantity`, `consent`, `trap`, `submit`, `message` and
    /// `note`.
    pub node: Node,
    /// The exact consent text shown, sent with the request as proof of what was agreed to.
    pub consent_text: String,
    pub submit_label: String,
}

/// What the form asks for, and what it says.
#[derive(Debug, Clone, Copy)]
pub struct FormAsk<'a> {
    pub kind: RequestKind,
    pub payment: Option<Payment>,
    pub quantity: u32,
    pub max_quantity: u32,
    /// What the form says about itself (in the partial state: buy what ships now in the cart).
    pub note: Option<&'a str>,
    /// Shown, never sent (the merchant preview): the submit button is disabled.
    pub shown_only: bool,
}

pub fn form_tree(ask: FormAsk, messages: &Messages) -> FormTree {
    let kind = ask.kind.as_str();
    let mut form = Node::part("form", "form", "form")
        .named("form")
        .attr("novalidate", "")
        // A submit nobody handles (a destroyed widget, the preview) goes nowhere.
        .attr("method", "dialog")
        .attr("data-kind", kind)
        .child(
            Node::part("p", "form-title", "form-title")
                .text(&messages.text(&concat(&["form_title.", kind]))),
        );
    if ask.kind.reserves_units()
        && let Some(payment) = ask.payment
    {
        let key = match payment {
            Payment::AtOrder => "payment.at_order",
            Payment::AtShipment => "payment.at_shipment",
        };
        form = form.child(Node::part("p", "note", "payment").text(&messages.text(key)));
    }
    let note = Node::part("p", "note form-note", "note").named("note");
    form = form.child(note.text(ask.note.unwrap_or_default()));
    let email = [
        ("type", "email"),
        ("autocomplete", "email"),
        ("required", ""),
        ("inputmode", "email"),
    ];
    form = form.child(field("email", &messages.text("label_email"), &email, None));
    let name = [
        ("type", "text"),
        ("autocomplete", "name"),
        ("maxlength", "200"),
    ];
    form = form.child(field("name", &messages.text("label_name"), &name, None));
    let max = decimal(ask.max_quantity);
    let quantity = [
        ("type", "number"),
        ("min", "1"),
        ("max", max.as_str()),
        ("step", "1"),
        ("inputmode", "numeric"),
        ("required", ""),
    ];
    let value = decimal(ask.quantity);
    let quantity = field(
        "quantity",
        &messages.text("label_quantity"),
        &quantity,
        Some(&value),
    );
    form = form.child(match ask.kind.reserves_units() {
        true => quantity,
        // "Notify me" is about the item, not a quantity: the field is kept, never displayed.
        false => Node::new("div", "").attr("hidden", "").child(quantity),
    });
    let consent_text = messages.text(&concat(&["consent.", kind]));
    let consent = Node::part("input", "", "checkbox")
        .named("consent")
        .attrs(&[
            ("type", "checkbox"),
            ("id", "consent"),
            ("name", "consent"),
            ("aria-describedby", "consent-error"),
            ("required", ""),
        ]);
    form = form.child(
        Node::part("div", "field consent", "field")
            .child(consent)
            .child(label("consent", &consent_text))
            .child(error_slot("consent")),
    );
    let trap = Node::new("input", "").named("trap").attrs(&[
        ("type", "text"),
        ("name", "website"),
        ("tabindex", "-1"),
        ("autocomplete", "off"),
    ]);
    form = form.child(
        Node::new("div", "trap")
            .attr("aria-hidden", "true")
            .child(trap),
    );
    let submit_label = messages.text(&concat(&["submit.", kind]));
    let mut submit = Node::part("button", "", "button")
        .named("submit")
        .attr("type", "submit");
    if ask.shown_only {
        submit = submit.attr("disabled", "");
    }
    form = form.child(submit.text(submit_label.as_str()));
    let message = Node::part("p", "error message", "message")
        .named("message")
        .attr("role", "alert");
    FormTree {
        node: form.child(message),
        consent_text,
        submit_label,
    }
}

fn label(field: &str, text: &str) -> Node {
    Node::part("label", "", "label")
        .attr("for", field)
        .text(text)
}

fn error_slot(field: &str) -> Node {
    Node::part("p", "error", "error").attr("id", &error_id(field))
}

/// A labelled input (named after its field) with its error slot.
fn field(
    name: &'static str,
    text: &str,
    attributes: &[(&'static str, &str)],
    value: Option<&str>,
) -> Node {
    let mut input = Node::part("input", "", "input")
        .named(name)
        .attr("id", name)
        .attr("name", name)
        .attr("aria-describedby", &error_id(name))
        .attrs(attributes);
    if let Some(value) = value {
        input = input.attr("value", value);
    }
    Node::part("div", "field", "field")
        .child(label(name, text))
        .child(input)
        .child(error_slot(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widget::submission::FIELDS;

    fn ask(kind: RequestKind) -> FormAsk<'static> {
        FormAsk {
            kind,
            payment: Some(Payment::AtShipment),
            quantity: 2,
            max_quantity: 5,
            note: None,
            shown_only: false,
        }
    }

    #[test]
    fn every_field_is_labelled_and_described_by_its_own_error() {
        let tree = form_tree(ask(RequestKind::Backorder), &Messages::for_locale("en"));
        let nodes = tree.node.walk();
        for field in FIELDS {
            let input = tree.node.find(field).expect("the field");
            assert_eq!(input.get("id"), Some(*field));
            let error = error_id(field);
            assert_eq!(input.get("aria-describedby"), Some(error.as_str()));
            assert!(
                nodes
                    .iter()
                    .any(|node| node.get("id") == Some(error.as_str())),
                "{field}"
            );
            let labelled = nodes
                .iter()
                .any(|node| node.tag == "label" && node.get("for") == Some(*field));
            assert!(labelled, "{field} has a label");
        }
        let quantity = tree.node.find("quantity").expect("quantity");
        assert_eq!(
            (quantity.get("value"), quantity.get("max")),
            (Some("2"), Some("5"))
        );
        assert!(tree.node.find("trap").is_some());
        let submit = |shown_only| {
            let ask = FormAsk {
                shown_only,
                ..ask(RequestKind::Backorder)
            };
            let tree = form_tree(ask, &Messages::for_locale("en"));
            tree.node
                .find("submit")
                .map(|submit| submit.get("disabled").is_some())
        };
        assert_eq!(
            (submit(false), submit(true)),
            (Some(false), Some(true)),
            "the preview's is never sent"
        );
        let consent = nodes
            .iter()
            .find(|node| node.tag == "label" && node.get("for") == Some("consent"));
        assert_eq!(
            consent.and_then(|node| node.text.as_deref()),
            Some(tree.consent_text.as_str())
        );
    }

    #[test]
    fn a_sign_up_hides_the_quantity_and_the_payment_note() {
        // (kind, the quantity shown, a payment note)
        let table = [
            (RequestKind::Backorder, true, true),
            (RequestKind::Preorder, true, true),
            (RequestKind::Notify, false, false),
        ];
        for (kind, quantity_shown, payment_shown) in table {
            let tree = form_tree(ask(kind), &Messages::for_locale("en"));
            let hidden = tree
                .node
                .children
                .iter()
                .any(|node| node.get("hidden").is_some() && node.find("quantity").is_some());
            assert_eq!(!hidden, quantity_shown, "{kind:?}");
            let payment = tree
                .node
                .walk()
                .iter()
                .any(|node| node.get("part") == Some("payment"));
            assert_eq!(payment, payment_shown, "{kind:?}");
        }
    }
}
