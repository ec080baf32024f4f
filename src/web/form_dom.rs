//! The request form's live nodes, built from `view::form`'s tree: its errors shown, its busy
//! state.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlButtonElement, HtmlInputElement};

use super::render::build;
use crate::text::concat;
use crate::view::form::FormTree;
use crate::view::tree::error_id;
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
    /// Builds `tree` (`view::form::form_tree`), detached.
    pub fn build(document: &Document, tree: FormTree) -> Result<Self, JsValue> {
        let built = build(document, &tree.node)?;
        let input = |name| {
            built
                .get(name)
                .map(JsCast::unchecked_into::<HtmlInputElement>)
        };
        Ok(Self {
            email: input("email")?,
            name: input("name")?,
            quantity: input("quantity")?,
            consent: input("consent")?,
            trap: input("trap")?,
            submit: built.get("submit")?.unchecked_into(),
            message: built.get("message")?,
            note: built.get("note")?,
            form: built.root,
            consent_text: tree.consent_text,
            submit_label: tree.submit_label,
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
                .query_selector(&concat(&["#", &error_id(field)]))
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
