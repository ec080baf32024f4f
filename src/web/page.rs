//! One page's shared state: its configuration, services, stock loader, courier and stylesheet.
//! Every widget on a page shares one `Page`, so one WebAssembly instance serves them all.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use chrono::NaiveDate;
use web_sys::{CssStyleSheet, Element};

use super::host_watch::HostWatch;
use super::intl::IntlFormat;
use super::js::json_tree;
use super::storage::LocalStorage;
use super::transport::FetchTransport;
use super::{Widget, platform, style};
use crate::outbox::answer::Delivery;
use crate::outbox::policy::RetryPolicy;
use crate::outbox::queue::Pending;
use crate::outbox::store::{MemoryStore, OutboxStore};
use crate::view::messages::DateStyle;
use crate::widget::FORMS;
use crate::widget::clock::{Clock, Timer};
use crate::widget::config::PageConfig;
use crate::widget::courier::Courier;
use crate::widget::http::Transport;
use crate::widget::loader::StockLoader;
use crate::widget::small_map::SmallMap;
use crate::widget::wording::WordingLoader;

/// What the widgets need from the outside world, replaceable in tests: every clock, timer,
/// random number and key a widget uses comes from here.
#[derive(Clone)]
pub struct Services {
    pub transport: Rc<dyn Transport>,
    /// Time: the shop's wall clock, milliseconds since the epoch (retries, expiry, the minimum
    /// fill time, `created_at`) and timers. Tests give a clock they advance by hand.
    pub clock: Rc<dyn Clock>,
    /// A number in `[0, 1)`, for retry jitter. The dice and the keys are plain functions: tests
    /// give fixed ones, and nothing needs to capture state.
    pub random: fn() -> f64,
    /// A fresh idempotency key, for a submission, a cancel or a keep.
    pub new_key: fn() -> String,
    /// Where undelivered requests and confirmed reservations are kept.
    pub store: Rc<dyn OutboxStore>,
    pub retry: RetryPolicy,
    /// A request is not sent sooner than this after its form appeared (bot protection).
    pub min_fill_ms: u64,
}

/// The browser's own clock and `setTimeout` (through gloo).
#[derive(Debug, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn wall(&self, time_zone: Option<&str>) -> (NaiveDate, u32) {
        platform::wall_clock(time_zone)
    }

    fn now_ms(&self) -> u64 {
        platform::now_ms()
    }

    fn after(&self, millis: u32, callback: Box<dyn FnOnce()>) -> Timer {
        Timer::new(platform::timer(millis, callback))
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for Services {
    fn default() -> Self {
        Self {
            transport: Rc::new(FetchTransport::default()),
            clock: Rc::new(BrowserClock),
            random: js_sys::Math::random,
            new_key: platform::random_key,
            // The badge-only build stores nothing, and so leaves the stored outbox's reader out.
            store: match FORMS {
                true => Rc::new(LocalStorage::default()),
                false => Rc::new(MemoryStore::default()),
            },
            retry: RetryPolicy::default(),
            min_fill_ms: 1_500,
        }
    }
}

/// The shared state of every widget on one page.
#[derive(Debug)]
pub struct Page {
    pub config: PageConfig,
    pub services: Services,
    pub(crate) loader: Rc<StockLoader>,
    pub(crate) courier: Rc<Courier>,
    pub(crate) wording: Rc<WordingLoader>,
    sheet: Option<CssStyleSheet>,
    /// `Intl` formatters by locale and date style, shared by every widget that speaks it.
    formats: RefCell<SmallMap<(String, DateStyle), Rc<IntlFormat>>>,
    /// Tells the widgets when the host page switches its look or language.
    host_watch: RefCell<Option<HostWatch>>,
    /// The widgets the page keeps alive, by element: custom elements, and `mount()`ed ones
    /// until `destroy()`.
    elements: RefCell<SmallMap<Element, Rc<Widget>>>,
    /// Every live widget, so a delivery that completes later reaches the widgets of its SKU.
    widgets: RefCell<Vec<Weak<Widget>>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Page>>> = const { RefCell::new(None) };
}

impl Page {
    pub fn new(config: PageConfig, services: Services) -> Rc<Self> {
        let loader = Rc::new(StockLoader::new(
            services.transport.clone(),
            services.clock.clone(),
            json_tree,
            config.inline_stock.clone(),
        ));
        let wording = WordingLoader::new(
            services.transport.clone(),
            config.wording_url.clone(),
            json_tree,
            platform::console_warn,
        );
        for problem in &config.problems {
            platform::console_error(problem);
        }
        let courier = Courier::new(
            services.store.clone(),
            services.transport.clone(),
            services.retry,
            services.clock.clone(),
            services.random,
            json_tree,
        );
        let page = Rc::new(Self {
            config,
            services,
            loader,
            courier,
            wording,
            sheet: style::shared_sheet(),
            formats: RefCell::default(),
            host_watch: RefCell::default(),
            elements: RefCell::default(),
            widgets: RefCell::default(),
        });
        let weak = Rc::downgrade(&page);
        if FORMS {
            page.courier.set_listener(move |pending, delivery| {
                if let Some(page) = weak.upgrade() {
                    page.delivered(pending, delivery);
                }
            });
        }
        let weak = Rc::downgrade(&page);
        *page.host_watch.borrow_mut() = HostWatch::new(move || {
            if let Some(page) = weak.upgrade() {
                for widget in page.live_widgets() {
                    widget.host_changed();
                }
            }
        });
        page
    }

    /// The `Intl` formatters for `locale` in `style`, built on first use.
    pub(crate) fn format(&self, locale: &str, style: DateStyle) -> Rc<IntlFormat> {
        let key = (locale.to_owned(), style);
        if let Some(format) = self.formats.borrow().get(&key) {
            return format.clone();
        }
        let today = self.services.clock.wall(None).0;
        let format = Rc::new(IntlFormat::new(locale, today, style));
        self.formats.borrow_mut().insert(key, format.clone());
        format
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

    /// Delivers every waiting request at once, ignoring backoff: on a page load (a shopper back
    /// on the site) and when the browser says it is back online.
    pub fn resume_deliveries(&self) {
        if FORMS {
            self.courier.retry_now();
        }
    }

    pub(crate) fn sheet(&self) -> Option<&CssStyleSheet> {
        self.sheet.as_ref()
    }

    pub(crate) fn track(&self, widget: &Rc<Widget>) {
        let mut widgets = self.widgets.borrow_mut();
        widgets.retain(|candidate| candidate.strong_count() > 0);
        widgets.push(Rc::downgrade(widget));
    }

    /// Every live widget, collected first: a widget told about something may mount or drop
    /// widgets.
    fn live_widgets(&self) -> Vec<Rc<Widget>> {
        let mut widgets = Vec::new();
        for widget in self.widgets.borrow().iter() {
            widgets.extend(widget.upgrade());
        }
        widgets
    }

    fn delivered(&self, pending: &Pending, delivery: &Delivery) {
        self.loader.invalidate(&pending.sku);
        for widget in self.live_widgets() {
            widget.delivered(pending, delivery);
        }
    }

    pub(crate) fn register(&self, element: Element, widget: Rc<Widget>) {
        self.elements.borrow_mut().insert(element, widget);
    }

    pub(crate) fn unregister(&self, element: &Element) -> Option<Rc<Widget>> {
        self.elements.borrow_mut().remove(element)
    }

    pub(crate) fn widget_for(&self, element: &Element) -> Option<Rc<Widget>> {
        self.elements.borrow().get(element).cloned()
    }
}
