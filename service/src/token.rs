//! Access tokens: HS256 JWTs signed with a key from configuration, issued
//! by and for one deployment (`iss`, `aud`), and always expiring within the
//! configured lifetime. The claims name the user and the session; the
//! request's context is built from the user's row (see
//! `users::authenticate`), never from the claims alone.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use entity::app_user::Role;
use entity::tenant::TenantKind;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// Tenant id and slug.
    pub tid: Uuid,
    pub tenant: String,
    pub tenant_kind: TenantKind,
    pub role: Role,
    /// The organization, for roles that act for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    /// The user's session version when issued; a bump ends this session.
    pub ver: i32,
    pub iat: i64,
    pub exp: i64,
    /// Always [`ISSUER`].
    pub iss: String,
    /// The deployment's public URL.
    pub aud: String,
}

/// Who issues every token.
pub const ISSUER: &str = "shanlian";

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
    audience: String,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl TokenKeys {
    /// Keys for tokens of the deployment reached at `audience` (its public
    /// URL), valid for `ttl`.
    pub fn new(secret: &[u8], ttl: Duration, audience: &str) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl,
            audience: audience.trim_end_matches('/').to_owned(),
        }
    }

    pub fn issue(&self, user: &entity::app_user::Model, tenant: &entity::tenant::Model) -> Result<IssuedToken> {
        let now = Utc::now();
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user.id,
            tid: tenant.id,
            tenant: tenant.slug.clone(),
            tenant_kind: tenant.kind,
            role: user.role,
            org: user.organization_id,
            ver: user.session_version,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: self.audience.clone(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(Error::internal)?;
        Ok(IssuedToken { token, expires_at })
    }

    /// Check signature, algorithm, issuer, audience and expiry, and that
    /// the token lives no longer than this deployment issues them for (a
    /// token "valid until 2100" is refused even with the right key). Every
    /// failure is UNAUTHENTICATED with a reason the client can act on.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let claims = decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|err| {
                use jsonwebtoken::errors::ErrorKind;
                let reason = match err.kind() {
                    ErrorKind::ExpiredSignature => "the token has expired: sign in again",
                    ErrorKind::InvalidSignature => "the token's signature is not valid",
                    ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                        "the token was not issued for this service: sign in here"
                    }
                    _ => "the bearer token is malformed",
                };
                Error::Unauthenticated(reason.to_owned())
            })?;
        // A minute's grace for clocks of servers that disagree a little.
        let now = Utc::now().timestamp();
        if claims.exp - claims.iat > self.ttl.num_seconds() || claims.iat > now + 60 {
            return Err(Error::Unauthenticated(
                "the token claims a longer life than this service gives: sign in again".into(),
            ));
        }
        Ok(claims)
    }
}

/// A fresh random token for forms (CSRF) and idempotency keys: 128 bits
/// from the operating system, as hex.
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
