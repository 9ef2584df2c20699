//! Page handlers. Each builds the common frame (language, signed-in user,
//! CSRF token) with [`Frame`], calls `service`, and renders a template.

pub mod auth;
pub mod disbursements;
pub mod donor;
pub mod fee_reports;
pub mod office;
pub mod public;
pub mod referrals;
pub mod workspace;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::{Environment, Value, context};
use service::{Db, Role, TenantContext};

use crate::session::{self, Keys};
use crate::{i18n, render};

/// What every page needs besides its own content.
pub struct Frame {
    pub lang: &'static str,
    pub csrf: String,
    new_csrf: Option<Cookie<'static>>,
    pub user: Option<TenantContext>,
    username: String,
}

impl Frame {
    pub async fn of(req: &HttpRequest, db: &Db, keys: &Keys) -> Self {
        let (csrf, new_csrf) = session::csrf(req);
        let user = session::signed_in(req, db, keys).await;
        let username = match &user {
            Some(ctx) => service::users::me(db, ctx)
                .await
                .map(|u| u.display_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        Self {
            lang: i18n::language(req),
            csrf,
            new_csrf,
            user,
            username,
        }
    }

    /// The frame's part of a template context.
    pub fn context(&self, tenant: Option<&str>) -> Value {
        let user = self.user.as_ref().map(|u| {
            context! {
                username => self.username.clone(),
                tenant => u.tenant_slug.clone(),
                org_staff => u.role() == Some(Role::OrgStaff),
                donor => u.role() == Some(Role::Donor),
                official => u.role() == Some(Role::CityOfficial),
                region => u.role() == Some(Role::RegionOfficial),
            }
        });
        context! { lang => self.lang, csrf => self.csrf.clone(), user => user, tenant => tenant }
    }

    pub fn page(&self, env: &Environment<'static>, name: &str, status: StatusCode, ctx: Value) -> HttpResponse {
        let mut response = render(env, name, status, ctx);
        if let Some(cookie) = &self.new_csrf {
            let _ = response.add_cookie(cookie);
        }
        response
    }
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to.to_owned()))
        .finish()
}

/// Switch the page language and go back where the reader was.
pub async fn set_language(req: HttpRequest, code: web::Path<String>) -> HttpResponse {
    let lang = if code.as_str() == "en" { "en" } else { "zh-CN" };
    let back = req
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(url_path)
        .unwrap_or_else(|| "/".to_owned());
    let cookie = Cookie::build(i18n::COOKIE, lang)
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let mut response = redirect(&back);
    let _ = response.add_cookie(&cookie);
    response
}

/// The path of a same-site URL (never redirect to another host).
fn url_path(referer: &str) -> Option<String> {
    let rest = referer.split_once("://").map_or(referer, |(_, r)| r);
    let path = &rest[rest.find('/')?..];
    path.starts_with('/')
        .then(|| path.to_owned())
        .filter(|p| !p.starts_with("//"))
}

/// The error page for a domain error outside a form.
pub fn error_page(e: &service::Error) -> HttpResponse {
    use service::Error as E;
    match e {
        E::NotFound(what) => HttpResponse::NotFound().body(format!("{what} not found")),
        E::Unauthenticated(_) => redirect("/login"),
        E::Forbidden(m) => HttpResponse::Forbidden().body(m.clone()),
        E::Validation { message, .. } => HttpResponse::BadRequest().body(message.clone()),
        E::Conflict(m) => HttpResponse::Conflict().body(m.clone()),
        E::Internal(err) => {
            tracing::error!(error = ?err, "page failed");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}

/// The public context of a city in the path, or the 404 page.
pub async fn city(db: &Db, req: &HttpRequest, slug: &str) -> Result<(service::TenantContext, String), HttpResponse> {
    match service::tenants::find_by_slug(db, slug).await {
        Ok(city) if city.kind == service::TenantKind::City => Ok((
            service::tenants::context_for(&city, service::Actor::Anonymous, session::meta(req)),
            city.name,
        )),
        Ok(_) | Err(service::Error::NotFound(_)) => Err(HttpResponse::NotFound().body("no such city")),
        Err(e) => Err(error_page(&e)),
    }
}
