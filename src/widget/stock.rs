//! A widget's stock: a variant's checked record and its shop's calendar, or why there is none.

use std::rc::Rc;

use super::http::TransportError;
use crate::domain::calendar::ShopCalendar;
use crate::domain::error::RecordError;
use crate::domain::stock::Stock;
use crate::text::{concat, decimal};

/// A variant's checked stock and its shop's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockEntry {
    pub stock: Stock,
    pub calendar: ShopCalendar,
}

/// Why a widget has no stock to show.
#[derive(Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Neither `data-availability-url` nor `data-stock` is set.
    NotConfigured,
    /// The element has no `sku`.
    NoSku,
    /// The stock data has no record for this SKU.
    UnknownSku(String),
    /// The record for this SKU is wrong.
    BadRecord(RecordError),
    /// The response is not the availability JSON shape.
    BadResponse(String),
    /// The availability URL answered with an error status.
    Status(u16),
    Transport(TransportError),
}

impl LoadError {
    /// The `code` of the `backorder:error` event.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured | Self::NoSku => "config",
            Self::UnknownSku(_) => "unknown_sku",
            Self::BadRecord(_) | Self::BadResponse(_) => "bad_stock_data",
            Self::Status(_) | Self::Transport(_) => "stock_unavailable",
        }
    }
}

impl LoadError {
    /// What went wrong, for the console and `backorder:error`.
    pub fn message(&self) -> String {
        match self {
            Self::NotConfigured => "no stock source: set data-availability-url or data-stock on the script tag, or availability-url on the element".to_owned(),
            Self::NoSku => "the element has no sku attribute".to_owned(),
            Self::UnknownSku(sku) => {
                concat(&["the stock data has no record for sku \"", sku, "\""])
            }
            Self::BadRecord(error) => error.message(),
            Self::BadResponse(detail) => concat(&["the stock data is not valid: ", detail]),
            Self::Status(status) => {
                concat(&["the availability URL answered HTTP ", &decimal(*status)])
            }
            Self::Transport(error) => {
                concat(&["the availability URL could not be read (", &error.message(), ")"])
            }
        }
    }
}

/// Shared on both sides: one answer reaches every widget of its SKU without being copied.
pub type StockResult = Result<Rc<StockEntry>, Rc<LoadError>>;

/// Where stock comes from for one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Inline,
    Url(String),
}
