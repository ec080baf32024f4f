//! The WebAssembly build never formats through `format!`, `write!` or `to_string`: the formatting
//! machinery behind them is about 2 KB gzipped of a widget that must stay small. Messages are
//! joined with [`concat`] and [`join`] (the standard `[…].concat()` and `.join()` are about
//! 1 KB of code for each element type) and numbers written by [`decimal`]; the server is free to
//! use `format!`.
//!
//! [`concat`]: crate::text::concat
//! [`join`]: crate::text::join
//! [`decimal`]: crate::text::decimal

/// The parts one after another: `concat(&["HTTP ", "404"])` → `"HTTP 404"`.
pub fn concat(parts: &[&str]) -> String {
    join(parts, "")
}

/// The parts with `separator` between them: `join(&["a", "b"], ", ")` → `"a, b"`.
pub fn join<Part: AsRef<str>>(parts: &[Part], separator: &str) -> String {
    let mut text = String::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            text.push_str(separator);
        }
        text.push_str(part.as_ref());
    }
    text
}

/// `n` in decimal: `1234` → `"1234"`.
#[inline]
pub fn decimal(n: impl Into<u64>) -> String {
    digits(n.into())
}

/// One copy of the digit loop for every integer type (a generic body would be copied per type).
fn digits(mut rest: u64) -> String {
    let mut reversed = Vec::with_capacity(20);
    loop {
        reversed.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    reversed
        .iter()
        .rev()
        .map(|&byte| char::from(byte))
        .collect()
}

/// `n` in decimal with its sign: `-5` → `"-5"`.
pub fn signed(n: i64) -> String {
    let digits = decimal(n.unsigned_abs());
    if n < 0 {
        concat(&["-", &digits])
    } else {
        digits
    }
}

/// `n` in decimal with leading zeros up to `width` digits: `padded(7, 2)` → `"07"`.
pub fn padded(n: u32, width: usize) -> String {
    let mut text = decimal(n);
    while text.len() < width {
        text.insert(0, '0');
    }
    text
}

/// `text` as one component of a URL, exactly as JavaScript's `encodeURIComponent` writes it:
/// letters, digits and `-_.!~*'()` as they are, every other byte of the UTF-8 as `%XX`.
pub fn uri_component(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    encoded
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "compared with the standard library's own"
)]
mod tests {
    use super::*;

    #[test]
    fn joins_as_the_standard_library_does() {
        for parts in [
            &[][..],
            &["a"],
            &["a", "", "b"],
            &["HTTP ", "404", ": gone"],
        ] {
            assert_eq!(concat(parts), parts.concat());
            assert_eq!(join(parts, ", "), parts.join(", "));
        }
    }

    #[test]
    fn writes_numbers_as_format_does() {
        for n in [0, 7, 10, 99, 1234, u64::MAX] {
            assert_eq!(decimal(n), format!("{n}"));
        }
        for n in [0, 7, -1, -40, i64::MAX, i64::MIN] {
            assert_eq!(signed(n), format!("{n}"));
        }
        for (n, width) in [(7, 2), (12, 2), (123, 2), (2026, 4), (5, 4), (0, 2)] {
            assert_eq!(padded(n, width), format!("{n:0width$}"));
        }
    }

    #[test]
    fn encodes_url_components_as_javascript_does() {
        // Outputs of `encodeURIComponent` in a browser.
        for (text, encoded) in [
            ("", ""),
            ("SCARF-GREY_2.0", "SCARF-GREY_2.0"),
            ("a b&c=d", "a%20b%26c%3Dd"),
            ("!~*'()", "!~*'()"),
            ("#/?:@$,;+", "%23%2F%3F%3A%40%24%2C%3B%2B"),
            ("%", "%25"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("😀", "%F0%9F%98%80"),
            ("\n\t\"<>", "%0A%09%22%3C%3E"),
        ] {
            assert_eq!(uri_component(text), encoded, "{text:?}");
        }
    }
}
