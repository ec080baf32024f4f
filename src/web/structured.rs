//! An optional JSON-LD `Offer` kept in sync with what the widget shows, so search engines read
//! the same availability and date as the shopper (`data-structured-data="on"`).

use chrono::NaiveDate;
use web_sys::{Document, Element};

use super::js::Builder;
use super::platform;
use crate::domain::availability::Availability;
use crate::domain::date::format_iso_date;
use crate::text::concat;

/// One `<script type="application/ld+json">` in the document head, owned by one widget.
#[derive(Debug)]
pub struct OfferScript {
    script: Element,
}

impl OfferScript {
    pub fn new(document: &Document) -> Option<Self> {
        let script = document.create_element("script").ok()?;
        script.set_attribute("type", "application/ld+json").ok()?;
        script.set_attribute("data-backorder-offer", "").ok()?;
        let head = document.query_selector("head").ok().flatten()?;
        head.append_child(&script).ok()?;
        Some(Self { script })
    }

    /// Rewrites the offer for the state now shown.
    pub fn update(
        &self,
        sku: &str,
        name: Option<&str>,
        availability: &Availability,
        page_is_local: bool,
    ) {
        let starts: Option<NaiveDate> = availability.availability_starts();
        let waiting = matches!(
            availability,
            Availability::Backordered { .. } | Availability::Preorder { .. }
        );
        if waiting && starts.is_none() && page_is_local {
            // Cannot happen with today's rules; the warning guards a future change to them.
            platform::console_warn(&concat(&[
                sku,
                ": a ",
                availability.state_name(),
                " offer has no availabilityStarts date",
            ]));
        }
        let product = name.map(|name| {
            Builder::new()
                .set("@type", "Product")
                .set("name", name)
                .set("sku", sku)
                .build()
        });
        let text = Builder::new()
            .set("@context", "https://schema.org")
            .set("@type", "Offer")
            .set("sku", sku)
            .maybe("itemOffered", product)
            .set(
                "availability",
                concat(&["https://schema.org/", availability.schema_org()]),
            )
            .maybe("availabilityStarts", starts.map(format_iso_date))
            .json();
        self.script.set_text_content(Some(&text));
    }

    pub fn remove(&self) {
        self.script.remove();
    }
}

impl Drop for OfferScript {
    fn drop(&mut self) {
        self.remove();
    }
}
