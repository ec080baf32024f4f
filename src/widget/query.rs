use crate::text::uri_component;

/// Query strings longer than this are split, since some servers refuse URLs past 8 KB. About
/// 400 ten-character SKUs fit in one request.
pub const MAX_QUERY_LENGTH: usize = 6000;
/// The reference endpoint answers at most this many SKUs per request.
pub const MAX_SKUS_PER_REQUEST: usize = 500;

/// Splits SKUs so that each request's query string stays within [`MAX_QUERY_LENGTH`] and
/// [`MAX_SKUS_PER_REQUEST`]; a single SKU longer than that still gets a request of its own.
pub fn chunk_by_length(skus: &[String]) -> Vec<Vec<String>> {
    let mut chunks: Vec<Vec<String>> = vec![Vec::new()];
    let mut length = 0;
    for sku in skus {
        // `sku=` plus the encoded SKU plus the `&` between parameters, exactly.
        let added = uri_component(sku).len() + 5;
        let full = chunks.last().is_some_and(|chunk| {
            !chunk.is_empty()
                && (length + added > MAX_QUERY_LENGTH || chunk.len() >= MAX_SKUS_PER_REQUEST)
        });
        if full {
            chunks.push(Vec::new());
            length = 0;
        }
        length += added;
        if let Some(chunk) = chunks.last_mut() {
            chunk.push(sku.clone());
        }
    }
    chunks
}

/// `{url}?sku=A&sku=B`, or `{url}&sku=…` when the URL has a query already.
pub fn availability_url(url: &str, skus: &[String]) -> String {
    let mut query = url.to_owned();
    let mut separator = if url.contains('?') { '&' } else { '?' };
    for sku in skus {
        query.push(separator);
        query.push_str("sku=");
        query.push_str(&uri_component(sku));
        separator = '&';
    }
    query
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;

    fn skus(count: usize, length: usize) -> Vec<String> {
        (0..count)
            .map(|index| format!("{index:0>length$}"))
            .collect()
    }

    #[test]
    fn each_query_stays_short_and_keeps_every_sku_once_in_order() {
        // (SKUs, each SKU's length, requests expected)
        let table = [
            (0, 8, 1),
            (1, 8, 1),
            (500, 3, 1),
            (501, 3, 2),
            (1_000, 3, 2),
            // 6000 / (11 + 5) = 375 SKUs of 11 characters per request.
            (375, 11, 1),
            (376, 11, 2),
            (3, 7_000, 3),
        ];
        for (count, length, requests) in table {
            let all = skus(count, length);
            let chunks = chunk_by_length(&all);
            assert_eq!(chunks.len(), requests, "{count} SKUs of {length}");
            assert_eq!(chunks.concat(), all, "every SKU once, in order");
            for chunk in &chunks {
                let query = availability_url("", chunk);
                assert!(
                    chunk.len() == 1 || query.len() <= MAX_QUERY_LENGTH,
                    "{} bytes",
                    query.len()
                );
                assert!(chunk.len() <= MAX_SKUS_PER_REQUEST);
            }
        }
    }

    #[test]
    fn encoded_skus_count_as_sent() {
        // Each `/` is sent as `%2F`: three bytes.
        let slashes = vec!["/".repeat(100); 20];
        let chunks = chunk_by_length(&slashes);
        assert_eq!(chunks.len(), 2, "20 × 305 bytes is more than 6000");
        assert_eq!(chunks[0].len(), 19);
    }

    #[test]
    fn the_url_keeps_its_own_query() {
        let two = ["A B".to_owned(), "é/1".to_owned()];
        assert_eq!(
            availability_url("/api/availability", &two),
            "/api/availability?sku=A%20B&sku=%C3%A9%2F1"
        );
        assert_eq!(
            availability_url("/stock?shop=1", &two[..1]),
            "/stock?shop=1&sku=A%20B"
        );
    }
}
