//! The request form: labelled fields, errors tied to them, the consent text and the honeypot.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlButtonElement, HtmlInputElement};

use super::render::{element, text_element};
use crate::domain::{Payment, RequestKind};
use crate::text::{concat, decimal};
use crate::view::Messages;

/// The request form's live nodes.
#[derive(Debug, Clone)]
pub struct FormDom {
    pub kind: RequestKind,
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
    /// When the form appeared (milliseconds since the epoch), for the minimum fill time.
    pub built_ms: u64,
    /// Where a message that belongs to no field goes.
    pub message: Element,
}

/// Fields that can carry an error, with the id of their input.
pub const FIELDS: &[&str] = &["email", "name", "quantity", "consent"];

impl FormDom {
    pub fn build(
        document: &Document,
        kind: RequestKind,
        messages: &Messages,
        payment: Option<Payment>,
        quantity: u32,
        max_quantity: u32,
    ) -> Result<Self, JsValue> {
        let kind_key = kind.as_str();
        let form = element(
            document,
            "form",
            "form",
            &[
                ("part", "form"),
                ("novalidate", ""),
                // A submit nobody handles (a destroyed widget, the preview) goes nowhere.
                ("method", "dialog"),
                ("data-kind", kind_key),
            ],
        )?;
        form.append_child(
            text_element(
                document,
                "p",
                "form-title",
                &[("part", "form-title")],
                &messages.text(&concat(&["form_title.", kind_key])),
            )?
            .as_ref(),
        )?;
        if kind.reserves_units()
            && let Some(payment) = payment
        {
            let key = match payment {
                Payment::AtOrder => "payment.at_order",
                Payment::AtShipment => "payment.at_shipment",
            };
            form.append_child(
                text_element(
                    document,
                    "p",
                    "note",
                    &[("part", "payment")],
                    &messages.text(key),
                )?
                .as_ref(),
            )?;
        }
        let email = field(
            document,
            &form,
            "email",
            &messages.text("label_email"),
            &[
                ("type", "email"),
                ("autocomplete", "email"),
                ("required", ""),
                ("inputmode", "email"),
            ],
        )?;
        let name = field(
            document,
            &form,
            "name",
            &messages.text("label_name"),
            &[
                ("type", "text"),
                ("autocomplete", "name"),
                ("maxlength", "200"),
            ],
        )?;
        let max = decimal(max_quantity);
        // "Notify me" is about the item, not a quantity; its quantity stays the widget's own.
        let quantity_row = if kind.reserves_units() {
            &form
        } else {
            &hidden_row(document, &form)?
        };
        let quantity_field = field(
            document,
            quantity_row,
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
        )?;
        quantity_field.set_value(&decimal(quantity));
        let consent_text = messages.text(&concat(&["consent.", kind_key]));
        let consent_row = element(document, "div", "field consent", &[("part", "field")])?;
        let consent: HtmlInputElement = element(
            document,
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
        )?
        .unchecked_into();
        consent_row.append_child(&consent)?;
        consent_row.append_child(
            text_element(
                document,
                "label",
                "",
                &[("for", "consent"), ("part", "label")],
                &consent_text,
            )?
            .as_ref(),
        )?;
        consent_row.append_child(
            element(
                document,
                "p",
                "error",
                &[("id", "consent-error"), ("part", "error")],
            )?
            .as_ref(),
        )?;
        form.append_child(&consent_row)?;
        let trap_row = element(document, "div", "trap", &[("aria-hidden", "true")])?;
        let trap: HtmlInputElement = element(
            document,
            "input",
            "",
            &[
                ("type", "text"),
                ("name", "website"),
                ("tabindex", "-1"),
                ("autocomplete", "off"),
            ],
        )?
        .unchecked_into();
        trap_row.append_child(&trap)?;
        form.append_child(&trap_row)?;
        let submit_label = messages.text(&concat(&["submit.", kind_key]));
        let submit: HtmlButtonElement = text_element(
            document,
            "button",
            "",
            &[("type", "submit"), ("part", "button")],
            &submit_label,
        )?
        .unchecked_into();
        form.append_child(&submit)?;
        let message = element(
            document,
            "p",
            "error message",
            &[("part", "message"), ("role", "alert")],
        )?;
        form.append_child(&message)?;
        Ok(Self {
            kind,
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
            built_ms: 0,
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

/// A container that is never displayed, for fields a request kind does not ask for.
fn hidden_row(document: &Document, form: &Element) -> Result<Element, JsValue> {
    let row = element(document, "div", "", &[("hidden", "")])?;
    form.append_child(&row)?;
    Ok(row)
}

/// A labelled input with its error slot.
fn field(
    document: &Document,
    form: &Element,
    name: &str,
    label: &str,
    attributes: &[(&str, &str)],
) -> Result<HtmlInputElement, JsValue> {
    let row = element(document, "div", "field", &[("part", "field")])?;
    row.append_child(
        text_element(
            document,
            "label",
            "",
            &[("for", name), ("part", "label")],
            label,
        )?
        .as_ref(),
    )?;
    let described_by = concat(&[name, "-error"]);
    let input = element(
        document,
        "input",
        "",
        &[
            ("id", name),
            ("name", name),
            ("part", "input"),
            ("aria-describedby", &described_by),
        ],
    )?;
    for (attribute, value) in attributes {
        input.set_attribute(attribute, value)?;
    }
    row.append_child(&input)?;
    row.append_child(
        element(
            document,
            "p",
            "error",
            &[("id", &described_by), ("part", "error")],
        )?
        .as_ref(),
    )?;
    form.append_child(&row)?;
    Ok(input.unchecked_into())
}
