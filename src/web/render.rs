//! Builds and updates the shadow DOM. Every piece of text goes in through `textContent` (a text
//! node), never through HTML parsing, so product names and messages can never become markup.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement, ShadowRoot,
    ShadowRootInit, ShadowRootMode,
};

use crate::domain::{Payment, RequestKind};
use crate::view::{Messages, StatusView, Tone};

/// Creates `<tag class=…>` with attributes.
pub fn element(
    document: &Document,
    tag: &str,
    class: &str,
    attributes: &[(&str, &str)],
) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    for (name, value) in attributes {
        element.set_attribute(name, value)?;
    }
    Ok(element)
}

/// Creates an element holding `text` as a text node.
pub fn text_element(
    document: &Document,
    tag: &str,
    class: &str,
    attributes: &[(&str, &str)],
    text: &str,
) -> Result<Element, JsValue> {
    let element = element(document, tag, class, attributes)?;
    element.set_text_content(Some(text));
    Ok(element)
}

/// The parts of the shadow tree that stay for the widget's whole life.
#[derive(Debug, Clone)]
pub struct Skeleton {
    pub document: Document,
    pub root: ShadowRoot,
    pub container: Element,
    pub headline: Element,
    pub details: Element,
    /// Holds the form, the confirmation or a message.
    pub body: Element,
}

impl Skeleton {
    pub fn attach(host: &HtmlElement, sheet: Option<&CssStyleSheet>) -> Result<Self, JsValue> {
        let document = host
            .owner_document()
            .ok_or_else(|| JsValue::from_str("no document"))?;
        let root = match host.shadow_root() {
            Some(root) => root,
            None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
        };
        root.set_text_content(None);
        if let Some(sheet) = sheet {
            root.set_adopted_style_sheets(&js_sys::Array::of1(sheet));
        }
        let container = element(
            &document,
            "div",
            "widget",
            &[("part", "container"), ("data-tone", "neutral")],
        )?;
        // The polite live region: screen readers announce its changes once, as a whole.
        let status = element(
            &document,
            "p",
            "status",
            &[
                ("part", "status"),
                ("role", "status"),
                ("aria-live", "polite"),
                ("aria-atomic", "true"),
            ],
        )?;
        let headline = element(&document, "span", "headline", &[("part", "headline")])?;
        let details = element(&document, "span", "details", &[("part", "details")])?;
        let body = element(&document, "div", "body", &[])?;
        status.append_child(&headline)?;
        status.append_child(&details)?;
        container.append_child(&status)?;
        container.append_child(&body)?;
        root.append_child(&container)?;
        Ok(Self {
            document,
            root,
            container,
            headline,
            details,
            body,
        })
    }

    /// Shows a status. Unchanged text is left alone so the live region does not repeat itself.
    pub fn show_status(&self, state: &str, tone: Tone, headline: &str, details: &[String]) {
        let _ = self.container.set_attribute("data-state", state);
        let _ = self.container.set_attribute("data-tone", tone.as_str());
        if self.headline.text_content().as_deref() != Some(headline) {
            self.headline.set_text_content(Some(headline));
        }
        let current: Vec<String> = children(&self.details)
            .iter()
            .filter_map(Node::text_content)
            .collect();
        if current != details {
            self.details.set_text_content(None);
            for detail in details {
                if let Ok(line) = text_element(
                    &self.document,
                    "span",
                    "detail",
                    &[("part", "detail")],
                    detail,
                ) {
                    let _ = self.details.append_child(&line);
                }
            }
        }
    }

    pub fn show_view(&self, view: &StatusView) {
        self.show_status(view.state, view.tone, &view.headline, &view.details);
    }

    /// The neutral fallback when the widget cannot work: no colour, no promise.
    pub fn show_fallback(&self, text: &str) {
        let _ = self.container.set_attribute("data-state", "unavailable");
        self.show_status("unavailable", Tone::Neutral, text, &[]);
        let _ = self.container.set_attribute("data-tone", "neutral");
        self.clear_body();
    }

    pub fn clear_body(&self) {
        self.body.set_text_content(None);
    }

    /// Replaces the body with lines of text (a confirmation or a message) and optional actions.
    pub fn show_lines(
        &self,
        class: &str,
        part: &str,
        lines: &[String],
    ) -> Result<Element, JsValue> {
        let block = element(&self.document, "div", class, &[("part", part)])?;
        for line in lines {
            block.append_child(text_element(&self.document, "p", "", &[], line)?.as_ref())?;
        }
        self.clear_body();
        self.body.append_child(&block)?;
        Ok(block)
    }
}

use web_sys::Node;

fn children(element: &Element) -> Vec<Node> {
    let list = element.child_nodes();
    (0..list.length())
        .filter_map(|index| list.item(index))
        .collect()
}

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
                ("data-kind", kind_key),
            ],
        )?;
        form.append_child(
            text_element(
                document,
                "p",
                "form-title",
                &[("part", "form-title")],
                &messages.text(&format!("form_title.{kind_key}")),
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
        let max = max_quantity.to_string();
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
        quantity_field.set_value(&quantity.to_string());
        let consent_text = messages.text(&format!("consent.{kind_key}"));
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
        let submit_label = messages.text(&format!("submit.{kind_key}"));
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
                .query_selector(&format!("#{field}-error"))
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
    let described_by = format!("{name}-error");
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
