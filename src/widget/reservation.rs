/// What an answer to `GET {endpoint}/{id}` says about a remembered reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCheck {
    /// `200`: the body says how it stands now (read it).
    Read,
    /// The endpoint itself knows no such request (its data was reset, or the token is not its
    /// own): nothing is held, so the browser forgets it and the form is back.
    Gone,
    /// Offline, an error, or a `404` from something that is not the endpoint (a wrong URL): what
    /// was stored stays, cancel token and all, marked as not checked.
    Unknown,
}

/// Reads the answer to a status check: `status` (`None`: no answer) and the `error` code of its
/// body, when it has one.
pub fn status_check(status: Option<u16>, error_code: Option<&str>) -> StatusCheck {
    match (status, error_code) {
        (Some(200), _) => StatusCheck::Read,
        (Some(404), Some("unknown_request")) => StatusCheck::Gone,
        _ => StatusCheck::Unknown,
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
    fn only_the_endpoint_saying_so_forgets_a_reservation() {
        let table = [
            (Some(200), None, StatusCheck::Read),
            (Some(200), Some("unknown_request"), StatusCheck::Read),
            (Some(404), Some("unknown_request"), StatusCheck::Gone),
            (Some(404), None, StatusCheck::Unknown),
            (Some(404), Some("not_found"), StatusCheck::Unknown),
            (Some(410), Some("unknown_request"), StatusCheck::Unknown),
            (Some(401), Some("bad_token"), StatusCheck::Unknown),
            (Some(500), None, StatusCheck::Unknown),
            (Some(503), None, StatusCheck::Unknown),
            (None, None, StatusCheck::Unknown),
        ];
        for (status, code, check) in table {
            assert_eq!(status_check(status, code), check, "{status:?} {code:?}");
        }
    }
}
