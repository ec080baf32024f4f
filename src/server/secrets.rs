//! Cancel tokens are derived from a key kept outside the database.

use std::io::Write;
use std::path::Path;

use hmac::{Hmac, Mac};
use rand::RngCore;
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

/// The key cancel tokens are derived from: `HMAC-SHA256(key, request id)`. The database stores
/// only each token's SHA-256, so a copy of the database (a backup, a file shared to debug) opens
/// no one's request; the key, in its own owner-only file, lets a replayed submission answer with
/// the same token as the first answer.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

impl TokenKey {
    /// Reads the key from `path`, or creates it there (mode 0600) with 32 random bytes.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let key = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{} is not a 32-byte key", path.display()),
                    )
                })?;
                Ok(Self(key))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rng().fill_bytes(&mut key);
                // Written whole under a name of this process's own, then linked into place: a
                // crash part way leaves no empty key behind to stop every later start, and of
                // replicas starting at once with no key, the first link wins and the others
                // read its key (a link never replaces a file).
                let mut partial = path.as_os_str().to_owned();
                partial.push(format!(
                    ".partial-{}-{}",
                    std::process::id(),
                    random_token(8)
                ));
                let partial = std::path::PathBuf::from(partial);
                write_private(&partial, &key, true)?;
                let linked = std::fs::hard_link(&partial, path);
                std::fs::remove_file(&partial)?;
                match linked {
                    Ok(()) => Ok(Self(key)),
                    Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load_or_create(path)
                    }
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// A key for tests that never touch a file.
    #[cfg(test)]
    pub fn fixed() -> Self {
        Self([7; 32])
    }

    /// The cancel token of request `id`: 32 hex digits (128 bits).
    pub fn cancel_token(&self, id: &str) -> String {
        // A key of any length is valid for HMAC, so this never fails.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(id.as_bytes());
        mac.finalize().into_bytes()[..16]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// Writes `bytes` to a file only its owner can read or write (0600 on Unix). `new_only` refuses
/// to replace an existing file, so two servers starting at once cannot swap keys under each
/// other.
pub fn write_private(path: &Path, bytes: &[u8], new_only: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    match new_only {
        true => options.create_new(true),
        false => options.create(true).truncate(true),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    make_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Takes away group and other access to an existing file or folder (a folder keeps its owner's
/// search bit). Nothing to do off Unix.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
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

    #[test]
    fn cancel_tokens_are_derived_from_the_key_and_the_id() {
        let key = TokenKey::fixed();
        let token = key.cancel_token("bo_1");
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_eq!(
            token,
            key.cancel_token("bo_1"),
            "the same id, the same token"
        );
        assert_ne!(token, key.cancel_token("bo_2"));
        assert_ne!(token, TokenKey([8; 32]).cancel_token("bo_1"), "another key");
    }
}
