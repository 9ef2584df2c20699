//! The browser portal. Pages are rendered on the server from templates and
//! call `service` directly; for now the home page, which lists the cities
//! and points developers at GraphiQL, and each city's "where did my
//! donation go" page that receipt emails link to.

mod chart;
mod i18n;
mod pages;
mod session;
mod trace;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use serde::Serialize;
use service::Db;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(templates()))
        .route("/", web::get().to(home))
        .route("/lang/{code}", web::get().to(pages::set_language))
        .route("/login", web::get().to(pages::auth::form))
        .route("/login", web::post().to(pages::auth::submit))
        .route("/logout", web::post().to(pages::auth::logout))
        .route("/{tenant}/trace", web::get().to(trace::page))
        .route("/{tenant}/funds", web::get().to(pages::public::funds))
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
        .route(
            "/{tenant}/workspace/referrals/{target}/{action}",
            web::post().to(pages::referrals::act),
        )
        .route("/{tenant}/my/donations", web::get().to(pages::donor::my_donations))
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
        .route("/{tenant}/region", web::get().to(pages::office::region))
        .route("/{tenant}", web::get().to(pages::public::overview));
}

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
    );
    env.add_function("t", i18n::translate);
    env
}

#[derive(Serialize)]
struct Place {
    slug: String,
    name: String,
    division_code: String,
    is_region: bool,
}

async fn home(
    req: actix_web::HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: session::Keys,
) -> HttpResponse {
    let frame = pages::Frame::of(&req, &db, &keys).await;
    let places: Vec<Place> = match service::tenants::list_public(&db).await {
        Ok(tenants) => tenants
            .into_iter()
            .map(|t| Place {
                is_region: t.kind == service::TenantKind::Region,
                slug: t.slug,
                name: t.name,
                division_code: t.division_code,
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, "listing tenants for the home page");
            return HttpResponse::InternalServerError().body("internal error");
        }
    };
    frame.page(
        &env,
        "home.html",
        StatusCode::OK,
        context! { places => Value::from(Serde(places)), ..frame.context(None) },
    )
}

/// Render a page; a template error is logged and shown as a plain 500.
pub(crate) fn render(env: &Environment<'static>, name: &str, status: StatusCode, ctx: Value) -> HttpResponse {
    match env.get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, page = name, "rendering a page");
            HttpResponse::InternalServerError().body("internal error")
        }
    }
}
