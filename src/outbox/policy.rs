use super::queue::Action;

/// What to do with a request after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// The endpoint accepted it (`2xx`): forget the request, remember the reservation.
    Delivered,
    /// It can never succeed as it is (`4xx` other than `408`, `425` and `429`): forget it and
    /// tell the shopper.
    Refused,
    /// Try again later: network error, timeout, `408`, `425`, `429` or `5xx`.
    Retry,
}

/// How an answer to `action` (`None`: no answer at all) is handled. For a cancel, `404` and
/// `410` are delivered too: the endpoint no longer has the request, which is what the shopper
/// asked for. For a keep they are refusals: there is nothing left to keep.
pub fn disposition(action: &Action, status: Option<u16>) -> Disposition {
    match (action, status) {
        (_, Some(200..=299)) => Disposition::Delivered,
        (Action::Cancel { .. }, Some(404 | 410)) => Disposition::Delivered,
        (_, None | Some(408 | 425 | 429 | 500..=599)) => Disposition::Retry,
        (_, Some(_)) => Disposition::Refused,
    }
}

/// Exponential backoff with jitter, capped, honouring `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay_ms: u64,
    pub max_delay_ms: u64,
    /// Messages not delivered after this long are dropped (reservations are not).
    pub expiry_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay_ms: 2_000,
            max_delay_ms: 5 * 60_000,
            expiry_ms: 7 * 24 * 60 * 60_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt number `attempts + 1`, after `attempts` failures.
    ///
    /// `jitter` in `[0, 1)` spreads retries between half and all of the backoff, so a shop's
    /// shoppers coming back online together do not all retry in the same instant. A
    /// `Retry-After` from the endpoint is a floor: we never come back sooner than asked.
    pub fn delay_ms(&self, attempts: u32, retry_after_seconds: Option<u32>, jitter: f64) -> u64 {
        let exponent = attempts.saturating_sub(1).min(20);
        let backoff = self
            .first_delay_ms
            .saturating_mul(1 << exponent)
            .min(self.max_delay_ms);
        let jitter = jitter.clamp(0.0, 1.0);
        let jittered = backoff / 2 + ((backoff / 2) as f64 * jitter) as u64;
        let asked = retry_after_seconds.map_or(0, |seconds| u64::from(seconds) * 1000);
        jittered.max(asked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let submit = Action::Submit;
        let cancel = Action::Cancel {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        let keep = Action::Consent {
            id: "bo_1".to_owned(),
            token: "t".to_owned(),
        };
        for (action, status, expected) in [
            (&cancel, Some(404), Disposition::Delivered),
            (&cancel, Some(410), Disposition::Delivered),
            (&keep, Some(410), Disposition::Refused),
            (&keep, Some(404), Disposition::Refused),
            (&keep, Some(503), Disposition::Retry),
            (&cancel, Some(409), Disposition::Refused),
            (&cancel, Some(503), Disposition::Retry),
            (&submit, Some(404), Disposition::Refused),
        ] {
            assert_eq!(
                disposition(action, status),
                expected,
                "{action:?} {status:?}"
            );
        }
        for (status, expected) in [
            (Some(200), Disposition::Delivered),
            (Some(201), Disposition::Delivered),
            (Some(400), Disposition::Refused),
            (Some(409), Disposition::Refused),
            (Some(422), Disposition::Refused),
            (Some(408), Disposition::Retry),
            (Some(429), Disposition::Retry),
            (Some(500), Disposition::Retry),
            (Some(503), Disposition::Retry),
            (None, Disposition::Retry),
        ] {
            assert_eq!(disposition(&submit, status), expected, "{status:?}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let policy = RetryPolicy::default();
        let check = |attempts, retry_after, jitter, expected| {
            assert_eq!(
                policy.delay_ms(attempts, retry_after, jitter),
                expected,
                "{attempts} {retry_after:?} {jitter}"
            );
        };
        check(1, None, 0.0, 1_000);
        check(1, None, 0.999_999, 1_999);
        check(2, None, 0.0, 2_000);
        check(3, None, 0.5, 6_000);
        check(30, None, 0.0, 150_000);
        check(30, None, 1.0, 300_000);
        // Retry-After is a floor, never shortened by jitter.
        check(1, Some(7), 0.0, 7_000);
        check(8, Some(1), 0.0, 128_000);
    }
}
