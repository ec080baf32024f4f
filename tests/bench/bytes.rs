//! The files are the loader, the wasm-bindgen glue, the snippets the glue imports and the
//! `.wasm`. Snippets are read from the glue's own `import` lines rather than from a fixed path,
//! because their folder name carries a hash, and a file the browser never loads must not count.
//! The wording files (`www/wording/*.json`) are listed apart: a page loads one only when a
//! widget on it speaks that language, and an English page loads none.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;

/// The most a JavaScript file we ship may weigh, gzipped (SPEC "Quality bars").
pub const JS_FILE_LIMIT: u64 = 10 * 1024;

const LOADER: &str = "backorder-widget.js";
/// The full build: its folder under `www`, and the name of its glue and `.wasm`.
const FULL: (&str, &str) = ("pkg", "backorder_widget");
/// The badge-only build a page of badges loads instead (`make build`).
const BADGE: (&str, &str) = ("pkg/badge", "backorder_widget_badge");

#[derive(Debug, Clone, Serialize)]
pub struct ShippedFile {
    /// Relative to the repository, e.g. `www/pkg/backorder_widget.js`.
    pub path: String,
    pub raw: u64,
    pub gzip: u64,
}

impl ShippedFile {
    fn is_javascript(&self) -> bool {
        self.path.ends_with(".js")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Bytes {
    /// What every page loads.
    pub files: Vec<ShippedFile>,
    pub total_raw: u64,
    pub total_gzip: u64,
    /// One file per language besides English, loaded only by pages in that language.
    pub wording: Vec<ShippedFile>,
    /// The gzip total allowed (`SIZE_BUDGET`), when one was given.
    pub budget: Option<u64>,
    /// What a page of badges loads instead: the loader and the badge-only build. None for a
    /// base build from before it existed.
    pub badge: Option<Build>,
    pub js_file_limit: u64,
}

/// What one page loads from one build: the loader, the glue, its snippets and the `.wasm`.
#[derive(Debug, Clone, Serialize)]
pub struct Build {
    pub files: Vec<ShippedFile>,
    pub total_raw: u64,
    pub total_gzip: u64,
    /// The gzip total allowed (`BADGE_BUDGET`), when one was given.
    pub budget: Option<u64>,
}

impl Bytes {
    /// What breaks the size rules, in words; empty when nothing does.
    pub fn violations(&self) -> Vec<String> {
        let mut violations = Vec::new();
        if let Some(budget) = self.budget.filter(|&budget| self.total_gzip > budget) {
            violations.push(format!(
                "the widget is {} bytes gzipped, over the budget of {budget} bytes (SIZE_BUDGET)",
                self.total_gzip
            ));
        }
        if let Some(badge) = &self.badge
            && let Some(budget) = badge.budget.filter(|&budget| badge.total_gzip > budget)
        {
            violations.push(format!(
                "the badge-only widget is {} bytes gzipped, over the budget of {budget} bytes (BADGE_BUDGET)",
                badge.total_gzip
            ));
        }
        let badge_files = self.badge.iter().flat_map(|badge| &badge.files);
        for file in self.files.iter().chain(badge_files) {
            if file.is_javascript() && file.gzip > self.js_file_limit {
                violations.push(format!(
                    "{} is {} bytes gzipped, over the {} bytes any JavaScript file we ship may weigh",
                    file.path, file.gzip, self.js_file_limit
                ));
            }
        }
        violations
    }
}

/// Measures the built widget under `www` (run `make build` first): the full build, and the
/// badge-only build when `www` has one (a base build may predate it).
pub fn measure(
    www: &Path,
    budget: Option<u64>,
    badge_budget: Option<u64>,
) -> Result<Bytes, String> {
    let full = build(www, FULL, budget)?;
    let badge = match www.join(BADGE.0).exists() {
        true => Some(build(www, BADGE, badge_budget)?),
        false if badge_budget.is_some() => {
            return Err(format!(
                "www/{} is missing (run `make build` first)",
                BADGE.0
            ));
        }
        false => None,
    };
    let mut wording_names: Vec<String> = std::fs::read_dir(www.join("wording"))
        .map_err(|error| format!("cannot list www/wording: {error}"))?
        .filter_map(|entry| entry.ok())
        .map(|entry| format!("wording/{}", entry.file_name().to_string_lossy()))
        .collect();
    wording_names.sort();
    let wording = wording_names
        .iter()
        .map(|name| shipped(www, name))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Bytes {
        total_raw: full.total_raw,
        total_gzip: full.total_gzip,
        files: full.files,
        wording,
        budget,
        badge,
        js_file_limit: JS_FILE_LIMIT,
    })
}

/// The loader and one build's files, `(folder, name)` under `www`.
fn build(www: &Path, (folder, name): (&str, &str), budget: Option<u64>) -> Result<Build, String> {
    let glue_name = format!("{folder}/{name}.js");
    let glue = read(www, &glue_name)?;
    let snippets = snippet_imports(&String::from_utf8_lossy(&glue));
    let snippet_folder = www.join(folder).join("snippets");
    if snippets.is_empty() && snippet_folder.exists() {
        return Err(format!(
            "{glue_name} imports no snippet although {} exists: has the glue's import syntax changed?",
            snippet_folder.display()
        ));
    }
    let mut names = vec![LOADER.to_owned(), glue_name];
    names.extend(snippets.iter().map(|snippet| format!("{folder}/{snippet}")));
    names.push(format!("{folder}/{name}_bg.wasm"));
    let files = names
        .iter()
        .map(|name| shipped(www, name))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Build {
        total_raw: files.iter().map(|file| file.raw).sum(),
        total_gzip: files.iter().map(|file| file.gzip).sum(),
        files,
        budget,
    })
}

fn shipped(www: &Path, name: &str) -> Result<ShippedFile, String> {
    let content = read(www, name)?;
    Ok(ShippedFile {
        path: format!("www/{name}"),
        raw: content.len() as u64,
        gzip: gzip_len(&content)?,
    })
}

fn read(www: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = www.join(name);
    std::fs::read(&path).map_err(|error| {
        format!(
            "cannot read {}: {error} (run `make build` first)",
            path.display()
        )
    })
}

/// The `./snippets/...` modules the glue imports, without the leading `./`, in import order.
/// The glue is minified, so this looks for the quoted specifiers rather than `import` lines.
fn snippet_imports(glue: &str) -> Vec<String> {
    let mut found = Vec::new();
    for quote in ['"', '\''] {
        let opening = format!("{quote}./snippets/");
        for (at, _) in glue.match_indices(&opening) {
            let rest = &glue[at + 3..];
            if let Some(end) = rest.find(quote)
                && !found.iter().any(|(_, path)| path == &rest[..end])
            {
                found.push((at, rest[..end].to_owned()));
            }
        }
    }
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}

/// The size of `data` compressed by gzip at its best level (`gzip -9`). The header carries no
/// file name and no time, so the same bytes always give the same size.
fn gzip_len(data: &[u8]) -> Result<u64, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map(|compressed| compressed.len() as u64)
        .map_err(|error| format!("gzip failed: {error}"))
}
