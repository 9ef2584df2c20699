//! The workspace's disbursements: ask for money out of a fund, and approve
//! or reject what a colleague asked for (four eyes: the service refuses a
//! requester's own approval, and the page does not offer it).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::disbursement::{BeneficiaryKind, DisbursementStatus, Purpose};
use minijinja::{Environment, Value, context};
use service::funds::disbursements::{self, DisbursementInput, purpose_label};
use service::page::PageRequest;
use service::{Db, Money, TenantContext};
use uuid::Uuid;

use super::workspace::staff_of;
use super::{Frame, error_page, redirect};
use crate::session::{self, Keys};

const PURPOSES: [Purpose; 8] = [
    Purpose::LivingAid,
    Purpose::Medical,
    Purpose::Education,
    Purpose::ElderlyServices,
    Purpose::Children,
    Purpose::Disaster,
    Purpose::CommunityProjects,
    Purpose::Administration,
];

fn status_key(s: DisbursementStatus) -> &'static str {
    match s {
        DisbursementStatus::Requested => "requested",
        DisbursementStatus::Approved => "approved",
        DisbursementStatus::Rejected => "rejected",
        DisbursementStatus::Paid => "paid",
    }
}

fn purpose_key(p: Purpose) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
async fn page(
    frame: &Frame,
    env: &Environment<'static>,
    db: &Db,
    ctx: &TenantContext,
    tenant: &str,
    form: Value,
    errors: Value,
    done: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let list = match PageRequest::new(Some(100), None::<Uuid>) {
        Ok(p) => disbursements::list(db, ctx, None, None, p).await,
        Err(e) => Err(e),
    };
    let list = match list {
        Ok(l) => l.items,
        Err(e) => return error_page(&e),
    };
    let mine = match service::funds::of_my_organization(db, ctx).await {
        Ok(f) => f,
        Err(e) => return error_page(&e),
    };
    let fund_name = |id: Uuid| {
        mine.iter()
            .find(|f| f.id == id)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    let rows: Vec<_> = list
        .iter()
        .map(|d| {
            context! {
                id => d.id.to_string(), fund => fund_name(d.fund_id), purpose => purpose_label(d.purpose),
                beneficiary => d.beneficiary_name.clone(), amount => Money::from_fen(d.amount_fen).to_string(),
                status => status_key(d.status), mine => Some(d.requested_by) == ctx.user_id(),
            }
        })
        .collect();
    let fund_options: Vec<(String, String)> = mine
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                format!("{}（¥{}）", f.name, Money::from_fen(f.raised_fen - f.disbursed_fen)),
            )
        })
        .collect();
    let purposes: Vec<(String, &str)> = PURPOSES.iter().map(|p| (purpose_key(*p), purpose_label(*p))).collect();
    frame.page(
        env,
        "disbursements.html",
        status,
        context! {
            disbursements => rows, funds => fund_options, purposes => purposes, form => form, errors => errors, done => done,
            ..frame.context(Some(tenant))
        },
    )
}

fn fresh_form() -> Value {
    context! { idempotency_key => service::token::random_token(), beneficiary_kind => "person", purpose => "living_aid" }
}

pub async fn list(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    page(
        &frame,
        &env,
        &db,
        ctx,
        &tenant,
        fresh_form(),
        context! {},
        None,
        StatusCode::OK,
    )
    .await
}

fn parse(form: &HashMap<String, String>) -> Result<DisbursementInput, (&'static str, String)> {
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let fund_id = Uuid::parse_str(&text("fund_id")).map_err(|_| ("fund_id", "choose one of your funds".to_owned()))?;
    let purpose = PURPOSES
        .into_iter()
        .find(|p| purpose_key(*p) == text("purpose"))
        .ok_or(("purpose", "choose a purpose".to_owned()))?;
    let beneficiary_kind = match text("beneficiary_kind").as_str() {
        "household" => BeneficiaryKind::Household,
        "project" => BeneficiaryKind::Project,
        _ => BeneficiaryKind::Person,
    };
    let amount: Money = text("amount")
        .parse()
        .map_err(|e: service::Error| ("amount", e.to_string()))?;
    Ok(DisbursementInput {
        fund_id,
        purpose,
        beneficiary_kind,
        beneficiary_name: text("beneficiary_name"),
        description: text("description"),
        amount,
    })
}

pub async fn request(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let kept = Value::from(minijinja::value::Serde(&*form));
    let fail = |field: String, message: String, status| {
        let errors = Value::from(minijinja::value::Serde(HashMap::from([(field, message)])));
        (errors, status)
    };
    let (errors, status) = if !session::csrf_ok(&req, form.get("csrf")) {
        fail(
            "_form".into(),
            "the form expired; submit it again".into(),
            StatusCode::FORBIDDEN,
        )
    } else {
        match parse(&form) {
            Err((field, message)) => fail(field.into(), message, StatusCode::UNPROCESSABLE_ENTITY),
            Ok(input) => {
                let key = form
                    .get("idempotency_key")
                    .map(String::as_str)
                    .filter(|k| !k.is_empty());
                match disbursements::request(&db, ctx, input, key).await {
                    Ok(_) => return redirect(&format!("/{tenant}/workspace/disbursements")),
                    Err(service::Error::Validation { field, message }) => {
                        let name = field
                            .map(super::workspace::form_field)
                            .unwrap_or_else(|| "_form".to_owned());
                        fail(name, message, StatusCode::UNPROCESSABLE_ENTITY)
                    }
                    Err(service::Error::NotFound(_)) => fail(
                        "fund_id".into(),
                        "choose one of your funds".into(),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    ),
                    Err(e) => return error_page(&e),
                }
            }
        }
    };
    page(&frame, &env, &db, ctx, &tenant, kept, errors, None, status).await
}

pub async fn decide(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let (tenant, id, action) = path.into_inner();
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    if !session::csrf_ok(&req, form.get("csrf")) {
        let errors = context! { _form => "the form expired; submit it again" };
        return page(
            &frame,
            &env,
            &db,
            ctx,
            &tenant,
            fresh_form(),
            errors,
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let result = match action.as_str() {
        "approve" => disbursements::approve(&db, ctx, id, None).await,
        "reject" => disbursements::reject(&db, ctx, id, form.get("reason").map(String::as_str).unwrap_or("")).await,
        _ => return HttpResponse::NotFound().finish(),
    };
    match result {
        Ok(_) => redirect(&format!("/{tenant}/workspace/disbursements")),
        Err(e @ (service::Error::Conflict(_) | service::Error::Forbidden(_) | service::Error::Validation { .. })) => {
            let errors = context! { _form => e.to_string() };
            page(
                &frame,
                &env,
                &db,
                ctx,
                &tenant,
                fresh_form(),
                errors,
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
