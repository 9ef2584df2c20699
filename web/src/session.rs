//! Browser sessions: the same JWT the API issues, kept in an HttpOnly,
//! SameSite=Strict cookie, and a CSRF token (a random value in its own
//! cookie that every form echoes: a forged cross-site post cannot read it).

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, web};
use service::token::TokenKeys;
use service::{Db, RequestMeta, TenantContext};

pub const SESSION: &str = "shanlian_session";
pub const CSRF: &str = "shanlian_csrf";

pub fn meta(req: &HttpRequest) -> RequestMeta {
    RequestMeta {
        request_id: None,
        client_addr: req.peer_addr().map(|a| a.ip().to_string()),
    }
}

/// The signed-in caller, if the cookie holds a live session.
pub async fn signed_in(req: &HttpRequest, db: &Db, keys: &TokenKeys) -> Option<TenantContext> {
    let token = req.cookie(SESSION)?.value().to_owned();
    let claims = keys.verify(&token).ok()?;
    service::users::authenticate(db, claims, meta(req)).await.ok()
}

pub fn session_cookie(token: &str, secure: bool, max_age_seconds: i64) -> Cookie<'static> {
    Cookie::build(SESSION, token.to_owned())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(Duration::seconds(max_age_seconds))
        .finish()
}

pub fn cleared_session() -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    cookie.make_removal();
    cookie
}

/// The form token: the cookie's, or a new one the response must set.
pub fn csrf(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    match req.cookie(CSRF) {
        Some(c) if c.value().len() == 32 => (c.value().to_owned(), None),
        _ => {
            let token = service::token::random_token();
            let cookie = Cookie::build(CSRF, token.clone())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .finish();
            (token, Some(cookie))
        }
    }
}

/// Whether a posted form carries the caller's CSRF token.
pub fn csrf_ok(req: &HttpRequest, posted: Option<&String>) -> bool {
    match (req.cookie(CSRF), posted) {
        (Some(cookie), Some(posted)) => !posted.is_empty() && cookie.value() == posted,
        _ => false,
    }
}

pub type Keys = web::Data<TokenKeys>;
