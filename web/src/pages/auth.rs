//! Sign-in and sign-out. The session is the API's own JWT, so the browser
//! and the API enforce exactly the same roles and tenants.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use minijinja::context;
use secrecy::SecretString;
use service::Role;

use serde::Deserialize;

use super::{Page, PageError, Reply, redirect};
use crate::i18n;
use crate::session::{self, Keys};

/// Where to go once signed in: the page that asked for it.
#[derive(Deserialize, Default)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// The cities and the region, to choose from by name.
async fn places(page: &Page) -> Result<Vec<(String, String)>, PageError> {
    Ok(service::tenants::list_public(&page.db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.name))
        .collect())
}

/// The city as the reader gave it: its slug from the list, or typed as
/// its name (柳州市, 柳州) or in pinyin (Liuzhou).
fn resolve_place(places: &[(String, String)], given: &str) -> String {
    let given = given.trim();
    places
        .iter()
        .find(|(slug, name)| {
            slug.eq_ignore_ascii_case(given) || name == given || name.trim_end_matches(['市', '区']) == given
        })
        .map_or_else(|| given.to_owned(), |(slug, _)| slug.clone())
}

/// A path of this site inside the city signed into, to go back to.
fn back_to(next: &str, tenant: &str) -> Option<String> {
    let inside = next.strip_prefix('/')?.strip_prefix(tenant)?;
    (inside.is_empty() || inside.starts_with('/') || inside.starts_with('?')).then(|| next.to_owned())
}

fn login_page(
    page: &Page,
    places: Vec<(String, String)>,
    form: minijinja::Value,
    error: Option<&str>,
    status: StatusCode,
) -> HttpResponse {
    let mut choices = vec![(String::new(), i18n::text(page.frame.lang, "choose_city"))];
    choices.extend(places);
    page.render(
        "login.html",
        status,
        context! { form => form, places => choices, error => error, ..page.base(None) },
    )
}

pub async fn form(page: Page, query: web::Query<Next>) -> Reply {
    let form = context! { tenant => "", username => "", next => query.next.clone() };
    Ok(login_page(&page, places(&page).await?, form, None, StatusCode::OK))
}

pub async fn submit(page: Page, keys: Keys, form: web::Form<HashMap<String, String>>) -> Reply {
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let places = places(&page).await?;
    let tenant = resolve_place(&places, &field("tenant"));
    let again = |message: &str, status| {
        let kept = context! { tenant => tenant.clone(), username => field("username"), next => field("next") };
        Ok(login_page(&page, places.clone(), kept, Some(message), status))
    };
    let text = |key: &str| i18n::text(page.frame.lang, key);
    if !page.csrf_ok(&form) {
        return again(&text("session_expired"), StatusCode::FORBIDDEN);
    }
    let password = SecretString::from(field("password"));
    let meta = page.meta();
    match service::users::login(&page.db, &keys, &tenant, &field("username"), password, meta).await {
        Ok(signed) => {
            let secure = session::secure(&page.db);
            let to = match back_to(&field("next"), &tenant) {
                Some(next) => next,
                None => landing(&page, &keys, &signed, &tenant).await?,
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

/// Each role's first page: an association's staff their fee-reduction
/// report, a charity's their donations.
async fn landing(
    page: &Page,
    keys: &Keys,
    signed: &service::users::SignedIn,
    tenant: &str,
) -> Result<String, PageError> {
    Ok(match signed.user.role {
        Role::OrgStaff => {
            let claims = keys.verify(&signed.token)?;
            let ctx = service::users::authenticate(&page.db, claims, page.meta()).await?;
            // A founder whose application is not yet approved: its status.
            let Some(organization) = ctx.organization_id() else {
                return Ok(format!("/{tenant}/workspace/organization"));
            };
            let organization = service::organizations::get(&page.db, &ctx, organization).await?;
            if organization.is_industry_association && organization.charity_recognized_on.is_none() {
                format!("/{tenant}/workspace/fee-report")
            } else {
                format!("/{tenant}/workspace/donations")
            }
        }
        Role::CityOfficial => format!("/{tenant}/office"),
        Role::RegionOfficial => format!("/{tenant}/region"),
        Role::Donor => format!("/{tenant}/my/donations"),
        _ => "/".to_owned(),
    })
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
