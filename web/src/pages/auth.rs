//! Sign-in and sign-out. The session is the API's own JWT, so the browser
//! and the API enforce exactly the same roles and tenants.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use minijinja::context;
use secrecy::SecretString;
use service::Role;

use super::{Page, Reply, redirect};
use crate::i18n;
use crate::session::{self, Keys};

pub async fn form(page: Page) -> HttpResponse {
    let form = context! { tenant => "", username => "" };
    page.render(
        "login.html",
        StatusCode::OK,
        context! { form => form, ..page.base(None) },
    )
}

pub async fn submit(page: Page, keys: Keys, form: web::Form<HashMap<String, String>>) -> Reply {
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let again = |message: &str, status| {
        let kept = context! { tenant => field("tenant"), username => field("username") };
        Ok(page.render(
            "login.html",
            status,
            context! { form => kept, error => message, ..page.base(None) },
        ))
    };
    let text = |key: &str| i18n::text(page.frame.lang, key);
    if !page.csrf_ok(&form) {
        return again(&text("session_expired"), StatusCode::FORBIDDEN);
    }
    let password = SecretString::from(field("password"));
    let tenant = field("tenant").trim().to_owned();
    let meta = session::meta(page.request());
    match service::users::login(&page.db, &keys, &tenant, &field("username"), password, meta).await {
        Ok(signed) => {
            let secure = page.db.public_url().starts_with("https://");
            let max_age = (signed.expires_at - Utc::now()).num_seconds().max(0);
            let to = match signed.user.role {
                Role::OrgStaff => format!("/{tenant}/workspace/donations"),
                Role::CityOfficial => format!("/{tenant}/office"),
                Role::RegionOfficial => format!("/{tenant}/region"),
                Role::Donor => format!("/{tenant}/my/donations"),
                _ => "/".to_owned(),
            };
            let mut response = redirect(&to);
            let _ = response.add_cookie(&session::session_cookie(&signed.token, secure, max_age));
            Ok(response)
        }
        Err(service::Error::Unauthenticated(_) | service::Error::Validation { .. }) => {
            again(&text("wrong_sign_in"), StatusCode::UNAUTHORIZED)
        }
        Err(e) => Err(e.into()),
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
