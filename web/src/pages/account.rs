//! One's own account: the password changed by proving the current one.
//! Every session opened with the old password ends, this one too, so the
//! reader signs in again with the new one.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use minijinja::{Value, context};
use secrecy::SecretString;

use super::{Page, Reply, redirect_done};
use crate::session;

fn account_page(page: &Page, tenant: &str, errors: Value, status: StatusCode) -> Reply {
    let ctx = page.signed_in_here(tenant)?;
    let role = ctx.role().map(|r| service::labels::Label::label(r, page.frame.lang));
    Ok(page.render(
        "account.html",
        status,
        context! { role => role, form => context! {}, errors => errors, ..page.base(Some(tenant)) },
    ))
}

pub async fn show(page: Page, tenant: web::Path<String>) -> Reply {
    account_page(&page, &tenant, context! {}, StatusCode::OK)
}

pub async fn change_password(
    page: Page,
    tenant: web::Path<String>,
    fields: web::Form<HashMap<String, String>>,
) -> Reply {
    let ctx = page.signed_in_here(&tenant)?;
    let (errors, status) = if !page.csrf_ok(&fields) {
        page.expired_form()
    } else {
        let field = |k: &str| SecretString::from(fields.get(k).cloned().unwrap_or_default());
        let changed = service::users::change_password(&page.db, ctx, field("current_password"), field("new_password"))
            .await
            // The service names the new password `password`; the form
            // calls it `new_password`.
            .map_err(|e| match e {
                service::Error::Validation {
                    field: Some("password"),
                    message,
                    zh,
                } => service::Error::Validation {
                    field: Some("newPassword"),
                    message,
                    zh,
                },
                e => e,
            });
        match page.settle(changed)? {
            Ok(_) => {
                // The session this browser holds has just ended with the
                // others: clear it and ask for the new password.
                let mut response = redirect_done("/login", "password_changed");
                let _ = response.add_cookie(&session::cleared_session(session::secure(&page.db)));
                return Ok(response);
            }
            Err(shown) => shown,
        }
    };
    account_page(&page, &tenant, errors, status)
}
