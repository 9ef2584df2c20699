//! The workspace's referral inbox: accept or decline what the bureau sent,
//! then record the help delivered. The household appears only by district
//! and community here; its masked details are in the case view.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::referral_need::{NeedKind, Service};
use entity::referral_target::TargetStatus;
use minijinja::{Environment, context};
use service::page::PageRequest;
use service::relief::referrals::{self, AssistanceInput, service_label};
use service::{Db, Money, TenantContext};
use uuid::Uuid;

use super::workspace::staff_of;
use super::{Frame, error_page, redirect};
use crate::session::{self, Keys};

const SERVICES: [Service; 6] = [
    Service::DailyCare,
    Service::MealDelivery,
    Service::MedicalEscort,
    Service::Bathing,
    Service::PsychologicalCare,
    Service::EducationSupport,
];

fn service_key(s: Service) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

async fn page(
    frame: &Frame,
    env: &Environment<'static>,
    db: &Db,
    ctx: &TenantContext,
    tenant: &str,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let list = match PageRequest::new(Some(50), None::<Uuid>) {
        Ok(p) => referrals::list(db, ctx, None, p).await,
        Err(e) => Err(e),
    };
    let list = match list {
        Ok(l) => l.items,
        Err(e) => return error_page(&e),
    };
    let rows: Vec<_> = list
        .iter()
        .map(|r| {
            let needs: Vec<String> = r
                .needs
                .iter()
                .map(|n| match (n.kind, n.service, n.amount_fen) {
                    (NeedKind::Money, _, Some(fen)) => format!("¥{}", Money::from_fen(fen)),
                    (NeedKind::Service, Some(s), _) => service_label(s).to_owned(),
                    _ => n.description.clone(),
                })
                .collect();
            let help: Vec<String> = r
                .assistance
                .iter()
                .map(|a| match (a.kind, a.service) {
                    (NeedKind::Service, Some(s)) => format!(
                        "{} {} · {} 人次 · {} 小时",
                        a.delivered_on,
                        service_label(s),
                        a.person_times,
                        Money::from_fen(a.hours_centi)
                    ),
                    _ => format!("{} ¥{} {}", a.delivered_on, Money::from_fen(a.amount_fen), a.description),
                })
                .collect();
            let targets: Vec<_> = r
                .targets
                .iter()
                .map(|t| {
                    let status = match t.status {
                        TargetStatus::Sent => "sent",
                        TargetStatus::Accepted => "accepted",
                        TargetStatus::Declined => "declined",
                    };
                    context! { id => t.id.to_string(), status => status, key => service::token::random_token() }
                })
                .collect();
            context! {
                id => r.referral.id.to_string(), district => r.district.clone(), community => r.community.clone(),
                deadline => r.referral.deadline.to_string(), needs => needs.join("；"), targets => targets, help => help,
            }
        })
        .collect();
    let services: Vec<(String, &str)> = SERVICES.iter().map(|s| (service_key(*s), service_label(*s))).collect();
    frame.page(
        env,
        "referrals.html",
        status,
        context! {
            referrals => rows, services => services, error => error,
            ..frame.context(Some(tenant))
        },
    )
}

pub async fn inbox(
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
    page(&frame, &env, &db, ctx, &tenant, None, StatusCode::OK).await
}

fn assistance(form: &HashMap<String, String>) -> Result<AssistanceInput, String> {
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let kind = match text("kind").as_deref() {
        Some("money") => NeedKind::Money,
        Some("goods") => NeedKind::Goods,
        _ => NeedKind::Service,
    };
    let amount = match (kind, text("amount")) {
        (NeedKind::Service, _) | (_, None) => None,
        (_, Some(a)) => Some(a.parse::<Money>().map_err(|e| e.to_string())?),
    };
    let person_times = match (kind, text("person_times")) {
        (NeedKind::Service, Some(t)) => Some(
            t.parse::<i32>()
                .map_err(|_| format!("\"{t}\" is not a number of person-times"))?,
        ),
        _ => None,
    };
    Ok(AssistanceInput {
        kind,
        amount,
        fund_id: None,
        description: text("description"),
        service: (kind == NeedKind::Service)
            .then(|| SERVICES.into_iter().find(|s| Some(service_key(*s)) == text("service")))
            .flatten(),
        person_times,
        hours: (kind == NeedKind::Service).then(|| text("hours")).flatten(),
        delivered_on: None,
    })
}

pub async fn act(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let (tenant, target, action) = path.into_inner();
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    if !session::csrf_ok(&req, form.get("csrf")) {
        let error = Some("the form expired; submit it again".to_owned());
        return page(&frame, &env, &db, ctx, &tenant, error, StatusCode::FORBIDDEN).await;
    }
    let result = match action.as_str() {
        "accept" => referrals::accept(&db, ctx, target).await.map(drop),
        "decline" => referrals::decline(&db, ctx, target, form.get("reason").map(String::as_str).unwrap_or(""))
            .await
            .map(drop),
        "assist" => match assistance(&form) {
            Ok(input) => {
                let key = form
                    .get("idempotency_key")
                    .map(String::as_str)
                    .filter(|k| !k.is_empty());
                referrals::record_assistance(&db, ctx, target, input, key)
                    .await
                    .map(drop)
            }
            Err(message) => Err(service::Error::Validation { field: None, message }),
        },
        _ => return HttpResponse::NotFound().finish(),
    };
    match result {
        Ok(()) => redirect(&format!("/{tenant}/workspace/referrals")),
        Err(e @ (service::Error::Conflict(_) | service::Error::Validation { .. })) => {
            page(
                &frame,
                &env,
                &db,
                ctx,
                &tenant,
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
