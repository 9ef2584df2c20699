//! The NGO workspace's donations: record one (errors shown next to their
//! field, what was typed kept, a double submit recorded once), list and
//! filter them, void a gift, and confirm or decline a donor's pledge.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use entity::donation::{Channel, DonationStatus, DonorKind, GiftKind};
use minijinja::{Value, context};
use service::donations::{self, DonationFilter, DonationInput};
use service::page::PageRequest;
use service::{Db, Money, Role, TenantContext};
use uuid::Uuid;

use super::form::{self, Choice, Rejected, text};
use super::{Page, Reply, invalid, key, redirect};

/// The list's filter, from the query string; kept in the "next page" link.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct ListQuery {
    #[serde(skip_serializing)]
    after: Option<Uuid>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    fund_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl ListQuery {
    fn filter(&self) -> Result<DonationFilter, service::Error> {
        let date = |field: &'static str, v: &str| {
            (!v.is_empty())
                .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| invalid::date(field)))
                .transpose()
        };
        Ok(DonationFilter {
            status: match self.status.as_str() {
                "pledged" => Some(DonationStatus::Pledged),
                "confirmed" => Some(DonationStatus::Confirmed),
                "declined" => Some(DonationStatus::Declined),
                _ => None,
            },
            fund_id: Uuid::parse_str(&self.fund_id).ok(),
            received_from: date("from", &self.from)?,
            received_to: date("to", &self.to)?,
            ..DonationFilter::default()
        })
    }
}

pub async fn donations(page: Page, tenant: web::Path<String>, query: web::Query<ListQuery>) -> Reply {
    list_page(&page, &tenant, &query, None, StatusCode::OK).await
}

/// The list, optionally with the error of an action taken on it.
async fn list_page(page: &Page, tenant: &str, query: &ListQuery, error: Option<String>, status: StatusCode) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let (filter, filter_error) = match query.filter() {
        Ok(f) => (f, None),
        Err(e) => (DonationFilter::default(), Some(page.say(&e))),
    };
    let result = donations::list(
        &page.db,
        ctx,
        filter,
        PageRequest::new(Some(50), query.after)?.counted(),
    )
    .await?;
    let total = result.total;
    let c = choices(&page.db, ctx).await;
    let (next, first) = super::page_links(&result, query, query.after.is_some(), |g| g.gift.id);
    let rows: Vec<_> = result
        .items
        .iter()
        .map(|g| {
            context! {
                id => g.gift.id.to_string(), receipt => g.gift.receipt_number.clone().unwrap_or_default(),
                voided => g.reversal.is_some(), status => key(g.gift.status),
                date => g.gift.received_on.to_string(), donor => g.gift.donor_name.clone(),
                kind => if g.gift.gift_kind == GiftKind::Money { "kind_money" } else { "kind_goods" },
                amount => super::yuan(g.gift.amount_fen),
                station => g.gift.station_id.and_then(|s| c.station_names.get(&s).cloned()),
            }
        })
        .collect();
    Ok(page.render(
        "donations.html",
        status,
        context! {
            donations => rows, next => next, first => first, total => total, funds => c.funds, query => Value::from(minijinja::value::Serde(query)),
            error => error.or(filter_error), ..page.base(Some(tenant))
        },
    ))
}

/// Void a gift, or confirm or decline a donor's pledge.
pub async fn act(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, id, action) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    let query = ListQuery::default();
    if !page.csrf_ok(&form) {
        return list_page(&page, &tenant, &query, Some(page.expired()), StatusCode::FORBIDDEN).await;
    }
    let reason = form.get("reason").map(|r| r.trim()).unwrap_or("");
    let result = match action.as_str() {
        "void" => donations::void(&page.db, ctx, id, reason).await.map(drop),
        "decline" => donations::decline_pledge(&page.db, ctx, id, reason).await.map(drop),
        "confirm" => match donations::confirm_pledge(&page.db, ctx, id, None).await {
            Ok(recorded) => return Ok(recorded_page(&page, &tenant, recorded)),
            Err(e) => Err(e),
        },
        _ => return Err(service::Error::NotFound("action").into()),
    };
    match result {
        Ok(()) => Ok(redirect(&format!("/{tenant}/workspace/donations"))),
        Err(e @ (service::Error::Validation { .. } | service::Error::Conflict { .. })) => {
            list_page(
                &page,
                &tenant,
                &query,
                Some(page.say(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page after a gift is receipted: the number and the one-time code.
fn recorded_page(page: &Page, tenant: &str, recorded: donations::Recorded) -> HttpResponse {
    page.render(
        "donation_recorded.html",
        StatusCode::OK,
        context! {
            receipt_number => recorded.donation.receipt_number.clone().unwrap_or_default(),
            amount => super::yuan(recorded.donation.amount_fen),
            code => recorded.verification_code,
            ..page.base(Some(tenant))
        },
    )
}

/// The organization's funds, campaigns and open donation stations, as
/// (value, label) options, and the names of all its stations.
struct Choices {
    funds: Vec<(String, String)>,
    campaigns: Vec<(String, String)>,
    stations: Vec<(String, String)>,
    station_names: HashMap<Uuid, String>,
}

async fn choices(db: &Db, ctx: &TenantContext) -> Choices {
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
    let mut stations = none();
    let mut station_names = HashMap::new();
    if let Ok(list) = service::donations::stations::of_my_organization(db, ctx).await {
        for s in list {
            if s.closed_on.is_none() {
                stations.push((s.id.to_string(), s.name.clone()));
            }
            station_names.insert(s.id, s.name);
        }
    }
    Choices {
        funds,
        campaigns,
        stations,
        station_names,
    }
}

/// The form as it is to be shown again: what was typed, what is wrong.
async fn form_page(page: &Page, tenant: &str, form: Value, errors: Value, status: StatusCode) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let c = choices(&page.db, ctx).await;
    Ok(page.render(
        "donation_form.html",
        status,
        context! {
            form => form, errors => errors, funds => c.funds, campaigns => c.campaigns, stations => c.stations,
            ..page.base(Some(tenant))
        },
    ))
}

pub async fn new_donation(page: Page, tenant: web::Path<String>) -> Reply {
    // A fresh key per form: a double submit of this form records once.
    let form = context! {
        gift_kind => "money", donor_kind => "individual", channel => "bank_transfer",
        idempotency_key => service::token::random_token(), received_on => service::clock::today().to_string(),
    };
    form_page(&page, &tenant, form, context! {}, StatusCode::OK).await
}

/// The donation form, typed: its choices read by their serde names.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DonationForm {
    gift_kind: Choice<GiftKind>,
    amount: String,
    channel: Choice<Channel>,
    external_reference: String,
    goods_description: String,
    goods_quantity: String,
    goods_unit: String,
    valuation_basis: String,
    donor_kind: Choice<DonorKind>,
    donor_name: String,
    donor_email: String,
    disclose: String,
    campaign_id: String,
    station_id: String,
    fund_id: String,
    project: String,
    received_on: String,
    note: String,
}

/// The form's fields as the service's input; a field that does not parse,
/// or a choice the form does not offer, is reported against itself.
fn parse(fields: &HashMap<String, String>) -> Result<DonationInput, Rejected> {
    let form: DonationForm = form::typed(fields)?;
    let amount = Money::from_typed(&form.amount).map_err(Rejected::from)?;
    let uuid = |k: &'static str, v: &str| -> Result<Option<Uuid>, Rejected> {
        text(v)
            .map(|v| Uuid::parse_str(&v).map_err(|_| Rejected::from(invalid::choice(k))))
            .transpose()
    };
    let gift_kind = form.gift_kind.or("gift_kind", GiftKind::Money)?;
    let channel = form.channel.optional("channel")?;
    let donor_kind = form.donor_kind.or("donor_kind", DonorKind::Individual)?;
    let received_on = text(&form.received_on)
        .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| Rejected::from(invalid::date("receivedOn"))))
        .transpose()?;
    Ok(DonationInput {
        gift_kind,
        amount,
        channel: if gift_kind == GiftKind::Money { channel } else { None },
        external_reference: text(&form.external_reference),
        goods_description: text(&form.goods_description),
        goods_quantity: text(&form.goods_quantity),
        goods_unit: text(&form.goods_unit),
        valuation_basis: text(&form.valuation_basis),
        donor_kind,
        donor_name: text(&form.donor_name),
        donor_email: text(&form.donor_email),
        disclose: form.disclose.trim() == "on",
        campaign_id: uuid("campaign_id", &form.campaign_id)?,
        station_id: uuid("station_id", &form.station_id)?,
        fund_id: uuid("fund_id", &form.fund_id)?,
        project: text(&form.project),
        restricted_purpose: None,
        received_on,
        note: text(&form.note),
    })
}

pub async fn record_donation(page: Page, tenant: web::Path<String>, form: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    // Every refusal shows the form again, with what was typed and the error
    // beside its field (or above the form).
    let (errors, status) = if !page.csrf_ok(&form) {
        (page.error_at("_form".into(), page.expired()), StatusCode::FORBIDDEN)
    } else {
        let recorded = match parse(&form) {
            Ok(input) => donations::record(&page.db, ctx, input, idempotency_key(&form)).await,
            // A value the form does not offer, or one that does not parse:
            // beside its field.
            Err(rejected) => {
                let errors = page.error_at(rejected.field, page.say(&rejected.error));
                let form = Value::from(minijinja::value::Serde(&*form));
                return form_page(&page, &tenant, form, errors, rejected.status).await;
            }
        };
        match recorded {
            Ok(recorded) => return Ok(recorded_page(&page, &tenant, recorded)),
            Err(e @ service::Error::Validation { .. }) => (page.errors(&e), StatusCode::UNPROCESSABLE_ENTITY),
            Err(e @ service::Error::Conflict { .. }) => (page.errors(&e), StatusCode::CONFLICT),
            Err(e) => return Err(e.into()),
        }
    };
    let form = Value::from(minijinja::value::Serde(&*form));
    form_page(&page, &tenant, form, errors, status).await
}

/// The form's idempotency key, if it carries one.
pub(crate) fn idempotency_key(form: &HashMap<String, String>) -> Option<&str> {
    form.get("idempotency_key")
        .map(String::as_str)
        .filter(|k| !k.is_empty())
}
