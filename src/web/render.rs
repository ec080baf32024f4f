//! Builds and updates the shadow DOM. Every piece of text goes in through `textContent` (a text
//! node), never through HTML parsing, so product names and messages can never become markup.

use std::cell::Cell;

use wasm_bindgen::JsValue;
use web_sys::{
    CssStyleSheet, Document, Element, HtmlElement, Node, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::view::{Scheme, StatusView, Tone};

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

/// Builds a tree of nodes and remembers whether the DOM refused any step, so a whole tree is
/// built without an early return after every call: each early return carries the clean-up of
/// everything built so far, which made the tree builders the largest code in the widget. The
/// DOM refuses none of our constant tag and attribute names; a refusal means a broken page, and
/// [`Nodes::finish`] then gives an error instead of half a tree. Callers attach a tree only
/// after `finish`, so a broken page keeps what it showed.
#[derive(Debug)]
pub struct Nodes<'a> {
    pub document: &'a Document,
    /// Stands in for an element that could not be created, so building can go on.
    spare: Element,
    failed: Cell<bool>,
}

impl<'a> Nodes<'a> {
    pub fn new(document: &'a Document) -> Result<Self, JsValue> {
        Ok(Self {
            document,
            spare: document.create_element("span")?,
            failed: Cell::new(false),
        })
    }

    /// `<tag class=…>` with attributes.
    pub fn element(&self, tag: &str, class: &str, attributes: &[(&str, &str)]) -> Element {
        element(self.document, tag, class, attributes).unwrap_or_else(|_| self.fail())
    }

    /// An element holding `text` as a text node.
    pub fn text_element(
        &self,
        tag: &str,
        class: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> Element {
        let element = self.element(tag, class, attributes);
        element.set_text_content(Some(text));
        element
    }

    /// Appends `child` to `parent`.
    pub fn append(&self, parent: &Node, child: &Node) {
        if parent.append_child(child).is_err() {
            self.fail();
        }
    }

    /// A new element appended to `parent`.
    pub fn child(
        &self,
        parent: &Node,
        tag: &str,
        class: &str,
        attributes: &[(&str, &str)],
    ) -> Element {
        let child = self.element(tag, class, attributes);
        self.append(parent, &child);
        child
    }

    /// The status headline, as the widget and the preview both show it.
    pub fn headline_line(&self, text: &str) -> Element {
        self.text_element("span", "headline", &[("part", "headline")], text)
    }

    /// One line of detail under the headline.
    pub fn detail_line(&self, text: &str) -> Element {
        self.text_element("span", "detail", &[("part", "detail")], text)
    }

    /// Records a step the DOM refused.
    pub fn fail(&self) -> Element {
        self.failed.set(true);
        self.spare.clone()
    }

    /// `value`, when every step worked.
    pub fn finish<T>(&self, value: T) -> Result<T, JsValue> {
        match self.failed.get() {
            false => Ok(value),
            true => Err(JsValue::from_str(
                "the page's DOM refused to build the widget",
            )),
        }
    }
}

/// The parts of the shadow tree that stay for the widget's whole life.
#[derive(Debug, Clone)]
pub struct Skeleton {
    pub document: Document,
    pub root: ShadowRoot,
    pub container: Element,
    /// The status paragraph: the headline and its details.
    pub status: Element,
    pub headline: Element,
    pub details: Element,
    /// Holds the form, the confirmation or a message.
    pub body: Element,
}

impl Skeleton {
    /// Builds the skeleton. A `live` status is announced by screen readers when it changes; a
    /// badge's is not, or a collection page of them would all speak at once.
    pub fn attach(
        host: &HtmlElement,
        sheet: Option<&CssStyleSheet>,
        live: bool,
    ) -> Result<Self, JsValue> {
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
        let nodes = Nodes::new(&document)?;
        let container = nodes.element(
            "div",
            "widget",
            &[("part", "container"), ("data-tone", "neutral")],
        );
        let status = nodes.child(&container, "p", "status", &[("part", "status")]);
        let headline = nodes.headline_line("");
        nodes.append(&status, &headline);
        let details = nodes.child(&status, "span", "details", &[("part", "details")]);
        let body = nodes.child(&container, "div", "body", &[]);
        // Attached only whole: a refused step leaves the shadow root empty.
        let container = nodes.finish(container)?;
        root.append_child(&container)?;
        let skeleton = Self {
            document,
            root,
            container,
            status,
            headline,
            details,
            body,
        };
        skeleton.set_live(live);
        Ok(skeleton)
    }

    /// Makes the status a polite live region (announced once, as a whole, when it changes), or
    /// a plain paragraph.
    pub fn set_live(&self, live: bool) {
        for (name, value) in [
            ("role", "status"),
            ("aria-live", "polite"),
            ("aria-atomic", "true"),
        ] {
            let _ = match live {
                true => self.status.set_attribute(name, value),
                false => self.status.remove_attribute(name),
            };
        }
    }

    /// Which default palette the widget uses (`light` or `dark`), following the host page.
    /// Written only when it changes: the page's own mutations should not restyle every widget.
    pub fn set_scheme(&self, scheme: Scheme) {
        if self.container.get_attribute("data-scheme").as_deref() != Some(scheme.as_str()) {
            let _ = self.container.set_attribute("data-scheme", scheme.as_str());
        }
    }

    /// Shows a status. Unchanged text is left alone so the live region does not repeat itself.
    /// While the state is `loading` (a variant switch fetching its stock) the status is
    /// `aria-busy`, so a screen reader waits and announces only the status that follows, once,
    /// rather than "Checking availability…" before every answer.
    pub fn show_status(&self, state: &str, tone: Tone, headline: &str, details: &[String]) {
        let loading = state == "loading";
        if loading {
            let _ = self.status.set_attribute("aria-busy", "true");
        }
        self.write_status(state, tone, headline, details);
        if !loading {
            let _ = self.status.remove_attribute("aria-busy");
        }
    }

    fn write_status(&self, state: &str, tone: Tone, headline: &str, details: &[String]) {
        let _ = self.container.set_attribute("data-state", state);
        let _ = self.container.set_attribute("data-tone", tone.as_str());
        if self.headline.text_content().as_deref() != Some(headline) {
            self.headline.set_text_content(Some(headline));
        }
        let shown = self.details.child_nodes();
        let unchanged = shown.length() as usize == details.len()
            && details.iter().zip(0..).all(|(detail, index)| {
                shown
                    .item(index)
                    .and_then(|node| node.text_content())
                    .as_deref()
                    == Some(detail.as_str())
            });
        if !unchanged {
            self.details.set_text_content(None);
            let Ok(nodes) = Nodes::new(&self.document) else {
                return;
            };
            for detail in details {
                nodes.append(&self.details, &nodes.detail_line(detail));
            }
        }
    }

    pub fn show_view(&self, view: &StatusView) {
        self.show_status(view.state, view.tone, &view.headline, &view.details);
    }

    /// The neutral fallback when the widget cannot work: no colour, no promise. With a
    /// `retry` label, a button to try again (a stock source that failed may answer next time);
    /// the button is returned so the widget can listen to it.
    pub fn show_fallback(&self, text: &str, retry: Option<&str>) -> Option<Element> {
        self.show_status("unavailable", Tone::Neutral, text, &[]);
        self.clear_body();
        let button = text_element(
            &self.document,
            "button",
            "secondary",
            &[("type", "button"), ("part", "retry")],
            retry?,
        )
        .ok()?;
        self.body.append_child(&button).ok()?;
        Some(button)
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
        let nodes = Nodes::new(&self.document)?;
        let block = nodes.element("div", class, &[("part", part)]);
        for line in lines {
            nodes.append(&block, &nodes.text_element("p", "", &[], line));
        }
        // What was on show stays unless the new block is whole.
        let block = nodes.finish(block)?;
        self.clear_body();
        self.body.append_child(&block)?;
        Ok(block)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::Nodes;

    wasm_bindgen_test_configure!(run_in_browser);

    fn document() -> web_sys::Document {
        web_sys::window()
            .and_then(|window| window.document())
            .expect("a document")
    }

    #[wasm_bindgen_test]
    fn a_tree_the_dom_accepts_is_built_whole() {
        let document = document();
        let nodes = Nodes::new(&document).expect("nodes");
        let block = nodes.element("div", "block", &[("part", "block")]);
        nodes.append(&block, &nodes.text_element("p", "", &[], "<b>text</b>"));
        let block = nodes.finish(block).expect("every step worked");
        assert_eq!(
            block.outer_html(),
            r#"<div class="block" part="block"><p>&lt;b&gt;text&lt;/b&gt;</p></div>"#
        );
    }

    #[wasm_bindgen_test]
    fn a_step_the_dom_refuses_makes_the_whole_tree_an_error() {
        let document = document();
        let refusals: [(&str, &[(&str, &str)]); 2] =
            [("not a tag", &[]), ("div", &[("not an attribute", "x")])];
        for refused in refusals {
            let nodes = Nodes::new(&document).expect("nodes");
            let block = nodes.element("div", "", &[]);
            nodes.append(&block, &nodes.element(refused.0, "", refused.1));
            nodes.append(&block, &nodes.element("p", "", &[]));
            assert!(nodes.finish(()).is_err(), "{refused:?} was refused");
        }
    }
}
