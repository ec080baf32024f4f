//! Builds and updates the shadow DOM. Every piece of text goes in through `textContent` (a text
//! node), never through HTML parsing, so product names and messages can never become markup.

use wasm_bindgen::JsValue;
use web_sys::{
    CssStyleSheet, Document, Element, HtmlElement, Node, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::view::{StatusView, Tone};

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

/// The status headline, as the widget and the preview both show it.
pub fn headline_line(document: &Document, text: &str) -> Result<Element, JsValue> {
    text_element(document, "span", "headline", &[("part", "headline")], text)
}

/// One line of detail under the headline.
pub fn detail_line(document: &Document, text: &str) -> Result<Element, JsValue> {
    text_element(document, "span", "detail", &[("part", "detail")], text)
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
        let headline = headline_line(&document, "")?;
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
                if let Ok(line) = detail_line(&self.document, detail) {
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
        self.show_status("unavailable", Tone::Neutral, text, &[]);
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

fn children(element: &Element) -> Vec<Node> {
    let list = element.child_nodes();
    (0..list.length())
        .filter_map(|index| list.item(index))
        .collect()
}
