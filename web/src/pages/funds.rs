//! A charity's own funds in the workspace: what each has raised, spent and
//! holds, and a new community or special fund.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use entity::charity_fund::FundKind;
use minijinja::{Value, context};
use serde::Deserialize;
use service::Role;
use service::funds::{self, FundInput};

use super::form::{self, Choice, Rejected};
use super::{Page, Reply, key, redirect_done, yuan};

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewFund {
    name: String,
    kind: Choice<FundKind>,
    community: String,
    street: String,
    district: String,
}

async fn funds_page(page: &Page, tenant: &str, form: Value, errors: Value, status: StatusCode) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let rows: Vec<_> = funds::of_my_organization(&page.db, ctx)
        .await?
        .iter()
        .map(|f| {
            context! {
                id => f.id.to_string(), name => f.name.clone(), kind => key(f.kind), community => f.community.clone(),
                street => f.street.clone(), district => f.district.clone(), raised => yuan(f.raised_fen),
                disbursed => yuan(f.disbursed_fen),
                balance => yuan(f.raised_fen - f.disbursed_fen),
            }
        })
        .collect();
    let kinds: Vec<_> = [FundKind::Community, FundKind::Special]
        .into_iter()
        .map(|k| (key(k), service::labels::heading(k, page.frame.lang)))
        .collect();
    Ok(page.render(
        "workspace_funds.html",
        status,
        context! { funds => rows, kinds => kinds, form => form, errors => errors, ..page.base(Some(tenant)) },
    ))
}

pub async fn list(page: Page, tenant: web::Path<String>) -> Reply {
    let form = context! { idempotency_key => service::token::random_token() };
    funds_page(&page, &tenant, form, context! {}, StatusCode::OK).await
}

fn parse(fields: &HashMap<String, String>) -> Result<FundInput, Rejected> {
    let f: NewFund = form::typed(fields)?;
    Ok(FundInput {
        name: f.name,
        kind: f.kind.or("kind", FundKind::Community)?,
        community: f.community,
        street: f.street,
        district: f.district,
    })
}

pub async fn create(page: Page, tenant: web::Path<String>, fields: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    let created = page.submit(&fields, parse, async |input, key| {
        funds::create(&page.db, ctx, input, key).await
    });
    let (errors, status) = match created.await? {
        Ok(_) => return Ok(redirect_done(&format!("/{tenant}/workspace/funds"), "fund_created")),
        Err(shown) => shown,
    };
    let form = Value::from(minijinja::value::Serde(&*fields));
    funds_page(&page, &tenant, form, errors, status).await
}
