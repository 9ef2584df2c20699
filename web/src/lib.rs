//! The browser portal. Pages are rendered on the server from templates and
//! call `service` directly, so they enforce the same roles and tenants as
//! the API: the public pages of each city, the donor's pages, the NGO
//! workspace, the bureau's desk and the region's comparison.

mod chart;
pub mod client;
mod i18n;
mod pages;
pub mod request;
mod session;
pub mod status;
mod trace;

/// Exports are downloaded the same way from the API and the portal.
pub use pages::fee_periods::download;

/// What the footer of every page says of the site: how to reach the
/// bureau and the ICP filing (备案) of its domain, left out when empty.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub contact: String,
    pub icp_record: String,
}

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use serde::Serialize;
use std::sync::LazyLock;

pub fn routes(cfg: &mut web::ServiceConfig) {
    unreadable_addresses(cfg);
    cfg.route("/", web::get().to(home))
        .route("/lang/{code}", web::get().to(pages::set_language))
        .route("/login", web::get().to(pages::auth::form))
        .route("/login", web::post().to(pages::auth::submit))
        .route("/logout", web::post().to(pages::auth::logout))
        .route("/{tenant}/trace", web::get().to(trace::page))
        .route("/{tenant}/organizations", web::get().to(pages::public::register))
        .route(
            "/{tenant}/organizations/{id}",
            web::get().to(pages::public::organization),
        )
        .route("/{tenant}/funds", web::get().to(pages::public::funds))
        .route("/{tenant}/stations", web::get().to(pages::public::stations))
        .route("/{tenant}/funds/{id}", web::get().to(pages::public::fund))
        .route(
            "/{tenant}/workspace/donations",
            web::get().to(pages::workspace::donations),
        )
        .route(
            "/{tenant}/workspace/donations/new",
            web::get().to(pages::workspace::new_donation),
        )
        .route(
            "/{tenant}/workspace/donations/new",
            web::post().to(pages::workspace::record_donation),
        )
        .route(
            "/{tenant}/workspace/donations/{id}/{action}",
            web::post().to(pages::workspace::act),
        )
        .route(
            "/{tenant}/workspace/disbursements",
            web::get().to(pages::disbursements::list),
        )
        .route(
            "/{tenant}/workspace/disbursements",
            web::post().to(pages::disbursements::request),
        )
        .route(
            "/{tenant}/workspace/disbursements/{id}/{action}",
            web::post().to(pages::disbursements::decide),
        )
        .route("/{tenant}/workspace/referrals", web::get().to(pages::referrals::inbox))
        .route("/{tenant}/workspace/stations", web::get().to(pages::stations::list))
        .route("/{tenant}/workspace/stations", web::post().to(pages::stations::create))
        .route(
            "/{tenant}/workspace/stations/{id}/close",
            web::post().to(pages::stations::close),
        )
        .route(
            "/{tenant}/workspace/referrals/{target}/{action}",
            web::post().to(pages::referrals::act),
        )
        .route("/{tenant}/my/donations", web::get().to(pages::donor::my_donations))
        .route("/{tenant}/apply", web::get().to(pages::apply::form))
        .route("/{tenant}/apply", web::post().to(pages::apply::submit))
        .route("/{tenant}/give", web::get().to(pages::give::form))
        .route("/{tenant}/give", web::post().to(pages::give::pledge))
        .route(
            "/{tenant}/my/donations/{id}/receipt",
            web::get().to(pages::donor::receipt),
        )
        .route("/{tenant}/office", web::get().to(pages::office::desk))
        .route(
            "/{tenant}/office/fee-reports/{id}/{action}",
            web::post().to(pages::fee_reports::review),
        )
        .route(
            "/{tenant}/workspace/fee-report",
            web::get().to(pages::fee_reports::show),
        )
        .route(
            "/{tenant}/workspace/fee-report",
            web::post().to(pages::fee_reports::save),
        )
        .route(
            "/{tenant}/office/applications/{id}",
            web::get().to(pages::office::application),
        )
        .route(
            "/{tenant}/office/applications/{id}/{action}",
            web::post().to(pages::office::decide_application),
        )
        .route(
            "/{tenant}/office/emails/{id}/retry",
            web::post().to(pages::office::retry_email),
        )
        .route(
            "/{tenant}/office/organizations",
            web::get().to(pages::organizations::list),
        )
        .route(
            "/{tenant}/office/organizations/{id}",
            web::get().to(pages::organizations::detail),
        )
        .route(
            "/{tenant}/office/organizations/{id}/{action}",
            web::post().to(pages::organizations::supervise),
        )
        .route("/{tenant}/office/audit", web::get().to(pages::audit::search))
        .route("/{tenant}/office/users", web::get().to(pages::users::list))
        .route("/{tenant}/office/users", web::post().to(pages::users::create))
        .route(
            "/{tenant}/office/users/{id}/{action}",
            web::post().to(pages::users::set_active),
        )
        .route("/{tenant}/account", web::get().to(pages::account::show))
        .route(
            "/{tenant}/account/password",
            web::post().to(pages::account::change_password),
        )
        .route("/{tenant}/workspace/funds", web::get().to(pages::funds::list))
        .route("/{tenant}/workspace/funds", web::post().to(pages::funds::create))
        .route("/{tenant}/office/fee-periods", web::post().to(pages::fee_periods::open))
        .route(
            "/{tenant}/office/fee-periods",
            web::get().to(pages::fee_periods::overview),
        )
        .route(
            "/{tenant}/office/fee-periods/{file}",
            web::get().to(pages::fee_periods::export),
        )
        .route("/{tenant}/office/cases", web::get().to(pages::cases::list))
        .route("/{tenant}/office/cases/new", web::get().to(pages::households::new))
        .route(
            "/{tenant}/office/cases/new",
            web::post().to(pages::households::register),
        )
        .route("/{tenant}/office/cases/{id}", web::get().to(pages::cases::detail))
        .route(
            "/{tenant}/office/cases/{id}/referrals",
            web::post().to(pages::cases::refer),
        )
        .route(
            "/{tenant}/office/cases/{id}/referrals/{referral}/send",
            web::post().to(pages::cases::send),
        )
        .route("/{tenant}/office/cases/{id}/close", web::post().to(pages::cases::close))
        .route(
            "/{tenant}/workspace/organization",
            web::get().to(pages::my_organization::show),
        )
        .route(
            "/{tenant}/workspace/organization/{form}",
            web::post().to(pages::my_organization::submit),
        )
        .route("/{tenant}/region", web::get().to(pages::office::region))
        .route("/{tenant}", web::get().to(pages::public::overview));
}

/// A page's own error in the reader's language. Its page is made without
/// sight of the request (`ResponseError`), so in both languages; here the
/// language the reader chose is known. The API's responses are left alone.
pub async fn errors_in_readers_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = i18n::chosen(req.request());
    let res = next.call(req).await?;
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<pages::PageError>())
        .map(|e| pages::error_page_in(&e.0, lang));
    Ok(match page {
        Some(page) => res.into_response(page),
        None => res.map_into_boxed_body(),
    })
}

/// An address the extractors cannot read (a mistyped id, a query that does
/// not parse) is the error page in the reader's language, not the
/// extractor's plain-text message.
fn unreadable_addresses(cfg: &mut web::ServiceConfig) {
    use actix_web::error::InternalError;
    cfg.app_data(web::PathConfig::default().error_handler(|err, req| {
        let page = pages::error_page_in(&service::Error::NotFound("page"), i18n::chosen(req));
        InternalError::from_response(err, page).into()
    }))
    .app_data(web::QueryConfig::default().error_handler(|err, req| {
        let unreadable = service::Error::validation(
            "query",
            "this address has a value the page cannot read: go back and use the page's own links and forms",
            "网址中有无法识别的内容：请返回，使用页面上的链接和表单",
        );
        InternalError::from_response(err, pages::error_page_in(&unreadable, i18n::chosen(req))).into()
    }));
}

/// The templates, compiled once and shared by every worker.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(templates);

fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    macro_rules! add {
        ($($name:literal),* $(,)?) => {
            $(
                env.add_template($name, include_str!(concat!("../templates/", $name)))
                    .unwrap_or_else(|e| tracing::error!(error = %e, template = $name, "template does not compile"));
            )*
        };
    }
    add!(
        "home.html",
        "trace.html",
        "base.html",
        "overview.html",
        "funds.html",
        "stations.html",
        "workspace_stations.html",
        "fund.html",
        "login.html",
        "donation_form.html",
        "donation_recorded.html",
        "donations.html",
        "disbursements.html",
        "referrals.html",
        "my_donations.html",
        "office.html",
        "region.html",
        "fee_report.html",
        "error.html",
        "receipt.html",
        "organizations.html",
        "organization.html",
        "audit.html",
        "fee_periods.html",
        "cases.html",
        "case.html",
        "my_organization.html",
        "register.html",
        "unavailable.html",
        "forms.html",
        "users.html",
        "account.html",
        "workspace_funds.html",
        "region_public.html",
        "give.html",
        "apply.html",
        "public_organization.html",
        "household_form.html",
        "application.html",
    );
    env.add_function("t", i18n::translate);
    env.add_function("label", i18n::label);
    env
}

#[derive(Serialize)]
struct Place {
    slug: String,
    name: String,
    division_code: String,
    is_region: bool,
}

async fn home(page: pages::Page) -> pages::Reply {
    let places: Vec<Place> = service::tenants::list_public(&page.db)
        .await?
        .into_iter()
        .map(|t| Place {
            is_region: t.kind == service::TenantKind::Region,
            slug: t.slug,
            name: t.name,
            division_code: t.division_code,
        })
        .collect();
    Ok(page.render(
        "home.html",
        StatusCode::OK,
        context! { places => Value::from(Serde(places)), ..page.base(None) },
    ))
}

/// The pages' Content-Security-Policy: nothing from elsewhere, no framing,
/// forms posting only here, and no script but the one in `base.html`,
/// allowed by its hash (computed from the template, so an edit to the
/// script cannot leave the policy behind). Styles stay inline.
static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let base = include_str!("../templates/base.html");
    let script = base
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map_or("", |(script, _)| script);
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
});

/// Render a page; a template error is logged and shown as a plain 500.
pub(crate) fn render(name: &str, status: StatusCode, ctx: Value) -> HttpResponse {
    match TEMPLATES.get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("content-security-policy", CONTENT_SECURITY_POLICY.as_str()))
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, page = name, "rendering a page");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}
