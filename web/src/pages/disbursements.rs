//! The workspace's disbursements: ask for money out of a fund, approve or
//! reject what a colleague asked for (four eyes: the service refuses a
//! requester's own approval, and the page does not offer it), and record
//! the payment of an approved one.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use entity::disbursement::{BeneficiaryKind, DisbursementStatus, Purpose};
use minijinja::{Value, context};
use service::funds::disbursements::{self, DisbursementInput};
use service::labels::heading;
use service::page::PageRequest;
use service::{Money, Role};
use uuid::Uuid;

use super::form::{self, Choice, Rejected};
use super::workspace::idempotency_key;
use super::{Page, Reply, invalid, key, redirect_done};

/// Every purpose, in the order forms and charts list them.
pub(crate) const PURPOSES: [Purpose; 8] = [
    Purpose::LivingAid,
    Purpose::Medical,
    Purpose::Education,
    Purpose::ElderlyServices,
    Purpose::Children,
    Purpose::Disaster,
    Purpose::CommunityProjects,
    Purpose::Administration,
];

/// A row's payment form that failed: which row, what is wrong, what was
/// typed.
struct Row {
    id: String,
    errors: Value,
    typed: Value,
}

/// Which disbursements the list shows: of one status (those waiting for a
/// colleague's approval, say), a page at a time, newest first.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<DisbursementStatus>,
    #[serde(default, skip_serializing)]
    after: Option<Uuid>,
}

const PAGE_SIZE: i32 = 50;

/// The list and the request form, with what was typed and what is wrong.
async fn page(page: &Page, tenant: &str, form: Value, errors: Value, row: Option<Row>, status: StatusCode) -> Reply {
    listed(page, tenant, &Filter::default(), form, errors, row, status).await
}

async fn listed(
    page: &Page,
    tenant: &str,
    filter: &Filter,
    form: Value,
    errors: Value,
    row: Option<Row>,
    status: StatusCode,
) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let db = &page.db;
    let found = disbursements::list(
        db,
        ctx,
        None,
        filter.status,
        PageRequest::new(Some(PAGE_SIZE), filter.after)?.counted(),
    )
    .await?;
    let (next, first) = super::page_links(&found, filter, filter.after.is_some(), |d| d.id);
    let total = found.total;
    let list = found.items;
    let mine = service::funds::of_my_organization(db, ctx).await?;
    let fund = |id: Uuid| mine.iter().find(|f| f.id == id);
    let fund_name = |id: Uuid| fund(id).map(|f| f.name.clone()).unwrap_or_default();
    let fund_balance = |id: Uuid| fund(id).map(|f| super::yuan(f.raised_fen - f.disbursed_fen));
    // Who asked: the approver checks a colleague's request, by name.
    let requesters: Vec<Uuid> = list.iter().map(|d| d.requested_by).collect();
    let names = service::users::names(db, ctx, &requesters).await?;
    let rows: Vec<_> = list
        .iter()
        .map(|d| {
            context! {
                id => d.id.to_string(), fund => fund_name(d.fund_id), purpose => heading(d.purpose, page.frame.lang),
                beneficiary => d.beneficiary_name.clone(), amount => super::yuan(d.amount_fen),
                status => key(d.status), mine => Some(d.requested_by) == ctx.user_id(),
                paid => d.payment_reference.clone(), description => d.description.clone(),
                requested_on => service::clock::china_date(d.requested_at).to_string(),
                requested_by => names.get(&d.requested_by).cloned().unwrap_or_default(),
                // What the approver weighs the request against.
                fund_balance => fund_balance(d.fund_id),
            }
        })
        .collect();
    let fund_options: Vec<(String, String)> = mine
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                format!("{}（¥{}）", f.name, super::yuan(f.raised_fen - f.disbursed_fen)),
            )
        })
        .collect();
    let purposes: Vec<(String, String)> = PURPOSES
        .iter()
        .map(|p| (key(*p), heading(*p, page.frame.lang)))
        .collect();
    let statuses: Vec<String> = [
        DisbursementStatus::Requested,
        DisbursementStatus::Approved,
        DisbursementStatus::Paid,
        DisbursementStatus::Rejected,
    ]
    .into_iter()
    .map(key)
    .collect();
    Ok(page.render(
        "disbursements.html",
        status,
        context! {
            disbursements => rows, funds => fund_options, purposes => purposes, form => form, errors => errors,
            next => next, first => first, total => total, status_filter => filter.status.map(key), statuses => statuses,
            today => service::clock::today().to_string(), row => row.as_ref().map(|r| r.id.clone()),
            row_errors => row.as_ref().map_or_else(|| context! {}, |r| r.errors.clone()),
            row_typed => row.map_or_else(|| context! {}, |r| r.typed), ..page.base(Some(tenant))
        },
    ))
}

fn fresh_form() -> Value {
    context! { idempotency_key => service::token::random_token(), beneficiary_kind => "person", purpose => "living_aid" }
}

pub async fn list(page: Page, tenant: web::Path<String>, filter: web::Query<Filter>) -> Reply {
    listed(&page, &tenant, &filter, fresh_form(), context! {}, None, StatusCode::OK).await
}

/// The request form, typed: a beneficiary kind the form does not offer is
/// refused beside its field, not taken for a person.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct RequestForm {
    fund_id: String,
    purpose: String,
    beneficiary_kind: Choice<BeneficiaryKind>,
    beneficiary_name: String,
    description: String,
    amount: String,
}

fn parse(fields: &HashMap<String, String>) -> Result<DisbursementInput, Rejected> {
    let form: RequestForm = form::typed(fields)?;
    let fund_id = Uuid::parse_str(form.fund_id.trim()).map_err(|_| Rejected::from(invalid::choice("fundId")))?;
    let purpose = PURPOSES
        .into_iter()
        .find(|p| key(*p) == form.purpose.trim())
        .ok_or_else(|| Rejected::from(invalid::choice("purpose")))?;
    let beneficiary_kind = form.beneficiary_kind.or("beneficiary_kind", BeneficiaryKind::Person)?;
    let amount = Money::from_typed(&form.amount).map_err(Rejected::from)?;
    Ok(DisbursementInput {
        fund_id,
        purpose,
        beneficiary_kind,
        beneficiary_name: form.beneficiary_name.trim().to_owned(),
        description: form.description.trim().to_owned(),
        amount,
    })
}

pub async fn request(page: Page, tenant: web::Path<String>, form: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    let kept = Value::from(minijinja::value::Serde(&*form));
    let (errors, status) = if !page.csrf_ok(&form) {
        (page.error_at("_form".into(), page.expired()), StatusCode::FORBIDDEN)
    } else {
        let requested = match parse(&form) {
            Ok(input) => disbursements::request(&page.db, ctx, input, idempotency_key(&form)).await,
            Err(rejected) => {
                let errors = page.error_at(rejected.field, page.say(&rejected.error));
                return self::page(&page, &tenant, kept, errors, None, rejected.status).await;
            }
        };
        match requested {
            Ok(_) => {
                return Ok(redirect_done(
                    &format!("/{tenant}/workspace/disbursements"),
                    "disbursement_requested",
                ));
            }
            Err(e @ service::Error::Validation { .. }) => (page.errors(&e), StatusCode::UNPROCESSABLE_ENTITY),
            // A fund id that is not one of the organization's.
            Err(service::Error::NotFound(_)) => (
                page.errors(&invalid::choice("fundId")),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.into()),
        }
    };
    self::page(&page, &tenant, kept, errors, None, status).await
}

/// Approve or reject a colleague's request, or record that an approved one
/// was paid.
pub async fn decide(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, id, action) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    if !page.csrf_ok(&form) {
        let errors = page.error_at("_form".into(), page.expired());
        return self::page(&page, &tenant, fresh_form(), errors, None, StatusCode::FORBIDDEN).await;
    }
    let text = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
    let result = match action.as_str() {
        "approve" => disbursements::approve(&page.db, ctx, id, None).await,
        "reject" => disbursements::reject(&page.db, ctx, id, text("reason")).await,
        "pay" => match Some(text("paid_on"))
            .filter(|d| !d.is_empty())
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
            .transpose()
        {
            Ok(paid_on) => disbursements::record_payment(&page.db, ctx, id, paid_on, text("payment_reference")).await,
            Err(_) => Err(invalid::date("paidOn")),
        },
        _ => return Err(service::Error::NotFound("action").into()),
    };
    match result {
        Ok(_) => Ok(redirect_done(
            &format!("/{tenant}/workspace/disbursements"),
            &format!("disbursement_{action}"),
        )),
        // A payment's errors show in that row's form, beside the field.
        Err(e @ service::Error::Validation { .. }) if action == "pay" => {
            let row = Some(Row {
                id: id.to_string(),
                errors: page.errors(&e),
                typed: Value::from(minijinja::value::Serde(&*form)),
            });
            self::page(
                &page,
                &tenant,
                fresh_form(),
                context! {},
                row,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(
            e @ (service::Error::Conflict { .. } | service::Error::Forbidden(_) | service::Error::Validation { .. }),
        ) => {
            let status = match e {
                service::Error::Forbidden(_) => StatusCode::FORBIDDEN,
                service::Error::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::CONFLICT,
            };
            let errors = page.error_at("_form".into(), page.say(&e));
            self::page(&page, &tenant, fresh_form(), errors, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}
