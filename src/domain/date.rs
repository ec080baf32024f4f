//! A hand-written strict parser keeps chrono's generic format machinery out of the WebAssembly
//! build and refuses the lenient forms (`2026-1-5`, trailing text) that hide typing mistakes.

use chrono::{Datelike, NaiveDate};

use crate::text::{concat, padded};

/// Parses a strict `YYYY-MM-DD` date, or `None` when it is not one (or does not exist).
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |acc, &byte| {
            byte.is_ascii_digit()
                .then(|| acc * 10 + u32::from(byte - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// Formats a date as `YYYY-MM-DD` for the wire.
pub fn format_iso_date(date: NaiveDate) -> String {
    let year = u32::try_from(date.year()).unwrap_or(0);
    concat(&[
        &padded(year, 4),
        "-",
        &padded(date.month(), 2),
        "-",
        &padded(date.day(), 2),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<(i32, u32, u32)>) {
        let parsed = parse_iso_date(text);
        let expected = expected.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        assert_eq!(parsed, expected, "parsing {text:?}");
        if let Some(date) = parsed {
            assert_eq!(format_iso_date(date), text, "round trip of {text:?}");
        }
    }

    #[test]
    fn parses_only_strict_iso_dates() {
        check("2026-12-14", Some((2026, 12, 14)));
        check("2028-02-29", Some((2028, 2, 29)));
        check("2026-02-29", None);
        check("2026-13-01", None);
        check("2026-1-05", None);
        check("2026-01-05T00:00", None);
        check("26-01-05", None);
        check("", None);
        check("2026/01/05", None);
        check("２０２６-01-05", None);
    }
}
