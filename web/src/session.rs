//! Browser sessions: the same JWT the API issues, kept in an HttpOnly,
//! SameSite=Strict session cookie (no Max-Age: it ends with the browser,
//! and sign-out revokes the token itself). On https the cookies are
//! `Secure` and named `__Host-…`, so no subdomain can set them.
//!
//! Forms carry a CSRF token. Once signed in it is derived from the session
//! token (a hash of it: a cross-site page can neither read the cookie nor
//! compute the hash), so it is bound to that session and changes with it;
//! before sign-in it is a random value in its own cookie that the form
//! echoes.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::web;
use service::token::TokenKeys;
use service::{Db, TenantContext};
use sha2::{Digest, Sha256};

/// Whether the deployment is reached over https (its public URL says).
pub fn secure(db: &Db) -> bool {
    db.public_url().starts_with("https://")
}

fn session_name(secure: bool) -> &'static str {
    if secure {
        "__Host-shanlian_session"
    } else {
        "shanlian_session"
    }
}

fn csrf_name(secure: bool) -> &'static str {
    if secure {
        "__Host-shanlian_csrf"
    } else {
        "shanlian_csrf"
    }
}

fn session_token(req: &HttpRequest, secure: bool) -> Option<String> {
    req.cookie(session_name(secure))
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty())
}

/// The signed-in caller: `None` when the cookie holds no live session (no
/// cookie, a forged or expired token, a session that ended). A session
/// that cannot be checked, because the database is out of reach or the
/// check failed, is an error: that is not the same as being signed out,
/// and the reader is told so rather than asked to sign in.
pub async fn signed_in(req: &HttpRequest, db: &Db, keys: &TokenKeys) -> service::Result<Option<TenantContext>> {
    let Some(token) = session_token(req, secure(db)) else {
        return Ok(None);
    };
    let Ok(claims) = keys.verify(&token) else {
        return Ok(None);
    };
    match service::users::authenticate(db, claims, crate::request::meta(req)).await {
        Ok(ctx) => {
            crate::request::name_on_span(req, &ctx);
            Ok(Some(ctx))
        }
        Err(e @ (service::Error::Unavailable(_) | service::Error::Internal(_))) => Err(e),
        Err(_) => Ok(None),
    }
}

fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish()
}

pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    cookie(session_name(secure), token.to_owned(), secure)
}

pub fn cleared_session(secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(session_name(secure), String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The session's form token.
fn derived(session: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"shanlian-csrf\0")
        .chain_update(session.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

/// The form token: the session's, or before sign-in the cookie's (or a new
/// one the response must set).
pub fn csrf(req: &HttpRequest, secure: bool) -> (String, Option<Cookie<'static>>) {
    if let Some(session) = session_token(req, secure) {
        return (derived(&session), None);
    }
    match req.cookie(csrf_name(secure)) {
        Some(c) if c.value().len() == 32 => (c.value().to_owned(), None),
        _ => {
            let token = service::token::random_token();
            (token.clone(), Some(cookie(csrf_name(secure), token, secure)))
        }
    }
}

/// Whether a posted form carries the token of the caller's session (or,
/// before sign-in, of its form cookie).
pub fn csrf_ok(req: &HttpRequest, secure: bool, posted: Option<&String>) -> bool {
    let Some(posted) = posted.filter(|p| !p.is_empty()) else {
        return false;
    };
    match session_token(req, secure) {
        Some(session) => *posted == derived(&session),
        None => req.cookie(csrf_name(secure)).is_some_and(|c| c.value() == posted),
    }
}

pub type Keys = web::Data<TokenKeys>;
