use crate::wire::BackorderRequest;

/// The request read from the form, with the idempotency key and `created_at` it is sent with.
/// Sending the same content again as `previous` (after an answer that can be retried, or a
/// second click) carries `previous`'s key and time, so the endpoint stores it once; anything
/// changed is a new request, with a `fresh_key` and `now`.
pub fn with_key(
    mut request: BackorderRequest,
    previous: Option<&BackorderRequest>,
    fresh_key: impl FnOnce() -> String,
    now: impl FnOnce() -> String,
) -> BackorderRequest {
    let same = previous.filter(|previous| {
        BackorderRequest {
            idempotency_key: None,
            created_at: None,
            ..(*previous).clone()
        } == BackorderRequest {
            idempotency_key: None,
            created_at: None,
            ..request.clone()
        }
    });
    request.idempotency_key = Some(
        same.and_then(|previous| previous.idempotency_key.clone())
            .unwrap_or_else(fresh_key),
    );
    request.created_at = Some(
        same.and_then(|previous| previous.created_at.clone())
            .unwrap_or_else(now),
    );
    request
}

#[cfg(test)]
#[allow(
    clippy::disallowed_macros,
    clippy::disallowed_methods,
    reason = "native tests may format"
)]
mod tests {
    use super::*;
    use crate::domain::request::RequestKind;
    use crate::wire::Consent;

    fn request(quantity: i64, email: &str) -> BackorderRequest {
        BackorderRequest {
            kind: Some(RequestKind::Backorder),
            sku: Some("SCARF".to_owned()),
            quantity: Some(quantity),
            email: Some(email.to_owned()),
            consent: Some(Consent {
                text: "Email me".to_owned(),
                given: true,
            }),
            ..BackorderRequest::default()
        }
    }

    #[test]
    fn the_same_request_keeps_its_key_and_a_changed_one_gets_a_new_one() {
        let sent = with_key(
            request(2, "ana@example.com"),
            None,
            || "k1".into(),
            || "t1".into(),
        );
        assert_eq!(sent.idempotency_key.as_deref(), Some("k1"));
        assert_eq!(sent.created_at.as_deref(), Some("t1"));
        // (the next request, its key, its time)
        let table = [
            (request(2, "ana@example.com"), "k1", "t1"),
            (request(3, "ana@example.com"), "k2", "t2"),
            (request(2, "bo@example.com"), "k2", "t2"),
            (
                BackorderRequest {
                    name: Some("Ana".to_owned()),
                    ..request(2, "ana@example.com")
                },
                "k2",
                "t2",
            ),
            (
                BackorderRequest {
                    consent: Some(Consent {
                        text: "Email me".to_owned(),
                        given: false,
                    }),
                    ..request(2, "ana@example.com")
                },
                "k2",
                "t2",
            ),
        ];
        for (next, key, time) in table {
            let again = with_key(next.clone(), Some(&sent), || "k2".into(), || "t2".into());
            assert_eq!(again.idempotency_key.as_deref(), Some(key), "{next:?}");
            assert_eq!(again.created_at.as_deref(), Some(time), "{next:?}");
        }
    }

    #[test]
    fn a_previous_request_without_a_key_gives_a_fresh_one() {
        let previous = request(2, "ana@example.com");
        let again = with_key(
            previous.clone(),
            Some(&previous),
            || "k".into(),
            || "t".into(),
        );
        assert_eq!(again.idempotency_key.as_deref(), Some("k"));
        assert_eq!(again.created_at.as_deref(), Some("t"));
    }
}
