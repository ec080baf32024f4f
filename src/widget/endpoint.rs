use crate::text::concat;

/// Whether a page served from `host` is on this machine (development).
pub fn is_local_host(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1")
}

/// The endpoint requests go to, `href` once resolved against the page (the browser resolves;
/// `protocol` is its scheme with the colon, `"https:"`). Shoppers' emails travel over https:
/// `http:` is accepted only when the page itself is on this machine. `written` is the endpoint
/// as the merchant wrote it, for the error.
pub fn check_endpoint(
    written: &str,
    protocol: &str,
    href: String,
    page_is_local: bool,
) -> Result<String, String> {
    match protocol {
        "https:" => Ok(href),
        "http:" if page_is_local => Ok(href),
        "http:" => Err(concat(&[
            "endpoint \"",
            written,
            "\" uses http: on a page that is not localhost; shoppers' emails must travel over https:",
        ])),
        other => Err(concat(&[
            "endpoint \"",
            written,
            "\" uses ",
            other,
            ", not https:",
        ])),
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;

    #[test]
    fn only_https_leaves_this_machine() {
        let href = || "resolved".to_owned();
        // (protocol, page on this machine, accepted)
        let table = [
            ("https:", false, true),
            ("https:", true, true),
            ("http:", true, true),
            ("http:", false, false),
            ("ftp:", true, false),
            ("javascript:", false, false),
            ("data:", true, false),
        ];
        for (protocol, local, accepted) in table {
            let checked = check_endpoint("/api", protocol, href(), local);
            assert_eq!(checked.is_ok(), accepted, "{protocol} local={local}");
            if let Ok(url) = checked {
                assert_eq!(url, "resolved", "the resolved URL is what requests use");
            }
        }
        assert!(
            check_endpoint("http://shop", "http:", href(), false)
                .expect_err("refused")
                .contains("must travel over https:")
        );
        assert_eq!(
            check_endpoint("ftp://x", "ftp:", href(), true).expect_err("refused"),
            "endpoint \"ftp://x\" uses ftp:, not https:"
        );
    }

    #[test]
    fn this_machine_is_localhost_and_the_loopback_addresses() {
        for (host, local) in [
            ("localhost", true),
            ("127.0.0.1", true),
            ("[::1]", true),
            ("::1", true),
            ("shop.example", false),
            ("localhost.shop.example", false),
            ("127.0.0.2", false),
            ("", false),
        ] {
            assert_eq!(is_local_host(host), local, "{host:?}");
        }
    }
}
