//! One page's shared state: its configuration, services, stock loader and stylesheet. Every
//! widget on a page shares one `Page`, so one WebAssembly instance serves them all.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::NaiveDate;
use web_sys::{CssStyleSheet, Element};

use super::loader::StockLoader;
use super::transport::{FetchTransport, Transport};
use super::{PageConfig, Widget, platform, style};

/// What the widgets need from the outside world, replaceable in tests.
#[derive(Clone)]
pub struct Services {
    pub transport: Rc<dyn Transport>,
    /// The shopper's calendar date.
    pub today: Rc<dyn Fn() -> NaiveDate>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Services { .. }")
    }
}

impl Default for Services {
    fn default() -> Self {
        Self {
            transport: Rc::new(FetchTransport::default()),
            today: Rc::new(platform::local_today),
        }
    }
}

/// The shared state of every widget on one page.
#[derive(Debug)]
pub struct Page {
    pub config: PageConfig,
    pub services: Services,
    pub(crate) loader: Rc<StockLoader>,
    sheet: Option<CssStyleSheet>,
    widgets: RefCell<Vec<(Element, Rc<Widget>)>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Page>>> = const { RefCell::new(None) };
}

impl Page {
    pub fn new(config: PageConfig, services: Services) -> Rc<Self> {
        let loader = Rc::new(StockLoader::new(
            services.transport.clone(),
            config.inline_stock.clone(),
        ));
        for problem in &config.problems {
            platform::console_error(problem);
        }
        Rc::new(Self {
            config,
            services,
            loader,
            sheet: style::shared_sheet(),
            widgets: RefCell::default(),
        })
    }

    /// The page the script tag configured, or a default one for module users who call `mount`
    /// without the script tag.
    pub fn current() -> Rc<Self> {
        CURRENT.with(|current| {
            current
                .borrow_mut()
                .get_or_insert_with(|| Self::new(PageConfig::default(), Services::default()))
                .clone()
        })
    }

    /// Makes `page` the one `current` returns.
    pub fn install(page: Rc<Self>) {
        CURRENT.with(|current| *current.borrow_mut() = Some(page));
    }

    pub(crate) fn sheet(&self) -> Option<&CssStyleSheet> {
        self.sheet.as_ref()
    }

    pub(crate) fn register(&self, element: Element, widget: Rc<Widget>) {
        self.widgets.borrow_mut().push((element, widget));
    }

    pub(crate) fn unregister(&self, element: &Element) -> Option<Rc<Widget>> {
        let mut widgets = self.widgets.borrow_mut();
        let index = widgets
            .iter()
            .position(|(candidate, _)| candidate == element)?;
        Some(widgets.swap_remove(index).1)
    }

    pub(crate) fn widget_for(&self, element: &Element) -> Option<Rc<Widget>> {
        self.widgets
            .borrow()
            .iter()
            .find(|(candidate, _)| candidate == element)
            .map(|(_, widget)| widget.clone())
    }
}
