//! The workspace's referral inbox: accept or decline what the bureau sent,
//! record the help delivered, and say when it is done. The household
//! appears masked (family name and a star, ages, relationships, the relief
//! it receives), as the referral email promises; a page at a time, by the
//! organization's answer.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use entity::referral_need::{NeedKind, Service};
use entity::referral_target::TargetStatus;
use minijinja::{Value, context};
use service::labels::Label;
use service::page::PageRequest;
use service::relief::referrals::{self, AssistanceInput};
use service::{Money, Role};
use uuid::Uuid;

use super::form::{self, Choice, Rejected};
use super::workspace::idempotency_key;
use super::{Page, Reply, invalid, key, redirect_done};
use crate::i18n;

pub(crate) const SERVICES: [Service; 6] = [
    Service::DailyCare,
    Service::MealDelivery,
    Service::MedicalEscort,
    Service::Bathing,
    Service::PsychologicalCare,
    Service::EducationSupport,
];

/// A referral's needs (joined) and the help recorded on it, as text in
/// the reader's language.
pub(crate) fn needs_and_help(r: &referrals::ReferralView, lang: &str) -> (String, Vec<String>) {
    let zh = lang.starts_with("zh");
    let needs: Vec<String> = r.needs.iter().map(|n| referrals::need_label(n, lang)).collect();
    let help = r
        .assistance
        .iter()
        .map(|a| match (a.kind, a.service) {
            (NeedKind::Service, Some(s)) if zh => format!(
                "{} {} · {} 人次 · {} 小时",
                a.delivered_on,
                s.label(lang),
                a.person_times,
                super::yuan(a.hours_centi)
            ),
            (NeedKind::Service, Some(s)) => format!(
                "{} {} · {} visits · {} hours",
                a.delivered_on,
                s.label(lang),
                a.person_times,
                super::yuan(a.hours_centi)
            ),
            _ => format!("{} ¥{} {}", a.delivered_on, super::yuan(a.amount_fen), a.description),
        })
        .collect();
    (needs.join(if zh { "；" } else { "; " }), help)
}

/// The help form that failed: which target, what was typed, what is wrong.
struct Failed {
    target: Uuid,
    form: Value,
    errors: Value,
}

/// Which referrals the inbox shows: by the organization's answer (those
/// waiting for one, say), a page at a time, newest first.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<TargetStatus>,
    #[serde(default, skip_serializing)]
    after: Option<Uuid>,
}

const PAGE_SIZE: i32 = 20;

/// The answers an inbox can be filtered by, in the order they happen.
const STATUSES: [TargetStatus; 4] = [
    TargetStatus::Sent,
    TargetStatus::Accepted,
    TargetStatus::Completed,
    TargetStatus::Declined,
];

/// A household as the charity sees it: masked.
fn household(h: &service::relief::CaseView) -> Value {
    let members: Vec<_> = h
        .people
        .iter()
        .map(|p| context! { name => p.name.clone(), relationship => p.relationship.clone(), age => p.age })
        .collect();
    let relief: Vec<_> = h
        .benefits
        .iter()
        .map(|b| context! { category => key(b.category), amount => super::yuan(b.amount_fen) })
        .collect();
    context! { head => h.head_name(), size => h.people.len(), members => members, relief => relief }
}

/// The inbox; a failed help form is shown again under its referral.
async fn page(page: &Page, tenant: &str, error: Option<String>, failed: Option<Failed>, status: StatusCode) -> Reply {
    listed(page, tenant, &Filter::default(), error, failed, status).await
}

async fn listed(
    page: &Page,
    tenant: &str,
    filter: &Filter,
    error: Option<String>,
    failed: Option<Failed>,
    status: StatusCode,
) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let db = &page.db;
    let found = referrals::list(
        db,
        ctx,
        None,
        filter.status,
        PageRequest::new(Some(PAGE_SIZE), filter.after)?.counted(),
    )
    .await?;
    let (next, first) = super::page_links(&found, filter, filter.after.is_some(), |r| r.referral.id);
    let total = found.total;
    let list = found.items;
    // Money help may come out of one of the organization's funds.
    let mut funds = vec![(String::new(), i18n::text(page.frame.lang, "paid_directly"))];
    funds.extend(
        service::funds::of_my_organization(db, ctx)
            .await?
            .into_iter()
            .map(|f| (f.id.to_string(), f.name)),
    );
    let rows: Vec<_> = list
        .iter()
        .map(|r| {
            let (needs, help) = needs_and_help(r, page.frame.lang);
            let targets: Vec<_> = r
                .targets
                .iter()
                .map(|t| {
                    let shown = failed.as_ref().filter(|f| f.target == t.id);
                    context! {
                        id => t.id.to_string(), status => key(t.status),
                        form => shown.map_or_else(|| context! { idempotency_key => service::token::random_token(), kind => "service" }, |f| f.form.clone()),
                        errors => shown.map_or_else(|| context! {}, |f| f.errors.clone()),
                    }
                })
                .collect();
            context! {
                id => r.referral.id.to_string(), district => r.district.clone(), community => r.community.clone(),
                deadline => r.referral.deadline.to_string(), needs => needs, targets => targets, help => help,
                household => r.household.as_ref().map(household),
            }
        })
        .collect();
    let services: Vec<(String, String)> = SERVICES
        .iter()
        .map(|s| (key(*s), service::labels::heading(*s, page.frame.lang)))
        .collect();
    Ok(page.render(
        "referrals.html",
        status,
        context! {
            referrals => rows, services => services, funds => funds, error => error,
            today => service::clock::today().to_string(), next => next, first => first, total => total,
            statuses => STATUSES.iter().map(|s| key(*s)).collect::<Vec<_>>(), status_filter => filter.status.map(key),
            ..page.base(Some(tenant))
        },
    ))
}

pub async fn inbox(page: Page, tenant: web::Path<String>, filter: web::Query<Filter>) -> Reply {
    listed(&page, &tenant, &filter, None, None, StatusCode::OK).await
}

/// The help form as the service's input; a field that does not parse is
/// reported against itself.
fn assistance(form: &HashMap<String, String>) -> Result<AssistanceInput, Rejected> {
    /// The help form's choices, typed: a kind or service the form does not
    /// offer is refused beside its field.
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Choices {
        kind: Choice<NeedKind>,
        service: Choice<Service>,
    }
    let choices: Choices = form::typed(form)?;
    let kind = choices.kind.or("kind", NeedKind::Service)?;
    let service = match choices.service.optional("service")? {
        Some(s) if !SERVICES.contains(&s) => return Err(Rejected::unknown("service", &key(s))),
        other => other,
    };
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let amount = match (kind, text("amount")) {
        (NeedKind::Service, _) | (_, None) => None,
        (_, Some(a)) => Some(Money::from_typed(&a).map_err(Rejected::from)?),
    };
    let person_times = match (kind, text("person_times")) {
        (NeedKind::Service, Some(t)) => Some(
            t.parse::<i32>()
                .map_err(|_| Rejected::from(invalid::whole_number("personTimes", &t)))?,
        ),
        _ => None,
    };
    let fund_id = match (kind, text("fund_id")) {
        (NeedKind::Money, Some(f)) => Some(Uuid::parse_str(&f).map_err(|_| Rejected::from(invalid::choice("fundId")))?),
        _ => None,
    };
    let delivered_on = text("delivered_on")
        .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| Rejected::from(invalid::date("deliveredOn"))))
        .transpose()?;
    Ok(AssistanceInput {
        kind,
        amount,
        fund_id,
        description: text("description"),
        service: service.filter(|_| kind == NeedKind::Service),
        person_times,
        hours: (kind == NeedKind::Service).then(|| text("hours")).flatten(),
        delivered_on,
    })
}

/// Accept or decline a referral, record the help delivered on it, or say
/// the help is done.
pub async fn act(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, target, action) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    if !page.csrf_ok(&form) {
        return self::page(&page, &tenant, Some(page.expired()), None, StatusCode::FORBIDDEN).await;
    }
    let db = &page.db;
    let result = match action.as_str() {
        "accept" => referrals::accept(db, ctx, target).await.map(drop),
        "complete" => referrals::complete(db, ctx, target).await.map(drop),
        "decline" => referrals::decline(db, ctx, target, form.get("reason").map(String::as_str).unwrap_or(""))
            .await
            .map(drop),
        "assist" => {
            let recorded = match assistance(&form) {
                Ok(input) => referrals::record_assistance(db, ctx, target, input, idempotency_key(&form)).await,
                Err(rejected) => {
                    let failed = Failed {
                        target,
                        form: Value::from(minijinja::value::Serde(&*form)),
                        errors: page.error_at(rejected.field, page.say(&rejected.error)),
                    };
                    let error = Some(i18n::text(page.frame.lang, "fix_errors"));
                    return self::page(&page, &tenant, error, Some(failed), rejected.status).await;
                }
            };
            match recorded {
                Ok(_) => Ok(()),
                // The help form comes back under its referral, as typed,
                // with the error beside its field.
                Err(e @ (service::Error::Validation { .. } | service::Error::Conflict { .. })) => {
                    let failed = Failed {
                        target,
                        form: Value::from(minijinja::value::Serde(&*form)),
                        errors: page.errors(&e),
                    };
                    let error = Some(i18n::text(page.frame.lang, "fix_errors"));
                    return self::page(&page, &tenant, error, Some(failed), StatusCode::UNPROCESSABLE_ENTITY).await;
                }
                Err(e) => Err(e),
            }
        }
        _ => return Err(service::Error::NotFound("action").into()),
    };
    match result {
        Ok(()) => Ok(redirect_done(
            &format!("/{tenant}/workspace/referrals"),
            &format!("referral_{action}"),
        )),
        Err(e @ (service::Error::Conflict { .. } | service::Error::Validation { .. })) => {
            self::page(
                &page,
                &tenant,
                Some(page.say(&e)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
