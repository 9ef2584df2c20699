//! An official registers a household on relief (低保, 特困, 临时救助…): where
//! it lives, the head and up to three more members with their identity
//! numbers, and the benefit it already draws. Each identity number is
//! checked beside its own field before anything is written.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use entity::relief_standard::ReliefCategory;
use minijinja::{Value, context};
use service::labels::heading;
use service::relief::{self, BenefitInput, CaseInput, PersonInput, identity};
use service::{Money, Role};

use super::form::{Rejected, text};
use super::{Page, Reply, invalid, key, redirect_done};

/// Members besides the head the form offers; blank rows are skipped.
const MEMBER_ROWS: usize = 3;

const CATEGORIES: [ReliefCategory; 5] = [
    ReliefCategory::MinimumLiving,
    ReliefCategory::ExtremePoverty,
    ReliefCategory::Temporary,
    ReliefCategory::NearPoverty,
    ReliefCategory::EssentialExpense,
];

async fn form_page(page: &Page, tenant: &str, form: Value, errors: Value, status: StatusCode) -> Reply {
    page.signed_in(tenant, Role::CityOfficial)?;
    let mut categories = vec![(String::new(), crate::i18n::text(page.frame.lang, "option_none"))];
    categories.extend(CATEGORIES.iter().map(|c| (key(*c), heading(*c, page.frame.lang))));
    let rows: Vec<usize> = (1..=MEMBER_ROWS).collect();
    Ok(page.render(
        "household_form.html",
        status,
        context! { categories => categories, rows => rows, form => form, errors => errors, ..page.base(Some(tenant)) },
    ))
}

pub async fn new(page: Page, tenant: web::Path<String>) -> Reply {
    let form = context! { idempotency_key => service::token::random_token() };
    form_page(&page, &tenant, form, context! {}, StatusCode::OK).await
}

/// One member's row: `None` when left blank. The name and identity number
/// are checked here, so an error stands beside the row that has it.
fn member(
    fields: &HashMap<String, String>,
    prefix: &str,
    relationship: Option<String>,
) -> Result<Option<PersonInput>, Rejected> {
    let field = |name: &str| fields.get(&format!("{prefix}{name}")).and_then(|v| text(v));
    let (name, id_number) = (field("name"), field("id_number"));
    let relationship = relationship.or_else(|| field("relationship"));
    if name.is_none() && id_number.is_none() && relationship.is_none() {
        return Ok(None);
    }
    let required = |f: &str, value: Option<String>| {
        value.ok_or_else(|| {
            let error = service::Error::validation("member", "fill this in for every member listed", "请填写");
            Rejected::invalid(format!("{prefix}{f}"), error)
        })
    };
    let id_number = required("id_number", id_number)?;
    identity::parse("idNumber", &id_number, service::clock::today())
        .map_err(|e| Rejected::invalid(format!("{prefix}id_number"), e))?;
    Ok(Some(PersonInput {
        name: required("name", name)?,
        id_number,
        relationship: required("relationship", relationship)?,
        disability: field("disability"),
        health: field("health"),
    }))
}

fn parse(fields: &HashMap<String, String>) -> Result<CaseInput, Rejected> {
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let head = member(fields, "", Some("本人".to_owned()))?.ok_or_else(|| {
        Rejected::invalid(
            "name",
            service::Error::validation("name", "name the head of the household", "请填写户主姓名"),
        )
    })?;
    let mut members = vec![head];
    for row in 1..=MEMBER_ROWS {
        members.extend(member(fields, &format!("member_{row}_"), None)?);
    }
    let benefits = match field("category").as_str() {
        "" => Vec::new(),
        chosen => {
            let category = CATEGORIES
                .into_iter()
                .find(|c| key(*c) == chosen)
                .ok_or_else(|| Rejected::unknown("category", chosen))?;
            let monthly = Money::from_typed(&field("monthly")).map_err(|e| Rejected::invalid("monthly", e))?;
            let since = NaiveDate::parse_from_str(&field("since"), "%Y-%m-%d")
                .map_err(|_| Rejected::invalid("since", invalid::date("since")))?;
            vec![BenefitInput {
                category,
                monthly,
                since,
            }]
        }
    };
    Ok(CaseInput {
        district: field("district"),
        street: field("street"),
        community: field("community"),
        address: field("address"),
        members,
        benefits,
    })
}

/// The service names a member's or benefit's field without its row; the
/// form's own checks cover the rows, so what is left goes where it can.
fn on_the_form(e: service::Error) -> service::Error {
    match e {
        service::Error::Validation {
            field: Some(f),
            message,
            zh,
        } => {
            let field = match f {
                "benefits.monthly" => "monthly",
                "benefits.since" => "since",
                "benefits" => "category",
                f if f.starts_with("members") => "_form",
                f => f,
            };
            service::Error::Validation {
                field: Some(field),
                message,
                zh,
            }
        }
        e => e,
    }
}

pub async fn register(page: Page, tenant: web::Path<String>, fields: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let registered = page.submit(&fields, parse, async |input, key| {
        relief::register_case(&page.db, ctx, input, key)
            .await
            .map_err(on_the_form)
    });
    let (errors, status) = match registered.await? {
        Ok(case) => {
            let to = format!("/{tenant}/office/cases/{}", case.case.id);
            return Ok(redirect_done(&to, "case_registered"));
        }
        Err(shown) => shown,
    };
    let form = Value::from(minijinja::value::Serde(&*fields));
    form_page(&page, &tenant, form, errors, status).await
}
