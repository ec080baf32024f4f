//! Languages, plurals, structured data, the merchant preview and theming.

use std::rc::Rc;

use backorder_widget::web::{ElementConfig, Page, PageConfig, Widget};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

use crate::support::*;

#[wasm_bindgen_test]
fn other_languages_use_intl_dates_and_plurals() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = Widget::mount(
        host(),
        ElementConfig {
            locale: Some("de-DE".to_owned()),
            ..config("BACK", 1)
        },
        Vec::new(),
        page.clone(),
    )
    .expect("mount");
    assert!(
        status(&widget).contains("15. Dezember"),
        "German date in {:?}",
        status(&widget)
    );
    let widget = Widget::mount(
        host(),
        ElementConfig {
            locale: Some("fr-FR".to_owned()),
            ..config("LOW", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert!(
        !status(&widget).is_empty() && status(&widget) != "Only 2 left",
        "French wording: {:?}",
        status(&widget)
    );
}

fn mount_in(page: &Rc<Page>, sku: &str, locale: &str) -> Rc<Widget> {
    let config = ElementConfig {
        locale: Some(locale.to_owned()),
        ..config(sku, 1)
    };
    Widget::mount(host(), config, Vec::new(), page.clone()).expect("mount")
}

#[wasm_bindgen_test]
fn plurals_follow_each_language() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let check = |locale: &str, one: &str, few: &str| {
        assert_eq!(
            status(&mount_in(&page, "LAST", locale)),
            one,
            "{locale} one"
        );
        assert_eq!(status(&mount_in(&page, "FEW", locale)), few, "{locale} few");
    };
    check("en-US", "Only 1 left", "Only 3 left");
    check("es-ES", "Solo queda 1", "Solo quedan 3");
    check("fr-FR", "Plus que 1 en stock", "Plus que 3 en stock");
    check(
        "de-DE",
        "Nur noch 1 Stück auf Lager",
        "Nur noch 3 Stück auf Lager",
    );
    check("ja-JP", "残り1点です", "残り3点です");
}

#[wasm_bindgen_test]
fn the_language_comes_from_the_element_then_the_page() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let section = document.create_element("section").expect("section");
    section.set_attribute("lang", "de").expect("lang");
    document
        .body()
        .expect("body")
        .append_child(&section)
        .expect("append");
    let element: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    section.append_child(&element).expect("append");
    let widget = Widget::mount(
        element,
        ElementConfig {
            locale: None,
            ..config("IN", 1)
        },
        Vec::new(),
        page,
    )
    .expect("mount");
    assert_eq!(status(&widget), "Auf Lager", "the nearest lang attribute");
}

#[wasm_bindgen_test]
fn structured_data_follows_the_state() {
    let recorder = Rc::new(Recorder::default());
    let config = PageConfig {
        inline_stock: Some(STOCK.to_owned()),
        structured_data: true,
        ..PageConfig::default()
    };
    let page = Page::new(config, services(&recorder));
    let widget = mount(&page, "BACK", 1);
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let offer = || {
        let script = document
            .query_selector("head script[data-backorder-offer]")
            .expect("query")
            .expect("an offer in the head");
        js_sys::JSON::parse(&script.text_content().unwrap_or_default()).expect("JSON-LD")
    };
    let field = |value: &JsValue, name: &str| {
        js_sys::Reflect::get(value, &name.into())
            .ok()
            .and_then(|field| field.as_string())
    };
    assert_eq!(field(&offer(), "@type").as_deref(), Some("Offer"));
    assert_eq!(
        field(&offer(), "availability").as_deref(),
        Some("https://schema.org/BackOrder")
    );
    assert_eq!(
        field(&offer(), "availabilityStarts").as_deref(),
        Some("2026-12-15")
    );
    widget.update(ElementConfig {
        sku: "LAST".to_owned(),
        ..widget.config()
    });
    assert_eq!(
        field(&offer(), "availability").as_deref(),
        Some("https://schema.org/InStock")
    );
    assert_eq!(field(&offer(), "availabilityStarts"), None);
    let product = js_sys::Reflect::get(&offer(), &"itemOffered".into()).expect("product");
    assert_eq!(
        field(&product, "name").as_deref(),
        Some("Last <b>one</b>"),
        "names travel as data"
    );
    widget.destroy();
    assert!(
        document
            .query_selector("head script[data-backorder-offer]")
            .expect("query")
            .is_none(),
        "removed with the widget"
    );
}

#[wasm_bindgen_test]
fn the_preview_shows_every_state_side_by_side() {
    let recorder = Rc::new(Recorder::default());
    let config = PageConfig {
        inline_stock: Some(STOCK.to_owned()),
        endpoint: Some("/api/backorders".to_owned()),
        preview: true,
        ..PageConfig::default()
    };
    let widget = mount(&Page::new(config, services(&recorder)), "IN", 1);
    let root = widget.element().shadow_root().expect("root");
    let samples = root.query_selector_all(".sample").expect("samples");
    let mut states = Vec::new();
    for index in 0..samples.length() {
        let sample: Element = samples.item(index).expect("sample").unchecked_into();
        states.push(sample.get_attribute("data-state").unwrap_or_default());
    }
    states.dedup();
    assert_eq!(
        states,
        [
            "in_stock",
            "partial",
            "backordered",
            "preorder",
            "out_of_stock",
            "discontinued"
        ]
    );
    let kinds: Vec<String> = {
        let forms = root.query_selector_all("form").expect("forms");
        (0..forms.length())
            .filter_map(|index| forms.item(index))
            .filter_map(|form| form.unchecked_into::<Element>().get_attribute("data-kind"))
            .collect()
    };
    assert_eq!(kinds, ["backorder", "preorder", "notify"]);
}

#[wasm_bindgen_test]
fn the_theme_comes_through_custom_properties_and_parts() {
    let recorder = Rc::new(Recorder::default());
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let style = document.create_element("style").expect("style");
    style.set_text_content(Some(
        ".themed { --backorder-color-accent: rgb(1, 2, 3); --backorder-radius: 17px; }
         .themed::part(headline) { letter-spacing: 3px; }",
    ));
    document
        .query_selector("head")
        .expect("query")
        .expect("head")
        .append_child(&style)
        .expect("append");
    let host = host();
    host.set_class_name("themed");
    let widget =
        Widget::mount(host, config("BACK", 1), Vec::new(), inline_page(&recorder)).expect("mount");
    let computed = |selector: &str, property: &str| {
        let element = find(&widget, selector).expect(selector);
        let style = web_sys::window()
            .expect("window")
            .get_computed_style(&element)
            .expect("style")
            .expect("computed");
        style.get_property_value(property).expect("property")
    };
    assert_eq!(
        computed("button[type=submit]", "background-color"),
        "rgb(1, 2, 3)",
        "custom property"
    );
    assert_eq!(
        computed("button[type=submit]", "border-top-left-radius"),
        "17px"
    );
    assert_eq!(
        computed(".headline", "letter-spacing"),
        "3px",
        "::part(headline)"
    );
}
