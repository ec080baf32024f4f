//! Builds and updates the shadow DOM. Every piece of text goes in through `textContent` (a text
//! node), never through HTML parsing, so product names and messages can never become markup.

use wasm_bindgen::JsValue;
use web_sys::{
    CssStyleSheet, Document, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::view::scheme::Scheme;
use crate::view::status::{StatusView, Tone};
use crate::view::tree::{self, Node};

/// An element built from a tree, with the elements the tree named.
#[derive(Debug)]
pub struct Built {
    pub root: Element,
    named: Vec<(&'static str, Element)>,
}

impl Built {
    /// The element named `name`; an error when the tree named none (a broken tree is a bug,
    /// said rather than half shown).
    pub fn get(&self, name: &str) -> Result<Element, JsValue> {
        let found = self.named.iter().find(|(candidate, _)| *candidate == name);
        found
            .map(|(_, element)| element.clone())
            .ok_or_else(|| JsValue::from_str(name))
    }
}

/// Builds `node` and everything under it, detached: callers attach a tree only once it is
/// whole, so a page whose DOM refuses a step keeps what it showed.
pub fn build(document: &Document, node: &Node) -> Result<Built, JsValue> {
    let mut named = Vec::new();
    let root = build_into(document, node, &mut named)?;
    Ok(Built { root, named })
}

fn build_into(
    document: &Document,
    node: &Node,
    named: &mut Vec<(&'static str, Element)>,
) -> Result<Element, JsValue> {
    let element = document.create_element(node.tag)?;
    for (name, value) in &node.attributes {
        element.set_attribute(name, value)?;
    }
    if let Some(text) = &node.text {
        element.set_text_content(Some(text));
    }
    for child in &node.children {
        let child = build_into(document, child, named)?;
        element.append_child(&child)?;
    }
    if let Some(name) = node.name {
        named.push((name, element.clone()));
    }
    Ok(element)
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
        // Attached only whole: a refused step leaves the shadow root empty.
        let built = build(&document, &tree::skeleton())?;
        root.append_child(&built.root)?;
        let skeleton = Self {
            container: built.root.clone(),
            status: built.get("status")?,
            headline: built.get("headline")?,
            details: built.get("details")?,
            body: built.get("body")?,
            document,
            root,
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
            for detail in details {
                if let Ok(line) = build(&self.document, &tree::detail(detail)) {
                    let _ = self.details.append_child(&line.root);
                }
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
        let button =
            Node::new("button", "secondary").attrs(&[("type", "button"), ("part", "retry")]);
        let button = build(&self.document, &button.text(retry?)).ok()?.root;
        self.body.append_child(&button).ok()?;
        Some(button)
    }

    pub fn clear_body(&self) {
        self.body.set_text_content(None);
    }

    /// Replaces the body with `block`, once it is built whole (what was on show stays
    /// otherwise).
    #[cfg(feature = "form")]
    pub fn show_block(&self, block: &Node) -> Result<Built, JsValue> {
        let built = build(&self.document, block)?;
        self.clear_body();
        self.body.append_child(&built.root)?;
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::build;
    use crate::view::tree::Node;

    wasm_bindgen_test_configure!(run_in_browser);

    fn document() -> web_sys::Document {
        web_sys::window()
            .and_then(|window| window.document())
            .expect("a document")
    }

    #[wasm_bindgen_test]
    fn a_tree_is_built_whole_with_its_text_as_text() {
        let block = Node::part("div", "block", "block")
            .child(Node::new("p", "").named("line").text("<b>text</b>"));
        let built = build(&document(), &block).expect("every step worked");
        assert_eq!(
            built.root.outer_html(),
            r#"<div class="block" part="block"><p>&lt;b&gt;text&lt;/b&gt;</p></div>"#
        );
        assert_eq!(built.get("line").expect("named").tag_name(), "P");
    }

    #[wasm_bindgen_test]
    fn a_step_the_dom_refuses_makes_the_whole_tree_an_error() {
        let refusals = [
            Node::new("not a tag", ""),
            Node::new("div", "").attr("not an attribute", "x"),
        ];
        for refused in refusals {
            let tree = Node::new("div", "")
                .child(refused.clone())
                .child(Node::new("p", ""));
            assert!(
                build(&document(), &tree).is_err(),
                "{refused:?} was refused"
            );
        }
    }
}
