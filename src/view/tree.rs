//! The shadow DOM as data: what the widget shows is described here as a tree of elements, each
//! with its attributes and text, and the browser layer builds the whole tree in one go (text
//! always as a text node, never parsed as markup). Natively the trees are plain values, so what
//! a form or a block holds, and how its labels and errors are tied, is tested here.

use crate::text::concat;

/// One element to build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub tag: &'static str,
    /// In the order they are set; `class` is one of them.
    pub attributes: Vec<(&'static str, String)>,
    /// Written as the element's only text node, before its children.
    pub text: Option<String>,
    pub children: Vec<Node>,
    /// The browser layer keeps the built element under this name, to fill or read later.
    pub name: Option<&'static str>,
}

// The builders are kept out of line: inlined into every tree they cost about 100 B of gzip.
impl Node {
    /// `<tag class=…>` (no class when empty).
    #[inline(never)]
    pub fn new(tag: &'static str, class: &str) -> Self {
        let node = Self {
            tag,
            ..Self::default()
        };
        match class.is_empty() {
            true => node,
            false => node.attr("class", class),
        }
    }

    /// `<tag class=… part=…>`, the shape most of the widget's parts have.
    #[inline(never)]
    pub fn part(tag: &'static str, class: &str, part: &str) -> Self {
        Self::new(tag, class).attr("part", part)
    }

    #[inline(never)]
    pub fn attr(mut self, name: &'static str, value: &str) -> Self {
        self.attributes.push((name, value.to_owned()));
        self
    }

    #[inline(never)]
    pub fn attrs(mut self, attributes: &[(&'static str, &str)]) -> Self {
        for (name, value) in attributes {
            self.attributes.push((name, (*value).to_owned()));
        }
        self
    }

    #[inline(never)]
    pub fn text(mut self, text: &str) -> Self {
        self.text = Some(text.to_owned());
        self
    }

    #[inline(never)]
    pub fn child(mut self, child: Node) -> Self {
        self.children.push(child);
        self
    }

    pub fn children(mut self, children: impl IntoIterator<Item = Node>) -> Self {
        self.children.extend(children);
        self
    }

    #[inline(never)]
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }

    /// The value of attribute `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let found = self
            .attributes
            .iter()
            .find(|(candidate, _)| *candidate == name);
        found.map(|(_, value)| value.as_str())
    }

    /// The first node named `name`, this one or below it.
    pub fn find(&self, name: &str) -> Option<&Node> {
        if self.name == Some(name) {
            return Some(self);
        }
        self.children.iter().find_map(|child| child.find(name))
    }

    /// Every node of the tree, this one first, depth first.
    pub fn walk(&self) -> Vec<&Node> {
        let mut nodes = vec![self];
        for child in &self.children {
            nodes.extend(child.walk());
        }
        nodes
    }
}

/// One line of detail under the headline.
pub fn detail(text: &str) -> Node {
    Node::part("span", "detail", "detail").text(text)
}

/// The status paragraph: the headline and its details, as the widget and the preview show it.
pub fn status(headline: &str, details: &[String]) -> Node {
    Node::part("p", "status", "status")
        .named("status")
        .child(
            Node::part("span", "headline", "headline")
                .named("headline")
                .text(headline),
        )
        .child(
            Node::part("span", "details", "details")
                .named("details")
                .children(details.iter().map(|line| detail(line))),
        )
}

/// A block of lines of text: a confirmation, a message.
pub fn lines(class: &str, part: &str, lines: &[String]) -> Node {
    let paragraphs = lines
        .iter()
        .map(|line| Node::new("p", "").text(line.as_str()));
    Node::part("div", class, part).children(paragraphs)
}

/// A remembered reservation's block: its lines, then its `keep` and `cancel` buttons (named
/// after their parts), when it has them.
pub fn reservation_block(lines: &[String], keep: Option<&str>, cancel: Option<&str>) -> Node {
    let mut block = self::lines("confirmation", "confirmation", lines);
    for (part, class, label) in [("keep", "", keep), ("cancel", "secondary", cancel)] {
        if let Some(label) = label {
            let button = Node::part("button", class, part).attr("type", "button");
            block = block.child(button.named(part).text(label));
        }
    }
    block
}

/// A line added to a reservation's block: an error is an alert, anything else a status.
pub fn note(class: &str, text: &str) -> Node {
    let role = if class == "error" { "alert" } else { "status" };
    Node::new("p", class).attr("role", role).text(text)
}

/// A message above the body that outlives the form being rebuilt ("cancelled", "sold out").
pub fn notice(text: &str) -> Node {
    Node::part("p", "notice note", "message")
        .attr("role", "status")
        .text(text)
}

/// The widget's skeleton: the container, the status, and the body that holds the form, the
/// confirmation or a message.
pub fn skeleton() -> Node {
    Node::part("div", "widget", "container")
        .named("container")
        .attr("data-tone", "neutral")
        .child(status("", &[]))
        .child(Node::new("div", "body").named("body"))
}

/// `#name-error`: where a field's error is written, and what its input is described by.
pub fn error_id(field: &str) -> String {
    concat(&[field, "-error"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_holds_its_headline_and_one_part_per_detail() {
        let tree = status(
            "Backordered",
            &["Ships 14 December".to_owned(), "2 ahead".to_owned()],
        );
        assert_eq!(
            tree.find("headline").and_then(|node| node.text.as_deref()),
            Some("Backordered")
        );
        let details = tree.find("details").expect("details");
        assert_eq!(details.children.len(), 2);
        assert!(
            details
                .children
                .iter()
                .all(|node| node.get("part") == Some("detail"))
        );
        let skeleton = skeleton();
        for name in ["container", "status", "headline", "details", "body"] {
            assert!(skeleton.find(name).is_some(), "{name}");
        }
    }
}
