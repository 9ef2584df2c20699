//! Relief cases for the bureau: the city's households on relief (read in
//! full, and each read is in the audit trail), their referrals to
//! charities with the suggested recipients, sending, and closing a case.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use entity::referral::Urgency;
use entity::referral_need::NeedKind;
use entity::referral_target::TargetStatus;
use entity::relief_case::CaseStatus;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use service::page::PageRequest;
use service::relief::referrals::{self, NeedInput, ReferralInput};
use service::{Money, Role};
use uuid::Uuid;

use super::form::{self, Choice, Rejected, text};
use super::referrals::{SERVICES, needs_and_help};
use super::workspace::idempotency_key;
use super::{Page, Reply, form_field, invalid, key, redirect};

/// How many needs the referral form offers; blank rows are skipped.
const NEED_ROWS: usize = 3;

#[derive(Deserialize, Serialize)]
pub struct Filter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    district: String,
    #[serde(skip_serializing)]
    after: Option<Uuid>,
}

pub async fn list(page: Page, tenant: web::Path<String>, query: web::Query<Filter>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let status = match query.status.as_str() {
        "open" => Some(CaseStatus::Open),
        "closed" => Some(CaseStatus::Closed),
        _ => None,
    };
    let found = service::relief::list_cases(
        &page.db,
        ctx,
        status,
        Some(query.district.as_str()),
        PageRequest::new(Some(50), query.after)?.counted(),
    )
    .await?;
    let total = found.total;
    let (next, first) = super::page_links(&found, &*query, query.after.is_some(), |c| c.case.id);
    let rows: Vec<_> = found
        .items
        .iter()
        .map(|v| {
            context! {
                id => v.case.id.to_string(), head => v.head_name(), district => v.case.district.clone(),
                street => v.case.street.clone(), community => v.case.community.clone(), status => key(v.case.status),
                people => v.people.len(), categories => v.benefits.iter().map(|b| key(b.category)).collect::<Vec<_>>(),
            }
        })
        .collect();
    Ok(page.render(
        "cases.html",
        StatusCode::OK,
        context! {
            cases => rows, next => next, first => first, total => total, query => Value::from(minijinja::value::Serde(&*query)),
            ..page.base(Some(&tenant))
        },
    ))
}

pub async fn detail(page: Page, path: web::Path<(String, Uuid)>) -> Reply {
    let (tenant, id) = path.into_inner();
    show(&page, &tenant, id, Shown::default()).await
}

/// What the page shows besides the case: a failed form, kept as typed.
#[derive(Default)]
struct Shown {
    form: Option<Value>,
    errors: Option<Value>,
    error: Option<String>,
    status: Option<StatusCode>,
}

async fn show(page: &Page, tenant: &str, id: Uuid, shown: Shown) -> Reply {
    let ctx = page.signed_in(tenant, Role::CityOfficial)?;
    let db = &page.db;
    let case = service::relief::get_case(db, ctx, id).await?;
    let people: Vec<_> = case
        .people
        .iter()
        .map(|p| {
            context! {
                name => p.name.clone(), id_number => p.id_number.clone(), relationship => p.relationship.clone(),
                age => p.age, disability => p.disability.clone(), health => p.health.clone(),
            }
        })
        .collect();
    let benefits: Vec<_> = case
        .benefits
        .iter()
        .map(|b| context! { category => key(b.category), amount => super::yuan(b.amount_fen), since => b.since.to_string() })
        .collect();
    let views = referrals::list(db, ctx, Some(id), None, PageRequest::new(Some(50), None::<Uuid>)?)
        .await?
        .items;
    let mut referral_rows = Vec::new();
    for r in &views {
        let (needs, help) = needs_and_help(r, page.frame.lang);
        let names = organization_names(page, r).await?;
        let targets: Vec<_> = r
            .targets
            .iter()
            .map(|t| {
                context! {
                    organization => names.get(&t.organization_id).cloned().unwrap_or_default(), status => key(t.status),
                    reason => t.reason.clone(), escalated => t.escalated_at.is_some(),
                }
            })
            .collect();
        // Suggestions for an open referral nobody has accepted yet.
        let waiting = r.referral.status == entity::referral::ReferralStatus::Open
            && !r
                .targets
                .iter()
                .any(|t| matches!(t.status, TargetStatus::Accepted | TargetStatus::Completed));
        let suggestions: Vec<_> = if waiting {
            referrals::suggestions(db, ctx, r.referral.id)
                .await?
                .into_iter()
                .filter(|s| !r.targets.iter().any(|t| t.organization_id == s.organization.id))
                .map(|s| {
                    let value = match &s.fund {
                        Some(f) => format!("{}:{}", s.organization.id, f.id),
                        None => s.organization.id.to_string(),
                    };
                    context! {
                        value => value, organization => s.organization.name, fund => s.fund.map(|f| f.name),
                        score => s.score, reasons => s.reasons,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        referral_rows.push(context! {
            id => r.referral.id.to_string(), urgency => key(r.referral.urgency), deadline => r.referral.deadline.to_string(),
            status => key(r.referral.status), needs => needs, help => help, targets => targets, suggestions => suggestions,
        });
    }
    let services: Vec<(String, String)> = SERVICES
        .iter()
        .map(|s| (key(*s), service::labels::heading(*s, page.frame.lang)))
        .collect();
    let form = shown.form.unwrap_or_else(|| {
        context! {
            idempotency_key => service::token::random_token(), urgency => "normal",
            deadline => (service::clock::today() + chrono::Duration::days(7)).to_string(),
        }
    });
    // Who has read this household in full (this page's own read included).
    let reads = service::relief::readers(db, ctx, id, 50).await?;
    let readers: Vec<Uuid> = reads.iter().filter_map(|r| r.actor_user_id).collect();
    let names = service::users::names(db, ctx, &readers).await?;
    let reads: Vec<_> = reads
        .iter()
        .map(|r| {
            context! {
                at => service::clock::china_time(r.occurred_at),
                who => r.actor_user_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
                list => r.entity_id == "list",
            }
        })
        .collect();
    let c = &case.case;
    Ok(page.render(
        "case.html",
        shown.status.unwrap_or(StatusCode::OK),
        context! {
            case => context! {
                id => c.id.to_string(), district => c.district.clone(), street => c.street.clone(), community => c.community.clone(),
                address => case.address(), status => key(c.status), outcome => c.outcome.clone(),
            },
            people => people, benefits => benefits, referrals => referral_rows, services => services,
            rows => (0..NEED_ROWS).collect::<Vec<_>>(), form => form, errors => shown.errors.unwrap_or_else(|| context! {}),
            error => shown.error, reads => reads, ..page.base(Some(tenant))
        },
    ))
}

/// The names of a referral's target organizations.
async fn organization_names(page: &Page, r: &referrals::ReferralView) -> service::Result<HashMap<Uuid, String>> {
    let ctx = page
        .frame
        .user
        .as_ref()
        .ok_or(service::Error::Unauthenticated("sign in first".to_owned()))?;
    let mut names = HashMap::new();
    for t in &r.targets {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(t.organization_id) {
            slot.insert(
                service::organizations::get(&page.db, ctx, t.organization_id)
                    .await?
                    .name,
            );
        }
    }
    Ok(names)
}

/// The referral form, typed: its choices read by their serde names.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ReferralForm {
    urgency: Choice<Urgency>,
    deadline: String,
    note: String,
}

/// One need's row of the referral form (`need_{i}_kind`…).
#[derive(Deserialize, Default)]
#[serde(default)]
struct NeedRow {
    kind: Choice<NeedKind>,
    amount: String,
    service: Choice<entity::referral_need::Service>,
    description: String,
}

/// The referral form as the service's input; a field that does not parse,
/// or a choice the form does not offer, is reported against itself
/// (`need_0_amount`, `urgency`, `deadline`, ...).
fn referral_input(case_id: Uuid, fields: &HashMap<String, String>) -> Result<ReferralInput, Rejected> {
    let mut needs = Vec::new();
    for i in 0..NEED_ROWS {
        let field = |name: &str| format!("need_{i}_{name}");
        let row: NeedRow = form::typed_row(fields, &field(""))?;
        let Some(kind) = row.kind.optional(&field("kind"))? else {
            continue;
        };
        let amount = match (kind, text(&row.amount)) {
            (NeedKind::Money, Some(a)) => {
                Some(Money::from_typed(&a).map_err(|e| Rejected::invalid(field("amount"), e))?)
            }
            _ => None,
        };
        // Only the services the form offers.
        let service = match row.service.optional(&field("service"))? {
            Some(s) if !SERVICES.contains(&s) => return Err(Rejected::unknown(field("service"), &key(s))),
            other => other,
        };
        needs.push(NeedInput {
            kind,
            amount,
            service: service.filter(|_| kind == NeedKind::Service),
            description: text(&row.description),
        });
    }
    let form: ReferralForm = form::typed(fields)?;
    let urgency = form.urgency.or("urgency", Urgency::Normal)?;
    let deadline = NaiveDate::parse_from_str(form.deadline.trim(), "%Y-%m-%d")
        .map_err(|_| Rejected::invalid("deadline", invalid::date("deadline")))?;
    Ok(ReferralInput {
        case_id,
        needs,
        urgency,
        deadline,
        note: text(&form.note),
    })
}

/// Refer the case to charities: its needs, urgency and deadline.
pub async fn refer(page: Page, path: web::Path<(String, Uuid)>, form: web::Form<HashMap<String, String>>) -> Reply {
    let (tenant, id) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let failed = |field: String, message: String, status| Shown {
        form: Some(Value::from(minijinja::value::Serde(&*form))),
        errors: Some(page.error_at(field, message)),
        error: None,
        status: Some(status),
    };
    let shown = if !page.csrf_ok(&form) {
        failed("_form".into(), page.expired(), StatusCode::FORBIDDEN)
    } else {
        match referral_input(id, &form) {
            Err(rejected) => failed(rejected.field, page.say(&rejected.error), rejected.status),
            Ok(input) => match referrals::create(&page.db, ctx, input, idempotency_key(&form)).await {
                Ok(_) => return Ok(redirect(&format!("/{tenant}/office/cases/{id}"))),
                Err(e @ service::Error::Validation { field, .. }) => {
                    // The service names a need's field "needs.amount"; the
                    // form has one per row, so it shows above the needs.
                    let name = field.map_or_else(|| "_form".to_owned(), |f| form_field(&f.replace('.', "_")));
                    failed(name, page.say(&e), StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(e @ service::Error::Conflict { .. }) => failed("_form".into(), page.say(&e), StatusCode::CONFLICT),
                Err(e) => return Err(e.into()),
            },
        }
    };
    show(&page, &tenant, id, shown).await
}

/// Send a referral to the organizations ticked among the suggestions.
pub async fn send(page: Page, path: web::Path<(String, Uuid, Uuid)>, form: web::Form<Vec<(String, String)>>) -> Reply {
    let (tenant, case_id, referral_id) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let fields: HashMap<String, String> = form.iter().cloned().collect();
    let error = |message: String, status| Shown {
        error: Some(message),
        status: Some(status),
        ..Shown::default()
    };
    if !page.csrf_ok(&fields) {
        let expired = error(page.expired(), StatusCode::FORBIDDEN);
        return show(&page, &tenant, case_id, expired).await;
    }
    let targets: Vec<(Uuid, Option<Uuid>)> = form
        .iter()
        .filter(|(k, _)| k == "target")
        .filter_map(|(_, v)| {
            let (org, fund) = v.split_once(':').map_or((v.as_str(), None), |(o, f)| (o, Some(f)));
            Some((Uuid::parse_str(org).ok()?, fund.and_then(|f| Uuid::parse_str(f).ok())))
        })
        .collect();
    match referrals::send(&page.db, ctx, referral_id, targets).await {
        Ok(_) => Ok(redirect(&format!("/{tenant}/office/cases/{case_id}"))),
        Err(e @ (service::Error::Validation { .. } | service::Error::Conflict { .. })) => {
            show(
                &page,
                &tenant,
                case_id,
                error(page.say(&e), StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Close the case with its outcome.
pub async fn close(page: Page, path: web::Path<(String, Uuid)>, form: web::Form<HashMap<String, String>>) -> Reply {
    let (tenant, id) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let error = |message: String, status| Shown {
        error: Some(message),
        status: Some(status),
        ..Shown::default()
    };
    if !page.csrf_ok(&form) {
        return show(&page, &tenant, id, error(page.expired(), StatusCode::FORBIDDEN)).await;
    }
    let outcome = form.get("outcome").map(String::as_str).unwrap_or("");
    match service::relief::close_case(&page.db, ctx, id, outcome).await {
        Ok(_) => Ok(redirect(&format!("/{tenant}/office/cases/{id}"))),
        Err(e @ (service::Error::Validation { .. } | service::Error::Conflict { .. })) => {
            show(
                &page,
                &tenant,
                id,
                error(page.say(&e), StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
