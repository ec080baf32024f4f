//! The `#[wasm_bindgen]` surface: everything JavaScript can call, and nothing else.

use chrono::NaiveDate;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::domain::availability::{Availability, evaluate as evaluate_stock};
use crate::domain::calendar::ShopCalendar;
use crate::domain::date::{format_iso_date, parse_iso_date};
use crate::domain::stock::Stock;
use crate::text::concat;
use crate::web::js::{Builder, fields_of, is_object, read_value};
use crate::web::{Listener, Page, Services, Widget, define_element};
use crate::widget::FORMS;
use crate::widget::config::{ElementConfig, Mode};
use crate::wire::{ShopConfig, StockRecord, read};

/// Called by `backorder-widget.js` with its own `<script>` element (none when another module
/// imports it) and the `wording/` folder beside it: reads the page settings and defines
/// `<backorder-status>`.
#[wasm_bindgen]
pub fn start(script: Option<Element>, wording_url: Option<String>) {
    let page = Page::new(
        crate::web::config::page_config(script.as_ref(), wording_url),
        Services::default(),
    );
    Page::install(page.clone());
    define_element();
    // Requests an earlier visit could not deliver go out now, and again whenever the browser
    // says it is back online (the badge-only build has none).
    if !FORMS {
        return;
    }
    page.resume_deliveries();
    if let Some(window) = web_sys::window() {
        Listener::new(&window, "online", |_| Page::current().resume_deliveries()).forever();
    }
}

/// `mount`'s and `update`'s configuration object (camelCase, as JavaScript writes it).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct MountOptions {
    sku: Option<String>,
    quantity: Option<i64>,
    quantity_input: Option<String>,
    mode: Option<String>,
    locale: Option<String>,
    endpoint: Option<String>,
    availability_url: Option<String>,
}

impl MountOptions {
    fn read(value: &JsValue) -> Result<Self, String> {
        if value.is_undefined() || value.is_null() {
            return Ok(Self::default());
        }
        if !is_object(value) {
            return Err("the configuration must be an object".to_owned());
        }
        let options = fields_of(
            value,
            &[
                "sku",
                "quantity",
                "quantityInput",
                "mode",
                "locale",
                "endpoint",
                "availabilityUrl",
            ],
        )
        .map_err(|error| error.message())?;
        read(&options).map_err(|error| error.message())
    }

    fn apply(self, mut config: ElementConfig, problems: &mut Vec<String>) -> ElementConfig {
        if let Some(sku) = self.sku {
            config.sku = sku.trim().to_owned();
        }
        if let Some(quantity) = self.quantity {
            match u32::try_from(quantity) {
                Ok(quantity) if quantity >= 1 => config.quantity = quantity,
                _ => problems.push(
                    "quantity must be a whole number of at least 1; keeping the previous one"
                        .to_owned(),
                ),
            }
        }
        if let Some(mode) = self.mode {
            config.mode = Mode::read(&mode, problems);
        }
        config.quantity_input = self.quantity_input.or(config.quantity_input);
        config.locale = self.locale.or(config.locale);
        config.endpoint = self.endpoint.or(config.endpoint);
        config.availability_url = self.availability_url.or(config.availability_url);
        config
    }
}

#[wasm_bindgen(typescript_custom_section)]
const WIDGET_HANDLE: &str = r#"
/** A mounted widget, returned by `mount`. */
export interface WidgetHandle {
    /** Changes the SKU and/or quantity: `handle.update({sku: "TEE-BLUE-M", quantity: 2})`. */
    update(changes: any): void;
    /** Removes the widget and its listeners. */
    destroy(): void;
}"#;

/// Mounts a widget in any element, without the custom element: `mount(div, {sku: "A"})`.
/// Never throws; a bad configuration shows the fallback and fires `backorder:error`.
// The handle is a plain object of two functions rather than an exported Rust type: wasm-bindgen
// would ship a class, a finalizer and borrow checks for it (about 0.45 KB gzipped).
#[wasm_bindgen(unchecked_return_type = "WidgetHandle")]
pub fn mount(element: HtmlElement, config: JsValue) -> JsValue {
    let (attributes, mut problems) = crate::web::config::element_config(&element);
    let options = MountOptions::read(&config).unwrap_or_else(|error| {
        problems.push(concat(&["mount(): ", &error]));
        MountOptions::default()
    });
    let config = options.apply(attributes, &mut problems);
    let page = Page::current();
    let Ok(widget) = Widget::mount(element.clone(), config, problems, page.clone()) else {
        crate::web::console_error("mount(): could not attach a shadow root to the element");
        let nothing = Closure::<dyn Fn()>::new(|| {}).into_js_value();
        return Builder::new()
            .set("update", nothing.clone())
            .set("destroy", nothing)
            .build();
    };
    // The page keeps the widget alive until `destroy()`: a handle the host page drops (and the
    // garbage collector frees) must not take the widget's listeners with it.
    page.register(element.into(), widget.clone());
    let updated = widget.clone();
    let update = Closure::<dyn Fn(JsValue)>::new(move |changes| update(&updated, &changes));
    let destroy = Closure::<dyn Fn()>::new(move || widget.destroy());
    Builder::new()
        .set("update", update.into_js_value())
        .set("destroy", destroy.into_js_value())
        .build()
}

/// `handle.update(changes)`: changes the SKU and/or quantity.
fn update(widget: &Widget, changes: &JsValue) {
    let mut problems = Vec::new();
    let options = MountOptions::read(changes).unwrap_or_else(|error| {
        problems.push(concat(&["update(): ", &error]));
        MountOptions::default()
    });
    let config = options.apply(widget.config(), &mut problems);
    for problem in problems {
        crate::web::console_error(&problem);
    }
    widget.update(config);
}

/// Evaluates one stock record without any DOM: `evaluate(record, {quantity: 2})` gives
/// `{state: "backordered", expected_date: "2026-12-15", …}` or `{error: "…"}`.
/// `options`: `quantity`, `today` (`YYYY-MM-DD`, default the browser's date) and `shop`.
#[wasm_bindgen]
pub fn evaluate(record: JsValue, options: JsValue) -> JsValue {
    evaluate_js(&record, &options)
        .unwrap_or_else(|error| Builder::new().set("error", error).build())
}

/// `evaluate`'s options.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EvaluateOptions {
    quantity: Option<i64>,
    today: Option<String>,
    shop: Option<ShopConfig>,
}

fn evaluate_js(record: &JsValue, options: &JsValue) -> Result<JsValue, String> {
    let record: StockRecord = read_value(record.clone())
        .map_err(|error| concat(&["the stock record is malformed: ", &error.message()]))?;
    let stock = Stock::from_record(&record).map_err(|error| error.message())?;
    let options: EvaluateOptions = match is_object(options) {
        true => fields_of(options, &["quantity", "today", "shop"])
            .and_then(|options| read(&options))
            .map_err(|error| error.message())?,
        false => EvaluateOptions::default(),
    };
    let shop = options.shop.unwrap_or_default();
    let calendar = ShopCalendar::from_config(&shop).map_err(|error| error.message())?;
    let today: NaiveDate = match options.today {
        Some(text) => parse_iso_date(&text)
            .ok_or_else(|| concat(&["today \"", &text, "\" is not a YYYY-MM-DD date"]))?,
        None => crate::web::local_today(),
    };
    let quantity = options
        .quantity
        .and_then(|quantity| u32::try_from(quantity).ok())
        .unwrap_or(1);
    let evaluation = evaluate_stock(&stock, &calendar, quantity, today);
    let availability = &evaluation.availability;
    let mut result = Builder::new()
        .set("state", availability.state_name())
        .set("quantity", evaluation.quantity)
        .set("max_quantity", evaluation.max_quantity)
        .maybe(
            "expected_date",
            availability.expected_ship_date().map(format_iso_date),
        )
        .set(
            "schema_org",
            concat(&["https://schema.org/", availability.schema_org()]),
        )
        .maybe(
            "availability_starts",
            availability.availability_starts().map(format_iso_date),
        )
        .set("google_availability", availability.google_feed());
    result = match availability {
        Availability::InStock { low_stock } => result.maybe("low_stock", *low_stock),
        Availability::Partial {
            ship_now,
            backordered,
            ..
        } => result
            .set("ship_now", *ship_now)
            .set("backordered", *backordered),
        Availability::Preorder { release_date, .. } => {
            result.set("release_date", format_iso_date(*release_date))
        }
        _ => result,
    };
    Ok(result.build())
}
