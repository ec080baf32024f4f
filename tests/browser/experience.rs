use std::rc::Rc;

use backorder_widget::web::{Page, PageConfig, Widget, page_config};
use backorder_widget::widget::config::{ElementConfig, Mode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

use crate::support::*;

#[wasm_bindgen_test]
async fn other_languages_use_intl_dates_and_plurals() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let german = mount_in(&page, "BACK", "de-DE");
    let french = mount_in(&page, "LOW", "fr-FR");
    eventually(50, || status(&german).contains("15. Dezember")).await;
    assert!(
        status(&german).contains("15. Dezember"),
        "German date in {:?}",
        status(&german)
    );
    assert!(
        !status(&french).is_empty() && status(&french) != "Only 2 left",
        "French wording: {:?}",
        status(&french)
    );
}

fn mount_in(page: &Rc<Page>, sku: &str, locale: &str) -> Rc<Widget> {
    let config = ElementConfig {
        locale: Some(locale.to_owned()),
        ..config(sku, 1)
    };
    Widget::mount(host(), config, Vec::new(), page.clone()).expect("mount")
}

/// The status once the widget's wording has arrived (at once in English).
async fn worded_status(page: &Rc<Page>, sku: &str, locale: &str) -> String {
    let widget = mount_in(page, sku, locale);
    eventually(50, || !status(&widget).is_empty()).await;
    status(&widget)
}

#[wasm_bindgen_test]
async fn plurals_follow_each_language() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let cases = [
        ("en-US", "Only 1 left", "Only 3 left"),
        ("es-ES", "Solo queda 1", "Solo quedan 3"),
        ("fr-FR", "Plus que 1 en stock", "Plus que 3 en stock"),
        (
            "de-DE",
            "Nur noch 1 Stück auf Lager",
            "Nur noch 3 Stück auf Lager",
        ),
        ("ja-JP", "残り1点です", "残り3点です"),
    ];
    for (locale, one, few) in cases {
        assert_eq!(
            worded_status(&page, "LAST", locale).await,
            one,
            "{locale} one"
        );
        assert_eq!(
            worded_status(&page, "FEW", locale).await,
            few,
            "{locale} few"
        );
    }
}

#[wasm_bindgen_test]
async fn a_language_is_fetched_once_per_page_and_english_never() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let english = mount_in(&page, "IN", "en-GB");
    assert_eq!(status(&english), "In stock", "English is built in: no wait");
    let german: Vec<Rc<Widget>> = ["IN", "LOW", "BACK"]
        .iter()
        .map(|sku| mount_in(&page, sku, "de-CH"))
        .collect();
    // Until the German wording arrives, nothing is said in the wrong language.
    for widget in &german {
        assert_eq!(status(widget), "", "no English while German loads");
    }
    eventually(50, || {
        german.iter().all(|widget| !status(widget).is_empty())
    })
    .await;
    assert_eq!(status(&german[0]), "Auf Lager");
    assert_eq!(
        recorder.wording_requests.get(),
        1,
        "one file for three widgets"
    );
    let later = mount_in(&page, "IN", "de");
    assert_eq!(
        status(&later),
        "Auf Lager",
        "a later widget uses the page's copy"
    );
    assert_eq!(recorder.wording_requests.get(), 1);
    assert!(
        find(&german[2], "form").is_some(),
        "the form is built once the words are there"
    );
}

#[wasm_bindgen_test]
async fn switching_language_never_leaves_the_old_words_or_a_dead_form() {
    let recorder = Rc::new(Recorder::default());
    recorder.wording_delay_ms.set(200);
    let page = inline_page(&recorder);
    let widget = mount_in(&page, "BACK", "en");
    assert!(find(&widget, "form").is_some(), "an English form");
    widget.update(ElementConfig {
        locale: Some("fr-FR".to_owned()),
        ..widget.config()
    });
    assert_eq!(status(&widget), "", "no English while French loads");
    assert!(find(&widget, "form").is_none(), "the English form is gone");
    advance(&recorder.clock, 199).await;
    assert!(
        find(&widget, "form").is_none(),
        "nothing until the French words are here"
    );
    advance(&recorder.clock, 1).await;
    assert_eq!(text(&widget, "label[for=email]"), "E-mail");
    assert!(
        status(&widget).contains("décembre"),
        "{:?}",
        status(&widget)
    );
    fill_and_submit(&widget);
    settle().await;
    assert_eq!(recorder.requests.borrow().len(), 1, "the French form sends");
}

#[wasm_bindgen_test]
async fn the_language_comes_from_the_element_then_the_page() {
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
    eventually(50, || !status(&widget).is_empty()).await;
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

/// The computed `content` of a sample headline's status dot.
fn dot(sample: &Element) -> String {
    let headline = sample
        .query_selector(".headline")
        .expect("query")
        .expect("headline");
    web_sys::window()
        .expect("window")
        .get_computed_style_with_pseudo_elt(&headline, "::before")
        .expect("style")
        .expect("computed")
        .get_property_value("content")
        .expect("content")
}

#[wasm_bindgen_test]
fn the_preview_shows_every_state_and_names_its_message_keys() {
    let recorder = Rc::new(Recorder::default());
    let page_config = PageConfig {
        inline_stock: Some(STOCK.to_owned()),
        endpoint: Some("/api/backorders".to_owned()),
        preview: true,
        ..PageConfig::default()
    };
    let page = Page::new(page_config, services(&recorder));
    let widget = mount(&page, "IN", 1);
    assert_eq!(text(&widget, ".headline"), "Preview: every state");
    let root = widget.element().shadow_root().expect("root");
    let samples = root.query_selector_all(".sample").expect("samples");
    let mut states = Vec::new();
    for index in 0..samples.length() {
        let sample: Element = samples.item(index).expect("sample").unchecked_into();
        let state = sample.get_attribute("data-state").unwrap_or_default();
        let keys = sample
            .query_selector("[part=preview-keys]")
            .expect("query")
            .and_then(|keys| keys.text_content())
            .unwrap_or_default();
        assert!(!keys.is_empty(), "sample {index} ({state}) names its keys");
        // Each sample shows its own tone's dot, not the preview container's neutral none.
        let expect_dot = !matches!(state.as_str(), "loading" | "unavailable");
        assert_eq!(
            dot(&sample) != "none",
            expect_dot,
            "the dot of sample {index} ({state}): {}",
            dot(&sample)
        );
        states.push(state);
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
            "discontinued",
            "loading",
            "unavailable",
            "backordered"
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
    let all_keys = text(&widget, ".preview");
    for key in [
        "limited",
        "preorder_ships",
        "cap_reached",
        "queued",
        "cancelled.backorder",
    ] {
        assert!(all_keys.contains(key), "the preview shows {key}");
    }

    // A badge previews statuses only, and an element whose stock cannot be shown says why.
    let badge = Widget::mount(
        host(),
        ElementConfig {
            mode: Mode::Badge,
            ..config("NOPE", 1)
        },
        Vec::new(),
        page.clone(),
    )
    .expect("mount");
    let root = badge.element().shadow_root().expect("root");
    assert!(root.query_selector("form").expect("query").is_none());
    assert!(root.query_selector(".sample").expect("query").is_some());
    assert_eq!(
        text(&badge, ".detail"),
        "the stock data has no record for sku \"NOPE\""
    );
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

#[wasm_bindgen_test]
fn the_wording_folder_is_beside_the_loader_unless_the_script_names_one() {
    let loader_folder = "https://shop.example/assets/wording/";
    let config = page_config(None, Some(loader_folder.to_owned()));
    assert_eq!(
        config.wording_url.as_deref(),
        Some(loader_folder),
        "imported as a module: no script tag"
    );
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let script = document.create_element("script").expect("script");
    let config = page_config(Some(&script), Some(loader_folder.to_owned()));
    assert_eq!(config.wording_url.as_deref(), Some(loader_folder));
    script
        .set_attribute("data-wording-url", "/i18n")
        .expect("attribute");
    let config = page_config(Some(&script), Some(loader_folder.to_owned()));
    let origin = web_sys::window()
        .expect("window")
        .location()
        .origin()
        .expect("origin");
    assert_eq!(
        config.wording_url,
        Some(format!("{origin}/i18n/")),
        "the script's folder, relative to the page, as a folder"
    );
}

/// The preview's title and samples speak the element's language, like everything else.
#[wasm_bindgen_test]
async fn the_preview_speaks_the_shoppers_language() {
    let recorder = Rc::new(Recorder::default());
    let page_config = PageConfig {
        inline_stock: Some(STOCK.to_owned()),
        endpoint: Some("/api/backorders".to_owned()),
        wording_url: Some("/wording/".to_owned()),
        preview: true,
        ..PageConfig::default()
    };
    let page = Page::new(page_config, services(&recorder));
    let widget = mount_in(&page, "IN", "de-DE");
    eventually(50, || {
        text(&widget, ".headline") == "Vorschau: alle Zustände"
    })
    .await;
    assert_eq!(text(&widget, ".headline"), "Vorschau: alle Zustände");
    assert!(
        text(&widget, ".preview").contains("Auf Lager"),
        "{}",
        text(&widget, ".preview")
    );
}
