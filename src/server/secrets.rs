//! Random identifiers and tokens, fingerprints, and comparisons that do not leak timing.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

/// A random string of letters and digits from the thread's cryptographically secure generator.
/// 32 characters carry about 190 bits: unguessable for cancel and admin tokens.
pub fn random_token(length: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), length)
}

/// A request id: a prefix that says what it is, and enough randomness that ids do not reveal
/// how many requests the shop receives.
pub fn request_id() -> String {
    format!("bo_{}", random_token(20))
}

/// The SHA-256 of `text`, in lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Compares two secrets in time that depends on neither. Hashing first makes both sides the same
/// length, so not even the length of the expected secret leaks.
pub fn secrets_match(given: &str, expected: &str) -> bool {
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    let difference = given
        .iter()
        .zip(expected.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    // `black_box` keeps the optimiser from turning the fold into an early-exit comparison.
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_alphanumeric_and_distinct() {
        let first = random_token(32);
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|byte| byte.is_ascii_alphanumeric()));
        assert_ne!(first, random_token(32));
        assert!(request_id().starts_with("bo_"));
    }

    #[test]
    fn fingerprints_and_comparisons() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(secrets_match("token", "token"));
        assert!(!secrets_match("token", "token2"));
        assert!(!secrets_match("", "token"));
    }
}
