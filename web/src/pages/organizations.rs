//! The bureau's view of the organizations it supervises: search the
//! register, and one organization's record with its version history,
//! annual reports and supervision lists, where an official lists it as
//! abnormal or removes a listing.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use service::organizations::{self, OrganizationFilter, annual_reports, supervision};
use service::page::PageRequest;
use service::{Db, Role, TenantContext};
use uuid::Uuid;

use super::{Page, Reply, key, redirect};

#[derive(Deserialize, Serialize)]
pub struct Search {
    #[serde(default)]
    q: String,
    #[serde(skip_serializing)]
    after: Option<Uuid>,
}

pub async fn list(page: Page, tenant: web::Path<String>, query: web::Query<Search>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let q = query.q.trim();
    let filter = OrganizationFilter {
        search: (!q.is_empty()).then(|| q.to_owned()),
        ..OrganizationFilter::default()
    };
    let result = organizations::list(
        &page.db,
        ctx,
        filter,
        PageRequest::new(Some(50), query.after)?.counted(),
    )
    .await?;
    let total = result.total;
    let (next, first) = super::page_links(&result, &*query, query.after.is_some(), |o| o.id);
    let rows: Vec<_> = result
        .items
        .iter()
        .map(|o| {
            context! {
                id => o.id.to_string(), name => o.name.clone(), code => o.credit_code.clone(), kind => key(o.kind),
                status => key(o.status), registered_on => o.registered_on.to_string(), charity => o.charity_recognized_on.is_some(),
            }
        })
        .collect();
    Ok(page.render(
        "organizations.html",
        StatusCode::OK,
        context! { organizations => rows, q => q, next => next, first => first, total => total, ..page.base(Some(&tenant)) },
    ))
}

pub async fn detail(page: Page, path: web::Path<(String, Uuid)>) -> Reply {
    let (tenant, id) = path.into_inner();
    show(&page, &tenant, id, None, StatusCode::OK).await
}

async fn show(page: &Page, tenant: &str, id: Uuid, error: Option<String>, status: StatusCode) -> Reply {
    let ctx = page.signed_in(tenant, Role::CityOfficial)?;
    let db = &page.db;
    let o = organizations::get(db, ctx, id).await?;
    let history: Vec<_> = organizations::history(db, ctx, id)
        .await?
        .iter()
        .map(|v| {
            // The snapshot is the whole record as JSON; the page shows the
            // fields a change application can alter.
            let snapshot: serde_json::Value = serde_json::from_str(&v.snapshot).unwrap_or_default();
            let field = |k: &str| snapshot.get(k).and_then(|n| n.as_str()).map(str::to_owned);
            context! {
                version => v.version, cause => v.cause.clone(), date => service::clock::china_date(v.created_at).to_string(),
                name => field("name"), address => field("registered_address"), representative => field("legal_representative"),
            }
        })
        .collect();
    let reports = annual_report_rows(db, ctx, id).await?;
    let listings: Vec<_> = supervision::listings(db, ctx, Some(id), false)
        .await?
        .iter()
        .map(|l| {
            context! {
                id => l.id.to_string(), list => key(l.list), reason => l.reason.clone(), listed_on => l.listed_on.to_string(),
                removed_on => l.removed_on.map(|d| d.to_string()), removal_reason => l.removal_reason.clone(),
            }
        })
        .collect();
    let org = context! {
        id => o.id.to_string(), name => o.name.clone(), code => o.credit_code.clone(), kind => key(o.kind), status => key(o.status),
        industry_association => o.is_industry_association, scope => o.business_scope.clone(),
        address => o.registered_address.clone(), representative => o.legal_representative.clone(),
        email => o.contact_email.clone(), supervising_unit => o.supervising_unit.clone(),
        registered_on => o.registered_on.to_string(), charity_on => o.charity_recognized_on.map(|d| d.to_string()),
        fundraising_on => o.public_fundraising_on.map(|d| d.to_string()), version => o.version,
    };
    Ok(page.render(
        "organization.html",
        status,
        context! {
            org => org, history => history, reports => reports, listings => listings, error => error,
            ..page.base(Some(tenant))
        },
    ))
}

/// List as abnormal (列入异常名录) or remove a listing.
pub async fn supervise(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, id, action) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    if !page.csrf_ok(&form) {
        return show(&page, &tenant, id, Some(page.expired()), StatusCode::FORBIDDEN).await;
    }
    let reason = form.get("reason").map(String::as_str).unwrap_or("");
    let result = match action.as_str() {
        "list-abnormal" => supervision::list_abnormal(&page.db, ctx, id, reason).await.map(drop),
        "remove" => match form.get("listing").and_then(|l| Uuid::parse_str(l).ok()) {
            Some(listing) => supervision::remove(&page.db, ctx, listing, reason).await.map(drop),
            None => Err(service::Error::NotFound("listing")),
        },
        _ => Err(service::Error::NotFound("action")),
    };
    match result {
        Ok(()) => Ok(redirect(&format!("/{tenant}/office/organizations/{id}"))),
        Err(e @ (service::Error::Validation { .. } | service::Error::Conflict { .. })) => {
            show(&page, &tenant, id, Some(page.say(&e)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// An organization's last twenty annual reports as the pages list them:
/// year, outcome, the reviewer's comment, the due date.
pub(super) async fn annual_report_rows(
    db: &Db,
    ctx: &TenantContext,
    organization: Uuid,
) -> service::Result<Vec<Value>> {
    Ok(annual_reports::list(
        db,
        ctx,
        Some(organization),
        None,
        None,
        PageRequest::new(Some(20), None::<Uuid>)?,
    )
    .await?
    .items
    .iter()
    .map(|r| {
        context! {
            year => r.report.year, status => key(r.report.status), comment => r.report.review_comment.clone(),
            due_on => r.due_on.map(|d| d.to_string()),
        }
    })
    .collect())
}
