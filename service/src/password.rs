//! Password hashing with argon2id (the `argon2` crate's defaults: OWASP's
//! recommended parameters). Hashing is deliberately slow, so it runs on the
//! blocking pool, never on an async worker thread.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::LazyLock;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

pub const MIN_PASSWORD_CHARS: usize = 8;
/// argon2 accepts long inputs, but a megabyte password is a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Check a new password against the policy before hashing it.
pub fn validate_new(password: &SecretString) -> Result<()> {
    let chars = password.expose_secret().chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::validation(
            "password",
            format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
            format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::validation(
            "password",
            format!("the password may have at most {MAX_PASSWORD_CHARS} characters"),
            format!("密码最多 {MAX_PASSWORD_CHARS} 个字符"),
        ));
    }
    Ok(())
}

/// At most one argon2 computation per core at a time: each takes ~19 MiB,
/// and a burst of sign-ins must queue rather than exhaust memory or starve
/// the blocking pool. Process-wide, because the cores are.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

async fn on_hashing_pool<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    let _permit = HASHING.acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(work).await.map_err(Error::internal)?
}

pub async fn hash(password: SecretString) -> Result<String> {
    on_hashing_pool(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await
}

/// True when `password` matches the stored PHC string. A malformed stored
/// hash is an internal error, not a failed sign-in.
pub async fn verify(password: SecretString, phc: String) -> Result<bool> {
    on_hashing_pool(move || {
        let parsed =
            PasswordHash::new(&phc).map_err(|e| Error::internal(anyhow::anyhow!("stored password hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// A hash of nothing in particular, verified against when the user does not
/// exist, so an unknown username takes as long as a wrong password.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2hhbmxpYW5kdW1teQ$2JnOdXxd3ra1xkNGOuAPhTWRx9gQNFkNSBjJdyGj6xg";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let phc = hash(SecretString::from("shanlian-demo")).await.unwrap_or_default();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(
            verify(SecretString::from("shanlian-demo"), phc.clone())
                .await
                .unwrap_or(false)
        );
        assert!(!verify(SecretString::from("shanlian-dem0"), phc).await.unwrap_or(true));
    }

    #[tokio::test]
    async fn dummy_hash_parses() {
        assert!(
            !verify(SecretString::from("anything"), DUMMY_HASH.to_owned())
                .await
                .unwrap_or(true)
        );
    }

    #[test]
    fn policy_bounds_length() {
        assert!(validate_new(&SecretString::from("short")).is_err());
        assert!(validate_new(&SecretString::from("long enough")).is_ok());
        assert!(validate_new(&SecretString::from("x".repeat(129))).is_err());
    }
}
