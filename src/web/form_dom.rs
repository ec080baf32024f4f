//! The request form: labelled fields, errors tied to them, the consent text and the honeypot.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlButtonElement, HtmlInputElement};

use super::render::Nodes;
use crate::domain::{Payment, RequestKind};
use crate::text::{concat, decimal};
use crate::view::Messages;
use crate::widget::submission::FIELDS;

/// The request form's live nodes.
#[derive(Debug, Clone)]
pub struct FormDom {
    pub form: Element,
    pub email: HtmlInputElement,
    pub name: HtmlInputElement,
    pub quantity: HtmlInputElement,
    pub consent: HtmlInputElement,
    /// The exact consent text shown, sent with the request as proof of what was agreed to.
    pub consent_text: String,
    /// A field people never see or fill; bots that fill every field give themselves away.
    pub trap: HtmlInputElement,
    pub submit: HtmlButtonElement,
    pub submit_label: String,
    /// Where a message that belongs to no field goes.
    pub message: Element,
    /// What the form says about itself (in the partial state: buy what ships now in the cart).
    pub note: Element,
}

impl FormDom {
    pub fn build(
        document: &Document,
        kind: RequestKind,
        messages: &Messages,
        payment: Option<Payment>,
        (quantity, max_quantity): (u32, u32),
        note: Option<&str>,
    ) -> Result<Self, JsValue> {
        let nodes = Nodes::new(document)?;
        let kind_key = kind.as_str();
        let form = nodes.element(
            "form",
            "form",
            &[
                ("part", "form"),
                ("novalidate", ""),
                // A submit nobody handles (a destroyed widget, the preview) goes nowhere.
                ("method", "dialog"),
                ("data-kind", kind_key),
            ],
        );
        let title = messages.text(&concat(&["form_title.", kind_key]));
        nodes.append(
            &form,
            &nodes.text_element("p", "form-title", &[("part", "form-title")], &title),
        );
        if kind.reserves_units()
            && let Some(payment) = payment
        {
            let key = match payment {
                Payment::AtOrder => "payment.at_order",
                Payment::AtShipment => "payment.at_shipment",
            };
            let note = nodes.text_element("p", "note", &[("part", "payment")], &messages.text(key));
            nodes.append(&form, &note);
        }
        let form_note = nodes.text_element(
            "p",
            "note form-note",
            &[("part", "note")],
            note.unwrap_or_default(),
        );
        nodes.append(&form, &form_note);
        let email = field(
            &nodes,
            &form,
            "email",
            &messages.text("label_email"),
            &[
                ("type", "email"),
                ("autocomplete", "email"),
                ("required", ""),
                ("inputmode", "email"),
            ],
        );
        let name = field(
            &nodes,
            &form,
            "name",
            &messages.text("label_name"),
            &[
                ("type", "text"),
                ("autocomplete", "name"),
                ("maxlength", "200"),
            ],
        );
        let max = decimal(max_quantity);
        // "Notify me" is about the item, not a quantity; its quantity stays the widget's own.
        let quantity_row = if kind.reserves_units() {
            form.clone()
        } else {
            // A container that is never displayed, for the field this kind does not ask for.
            nodes.child(&form, "div", "", &[("hidden", "")])
        };
        let quantity_field = field(
            &nodes,
            &quantity_row,
            "quantity",
            &messages.text("label_quantity"),
            &[
                ("type", "number"),
                ("min", "1"),
                ("max", &max),
                ("step", "1"),
                ("inputmode", "numeric"),
                ("required", ""),
            ],
        );
        quantity_field.set_value(&decimal(quantity));
        let consent_text = messages.text(&concat(&["consent.", kind_key]));
        let consent_row = nodes.child(&form, "div", "field consent", &[("part", "field")]);
        let consent: HtmlInputElement = nodes
            .child(
                &consent_row,
                "input",
                "",
                &[
                    ("type", "checkbox"),
                    ("id", "consent"),
                    ("name", "consent"),
                    ("part", "checkbox"),
                    ("aria-describedby", "consent-error"),
                    ("required", ""),
                ],
            )
            .unchecked_into();
        let consent_label = nodes.text_element(
            "label",
            "",
            &[("for", "consent"), ("part", "label")],
            &consent_text,
        );
        nodes.append(&consent_row, &consent_label);
        nodes.child(
            &consent_row,
            "p",
            "error",
            &[("id", "consent-error"), ("part", "error")],
        );
        let trap_row = nodes.child(&form, "div", "trap", &[("aria-hidden", "true")]);
        let trap: HtmlInputElement = nodes
            .child(
                &trap_row,
                "input",
                "",
                &[
                    ("type", "text"),
                    ("name", "website"),
                    ("tabindex", "-1"),
                    ("autocomplete", "off"),
                ],
            )
            .unchecked_into();
        let submit_label = messages.text(&concat(&["submit.", kind_key]));
        let submit: HtmlButtonElement = nodes
            .text_element(
                "button",
                "",
                &[("type", "submit"), ("part", "button")],
                &submit_label,
            )
            .unchecked_into();
        nodes.append(&form, &submit);
        let message = nodes.child(
            &form,
            "p",
            "error message",
            &[("part", "message"), ("role", "alert")],
        );
        nodes.finish(Self {
            form,
            email,
            name,
            quantity: quantity_field,
            consent,
            consent_text,
            trap,
            submit,
            submit_label,
            message,
            note: form_note,
        })
    }

    /// Shows each field's error next to it (tied by `aria-describedby`) and clears the others.
    /// Returns the input of the first field in error, to move focus there.
    pub fn show_errors(
        &self,
        errors: &[(String, String)],
        general: Option<&str>,
    ) -> Option<HtmlInputElement> {
        let mut first = None;
        for &field in FIELDS {
            let message = errors
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, message)| message.as_str());
            let input = self.input(field);
            let _ = input.set_attribute(
                "aria-invalid",
                if message.is_some() { "true" } else { "false" },
            );
            if let Some(slot) = self
                .form
                .query_selector(&concat(&["#", field, "-error"]))
                .ok()
                .flatten()
            {
                slot.set_text_content(message);
            }
            if message.is_some() && first.is_none() {
                first = Some(input.clone());
            }
        }
        self.message.set_text_content(general);
        first
    }

    pub fn input(&self, field: &str) -> &HtmlInputElement {
        match field {
            "email" => &self.email,
            "name" => &self.name,
            "quantity" => &self.quantity,
            _ => &self.consent,
        }
    }

    pub fn set_busy(&self, busy: bool, label: &str) {
        self.submit.set_disabled(busy);
        let _ = self
            .form
            .set_attribute("aria-busy", if busy { "true" } else { "false" });
        self.submit
            .set_text_content(Some(if busy { label } else { &self.submit_label }));
    }
}

/// A labelled input with its error slot.
fn field(
    nodes: &Nodes,
    form: &Element,
    name: &str,
    label: &str,
    attributes: &[(&str, &str)],
) -> HtmlInputElement {
    let row = nodes.child(form, "div", "field", &[("part", "field")]);
    let label = nodes.text_element("label", "", &[("for", name), ("part", "label")], label);
    nodes.append(&row, &label);
    let described_by = concat(&[name, "-error"]);
    let input = nodes.child(
        &row,
        "input",
        "",
        &[
            ("id", name),
            ("name", name),
            ("part", "input"),
            ("aria-describedby", &described_by),
        ],
    );
    for (attribute, value) in attributes {
        if input.set_attribute(attribute, value).is_err() {
            nodes.fail();
        }
    }
    nodes.child(
        &row,
        "p",
        "error",
        &[("id", &described_by), ("part", "error")],
    );
    input.unchecked_into()
}
