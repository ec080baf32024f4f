use std::rc::Rc;

use backorder_widget::web::{Page, PageConfig, Widget, define_element};
use backorder_widget::widget::config::{ElementConfig, Mode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

use crate::support::*;

#[wasm_bindgen_test]
fn every_state_reads_truthfully() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let check = |sku: &str, quantity: u32, expected: &str, form: Option<&str>| {
        let widget = mount(&page, sku, quantity);
        assert_eq!(status(&widget), expected, "{sku} x{quantity}");
        let kind = find(&widget, "form").and_then(|form| form.get_attribute("data-kind"));
        assert_eq!(kind.as_deref(), form, "form for {sku}");
        let state =
            find(&widget, ".widget").and_then(|container| container.get_attribute("data-state"));
        widget.destroy();
        state
    };
    assert_eq!(
        check("IN", 1, "In stock", None).as_deref(),
        Some("in_stock")
    );
    check("LOW", 1, "Only 2 left", None);
    check("IN", 12, "In stock | Only 10 can be ordered", None);
    assert_eq!(
        check(
            "SPLIT",
            5,
            "2 ship now | 3 more ship by Tuesday, December 15",
            Some("backorder")
        )
        .as_deref(),
        Some("partial")
    );
    check(
        "BACK",
        1,
        "Backordered: ships by Tuesday, December 15",
        Some("backorder"),
    );
    check(
        "BACK",
        2,
        "Backordered: ships by Tuesday, December 22",
        Some("backorder"),
    );
    check(
        "PRE",
        1,
        "Pre-order: releases Friday, January 15, 2027",
        Some("preorder"),
    );
    check(
        "LATE",
        1,
        "Out of stock | The next delivery is running late; no new date yet",
        Some("notify"),
    );
    check("GONE", 1, "No longer available", None);
    assert!(
        recorder.requests.borrow().is_empty(),
        "inline stock needs no request"
    );
}

#[wasm_bindgen_test]
fn a_bad_record_or_missing_source_shows_the_neutral_fallback_and_an_error_event() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let host = host();
    let errors = error_codes(&host);
    let widget = Widget::mount(host.clone(), config("BROKEN", 1), Vec::new(), page).expect("mount");
    assert_eq!(status(&widget), "Availability could not be loaded");
    assert_eq!(errors.borrow().as_slice(), ["bad_stock_data"]);

    let unconfigured = Page::new(PageConfig::default(), services(&recorder));
    let widget = Widget::mount(host, config("IN", 1), Vec::new(), unconfigured).expect("mount");
    assert_eq!(status(&widget), "Availability could not be loaded");
    assert_eq!(errors.borrow().as_slice(), ["bad_stock_data", "config"]);
    assert!(find(&widget, "form").is_none());
}

/// A badge fits a collection card: a short date, no form, and no live region (a page of 20
/// badges must not announce 20 statuses at load). A full widget's status is live.
#[wasm_bindgen_test]
fn badge_mode_shows_only_the_status_with_a_short_date_and_stays_quiet() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = Widget::mount(
        host(),
        ElementConfig {
            mode: Mode::Badge,
            ..config("BACK", 1)
        },
        Vec::new(),
        page.clone(),
    )
    .expect("mount");
    assert_eq!(status(&widget), "Backordered: ships by Dec 15");
    assert!(find(&widget, "form").is_none());
    let live = |widget: &Widget| {
        let status = find(widget, ".status").expect("status");
        (
            status.get_attribute("aria-live"),
            status.get_attribute("role"),
        )
    };
    assert_eq!(live(&widget), (None, None), "a badge is not a live region");
    let full = mount(&page, "BACK", 1);
    assert_eq!(
        live(&full),
        (Some("polite".to_owned()), Some("status".to_owned()))
    );
    assert_eq!(status(&full), "Backordered: ships by Tuesday, December 15");
    // Switched to full and back, it follows.
    widget.update(config("BACK", 1));
    assert_eq!(live(&widget).0.as_deref(), Some("polite"));
    assert_eq!(
        status(&widget),
        "Backordered: ships by Tuesday, December 15"
    );
}

#[wasm_bindgen_test]
async fn the_custom_element_follows_its_attributes() {
    let recorder = Rc::new(Recorder::default());
    Page::install(inline_page(&recorder));
    define_element();
    let element = custom_element(&[("sku", "IN"), ("locale", "en-US")]);
    let shown = |element: &Element| headline(element);
    assert_eq!(shown(&element), "In stock");
    element.set_attribute("sku", "BACK").expect("sku");
    assert_eq!(
        shown(&element),
        "Backordered: ships by Tuesday, December 15"
    );
    element.set_attribute("quantity", "2").expect("quantity");
    assert_eq!(
        shown(&element),
        "Backordered: ships by Tuesday, December 22"
    );
    element.set_attribute("quantity", "4").expect("quantity");
    // A variant switch keeps the shopper's quantity: 4 of SPLIT is a partial shipment.
    element.set_attribute("sku", "SPLIT").expect("sku");
    assert_eq!(shown(&element), "2 ship now");
    element.remove();
    assert!(
        element
            .shadow_root()
            .expect("shadow root")
            .query_selector(".headline")
            .expect("query")
            .is_none(),
        "disconnect cleans up"
    );
}

#[wasm_bindgen_test]
async fn the_quantity_field_of_the_host_page_is_followed() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let field = page_field("qty-follow", "1");
    let widget = Widget::mount(
        host(),
        ElementConfig {
            quantity_input: Some("#qty-follow".to_owned()),
            ..config("SPLIT", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert_eq!(status(&widget), "In stock");
    field.set_value("5");
    field
        .dispatch_event(&web_sys::Event::new("input").expect("event"))
        .expect("dispatch");
    assert_eq!(
        status(&widget),
        "2 ship now | 3 more ship by Tuesday, December 15"
    );
    assert_eq!(
        input(&widget, "quantity").value(),
        "3",
        "the form reserves the units that wait"
    );
}

#[wasm_bindgen_test]
async fn availability_requests_are_batched_per_page() {
    let recorder = Rc::new(Recorder::default());
    recorder.answer(200, STOCK);
    let config = PageConfig {
        availability_url: Some("/api/availability".to_owned()),
        ..PageConfig::default()
    };
    let page = Page::new(config, services(&recorder));
    let widgets: Vec<_> = ["IN", "BACK", "PRE", "IN"]
        .iter()
        .map(|sku| mount(&page, sku, 1))
        .collect();
    settle().await;
    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 1, "one GET for every element");
    assert_eq!(requests[0].url, "/api/availability?sku=IN&sku=BACK&sku=PRE");
    assert_eq!(
        status(&widgets[1]),
        "Backordered: ships by Tuesday, December 15"
    );
    assert_eq!(status(&widgets[3]), "In stock");
}

#[wasm_bindgen_test]
fn merchant_wording_is_text_never_markup() {
    let recorder = Rc::new(Recorder::default());
    let mut config = PageConfig {
        endpoint: Some("/api/backorders".to_owned()),
        inline_stock: Some(STOCK.to_owned()),
        ..PageConfig::default()
    };
    let hostile = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>"#;
    config
        .messages
        .push(("in_stock".to_owned(), hostile.to_owned()));
    let widget = mount(&Page::new(config, services(&recorder)), "IN", 1);
    assert_eq!(status(&widget), hostile);
    assert!(find(&widget, "img").is_none() && find(&widget, "script").is_none());
}

#[wasm_bindgen_test]
fn the_javascript_mount_handle_updates_and_destroys() {
    let recorder = Rc::new(Recorder::default());
    Page::install(inline_page(&recorder));
    let element = host();
    let options = js_sys::JSON::parse(r#"{"sku": "IN", "locale": "en-US"}"#).expect("options");
    let handle = backorder_widget::api::mount(element.clone(), options);
    let call = |method: &str, argument: &str| {
        let function: js_sys::Function = js_sys::Reflect::get(&handle, &method.into())
            .expect("method")
            .dyn_into()
            .expect("a function");
        let argument = js_sys::JSON::parse(argument).expect("argument");
        function.call1(&handle, &argument).expect("no throw");
    };
    assert_eq!(headline(&element), "In stock");
    call("update", r#"{"sku": "BACK", "quantity": 2}"#);
    assert_eq!(
        headline(&element),
        "Backordered: ships by Tuesday, December 22"
    );
    // A bad change is reported and the rest of the configuration stays.
    call("update", r#"{"quantity": 0}"#);
    assert_eq!(
        headline(&element),
        "Backordered: ships by Tuesday, December 22"
    );
    call("destroy", "null");
    let root = element.shadow_root().expect("shadow root");
    assert_eq!(root.child_nodes().length(), 0, "destroy empties the widget");
    let errors = error_codes(&element);
    call(
        "update",
        r##"{"sku": "IN", "quantityInput": "#no-such-field"}"##,
    );
    assert_eq!(
        root.child_nodes().length(),
        0,
        "a destroyed widget stays gone"
    );
    assert!(
        errors.borrow().is_empty(),
        "and follows nothing: {:?}",
        errors.borrow()
    );
    element.remove();
}

#[wasm_bindgen_test]
fn evaluate_is_available_without_a_page() {
    let record = js_sys::JSON::parse(r#"{"sku": "A", "backorders": "allow", "incoming": [{"quantity": 3, "expected": "2026-12-14"}]}"#).expect("record");
    let options =
        js_sys::JSON::parse(r#"{"quantity": 2, "today": "2026-11-27"}"#).expect("options");
    let result = backorder_widget::api::evaluate(record, options);
    let field = |name: &str| {
        js_sys::Reflect::get(&result, &name.into())
            .expect("field")
            .as_string()
    };
    assert_eq!(field("state").as_deref(), Some("backordered"));
    assert_eq!(field("expected_date").as_deref(), Some("2026-12-15"));
    assert_eq!(
        field("schema_org").as_deref(),
        Some("https://schema.org/BackOrder")
    );
    let broken = backorder_widget::api::evaluate(
        js_sys::JSON::parse(r#"{"on_hand": 1}"#).expect("record"),
        JsValue::UNDEFINED,
    );
    assert_eq!(
        js_sys::Reflect::get(&broken, &"error".into())
            .expect("error")
            .as_string()
            .as_deref(),
        Some("the stock record has no sku")
    );
}

#[wasm_bindgen_test]
fn a_variant_switch_keeps_the_quantity_the_page_field_holds() {
    let recorder = Rc::new(Recorder::default());
    Page::install(inline_page(&recorder));
    define_element();
    page_field("qty-variant", "5");
    let element = custom_element(&[
        ("sku", "IN"),
        ("locale", "en-US"),
        ("quantity-input", "#qty-variant"),
    ]);
    let shown = || headline(&element);
    assert_eq!(shown(), "In stock");
    element.set_attribute("sku", "SPLIT").expect("sku");
    assert_eq!(
        shown(),
        "2 ship now",
        "still 5 units after the variant switch"
    );
    element.remove();
}

/// The SKU query is split by the length each SKU takes once encoded, counted in Rust: the count
/// must be the browser's own `encodeURIComponent`, for every ASCII character and beyond.
#[wasm_bindgen_test]
fn url_components_are_encoded_as_the_browser_does() {
    let mut texts: Vec<String> = (0u8..128)
        .map(|byte| char::from(byte).to_string())
        .collect();
    texts.extend(
        [
            "SCARF-GREY/2",
            "a b+c",
            "é",
            "ß日本",
            "😀 x",
            "100%",
            "\u{7f}\u{80}\u{ffff}",
        ]
        .map(str::to_owned),
    );
    for text in texts {
        assert_eq!(
            backorder_widget::text::uri_component(&text),
            String::from(js_sys::encode_uri_component(&text)),
            "{text:?}"
        );
    }
}
