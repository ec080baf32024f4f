//! The invariants ARCHITECTURE.md says a test holds: read from the source itself, so a change that
//! breaks one fails `cargo test` instead of waiting for a reviewer to notice.
#![allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "a native test: the ban keeps core::fmt out of the WebAssembly build"
)]

use std::fs;
use std::path::{Path, PathBuf};

/// Every file under `dir` (relative to the crate) whose name ends with one of `extensions`.
fn files(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("a folder of the crate") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                if !path.ends_with("pkg") && !path.ends_with("node_modules") {
                    folders.push(path);
                }
            } else if extensions
                .iter()
                .any(|extension| path.to_string_lossy().ends_with(extension))
            {
                found.push(path);
            }
        }
    }
    assert!(!found.is_empty(), "no {extensions:?} files under {dir}");
    found
}

/// `path` relative to the crate, for messages and allow-lists.
fn name(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .expect("inside the crate")
        .to_string_lossy()
        .into_owned()
}

/// Each `file:line` of `files` with one of `needles` in its code (whole-line comments may name
/// what the code must not do), leaving out the `(file, needle)` pairs `allowed`, each of which
/// must still be needed.
fn lines_with(files: &[PathBuf], needles: &[&str], allowed: &[(&str, &str)]) -> Vec<String> {
    let mut found = Vec::new();
    let mut used = vec![false; allowed.len()];
    for path in files {
        let file = name(path);
        let text = fs::read_to_string(path).expect("readable");
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for needle in needles.iter().filter(|needle| line.contains(**needle)) {
                match allowed
                    .iter()
                    .position(|&(where_, what)| where_ == file && what == *needle)
                {
                    Some(index) => used[index] = true,
                    None => found.push(format!("{file}:{}: {}", number + 1, line.trim())),
                }
            }
        }
    }
    for (allowance, used) in allowed.iter().zip(used) {
        assert!(used, "{allowance:?} is allowed but no longer used: drop it");
    }
    found
}

#[test]
fn time_randomness_and_keys_reach_the_widget_only_through_services() {
    let mut widget = files("src/web", &[".rs"]);
    widget.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api.rs"));
    let found = lines_with(
        &widget,
        &[
            "Date::now",
            "Date::new_0",
            "Math::random",
            "random_uuid",
            "get_random_values",
            "Timeout::new",
            "TimeoutFuture",
            "Interval",
            "set_timeout",
            "set_interval",
            "performance().now",
            "platform::timer",
            "platform::now_ms",
            "platform::wall_clock",
            "platform::random_key",
            "local_today",
        ],
        &[
            // Where the browser's own are called.
            ("src/web/platform.rs", "Timeout::new"),
            ("src/web/platform.rs", "Date::now"),
            ("src/web/platform.rs", "Date::new_0"),
            ("src/web/platform.rs", "local_today"),
            ("src/web/platform.rs", "random_uuid"),
            ("src/web/platform.rs", "Math::random"),
            // The browser's clock and the default services, which hand them out.
            ("src/web/page.rs", "platform::wall_clock"),
            ("src/web/page.rs", "platform::now_ms"),
            ("src/web/page.rs", "platform::timer"),
            ("src/web/page.rs", "Math::random"),
            ("src/web/page.rs", "platform::random_key"),
            // The shop's wall clock in its time zone, which `platform::wall_clock` reads.
            ("src/web/intl.rs", "Date::new_0"),
            // The real `fetch`'s abort after 10 s: tests replace the whole transport.
            ("src/web/transport.rs", "platform::timer"),
            // `evaluate()`'s default today: a call from the host page, not a widget's.
            ("src/api.rs", "local_today"),
            ("src/web/mod.rs", "local_today"),
        ],
    );
    assert!(found.is_empty(), "outside Services:\n{}", found.join("\n"));
}

#[test]
fn the_rules_know_no_browser_and_read_no_clock() {
    let mut core = Vec::new();
    for dir in ["src/domain", "src/outbox", "src/view", "src/widget"] {
        core.extend(files(dir, &[".rs"]));
    }
    core.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/text.rs"));
    let found = lines_with(
        &core,
        &[
            "wasm_bindgen",
            "web_sys",
            "js_sys",
            "gloo",
            "SystemTime",
            "Instant::now",
            "Utc::now",
            "Local::now",
        ],
        &[],
    );
    assert!(found.is_empty(), "in the pure core:\n{}", found.join("\n"));
}

#[test]
fn only_the_api_exports_to_javascript() {
    let mut found = Vec::new();
    for path in files("src", &[".rs"]) {
        if name(&path) == "src/api.rs" {
            continue;
        }
        let text = fs::read_to_string(&path).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        // Inside an `extern "C"` block, `#[wasm_bindgen(…)]` describes an import.
        let mut imports = false;
        for (index, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("extern \"C\"") {
                imports = true;
            } else if *line == "}" {
                imports = false;
            }
            let attribute =
                trimmed.starts_with("#[wasm_bindgen]") || trimmed.starts_with("#[wasm_bindgen(");
            if !attribute || imports {
                continue;
            }
            let next = lines.get(index + 1).copied().unwrap_or_default();
            if !next.trim_start().starts_with("extern") {
                found.push(format!("{}:{}", name(&path), index + 1));
            }
        }
    }
    assert!(found.is_empty(), "exports outside src/api.rs: {found:?}");
}

#[test]
fn no_markup_is_ever_parsed_from_text() {
    let mut sources = files("src", &[".rs"]);
    sources.extend(files("www", &[".js", ".html"]));
    sources.extend(
        files("tests", &[".rs", ".js", ".mjs", ".ts", ".html"])
            .into_iter()
            .filter(|path| !path.ends_with("architecture.rs")),
    );
    let found = lines_with(
        &sources,
        &[
            "innerHTML",
            "inner_html",
            "outerHTML =",
            "set_outer_html",
            "insertAdjacentHTML",
            "insert_adjacent_html",
            "document.write",
            "createContextualFragment",
            "create_contextual_fragment",
            "DOMParser",
        ],
        &[],
    );
    assert!(found.is_empty(), "markup from text:\n{}", found.join("\n"));
}

#[test]
fn the_browser_element_asks_the_model_and_decides_nothing() {
    // The element's rules are the model's and the modules it asks: `web/widget/` and the custom
    // element's callbacks name none of them, nor evaluate, word or check anything themselves.
    let mut element = files("src/web/widget", &[".rs"]);
    element.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/element.rs"));
    let found = lines_with(
        &element,
        &[
            // Settings are read by `widget::config` and changed by the model.
            "= ElementConfig {",
            "(ElementConfig {",
            "    ElementConfig {",
            "widget::lifecycle",
            "widget::refusal",
            "widget::reservation",
            "widget::requests",
            "widget::submission",
            "widget::status",
            "domain::availability",
            "evaluate(",
            "status_view",
            "reservation_view",
            "confirmation_text",
            "check_request",
            ".phase",
        ],
        &[],
    );
    assert!(
        found.is_empty(),
        "a decision in web/widget:\n{}",
        found.join("\n")
    );
}

/// The names a module re-exports (`pub use sub::{A, B};` or `pub use sub::A;`), with the
/// submodule that defines each.
fn reexports(module: &str) -> Vec<(String, String)> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(module)).expect("the module");
    let mut names = Vec::new();
    for statement in text.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((sub, items)) = rest.split_once("::") else {
            continue;
        };
        let items = items.trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
        for item in items
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            names.push((item.to_owned(), sub.trim().to_owned()));
        }
    }
    assert!(!names.is_empty(), "{module} re-exports nothing");
    names
}

#[test]
fn modules_import_a_name_from_the_module_that_defines_it() {
    // (the facade's path, its file): the re-exports are for the tests and module users.
    let facades = [
        ("crate::domain", "src/domain/mod.rs"),
        ("crate::view", "src/view/mod.rs"),
        ("crate::outbox", "src/outbox/mod.rs"),
    ];
    let mut found = Vec::new();
    for path in files("src", &[".rs"]) {
        let file = name(&path);
        let text = fs::read_to_string(&path).expect("readable");
        for (facade, module) in facades {
            if file == module {
                continue;
            }
            let names = reexports(module);
            // `crate::domain::Stock`, or `Stock` inside `use crate::domain::{…}`.
            for (at, _) in text.match_indices(facade) {
                let after = text[at + facade.len()..].strip_prefix("::").unwrap_or("");
                let used: Vec<&str> = match after.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                    None => vec![after],
                };
                for used in used {
                    let used = used.trim();
                    let word: String = used
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    // No re-exported name is also a submodule's, so whatever follows it
                    // (`::Backorder`) it came through the facade.
                    if names.iter().any(|(name, _)| *name == word) {
                        found.push(format!("{file}: {facade}::{word}"));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "import these from their defining modules:\n{}",
        found.join("\n")
    );
}
