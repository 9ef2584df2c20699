//! A donor gives to a fund from its public page: a pledge the charity
//! confirms when the money arrives, and then the acknowledgement is sent.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use entity::donation::Channel;
use minijinja::{Value, context};
use serde::Deserialize;
use service::donations::{self as pledges, PledgeInput};
use service::labels::heading;
use service::{Money, Role};
use uuid::Uuid;

use super::form::{self, Choice, Rejected};
use super::{Page, Reply, invalid, key, redirect_done};

/// The ways a donor pays a pledge.
const CHANNELS: [Channel; 3] = [Channel::WechatPay, Channel::Alipay, Channel::BankTransfer];

#[derive(Deserialize)]
pub struct To {
    fund: Uuid,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GiftForm {
    fund: String,
    amount: String,
    channel: Choice<Channel>,
    disclose: String,
    note: String,
}

async fn give_page(page: &Page, tenant: &str, fund_id: Uuid, form: Value, errors: Value, status: StatusCode) -> Reply {
    let ctx = page.signed_in(tenant, Role::Donor)?;
    let (fund, charity) = service::funds::get(&page.db, ctx, fund_id).await?;
    let channels: Vec<_> = CHANNELS
        .iter()
        .map(|c| (key(*c), heading(*c, page.frame.lang)))
        .collect();
    Ok(page.render(
        "give.html",
        status,
        context! {
            fund => context! { id => fund.id.to_string(), name => fund.name, charity => charity },
            channels => channels, form => form, errors => errors, ..page.base(Some(tenant))
        },
    ))
}

pub async fn form(page: Page, tenant: web::Path<String>, to: web::Query<To>) -> Reply {
    let form = context! { idempotency_key => service::token::random_token(), channel => key(Channel::WechatPay) };
    give_page(&page, &tenant, to.fund, form, context! {}, StatusCode::OK).await
}

fn parse(fields: &HashMap<String, String>, organization_id: Uuid, fund_id: Uuid) -> Result<PledgeInput, Rejected> {
    let f: GiftForm = form::typed(fields)?;
    Ok(PledgeInput {
        organization_id,
        amount: Money::from_typed(&f.amount).map_err(Rejected::from)?,
        channel: f
            .channel
            .optional("channel")?
            .ok_or_else(|| Rejected::from(invalid::choice("channel")))?,
        disclose: !f.disclose.is_empty(),
        campaign_id: None,
        fund_id: Some(fund_id),
        restricted_purpose: None,
        note: form::text(&f.note),
    })
}

pub async fn pledge(page: Page, tenant: web::Path<String>, fields: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::Donor)?;
    let fund_id = fields
        .get("fund")
        .and_then(|f| Uuid::parse_str(f.trim()).ok())
        .ok_or(service::Error::NotFound("fund"))?;
    let (fund, _) = service::funds::get(&page.db, ctx, fund_id).await?;
    let pledged = page.submit(
        &fields,
        |f| parse(f, fund.organization_id, fund.id),
        async |input, key| pledges::pledge(&page.db, ctx, input, key).await,
    );
    let (errors, status) = match pledged.await? {
        Ok(_) => return Ok(redirect_done(&format!("/{tenant}/my/donations"), "pledge_made")),
        Err(shown) => shown,
    };
    let form = Value::from(minijinja::value::Serde(&*fields));
    give_page(&page, &tenant, fund_id, form, errors, status).await
}
