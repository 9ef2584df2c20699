//! The NGO workspace: record a donation (errors shown next to their field,
//! what was typed kept, a double submit recorded once) and the list of the
//! organization's donations.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use entity::donation::{Channel, DonorKind, GiftKind};
use minijinja::{Environment, Value, context};
use service::donations::{self, DonationFilter, DonationInput};
use service::page::PageRequest;
use service::{Db, Money, Role, TenantContext};
use uuid::Uuid;

use super::{Frame, error_page, redirect};
use crate::session::{self, Keys};

/// The signed-in staff member of this city, or a response to send instead.
pub(crate) fn staff_of<'a>(frame: &'a Frame, tenant: &str) -> Result<&'a TenantContext, Box<HttpResponse>> {
    match &frame.user {
        Some(ctx) if ctx.tenant_slug == tenant && ctx.role() == Some(Role::OrgStaff) => Ok(ctx),
        Some(_) => Err(Box::new(
            HttpResponse::Forbidden().body("this page is for the staff of a charity in this city"),
        )),
        None => Err(Box::new(redirect("/login"))),
    }
}

#[derive(serde::Deserialize)]
pub struct After {
    after: Option<Uuid>,
}

pub async fn donations(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
    query: web::Query<After>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let page = match PageRequest::new(Some(50), query.after) {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let result = match donations::list(&db, ctx, DonationFilter::default(), page).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    let next = result
        .has_next
        .then(|| result.items.last().map(|g| g.gift.id.to_string()))
        .flatten();
    let rows: Vec<_> = result
        .items
        .iter()
        .map(|g| {
            context! {
                receipt => g.gift.receipt_number.clone().unwrap_or_default(), voided => g.reversal.is_some(),
                date => g.gift.received_on.to_string(), donor => g.gift.donor_name.clone(),
                kind => if g.gift.gift_kind == GiftKind::Money { "¥" } else { "物资" },
                amount => Money::from_fen(g.gift.amount_fen).to_string(),
            }
        })
        .collect();
    frame.page(
        &env,
        "donations.html",
        StatusCode::OK,
        context! { donations => rows, next => next, ..frame.context(Some(&tenant)) },
    )
}

/// The organization's funds and campaigns, as (value, label) options.
async fn choices(db: &Db, ctx: &TenantContext) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let none = || vec![(String::new(), "—".to_owned())];
    let mut funds = none();
    if let Ok(list) = service::funds::of_my_organization(db, ctx).await {
        funds.extend(list.into_iter().map(|f| (f.id.to_string(), f.name)));
    }
    let mut campaigns = none();
    if let Ok(list) = service::donations::campaigns::list(db, ctx).await {
        campaigns.extend(
            list.into_iter()
                .filter(|c| Some(c.campaign.organization_id) == ctx.organization_id())
                .map(|c| (c.campaign.id.to_string(), c.campaign.name)),
        );
    }
    (funds, campaigns)
}

/// The form as it is to be shown again: what was typed, what is wrong.
struct Shown {
    form: Value,
    errors: Value,
    status: StatusCode,
}

async fn form_page(
    frame: &Frame,
    env: &Environment<'static>,
    db: &Db,
    ctx: &TenantContext,
    tenant: &str,
    shown: Shown,
) -> HttpResponse {
    let Shown { form, errors, status } = shown;
    let (funds, campaigns) = choices(db, ctx).await;
    frame.page(
        env,
        "donation_form.html",
        status,
        context! { form => form, errors => errors, funds => funds, campaigns => campaigns, ..frame.context(Some(tenant)) },
    )
}

pub async fn new_donation(
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
    // A fresh key per form: a double submit of this form records once.
    let form = context! {
        gift_kind => "money", donor_kind => "individual", channel => "bank_transfer",
        idempotency_key => service::token::random_token(), received_on => service::clock::today().to_string(),
    };
    form_page(
        &frame,
        &env,
        &db,
        ctx,
        &tenant,
        Shown {
            form,
            errors: context! {},
            status: StatusCode::OK,
        },
    )
    .await
}

/// The form's fields as the service's input; a field that does not parse
/// is reported against itself.
fn parse(form: &HashMap<String, String>) -> Result<DonationInput, (&'static str, String)> {
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let amount: Money = text("amount")
        .unwrap_or_default()
        .parse()
        .map_err(|e: service::Error| ("amount", e.to_string()))?;
    let uuid = |k: &'static str| -> Result<Option<Uuid>, (&'static str, String)> {
        text(k)
            .map(|v| Uuid::parse_str(&v).map_err(|_| (k, "choose from the list".to_owned())))
            .transpose()
    };
    let gift_kind = match text("gift_kind").as_deref() {
        Some("goods") => GiftKind::Goods,
        _ => GiftKind::Money,
    };
    let channel = match text("channel").as_deref() {
        Some("bank_transfer") => Some(Channel::BankTransfer),
        Some("cash") => Some(Channel::Cash),
        Some("wechat_pay") => Some(Channel::WechatPay),
        Some("alipay") => Some(Channel::Alipay),
        Some("other") => Some(Channel::Other),
        _ => None,
    };
    let donor_kind = match text("donor_kind").as_deref() {
        Some("enterprise") => DonorKind::Enterprise,
        Some("anonymous") => DonorKind::Anonymous,
        _ => DonorKind::Individual,
    };
    let received_on = text("received_on")
        .map(|d| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| ("received_on", "write the date as 2026-11-26".to_owned()))
        })
        .transpose()?;
    Ok(DonationInput {
        gift_kind,
        amount,
        channel: if gift_kind == GiftKind::Money { channel } else { None },
        external_reference: text("external_reference"),
        goods_description: text("goods_description"),
        goods_quantity: text("goods_quantity"),
        goods_unit: text("goods_unit"),
        valuation_basis: text("valuation_basis"),
        donor_kind,
        donor_name: text("donor_name"),
        donor_email: text("donor_email"),
        disclose: text("disclose").as_deref() == Some("on"),
        campaign_id: uuid("campaign_id")?,
        fund_id: uuid("fund_id")?,
        project: text("project"),
        restricted_purpose: None,
        received_on,
        note: text("note"),
    })
}

/// The service's field names (camelCase, as in the API) to the form's.
pub(crate) fn form_field(field: &str) -> String {
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub async fn record_donation(
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
    // Every refusal shows the form again, with what was typed and the error
    // beside its field (or above the form).
    let one = |field: String, message: String| Value::from(minijinja::value::Serde(HashMap::from([(field, message)])));
    let (errors, status) = if !session::csrf_ok(&req, form.get("csrf")) {
        (
            one("_form".into(), "the form expired; submit it again".into()),
            StatusCode::FORBIDDEN,
        )
    } else {
        match parse(&form) {
            Err((field, message)) => (one(field.into(), message), StatusCode::UNPROCESSABLE_ENTITY),
            Ok(input) => {
                let key = form
                    .get("idempotency_key")
                    .map(String::as_str)
                    .filter(|k| !k.is_empty());
                match donations::record(&db, ctx, input, key).await {
                    Ok(recorded) => {
                        return frame.page(
                            &env,
                            "donation_recorded.html",
                            StatusCode::OK,
                            context! {
                                receipt_number => recorded.donation.receipt_number.clone().unwrap_or_default(),
                                amount => Money::from_fen(recorded.donation.amount_fen).to_string(),
                                code => recorded.verification_code,
                                ..frame.context(Some(&tenant))
                            },
                        );
                    }
                    Err(service::Error::Validation { field, message }) => {
                        let name = field.map(form_field).unwrap_or_else(|| "_form".to_owned());
                        (one(name, message), StatusCode::UNPROCESSABLE_ENTITY)
                    }
                    Err(service::Error::Conflict(message)) => (one("_form".into(), message), StatusCode::CONFLICT),
                    Err(e) => return error_page(&e),
                }
            }
        }
    };
    let form = Value::from(minijinja::value::Serde(&*form));
    form_page(&frame, &env, &db, ctx, &tenant, Shown { form, errors, status }).await
}
