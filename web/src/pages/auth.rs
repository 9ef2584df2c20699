//! Sign-in and sign-out. The session is the API's own JWT, so the browser
//! and the API enforce exactly the same roles and tenants.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use minijinja::{Environment, context};
use secrecy::SecretString;
use service::{Db, Role};

use super::{Frame, redirect};
use crate::i18n;
use crate::session::{self, Keys};

pub async fn form(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let form = context! { tenant => "", username => "" };
    frame.page(
        &env,
        "login.html",
        StatusCode::OK,
        context! { form => form, ..frame.context(None) },
    )
}

pub async fn submit(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let again = |message: &str, status| {
        let kept = context! { tenant => field("tenant"), username => field("username") };
        frame.page(
            &env,
            "login.html",
            status,
            context! { form => kept, error => message, ..frame.context(None) },
        )
    };
    let text = |key: &str| i18n::text(frame.lang, key);
    if !session::csrf_ok(&req, form.get("csrf")) {
        return again(&text("session_expired"), StatusCode::FORBIDDEN);
    }
    let password = SecretString::from(field("password"));
    match service::users::login(
        &db,
        &keys,
        field("tenant").trim(),
        &field("username"),
        password,
        session::meta(&req),
    )
    .await
    {
        Ok(signed) => {
            let secure = db.public_url().starts_with("https://");
            let max_age = (signed.expires_at - Utc::now()).num_seconds().max(0);
            let tenant = field("tenant").trim().to_owned();
            let to = match signed.user.role {
                Role::OrgStaff => format!("/{tenant}/workspace/donations"),
                Role::CityOfficial => format!("/{tenant}/office"),
                Role::RegionOfficial => format!("/{tenant}/region"),
                Role::Donor => format!("/{tenant}/my/donations"),
                _ => "/".to_owned(),
            };
            let mut response = redirect(&to);
            let _ = response.add_cookie(&session::session_cookie(&signed.token, secure, max_age));
            response
        }
        Err(service::Error::Unauthenticated(_) | service::Error::Validation { .. }) => {
            again(&text("wrong_sign_in"), StatusCode::UNAUTHORIZED)
        }
        Err(e) => super::error_page(&e),
    }
}

pub async fn logout(req: HttpRequest, form: web::Form<HashMap<String, String>>) -> HttpResponse {
    if !session::csrf_ok(&req, form.get("csrf")) {
        return HttpResponse::Forbidden().body("the form expired; go back and try again");
    }
    let mut response = redirect("/");
    let _ = response.add_cookie(&session::cleared_session());
    response
}
