//! The browser layer: thin glue between the DOM and the pure [`crate::domain`] and
//! [`crate::view`] code. Only compiled for `wasm32`.

pub(crate) mod config;
mod element;
mod events;
#[cfg(feature = "form")]
mod form_dom;
mod host_watch;
mod intl;
pub(crate) mod js;
mod listener;
mod page;
mod platform;
#[cfg(feature = "form")]
mod preview;
mod render;
mod storage;
#[cfg(feature = "form")]
mod structured;
mod style;
mod transport;
mod widget;

pub use config::page_config;
pub use element::define_element;
pub use js::read_value;
pub(crate) use listener::Listener;
pub use page::{BrowserClock, Page, Services};
pub use platform::{console_error, local_today};
pub use storage::LocalStorage;
pub use transport::FetchTransport;
pub use widget::Widget;
// The names tests and module users know the browser layer by; defined in the pure code.
pub use crate::outbox::store::{MemoryStore, OutboxStore};
pub use crate::widget::clock::{Clock, Timer};
pub use crate::widget::config::PageConfig;
pub use crate::widget::http::{Answered, HttpRequest, HttpResponse, Transport, TransportError};
