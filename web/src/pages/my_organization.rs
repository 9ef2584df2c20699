//! The workspace's organization page: the organization's record and the
//! lists it is on, its annual reports (file last year's), its change
//! applications (file one), and registration applications for a new
//! organization. Each form shows its errors beside the field and keeps
//! what was typed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::Datelike;
use minijinja::{Value, context};
use service::organizations::{self, annual_reports, changes, registration, supervision};
use service::page::PageRequest;
use service::{Role, TenantContext};
use uuid::Uuid;

use super::apply::ParticularsForm;
use super::form;
use super::workspace::idempotency_key;
use super::{Page, Reply, invalid, key, redirect};

/// The form that failed, what was typed in it and what is wrong.
struct Failed {
    form: &'static str,
    values: Value,
    errors: Value,
    status: StatusCode,
}

pub async fn show(page: Page, tenant: web::Path<String>) -> Reply {
    render(&page, &tenant, None).await
}

async fn render(page: &Page, tenant: &str, failed: Option<Failed>) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let db = &page.db;
    let first = |n| PageRequest::new(Some(n), None::<Uuid>);
    // A founder's account acts for no organization until its registration
    // is approved: only the applications and their form.
    let (org, listings, reports, change_rows) = match ctx.organization_id() {
        Some(org_id) => record(db, ctx, org_id).await?,
        None => (Value::from(()), vec![], vec![], vec![]),
    };
    let applications: Vec<_> = registration::list(db, ctx, None, first(50)?)
        .await?
        .items
        .iter()
        .rev()
        .map(|a| {
            context! {
                name => a.name.clone(), status => key(a.status), date => service::clock::china_date(a.submitted_at).to_string(),
                reason => a.decision_reason.clone(),
            }
        })
        .collect();
    let last_year = service::clock::today().year() - 1;
    let (failed_form, values, errors, status) = match failed {
        Some(f) => (Some(f.form), f.values, f.errors, f.status),
        None => (None, context! {}, context! {}, StatusCode::OK),
    };
    // A fresh key per form shown; a failed form keeps its own.
    let fresh = |form: &str| {
        if failed_form == Some(form) {
            values.clone()
        } else {
            context! { idempotency_key => service::token::random_token(), year => last_year, kind => "social_group" }
        }
    };
    Ok(page.render(
        "my_organization.html",
        status,
        context! {
            org => org, listings => listings, reports => reports, changes => change_rows, applications => applications,
            report_form => fresh("annual-report"), change_form => fresh("change"), registration_form => fresh("registration"),
            failed => failed_form, errors => errors, last_year => last_year,
            kinds => super::apply::kind_choices(page.frame.lang), ..page.base(Some(tenant))
        },
    ))
}

/// The organization's record, the lists it is on, its annual reports and
/// its change applications.
async fn record(
    db: &service::Db,
    ctx: &TenantContext,
    org_id: Uuid,
) -> service::Result<(Value, Vec<Value>, Vec<Value>, Vec<Value>)> {
    let first = |n| PageRequest::new(Some(n), None::<Uuid>);
    let o = organizations::get(db, ctx, org_id).await?;
    let listings: Vec<_> = supervision::listings(db, ctx, Some(org_id), true)
        .await?
        .iter()
        .map(|l| context! { list => key(l.list), reason => l.reason.clone(), listed_on => l.listed_on.to_string() })
        .collect();
    let reports = super::organizations::annual_report_rows(db, ctx, org_id).await?;
    let change_rows: Vec<_> = changes::list(db, ctx, None, first(50)?)
        .await?
        .items
        .iter()
        .rev()
        .map(|c| {
            let items = changes::items_of(c).ok();
            context! {
                date => service::clock::china_date(c.submitted_at).to_string(), status => key(c.status),
                items => items.map(|i| i.labels()), comment => c.comment.clone(),
            }
        })
        .collect();
    let org = context! {
        name => o.name, code => o.credit_code, kind => key(o.kind), status => key(o.status),
        scope => o.business_scope, address => o.registered_address,
        representative => o.legal_representative, registered_on => o.registered_on.to_string(),
    };
    Ok((org, listings, reports, change_rows))
}

fn my_organization(ctx: &TenantContext) -> service::Result<Uuid> {
    ctx.organization_id()
        .ok_or_else(|| service::Error::Forbidden("this account is not attached to an organization".to_owned()))
}

/// File an annual report, a change application or a registration
/// application.
pub async fn submit(page: Page, path: web::Path<(String, String)>, form: web::Form<HashMap<String, String>>) -> Reply {
    let (tenant, which) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    let which: &'static str = match which.as_str() {
        "annual-report" => "annual-report",
        "change" => "change",
        "registration" => "registration",
        _ => return Err(service::Error::NotFound("form").into()),
    };
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let optional = |k: &str| Some(text(k)).filter(|v| !v.is_empty());
    let result = if !page.csrf_ok(&form) {
        Err(service::Error::Forbidden(page.expired()))
    } else {
        let db = &page.db;
        match which {
            "annual-report" => match text("year").parse::<i32>() {
                Ok(year) => annual_reports::submit(db, ctx, my_organization(ctx)?, year, &text("summary"))
                    .await
                    .map(drop),
                Err(_) => Err(invalid::whole_number("year", &text("year"))),
            },
            "change" => {
                let org = my_organization(ctx)?;
                let items = changes::ChangeItems {
                    name: optional("name"),
                    registered_address: optional("registered_address"),
                    legal_representative: optional("legal_representative"),
                    business_scope: optional("business_scope"),
                };
                changes::submit(db, ctx, org, items, idempotency_key(&form))
                    .await
                    .map(drop)
            }
            _ => match form::typed::<ParticularsForm>(&form).and_then(ParticularsForm::particulars) {
                Ok(particulars) => registration::submit(db, ctx, particulars, idempotency_key(&form))
                    .await
                    .map(drop),
                Err(rejected) => Err(rejected.error),
            },
        }
    };
    let e = match result {
        Ok(()) => return Ok(redirect(&format!("/{tenant}/workspace/organization"))),
        Err(e) => e,
    };
    // The form comes back with what was typed and the error beside its field.
    let status = match &e {
        service::Error::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        service::Error::Conflict { .. } => StatusCode::CONFLICT,
        service::Error::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => return Err(e.into()),
    };
    let failed = Failed {
        form: which,
        values: Value::from(minijinja::value::Serde(&*form)),
        errors: page.errors(&e),
        status,
    };
    render(&page, &tenant, Some(failed)).await
}
