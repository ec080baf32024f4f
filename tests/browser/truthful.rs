//! One date per quantity, whichever field the quantity comes from; dates in the language of the
//! words; a palette that follows the page; a way back from a failed load; and a notify sign-up
//! that can be withdrawn.

use std::rc::Rc;

use backorder_widget::web::{Page, PageConfig, Widget};
use backorder_widget::widget::config::ElementConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, HtmlButtonElement, HtmlElement};

use crate::support::*;

/// Types `value` into the form's quantity field, as a shopper does.
fn type_quantity(widget: &Widget, value: &str) {
    let field = input(widget, "quantity");
    field.set_value(value);
    field
        .dispatch_event(&Event::new("input").expect("event"))
        .expect("dispatch");
}

fn body_field(request: &backorder_widget::web::HttpRequest, name: &str) -> Option<String> {
    let body = js_sys::JSON::parse(request.body.as_deref().expect("body")).expect("JSON");
    js_sys::Reflect::get(&body, &name.into())
        .expect("field")
        .as_string()
}

/// BACK: 4 units promised, then 5 arriving Dec 14 and 10 arriving Dec 21. One unit ships by
/// Dec 15; two need the second batch and ship by Dec 22.
#[wasm_bindgen_test]
async fn the_forms_quantity_drives_the_date_shown_sent_and_confirmed() {
    let recorder = Rc::new(Recorder::default());
    let page = inline_page(&recorder);
    let widget = mount(&page, "BACK", 1);
    assert_eq!(
        status(&widget),
        "Backordered: ships by Tuesday, December 15"
    );
    type_quantity(&widget, "2");
    assert_eq!(
        status(&widget),
        "Backordered: ships by Tuesday, December 22",
        "the headline follows the form's own quantity"
    );
    assert_eq!(
        input(&widget, "quantity").value(),
        "2",
        "what the shopper typed stays"
    );
    // Something that is not a quantity yet (a field being cleared) changes nothing.
    type_quantity(&widget, "");
    assert_eq!(
        status(&widget),
        "Backordered: ships by Tuesday, December 22"
    );
    type_quantity(&widget, "2");
    recorder.answer(
        201,
        r#"{"id": "bo_2", "queue_position": 1, "units_ahead": 4, "expected_date": "2026-12-22", "cancel_token": "t"}"#,
    );
    fill_and_submit(&widget);
    settle().await;
    let requests = recorder.requests.borrow();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        body_field(&requests[0], "expected_date").as_deref(),
        Some("2026-12-22"),
        "the request carries the date the page showed"
    );
    let confirmation = text(&widget, ".confirmation");
    assert!(
        confirmation.contains("Ships by Tuesday, December 22."),
        "{confirmation}"
    );
}

/// SPLIT: 2 on the shelf, 10 arriving Dec 14. The form reserves only what waits, says so, and
/// its quantity counts on top of the shelf.
#[wasm_bindgen_test]
fn in_the_partial_state_the_form_reserves_what_waits_and_says_so() {
    let recorder = Rc::new(Recorder::default());
    let widget = mount(&inline_page(&recorder), "SPLIT", 3);
    assert_eq!(
        status(&widget),
        "2 ship now | 1 more ships by Tuesday, December 15"
    );
    assert_eq!(input(&widget, "quantity").value(), "1");
    assert_eq!(
        text(&widget, "[part=note]"),
        "This reserves only the units that wait. Buy the 2 that ship now through the cart."
    );
    type_quantity(&widget, "4");
    assert_eq!(
        status(&widget),
        "2 ship now | 4 more ship by Tuesday, December 15"
    );
}

/// Words fall back to English for a language without wording; the dates go with them.
#[wasm_bindgen_test]
fn dates_speak_the_language_of_the_words() {
    let recorder = Rc::new(Recorder::default());
    let config = ElementConfig {
        locale: Some("pt-BR".to_owned()),
        ..config("BACK", 1)
    };
    let widget = Widget::mount(host(), config, Vec::new(), inline_page(&recorder)).expect("mount");
    assert_eq!(
        status(&widget),
        "Backordered: ships by Tuesday, December 15",
        "not \"quarta-feira, 15 de dezembro\""
    );
}

/// `<html lang>` changed after load: a widget without its own `locale` follows it.
#[wasm_bindgen_test]
async fn a_change_of_the_pages_language_re_renders() {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let html = document.document_element().expect("html");
    let before = html.get_attribute("lang");
    html.set_attribute("lang", "en").expect("lang");
    let recorder = Rc::new(Recorder::default());
    let config = ElementConfig {
        locale: None,
        ..config("IN", 1)
    };
    let widget = Widget::mount(host(), config, Vec::new(), inline_page(&recorder)).expect("mount");
    assert_eq!(status(&widget), "In stock");
    html.set_attribute("lang", "de").expect("lang");
    eventually(50, || status(&widget) == "Auf Lager").await;
    let german = status(&widget);
    match before {
        Some(lang) => html.set_attribute("lang", &lang).expect("lang"),
        None => html.remove_attribute("lang").expect("lang"),
    }
    assert_eq!(german, "Auf Lager");
}

fn computed(element: &web_sys::Element, property: &str) -> String {
    web_sys::window()
        .expect("window")
        .get_computed_style(element)
        .expect("style")
        .expect("computed")
        .get_property_value(property)
        .expect("property")
}

/// On a dark card the widget takes its dark palette; on a light one its light palette, whatever
/// the system says; and it follows a page that switches its theme.
#[wasm_bindgen_test]
async fn the_palette_follows_the_page_it_sits_on() {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("document");
    let card: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    card.style()
        .set_property("background-color", "rgb(13, 17, 23)")
        .expect("style");
    card.style()
        .set_property("color", "rgb(230, 237, 243)")
        .expect("style");
    document
        .body()
        .expect("body")
        .append_child(&card)
        .expect("append");
    let element: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    card.append_child(&element).expect("append");
    let recorder = Rc::new(Recorder::default());
    let widget = Widget::mount(
        element,
        config("BACK", 1),
        Vec::new(),
        inline_page(&recorder),
    )
    .expect("mount");
    let container = find(&widget, ".widget").expect("container");
    assert_eq!(
        container.get_attribute("data-scheme").as_deref(),
        Some("dark")
    );
    assert_eq!(computed(&container, "color-scheme"), "dark");
    assert_eq!(
        computed(&find(&widget, ".headline").expect("headline"), "color"),
        "rgb(230, 237, 243)",
        "the host's own text colour"
    );
    assert_eq!(
        computed(
            &find(&widget, "input[name=email]").expect("email"),
            "border-top-color"
        ),
        "rgb(139, 148, 158)"
    );

    // The page turns its card light (a theme switch on <body>).
    card.style()
        .set_property("background-color", "rgb(255, 255, 255)")
        .expect("style");
    card.style()
        .set_property("color", "rgb(31, 35, 40)")
        .expect("style");
    document
        .body()
        .expect("body")
        .class_list()
        .toggle("some-theme")
        .expect("class");
    eventually(50, || {
        container.get_attribute("data-scheme").as_deref() == Some("light")
    })
    .await;
    assert_eq!(
        container.get_attribute("data-scheme").as_deref(),
        Some("light")
    );
    assert_eq!(computed(&container, "color-scheme"), "light");
    assert_eq!(
        computed(
            &find(&widget, "input[name=email]").expect("email"),
            "border-top-color"
        ),
        "rgb(118, 118, 118)"
    );
    card.remove();
}

/// A stock source that failed may answer next time: the fallback offers to try again.
#[wasm_bindgen_test]
async fn availability_that_could_not_be_loaded_can_be_tried_again() {
    let recorder = Rc::new(Recorder::default());
    recorder.answer(503, "");
    recorder.answer(200, STOCK);
    let config = PageConfig {
        availability_url: Some("/api/availability".to_owned()),
        ..PageConfig::default()
    };
    let widget = mount(&Page::new(config, services(&recorder)), "IN", 1);
    settle().await;
    assert_eq!(status(&widget), "Availability could not be loaded");
    let retry: HtmlButtonElement = find(&widget, "button[part=retry]")
        .expect("a retry button")
        .unchecked_into();
    assert_eq!(retry.text_content().as_deref(), Some("Try again"));
    retry.click();
    settle().await;
    assert_eq!(status(&widget), "In stock");
    assert_eq!(recorder.requests.borrow().len(), 2);
    assert!(find(&widget, "button[part=retry]").is_none());
}
