//! The `#[wasm_bindgen]` surface: everything JavaScript can call, and nothing else.

use std::rc::Rc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::domain::{
    Availability, ShopCalendar, ShopConfig, Stock, StockRecord, evaluate as evaluate_stock,
    format_iso_date, parse_iso_date,
};
use crate::web::{ElementConfig, Mode, Page, PageConfig, Services, Widget, define_element};

/// Called by `backorder-widget.js` with its own `<script>` element: reads the page settings and
/// defines `<backorder-status>`.
#[wasm_bindgen]
pub fn start(script: Option<Element>) {
    let page = Page::new(
        PageConfig::from_script(script.as_ref()),
        Services::default(),
    );
    Page::install(page.clone());
    define_element();
    // Requests an earlier visit could not deliver go out now, and again whenever the browser
    // says it is back online.
    page.resume_deliveries();
    if let Some(window) = web_sys::window() {
        gloo_events::EventListener::new(&window, "online", |_| {
            Page::current().retry_deliveries_now()
        })
        .forget();
    }
}

/// `mount`'s configuration object.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct MountOptions {
    sku: Option<String>,
    quantity: Option<u32>,
    quantity_input: Option<String>,
    mode: Option<String>,
    locale: Option<String>,
    endpoint: Option<String>,
    availability_url: Option<String>,
}

impl MountOptions {
    fn apply(self, mut config: ElementConfig, problems: &mut Vec<String>) -> ElementConfig {
        if let Some(sku) = self.sku {
            config.sku = sku.trim().to_owned();
        }
        if let Some(quantity) = self.quantity {
            config.quantity = quantity.max(1);
        }
        if let Some(mode) = self.mode {
            config.mode = match mode.as_str() {
                "badge" => Mode::Badge,
                "full" => Mode::Full,
                other => {
                    problems.push(format!(
                        "mode {other:?} is not \"full\" or \"badge\"; using full"
                    ));
                    Mode::Full
                }
            };
        }
        config.quantity_input = self.quantity_input.or(config.quantity_input);
        config.locale = self.locale.or(config.locale);
        config.endpoint = self.endpoint.or(config.endpoint);
        config.availability_url = self.availability_url.or(config.availability_url);
        config
    }
}

/// A mounted widget, returned by `mount`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WidgetHandle {
    widget: Option<Rc<Widget>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Changes the SKU and/or quantity: `handle.update({sku: "TEE-BLUE-M", quantity: 2})`.
    pub fn update(&self, changes: JsValue) {
        let Some(widget) = &self.widget else { return };
        let mut problems = Vec::new();
        let options: MountOptions =
            serde_wasm_bindgen::from_value(changes).unwrap_or_else(|error| {
                problems.push(format!("update(): {error}"));
                MountOptions::default()
            });
        for problem in problems {
            crate::web::console_error(&problem);
        }
        let config = options.apply(widget.config(), &mut Vec::new());
        widget.update(config);
    }

    /// Removes the widget and its listeners.
    pub fn destroy(&self) {
        if let Some(widget) = &self.widget {
            widget.destroy();
        }
    }
}

/// Mounts a widget in any element, without the custom element: `mount(div, {sku: "A"})`.
/// Never throws; a bad configuration shows the fallback and fires `backorder:error`.
#[wasm_bindgen]
pub fn mount(element: HtmlElement, config: JsValue) -> WidgetHandle {
    let (attributes, mut problems) = ElementConfig::from_attributes(&element);
    let options = if config.is_undefined() || config.is_null() {
        MountOptions::default()
    } else {
        serde_wasm_bindgen::from_value(config).unwrap_or_else(|error| {
            problems.push(format!("mount(): the configuration is not valid: {error}"));
            MountOptions::default()
        })
    };
    let config = options.apply(attributes, &mut problems);
    let widget = Widget::mount(element, config, problems, Page::current()).ok();
    WidgetHandle { widget }
}

/// `evaluate`'s options.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EvaluateOptions {
    quantity: Option<u32>,
    /// `YYYY-MM-DD`; the browser's local date when absent.
    today: Option<String>,
    shop: Option<ShopConfig>,
}

/// `evaluate`'s answer, JSON-shaped.
#[derive(Debug, Default, Serialize)]
struct EvaluateResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quantity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_quantity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    low_stock: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ship_now: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backordered: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_org: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_starts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    google_availability: Option<&'static str>,
}

/// Evaluates one stock record without any DOM: `evaluate(record, {quantity: 2})` gives
/// `{state: "backordered", expected_date: "2026-12-15", …}` or `{error: "…"}`.
#[wasm_bindgen]
pub fn evaluate(record: JsValue, options: JsValue) -> JsValue {
    let result = evaluate_js(record, options).unwrap_or_else(|error| EvaluateResult {
        error: Some(error),
        ..EvaluateResult::default()
    });
    result
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn evaluate_js(record: JsValue, options: JsValue) -> Result<EvaluateResult, String> {
    let record: StockRecord = serde_wasm_bindgen::from_value(record)
        .map_err(|error| format!("the stock record is malformed: {error}"))?;
    let stock = Stock::from_record(&record).map_err(|error| error.to_string())?;
    let options: EvaluateOptions = if options.is_undefined() || options.is_null() {
        EvaluateOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options)
            .map_err(|error| format!("the options are malformed: {error}"))?
    };
    let calendar = ShopCalendar::from_config(&options.shop.unwrap_or_default())
        .map_err(|error| error.to_string())?;
    let today: NaiveDate = match options.today.as_deref() {
        Some(text) => parse_iso_date(text)
            .ok_or_else(|| format!("today {text:?} is not a YYYY-MM-DD date"))?,
        None => crate::web::local_today(),
    };
    let evaluation = evaluate_stock(&stock, &calendar, options.quantity.unwrap_or(1), today);
    let availability = &evaluation.availability;
    let (low_stock, ship_now, backordered, release_date) = match availability {
        Availability::InStock { low_stock } => (*low_stock, None, None, None),
        Availability::Partial {
            ship_now,
            backordered,
            ..
        } => (None, Some(*ship_now), Some(*backordered), None),
        Availability::Preorder { release_date, .. } => {
            (None, None, None, Some(format_iso_date(*release_date)))
        }
        _ => (None, None, None, None),
    };
    Ok(EvaluateResult {
        error: None,
        state: Some(availability.state_name()),
        quantity: Some(evaluation.quantity),
        max_quantity: Some(evaluation.max_quantity),
        low_stock,
        ship_now,
        backordered,
        expected_date: availability.expected_ship_date().map(format_iso_date),
        release_date,
        schema_org: Some(format!("https://schema.org/{}", availability.schema_org())),
        availability_starts: availability.availability_starts().map(format_iso_date),
        google_availability: Some(availability.google_feed()),
    })
}
