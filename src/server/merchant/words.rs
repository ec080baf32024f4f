//! For example: "Received 5 units of batch PO-1: 2 requests are ready, 1 partly filled, 0 to the
//! shelf."

use super::view::Dates;
use crate::domain::attention::LineChange;
use crate::server::store::desk::BatchChange;
use crate::server::store::records::Receipt;

/// "1 request is" / "2 requests are".
fn requests(count: usize) -> String {
    match count {
        1 => "1 request is".to_owned(),
        _ => format!("{count} requests are"),
    }
}

/// ": a, b" when there are ids to name.
fn named(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        ids => format!(" ({})", ids.join(", ")),
    }
}

pub fn imported(count: usize) -> String {
    match count {
        1 => "Imported 1 stock record; every line was reviewed against it.".to_owned(),
        _ => format!("Imported {count} stock records; every line was reviewed against them."),
    }
}

pub fn received(receipt: &Receipt) -> String {
    let of = match &receipt.batch {
        Some(batch) => format!(" of batch {batch}"),
        None => " from elsewhere".to_owned(),
    };
    let others = match receipt.to_other_channels {
        0 => String::new(),
        units => format!(", {units} to orders from other channels"),
    };
    format!(
        "Received {}{of} for {}: {} ready{}, {} partly filled{}{others}, {} to the shelf.",
        units(receipt.received),
        receipt.sku,
        requests(receipt.ready.len()),
        named(&receipt.ready),
        receipt.partly_filled.len(),
        named(&receipt.partly_filled),
        receipt.to_shelf
    )
}

fn units(count: u32) -> String {
    match count {
        1 => "1 unit".to_owned(),
        _ => format!("{count} units"),
    }
}

pub fn batch_changed(dates: &Dates, batch: &str, change: BatchChange, line: &LineChange) -> String {
    let mut text = match change {
        BatchChange::Move(date) => {
            format!(
                "Batch {batch} is now expected on {}.",
                dates.day(date).words
            )
        }
        BatchChange::Cancel => format!("Batch {batch} is cancelled: it is no longer coming."),
    };
    if line.is_empty() {
        text.push_str(" No request in line changed.");
        return text;
    }
    let parts = [
        (
            &line.delayed,
            "Now delayed, each with a notice due (see the line)",
        ),
        (&line.cancelled, "Cancelled, as the delay rule requires"),
        (&line.later, "Ship later than before"),
        (&line.sooner, "Ship sooner"),
        (&line.ready, "Ready to ship"),
        (&line.partly_filled, "Partly filled"),
    ];
    for (ids, what) in parts {
        if !ids.is_empty() {
            text.push_str(&format!(" {what}: {}.", ids.join(", ")));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::mail::wording::Lang;

    #[test]
    fn a_receipt_says_what_it_did_in_one_sentence() {
        let receipt = Receipt {
            sku: "TEE".to_owned(),
            batch: Some("PO-1".to_owned()),
            received: 5,
            to_other_channels: 0,
            ready: vec!["r1".to_owned(), "r2".to_owned()],
            partly_filled: vec!["r3".to_owned()],
            to_shelf: 0,
        };
        assert_eq!(
            received(&receipt),
            "Received 5 units of batch PO-1 for TEE: 2 requests are ready (r1, r2), 1 partly \
             filled (r3), 0 to the shelf."
        );
    }

    #[test]
    fn a_moved_batch_names_the_requests_it_delayed() {
        let dates = Dates { lang: Lang::En };
        let date = crate::domain::date::parse_iso_date("2027-01-20").unwrap_or_default();
        let line = LineChange {
            delayed: vec!["r1".to_owned()],
            later: vec!["r2".to_owned(), "r3".to_owned()],
            ..LineChange::default()
        };
        assert_eq!(
            batch_changed(&dates, "PO-1", BatchChange::Move(date), &line),
            "Batch PO-1 is now expected on January 20, 2027. Now delayed, each with a notice due \
             (see the line): r1. Ship later than before: r2, r3."
        );
        assert_eq!(
            batch_changed(&dates, "PO-1", BatchChange::Cancel, &LineChange::default()),
            "Batch PO-1 is cancelled: it is no longer coming. No request in line changed."
        );
    }
}
