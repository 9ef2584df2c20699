//! Sign-in and sign-out. The session is the API's own JWT, so the browser
//! and the API enforce exactly the same roles and tenants.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
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
    let meta = page.meta();
    match service::users::login(&page.db, &keys, &tenant, &field("username"), password, meta).await {
        Ok(signed) => {
            let secure = session::secure(&page.db);
            let to = match signed.user.role {
                Role::OrgStaff => format!("/{tenant}/workspace/donations"),
                Role::CityOfficial => format!("/{tenant}/office"),
                Role::RegionOfficial => format!("/{tenant}/region"),
                Role::Donor => format!("/{tenant}/my/donations"),
                _ => "/".to_owned(),
            };
            let mut response = redirect(&to);
            let _ = response.add_cookie(&session::session_cookie(&signed.token, secure));
            Ok(response)
        }
        Err(service::Error::Unauthenticated(_) | service::Error::Validation { .. }) => {
            again(&text("wrong_sign_in"), StatusCode::UNAUTHORIZED)
        }
        Err(e @ service::Error::TooManyAttempts { .. }) => again(&page.say(&e), StatusCode::TOO_MANY_REQUESTS),
        Err(e) => Err(e.into()),
    }
}

/// Sign out: the session's token stops working everywhere (not only in
/// this browser, whose cookie is cleared too).
pub async fn logout(page: Page, form: web::Form<HashMap<String, String>>) -> Reply {
    page.check_csrf(&form)?;
    if let Some(ctx) = &page.frame.user {
        service::users::sign_out(&page.db, ctx).await?;
    }
    let mut response = redirect("/");
    let _ = response.add_cookie(&session::cleared_session(session::secure(&page.db)));
    Ok(response)
}
