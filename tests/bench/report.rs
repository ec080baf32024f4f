use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::browser::{Browser, PageLoads};
use crate::bytes::{Bytes, ShippedFile};
use crate::endpoint::Endpoint;
use crate::engine::Engine;
use crate::history::History;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub mode: &'static str,
    /// The cores the measurements shared (with each other, and with anything else running).
    pub cores: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<Engine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<Browser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The endpoint with its default durability (`full`).
    pub endpoint: Option<Endpoint>,
    /// The same load with `--durability normal`, measured in the same run.
    pub endpoint_normal: Option<Endpoint>,
    /// The endpoint on PostgreSQL, one replica.
    pub endpoint_postgres: Option<Endpoint>,
    /// The endpoint on PostgreSQL, two replicas sharing the database.
    pub endpoint_postgres_two: Option<Endpoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<History>,
    /// Another commit's widget, measured in the same run (`make bench BENCH_BASE=REV`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Base>,
}

/// Another build of the widget, measured beside this one on the same machine in the same run,
/// so their ratio means something where absolute times vary by a quarter between runs.
#[derive(Debug, Clone, Serialize)]
pub struct Base {
    /// The commit it was built from, as given.
    pub name: String,
    pub bytes: Bytes,
    pub browser: Option<Browser>,
}

/// One line of the table: what, its value, and what qualifies it.
struct Row {
    what: String,
    value: String,
    detail: String,
}

impl Report {
    pub fn new(mode: &'static str) -> Self {
        Self {
            mode,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            bytes: None,
            engine: None,
            browser: None,
            endpoint: None,
            endpoint_normal: None,
            endpoint_postgres: None,
            endpoint_postgres_two: None,
            history: None,
            base: None,
        }
    }

    pub fn write_json(&self, path: &Path) -> Result<(), String> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|error| format!("cannot encode the report: {error}"))?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
        }
        std::fs::write(path, json + "\n")
            .map_err(|error| format!("cannot write {}: {error}", path.display()))
    }

    pub fn table(&self) -> String {
        let mut rows = Vec::new();
        if let Some(bytes) = &self.bytes {
            bytes_rows(bytes, &mut rows);
        }
        if let Some(browser) = &self.browser {
            browser_rows(browser, &mut rows);
        }
        if let Some(base) = &self.base {
            base_rows(base, self, &mut rows);
        }
        if let Some(engine) = &self.engine {
            engine_rows(engine, &mut rows);
        }
        if let Some(endpoint) = &self.endpoint {
            endpoint_rows(endpoint, &mut rows);
            if let Some(normal) = &self.endpoint_normal {
                row(
                    &mut rows,
                    "POST, --durability normal: requests/s",
                    grouped(normal.requests_per_second as u64),
                    format!(
                        "p50 {:.2} ms; full does x{:.2} of normal's requests/s",
                        normal.latency_ms.p50,
                        endpoint.requests_per_second / normal.requests_per_second.max(1.0)
                    ),
                );
            }
        }
        for (what, measured) in [
            (
                "POST, PostgreSQL, 1 replica: requests/s",
                &self.endpoint_postgres,
            ),
            (
                "POST, PostgreSQL, 2 replicas: requests/s",
                &self.endpoint_postgres_two,
            ),
        ] {
            if let Some(measured) = measured {
                let beside = self.endpoint.as_ref().map_or(String::new(), |sqlite| {
                    format!(
                        "; x{:.2} of SQLite's",
                        measured.requests_per_second / sqlite.requests_per_second.max(1.0)
                    )
                });
                row(
                    &mut rows,
                    what,
                    grouped(measured.requests_per_second as u64),
                    format!(
                        "p50 {:.2} ms, p99 {:.2} ms; {} x 201 of {}{beside}",
                        measured.latency_ms.p50,
                        measured.latency_ms.p99,
                        measured.created,
                        measured.requests
                    ),
                );
            }
        }
        if let Some(history) = &self.history {
            row(
                &mut rows,
                "GET /api/availability, empty history (ms)",
                format!("{}", history.empty_p50_ms),
                format!("p50; p90 {}, n = {}", history.empty_p90_ms, history.samples),
            );
            row(
                &mut rows,
                format!(
                    "GET /api/availability, {} stored requests (ms)",
                    grouped(history.stored as u64)
                ),
                format!("{}", history.stored_p50_ms),
                format!(
                    "p50; p90 {}, n = {}; x{} of empty (goal: within 2)",
                    history.stored_p90_ms, history.samples, history.ratio
                ),
            );
        }
        render(&rows)
    }
}

fn row(rows: &mut Vec<Row>, what: impl Into<String>, value: String, detail: String) {
    rows.push(Row {
        what: what.into(),
        value,
        detail,
    });
}

fn bytes_rows(bytes: &Bytes, rows: &mut Vec<Row>) {
    for file in &bytes.files {
        file_row(rows, file, "");
    }
    total_row(
        rows,
        "total",
        (bytes.total_gzip, bytes.total_raw),
        bytes.budget,
    );
    if let Some(badge) = &bytes.badge {
        // The loader is the full build's first row already.
        for file in badge.files.iter().skip(1) {
            file_row(rows, file, " (badge-only)");
        }
        let totals = (badge.total_gzip, badge.total_raw);
        total_row(
            rows,
            "badge-only total (with the loader)",
            totals,
            badge.budget,
        );
    }
    for file in &bytes.wording {
        file_row(rows, file, " (that language only)");
    }
}

fn file_row(rows: &mut Vec<Row>, file: &ShippedFile, note: &str) {
    row(
        rows,
        format!("bytes gzip -9  {}{note}", file.path),
        format!("{} B", grouped(file.gzip)),
        format!("raw {} B", grouped(file.raw)),
    );
}

fn total_row(rows: &mut Vec<Row>, what: &str, (gzip, raw): (u64, u64), budget: Option<u64>) {
    let budget = budget.map_or_else(String::new, |budget| {
        format!(", budget {} B", grouped(budget))
    });
    row(
        rows,
        format!("bytes gzip -9  {what}"),
        format!("{} B", grouped(gzip)),
        format!("raw {} B{budget}", grouped(raw)),
    );
}

fn browser_rows(browser: &Browser, rows: &mut Vec<Row>) {
    loads_rows(
        rows,
        "first status, stock inline (ms)",
        &browser.first_status_inline,
    );
    loads_rows(
        rows,
        "first status, stock from server (ms)",
        &browser.first_status_from_server,
    );
    let collection = &browser.collection;
    let requests = &collection.availability_requests;
    let (fewest, most) = (
        requests.iter().min().copied().unwrap_or_default(),
        requests.iter().max().copied().unwrap_or_default(),
    );
    row(
        rows,
        format!("{} badges: availability requests", collection.badges),
        if fewest == most {
            most.to_string()
        } else {
            format!("{fewest}-{most}")
        },
        format!(
            "per page load, {} loads; SKUs per request, first load: {}",
            requests.len(),
            collection
                .skus_per_request
                .first()
                .map(|skus| skus
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(" + "))
                .unwrap_or_default()
        ),
    );
    loads_rows(
        rows,
        &format!("{} badges: all show a status (ms)", collection.badges),
        &collection.all_statuses,
    );
}

/// This build beside `base`: bytes, and each page's warm median with their ratio.
fn base_rows(base: &Base, now: &Report, rows: &mut Vec<Row>) {
    if let Some(bytes) = &now.bytes {
        let change = bytes.total_gzip as i64 - base.bytes.total_gzip as i64;
        row(
            rows,
            format!("against {}: bytes gzip -9, total", base.name),
            format!("{} B", grouped(base.bytes.total_gzip)),
            format!("this build {change:+} B"),
        );
    }
    let (Some(then), Some(browser)) = (&base.browser, &now.browser) else {
        return;
    };
    for (what, then, now) in [
        (
            "first status, stock inline",
            &then.first_status_inline,
            &browser.first_status_inline,
        ),
        (
            "first status, stock from server",
            &then.first_status_from_server,
            &browser.first_status_from_server,
        ),
        (
            "200 badges: all show a status",
            &then.collection.all_statuses,
            &browser.collection.all_statuses,
        ),
    ] {
        row(
            rows,
            format!("against {}: {what}, warm median (ms)", base.name),
            format!("{:.1}", then.warm_ms.median),
            format!(
                "this build {:.1} ms, x{:.2} of it; cold {:.1} against {:.1}",
                now.warm_ms.median,
                now.warm_ms.median / then.warm_ms.median.max(0.001),
                now.cold_ms,
                then.cold_ms
            ),
        );
    }
}

fn loads_rows(rows: &mut Vec<Row>, what: &str, loads: &PageLoads) {
    let (median, spread) = loads.warm_ms.describe(1);
    row(rows, format!("{what}, warm median"), median, spread);
    row(
        rows,
        format!("{what}, cold"),
        format!("{:.1}", loads.cold_ms),
        "first load, empty cache".to_owned(),
    );
}

fn engine_rows(engine: &Engine, rows: &mut Vec<Row>) {
    let realistic = &engine.realistic;
    row(
        rows,
        format!("engine: evaluations/s, {} batches", realistic.batches),
        grouped(realistic.evaluations_per_second as u64),
        format!(
            "{} ns each ({}), state {}",
            realistic.ns_per_evaluation.median,
            realistic.ns_per_evaluation.describe(0).1,
            realistic.state
        ),
    );
    for point in &engine.growth {
        let (median, spread) = point.ns_per_evaluation.describe(0);
        row(
            rows,
            format!(
                "engine: ns/evaluation, {} batch{}",
                point.batches,
                if point.batches == 1 { "" } else { "es" }
            ),
            median,
            format!("x{:.1} of 1 batch; {spread}", point.relative_to_one_batch),
        );
    }
}

fn endpoint_rows(endpoint: &Endpoint, rows: &mut Vec<Row>) {
    let others: Vec<String> = endpoint
        .other
        .iter()
        .map(|(status, count)| format!("{count} x {status}"))
        .collect();
    let others = if others.is_empty() {
        String::new()
    } else {
        format!(", {}", others.join(", "))
    };
    row(
        rows,
        "POST /api/backorders: requests/s",
        grouped(endpoint.requests_per_second as u64),
        format!(
            "{} of {} in {:.2} s at concurrency {}; {} x 201{others}",
            endpoint.completed,
            endpoint.requests,
            endpoint.seconds,
            endpoint.concurrency,
            endpoint.created
        ),
    );
    row(
        rows,
        "POST /api/backorders: latency p50 (ms)",
        format!("{:.2}", endpoint.latency_ms.p50),
        String::new(),
    );
    row(
        rows,
        "POST /api/backorders: latency p99 (ms)",
        format!("{:.2}", endpoint.latency_ms.p99),
        format!("max {:.2}", endpoint.latency_ms.max),
    );
}

/// Columns padded to their widest cell; values right-aligned so digits line up.
fn render(rows: &[Row]) -> String {
    let header = Row {
        what: "measure".to_owned(),
        value: "value".to_owned(),
        detail: "detail".to_owned(),
    };
    let what_width = rows.iter().chain([&header]).map(|row| row.what.len()).max();
    let value_width = rows
        .iter()
        .chain([&header])
        .map(|row| row.value.len())
        .max();
    let (what_width, value_width) = (what_width.unwrap_or(0), value_width.unwrap_or(0));
    let mut table = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let line = format!(
            "{:<what_width$}  {:>value_width$}  {}",
            row.what, row.value, row.detail
        );
        let _ = writeln!(table, "{}", line.trim_end());
    }
    table
}

/// `40707` as `40,707`.
fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
