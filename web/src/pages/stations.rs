//! The workspace's donation stations: the charity opens a station (errors
//! beside their fields, a double submit recorded once) and closes one that
//! stopped taking gifts.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use minijinja::{Value, context};
use service::Role;
use service::donations::stations::{self, StationInput};
use uuid::Uuid;

use super::form::Rejected;
use super::{Page, Reply, invalid, redirect_done};

async fn stations_page(page: &Page, tenant: &str, form: Value, errors: Value, status: StatusCode) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let rows: Vec<_> = stations::of_my_organization(&page.db, ctx)
        .await?
        .iter()
        .map(|s| {
            context! {
                id => s.id.to_string(), name => s.name.clone(), district => s.district.clone(), address => s.address.clone(),
                hours => s.hours.clone(), opened_on => s.opened_on.to_string(), closed_on => s.closed_on.map(|d| d.to_string()),
            }
        })
        .collect();
    Ok(page.render(
        "workspace_stations.html",
        status,
        context! { stations => rows, form => form, errors => errors, ..page.base(Some(tenant)) },
    ))
}

fn fresh_form() -> Value {
    context! {
        idempotency_key => service::token::random_token(), opened_on => service::clock::today().to_string(),
    }
}

pub async fn list(page: Page, tenant: web::Path<String>) -> Reply {
    stations_page(&page, &tenant, fresh_form(), context! {}, StatusCode::OK).await
}

fn parse(form: &HashMap<String, String>) -> Result<StationInput, Rejected> {
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let opened_on = match text("opened_on") {
        d if d.is_empty() => None,
        d => Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| Rejected::from(invalid::date("openedOn")))?),
    };
    Ok(StationInput {
        name: text("name"),
        district: text("district"),
        address: text("address"),
        hours: Some(text("hours")),
        opened_on,
    })
}

pub async fn create(page: Page, tenant: web::Path<String>, form: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    let opened = page.submit(&form, parse, async |input, key| {
        stations::create(&page.db, ctx, input, key).await
    });
    let (errors, status) = match opened.await? {
        Ok(_) => {
            return Ok(redirect_done(
                &format!("/{tenant}/workspace/stations"),
                "station_opened",
            ));
        }
        Err(shown) => shown,
    };
    let form = Value::from(minijinja::value::Serde(&*form));
    stations_page(&page, &tenant, form, errors, status).await
}

pub async fn close(page: Page, path: web::Path<(String, Uuid)>, form: web::Form<HashMap<String, String>>) -> Reply {
    let (tenant, id) = path.into_inner();
    let ctx = page.acting(&tenant, Role::OrgStaff, &form)?;
    match stations::close(&page.db, ctx, id).await {
        Ok(_) => Ok(redirect_done(
            &format!("/{tenant}/workspace/stations"),
            "station_closed",
        )),
        Err(e @ service::Error::Conflict { .. }) => {
            let errors = page.errors(&e);
            stations_page(&page, &tenant, fresh_form(), errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
