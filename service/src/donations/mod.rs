//! Charity donations (慈善捐赠): recording gifts of money and goods,
//! online pledges a charity confirms, receipts, campaign matching, voids
//! by reversing entry, and the lists, traces and totals built on them.
//!
//! The ledger is append-only: a gift row is never edited after it is
//! confirmed except for its `unallocated_fen` working balance; a void adds
//! a reversal row with the negated amount.

pub mod campaigns;
pub mod receipts;
pub mod stations;
pub(crate) mod tally;
pub mod totals;
pub mod trace;

use chrono::{Datelike, NaiveDate};
use entity::app_user::{self, Role};
use entity::campaign;
use entity::charity_fund;
use entity::disbursement::Purpose;
use entity::donation::{self, Channel, DonationStatus, DonorKind, Entry, GiftKind};
use entity::organization::{self, OrganizationStatus};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use std::str::FromStr;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::{Db, WriteTx};
use crate::error::{Error, Result};
use crate::labels::Label;
use crate::money::Money;
use crate::outbox::{Email, Template};
use crate::page::{self, Order, Page, PageRequest};
use crate::privacy;
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

/// The largest amount one gift may carry: 100 billion yuan, far above any
/// real gift and far below where sums could overflow.
pub const MAX_AMOUNT_FEN: i64 = 10_000_000_000_000;

/// A gift as the organization (or the donor) types it. Amounts are parsed
/// at the edge; every rule about them is checked here.
#[derive(Clone, Debug)]
pub struct DonationInput {
    pub gift_kind: GiftKind,
    /// Money, or the valuation of goods in yuan.
    pub amount: Money,
    pub channel: Option<Channel>,
    pub external_reference: Option<String>,
    pub goods_description: Option<String>,
    pub goods_quantity: Option<String>,
    pub goods_unit: Option<String>,
    pub valuation_basis: Option<String>,
    pub donor_kind: DonorKind,
    pub donor_name: Option<String>,
    pub donor_email: Option<String>,
    /// The donor agrees to be named on public pages.
    pub disclose: bool,
    pub campaign_id: Option<Uuid>,
    /// The charity donation station that took the gift.
    pub station_id: Option<Uuid>,
    pub fund_id: Option<Uuid>,
    pub project: Option<String>,
    pub restricted_purpose: Option<Purpose>,
    pub received_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A gift whose fields passed their rules, ready to store.
#[derive(Clone, Debug, serde::Serialize)]
struct ValidGift {
    gift_kind: GiftKind,
    amount_fen: i64,
    channel: Option<Channel>,
    external_reference: String,
    goods_description: String,
    goods_quantity: String,
    goods_unit: String,
    valuation_basis: String,
    donor_kind: DonorKind,
    donor_name: String,
    donor_email: Option<String>,
    disclose: bool,
    campaign_id: Option<Uuid>,
    station_id: Option<Uuid>,
    fund_id: Option<Uuid>,
    project: Option<String>,
    restricted_purpose: Option<Purpose>,
    received_on: NaiveDate,
    note: String,
}

fn validate_gift(input: DonationInput) -> Result<ValidGift> {
    let amount_fen = input.amount.fen();
    if amount_fen <= 0 || amount_fen > MAX_AMOUNT_FEN {
        return Err(Error::validation(
            "amount",
            "the amount must be more than 0 and at most 100,000,000,000.00 yuan",
            "金额须大于 0，且不超过 100,000,000,000.00 元",
        ));
    }
    let external_reference = validate::optional_text("externalReference", input.external_reference.as_deref(), 100)?;
    let (channel, goods_description, goods_quantity, goods_unit, valuation_basis) = match input.gift_kind {
        GiftKind::Money => {
            let channel = input.channel.ok_or_else(|| {
                Error::validation(
                    "channel",
                    "say how the money came: bank transfer, cash, WeChat Pay, Alipay or other",
                    "请选择收款渠道：银行转账、现金、微信支付、支付宝或其他",
                )
            })?;
            if input.goods_description.as_deref().is_some_and(|d| !d.trim().is_empty()) {
                return Err(Error::validation(
                    "goodsDescription",
                    "a money gift has no goods description; record goods as a separate gift of kind goods",
                    "资金捐赠没有物资名称；物资请另行登记为物资捐赠",
                ));
            }
            (
                Some(channel),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            )
        }
        GiftKind::Goods => {
            if input.channel.is_some() {
                return Err(Error::validation(
                    "channel",
                    "goods have no payment channel; leave it empty",
                    "物资捐赠没有收款渠道，请留空",
                ));
            }
            let description = validate::required_text(
                "goodsDescription",
                input.goods_description.as_deref().unwrap_or(""),
                500,
            )?;
            let quantity_text =
                validate::required_text("goodsQuantity", input.goods_quantity.as_deref().unwrap_or(""), 32)?;
            let quantity = Decimal::from_str(&quantity_text).map_err(|_| {
                Error::validation(
                    "goodsQuantity",
                    format!("\"{quantity_text}\" is not a number; write e.g. 200 or 1.5"),
                    format!("“{quantity_text}”不是数字，请填写如 200 或 1.5"),
                )
            })?;
            if quantity <= Decimal::ZERO {
                return Err(Error::validation(
                    "goodsQuantity",
                    "the quantity must be more than 0",
                    "数量须大于 0",
                ));
            }
            let unit = validate::required_text("goodsUnit", input.goods_unit.as_deref().unwrap_or(""), 32)?;
            let basis = validate::required_text("valuationBasis", input.valuation_basis.as_deref().unwrap_or(""), 500)
                .map_err(|_| {
                    Error::validation(
                        "valuationBasis",
                        "say how the goods were valued (invoice, market price, appraisal), in at most 500 characters",
                        "请说明物资的估值依据（发票、市场价或评估），不超过 500 字",
                    )
                })?;
            (None, description, quantity.normalize().to_string(), unit, basis)
        }
    };
    let donor_name = match input.donor_kind {
        DonorKind::Anonymous => {
            validate::optional_text("donorName", input.donor_name.as_deref(), 200)?.unwrap_or_else(|| "匿名".to_owned())
        }
        _ => validate::required_text("donorName", input.donor_name.as_deref().unwrap_or(""), 200)?,
    };
    let donor_email = match input.donor_email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(email) => Some(validate::email("donorEmail", email)?),
    };
    if input.fund_id.is_some() && input.project.as_deref().is_some_and(|p| !p.trim().is_empty()) {
        return Err(Error::validation(
            "project",
            "a gift is designated to a fund or to a project, not both",
            "一笔捐赠只能定向到基金或项目之一",
        ));
    }
    if input.fund_id.is_some() && input.gift_kind == GiftKind::Goods {
        return Err(Error::validation(
            "fundId",
            "community funds hold money only; record goods against a project or the organization",
            "社区慈善基金只接收资金；物资请定向到项目或机构",
        ));
    }
    if input.restricted_purpose.is_some() && input.fund_id.is_none() {
        return Err(Error::validation(
            "restrictedPurpose",
            "a purpose restriction applies to a gift to a community fund; choose the fund too",
            "限定用途只适用于捐给社区慈善基金的款项，请同时选择基金",
        ));
    }
    let today = crate::clock::today();
    let received_on = input.received_on.unwrap_or(today);
    if received_on > today || received_on.year() < 2000 {
        return Err(Error::validation(
            "receivedOn",
            format!("the date received must be between 2000-01-01 and today ({today})"),
            format!("收到日期须在 2000-01-01 至今天（{today}）之间"),
        ));
    }
    Ok(ValidGift {
        gift_kind: input.gift_kind,
        amount_fen,
        channel,
        external_reference: external_reference.unwrap_or_default(),
        goods_description,
        goods_quantity,
        goods_unit,
        valuation_basis,
        donor_kind: input.donor_kind,
        donor_name,
        donor_email,
        disclose: input.disclose && input.donor_kind != DonorKind::Anonymous,
        campaign_id: input.campaign_id,
        station_id: input.station_id,
        fund_id: input.fund_id,
        project: validate::optional_text("project", input.project.as_deref(), 200)?,
        restricted_purpose: input.restricted_purpose,
        received_on,
        note: validate::optional_text("note", input.note.as_deref(), 1000)?.unwrap_or_default(),
    })
}

/// A recorded gift, with the verification code printed on its receipt.
/// The code is shown once: only its hash is stored.
pub struct Recorded {
    pub donation: donation::Model,
    pub verification_code: Option<String>,
    /// The sponsor's matching gift, when the campaign matched this one.
    pub matched: Option<donation::Model>,
}

/// A charity records a gift it received: it is confirmed at once, gets its
/// receipt number, goes into its fund's ledger, is matched by the
/// campaign's sponsor, and the donor gets a receipt email.
pub async fn record(
    db: &Db,
    ctx: &TenantContext,
    input: DonationInput,
    idempotency_key: Option<&str>,
) -> Result<Recorded> {
    let (user, _) = ctx.require_user()?;
    ctx.require_role(&[Role::OrgStaff])?;
    let organization_id = ctx.require_organization()?;
    let gift = validate_gift(input)?;
    let mut tx = db.write(ctx).await?;
    if let Some(id) = tx.replayed(idempotency_key, "donation.record", &gift).await? {
        let donation = find(tx.conn(), ctx, id).await?;
        let matched = matching_gift(tx.conn(), ctx, donation.id).await?;
        drop(tx);
        return Ok(Recorded {
            donation,
            verification_code: None,
            matched,
        });
    }
    let org = receiving_organization(tx.conn(), ctx, organization_id).await?;
    let campaign = match gift.campaign_id {
        Some(id) => Some(campaign_for_gift(tx.conn(), ctx, &org, id, gift.received_on).await?),
        None => None,
    };
    let fund = match gift.fund_id {
        Some(id) => Some(fund_for_gift(tx.conn(), ctx, &org, id).await?),
        None => None,
    };
    if let Some(id) = gift.station_id {
        stations::station_for_gift(tx.conn(), ctx, &org, id, gift.received_on).await?;
    }
    let donor_user_id = donor_account(tx.conn(), ctx, gift.donor_email.as_deref()).await?;
    let now = clock::now();
    let donation = donation::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id,
        entry: Entry::Gift,
        reverses_id: None,
        status: DonationStatus::Pledged,
        gift_kind: gift.gift_kind,
        amount_fen: gift.amount_fen,
        channel: gift.channel,
        external_reference: gift.external_reference.clone(),
        goods_description: gift.goods_description.clone(),
        goods_quantity: gift.goods_quantity.clone(),
        goods_unit: gift.goods_unit.clone(),
        valuation_basis: gift.valuation_basis.clone(),
        donor_kind: gift.donor_kind,
        donor_name: gift.donor_name.clone(),
        donor_email: gift.donor_email.clone(),
        donor_user_id,
        disclose: gift.disclose,
        campaign_id: gift.campaign_id,
        station_id: gift.station_id,
        fund_id: gift.fund_id,
        project: gift.project.clone(),
        restricted_purpose: gift.restricted_purpose,
        matches_id: None,
        receipt_number: None,
        verification_hash: None,
        unallocated_fen: 0,
        received_on: gift.received_on,
        note: gift.note.clone(),
        recorded_by: Some(user),
        confirmed_at: None,
        created_at: now,
    };
    let confirmed = confirm_into_ledger(&tx, ctx, &org, campaign.as_ref(), fund.as_ref(), donation, true).await?;
    confirmed
        .send_receipt(&tx, ctx, db, &org, fund.as_ref(), campaign.as_ref())
        .await?;
    tx.commit(
        AuditEvent::new("donation.record", "donation", confirmed.donation.id)
            .organization(Some(organization_id))
            .created(&json!({
                "gift": gift,
                "receipt_number": confirmed.donation.receipt_number,
                "matched_by": confirmed.matched.as_ref().map(|m| json!({"id": m.id, "amount_fen": m.amount_fen, "receipt_number": m.receipt_number})),
            })),
    )
    .await?;
    Ok(Recorded {
        donation: confirmed.donation,
        verification_code: Some(confirmed.code),
        matched: confirmed.matched,
    })
}

/// The organization a gift is recorded for: active and recognized as a
/// charity (only 慈善组织 issue charity donation receipts).
pub(crate) async fn receiving_organization<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    organization_id: Uuid,
) -> Result<organization::Model> {
    let org = organization::Entity::find_owned(conn, ctx, organization_id).await?;
    if org.status != OrganizationStatus::Active {
        return Err(Error::conflict(
            format!("{} is deregistered and cannot receive donations", org.name),
            format!("{}已注销，不能接收捐赠", org.name),
        ));
    }
    if org.charity_recognized_on.is_none() {
        return Err(Error::conflict(
            format!(
                "{} is not recognized as a charitable organization (慈善组织), so it cannot issue donation receipts",
                org.name
            ),
            format!("{}尚未认定为慈善组织，不能开具捐赠票据", org.name),
        ));
    }
    Ok(org)
}

/// The campaign a gift joins, locked: matching updates its running total.
async fn campaign_for_gift<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    org: &organization::Model,
    id: Uuid,
    received_on: NaiveDate,
) -> Result<campaign::Model> {
    let campaign = campaign::Entity::lock_owned_opt(conn, ctx, id)
        .await?
        .filter(|c| c.organization_id == org.id)
        .ok_or_else(|| {
            Error::validation(
                "campaignId",
                "no campaign of your organization has this id",
                "本机构没有这个募捐活动",
            )
        })?;
    if received_on < campaign.starts_on || received_on > campaign.ends_on {
        return Err(Error::validation(
            "receivedOn",
            format!(
                "{} runs from {} to {}; a gift received on {received_on} is not part of it",
                campaign.name, campaign.starts_on, campaign.ends_on
            ),
            format!(
                "{}的活动期为 {} 至 {}，{received_on} 收到的捐赠不属于该活动",
                campaign.name, campaign.starts_on, campaign.ends_on
            ),
        ));
    }
    Ok(campaign)
}

async fn fund_for_gift<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    org: &organization::Model,
    id: Uuid,
) -> Result<charity_fund::Model> {
    // Locked here, before the receipt number is taken: every writer locks
    // campaign, then fund, then the rest, so none can deadlock another.
    charity_fund::Entity::lock_owned_opt(conn, ctx, id)
        .await?
        .filter(|f| f.organization_id == org.id)
        .ok_or_else(|| {
            Error::validation(
                "fundId",
                "no community fund managed by your organization has this id",
                "本机构管理的社区慈善基金中没有该基金",
            )
        })
}

/// The donor's account in this city, found by email, so they see the gift
/// under "my donations" when they sign in.
async fn donor_account<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, email: Option<&str>) -> Result<Option<Uuid>> {
    let Some(email) = email else { return Ok(None) };
    Ok(app_user::Entity::scoped(ctx)
        .filter(app_user::Column::Role.eq(Role::Donor))
        .filter(app_user::Column::Email.eq(email))
        .one(conn)
        .await?
        .map(|u| u.id))
}

/// A gift just confirmed, and what came with it.
struct Confirmed {
    donation: donation::Model,
    code: String,
    matched: Option<donation::Model>,
}

/// Confirm a gift: receipt number and verification code, the fund's
/// ledger, and the campaign sponsor's match. `insert` says whether the gift
/// row is new (recorded) or already stored (a confirmed pledge).
async fn confirm_into_ledger(
    tx: &WriteTx<'_>,
    ctx: &TenantContext,
    org: &organization::Model,
    campaign: Option<&campaign::Model>,
    fund: Option<&charity_fund::Model>,
    pending: donation::Model,
    insert: bool,
) -> Result<Confirmed> {
    let now = clock::now();
    let code = receipts::new_verification_code();
    let receipt_number = issue_receipt_number(tx.conn(), ctx, org).await?;
    let donation = donation::Model {
        status: DonationStatus::Confirmed,
        receipt_number: Some(receipt_number),
        verification_hash: Some(receipts::hash_code(&code)),
        unallocated_fen: if pending.fund_id.is_some() {
            pending.amount_fen
        } else {
            0
        },
        confirmed_at: Some(now),
        ..pending
    };
    if insert {
        donation::Entity::insert(donation::ActiveModel::from(donation.clone()))
            .exec_without_returning(tx.conn())
            .await?;
    } else {
        donation::Entity::save_owned(tx.conn(), donation.clone()).await?;
    }
    if let Some(fund) = fund {
        add_to_fund(tx.conn(), ctx, fund.id, donation.amount_fen).await?;
    }
    let matched = match campaign {
        Some(campaign) => match_gift(tx, ctx, org, campaign, fund, &donation).await?,
        None => None,
    };
    let entries: Vec<&donation::Model> = std::iter::once(&donation).chain(matched.as_ref()).collect();
    tally::add(tx.conn(), &entries).await?;
    Ok(Confirmed {
        donation,
        code,
        matched,
    })
}

async fn issue_receipt_number(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    org: &organization::Model,
) -> Result<String> {
    let year = crate::clock::today().year();
    let number = receipts::next_number(tx, ctx.tenant_id, org.id, year).await?;
    Ok(receipts::format_number(
        receipts::organization_code(&org.credit_code),
        year,
        number,
    ))
}

pub(crate) async fn add_to_fund<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    fund_id: Uuid,
    fen: i64,
) -> Result<()> {
    charity_fund::Entity::scoped_update(ctx)
        .col_expr(
            charity_fund::Column::RaisedFen,
            Expr::col(charity_fund::Column::RaisedFen).add(fen),
        )
        .filter(charity_fund::Column::Id.eq(fund_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The sponsor's share of a qualifying gift (money, in a matching
/// campaign): its percentage, rounded down to the fen, up to what is left
/// of the cap.
pub fn match_amount(campaign: &campaign::Model, gift_fen: i64) -> i64 {
    match (campaign.match_percent, campaign.match_cap_fen) {
        (Some(percent), Some(cap)) if campaign.match_sponsor.is_some() => {
            let share = i64::try_from(i128::from(gift_fen) * i128::from(percent) / 100).unwrap_or(i64::MAX);
            Ord::max(Ord::min(share, cap - campaign.matched_fen), 0)
        }
        _ => 0,
    }
}

async fn match_gift(
    tx: &WriteTx<'_>,
    ctx: &TenantContext,
    org: &organization::Model,
    campaign: &campaign::Model,
    fund: Option<&charity_fund::Model>,
    gift: &donation::Model,
) -> Result<Option<donation::Model>> {
    let share = if gift.gift_kind == GiftKind::Money {
        match_amount(campaign, gift.amount_fen)
    } else {
        0
    };
    let Some(sponsor) = campaign.match_sponsor.clone().filter(|_| share > 0) else {
        return Ok(None);
    };
    // The campaign row was locked when the gift was checked against it, so
    // this read-modify-write cannot overshoot the cap.
    campaign::Entity::scoped_update(ctx)
        .col_expr(
            campaign::Column::MatchedFen,
            Expr::col(campaign::Column::MatchedFen).add(share),
        )
        .filter(campaign::Column::Id.eq(campaign.id))
        .exec(tx.conn())
        .await?;
    let receipt_number = issue_receipt_number(tx.conn(), ctx, org).await?;
    let now = clock::now();
    let matched = donation::Model {
        id: Uuid::now_v7(),
        amount_fen: share,
        channel: Some(Channel::BankTransfer),
        external_reference: String::new(),
        donor_kind: DonorKind::Enterprise,
        donor_name: sponsor,
        donor_email: None,
        donor_user_id: None,
        disclose: true,
        // The sponsor pays the platform, not a station's counter.
        station_id: None,
        matches_id: Some(gift.id),
        receipt_number: Some(receipt_number),
        verification_hash: None,
        unallocated_fen: if fund.is_some() { share } else { 0 },
        note: format!("{}配捐", campaign.name),
        confirmed_at: Some(now),
        created_at: now,
        ..gift.clone()
    };
    donation::Entity::insert(donation::ActiveModel::from(matched.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    if let Some(fund) = fund {
        add_to_fund(tx.conn(), ctx, fund.id, share).await?;
    }
    Ok(Some(matched))
}

impl Confirmed {
    /// The receipt email, when the donor left an address.
    async fn send_receipt(
        &self,
        tx: &WriteTx<'_>,
        ctx: &TenantContext,
        db: &Db,
        org: &organization::Model,
        fund: Option<&charity_fund::Model>,
        campaign: Option<&campaign::Model>,
    ) -> Result<()> {
        let d = &self.donation;
        let Some(to) = d.donor_email.clone() else { return Ok(()) };
        let language = match d.donor_user_id {
            Some(id) => app_user::Entity::find_owned_opt(tx.conn(), ctx, id)
                .await?
                .map_or_else(|| "zh-CN".to_owned(), |u| u.language),
            None => "zh-CN".to_owned(),
        };
        let receipt_number = d.receipt_number.clone().unwrap_or_default();
        tx.send_email(Email {
            to,
            language,
            template: Template::DonationReceipt,
            context: json!({
                "name": d.donor_name,
                "organization_name": org.name,
                "receipt_number": receipt_number,
                "amount": Money::from_fen(d.amount_fen).to_string(),
                "gift_kind": if d.gift_kind == GiftKind::Money { "money" } else { "goods" },
                "goods_description": d.goods_description,
                "designation": designation(d, fund),
                "campaign": campaign.map(|c| c.name.clone()),
                "received_on": d.received_on.to_string(),
                "verification_code": self.code,
                "trace_url": trace_url(db, ctx, &receipt_number),
            }),
        })
        .await
    }
}

/// Where a gift's trace is read: the city's public trace page, with the
/// receipt number filled in (the code the donor types from the email).
pub fn trace_url(db: &Db, ctx: &TenantContext, receipt_number: &str) -> String {
    format!("{}/{}/trace?receipt={receipt_number}", db.public_url(), ctx.tenant_slug)
}

/// What the gift is for, in words for the receipt.
fn designation(d: &donation::Model, fund: Option<&charity_fund::Model>) -> String {
    match (fund, &d.project) {
        (Some(f), _) => f.name.clone(),
        (None, Some(project)) => project.clone(),
        (None, None) => "机构统筹使用（非定向）".to_owned(),
    }
}

/// A donor pledges a money gift online; the organization confirms it when
/// the money arrives (then the receipt is issued).
pub struct PledgeInput {
    pub organization_id: Uuid,
    pub amount: Money,
    pub channel: Channel,
    pub disclose: bool,
    pub campaign_id: Option<Uuid>,
    pub fund_id: Option<Uuid>,
    pub restricted_purpose: Option<Purpose>,
    pub note: Option<String>,
}

pub async fn pledge(
    db: &Db,
    ctx: &TenantContext,
    input: PledgeInput,
    idempotency_key: Option<&str>,
) -> Result<donation::Model> {
    let (user_id, _) = ctx.require_user()?;
    ctx.require_role(&[Role::Donor])?;
    let user = crate::users::me(db, ctx).await?;
    let gift = validate_gift(DonationInput {
        gift_kind: GiftKind::Money,
        amount: input.amount,
        channel: Some(input.channel),
        external_reference: None,
        goods_description: None,
        goods_quantity: None,
        goods_unit: None,
        valuation_basis: None,
        donor_kind: DonorKind::Individual,
        donor_name: Some(user.display_name.clone()),
        donor_email: Some(user.email.clone()),
        disclose: input.disclose,
        campaign_id: input.campaign_id,
        station_id: None,
        fund_id: input.fund_id,
        project: None,
        restricted_purpose: input.restricted_purpose,
        received_on: None,
        note: input.note,
    })?;
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({"organization_id": input.organization_id, "gift": gift});
    if let Some(id) = tx.replayed(idempotency_key, "donation.pledge", &fingerprint).await? {
        return find(tx.conn(), ctx, id).await;
    }
    let org = receiving_organization(tx.conn(), ctx, input.organization_id).await?;
    if let Some(id) = gift.campaign_id {
        campaign_for_gift(tx.conn(), ctx, &org, id, gift.received_on).await?;
    }
    if let Some(id) = gift.fund_id {
        fund_for_gift(tx.conn(), ctx, &org, id).await?;
    }
    let donation = donation::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id: org.id,
        entry: Entry::Gift,
        reverses_id: None,
        status: DonationStatus::Pledged,
        gift_kind: GiftKind::Money,
        amount_fen: gift.amount_fen,
        channel: gift.channel,
        external_reference: String::new(),
        goods_description: String::new(),
        goods_quantity: String::new(),
        goods_unit: String::new(),
        valuation_basis: String::new(),
        donor_kind: DonorKind::Individual,
        donor_name: gift.donor_name.clone(),
        donor_email: gift.donor_email.clone(),
        donor_user_id: Some(user_id),
        disclose: gift.disclose,
        campaign_id: gift.campaign_id,
        station_id: None,
        fund_id: gift.fund_id,
        project: None,
        restricted_purpose: gift.restricted_purpose,
        matches_id: None,
        receipt_number: None,
        verification_hash: None,
        unallocated_fen: 0,
        received_on: gift.received_on,
        note: gift.note.clone(),
        recorded_by: None,
        confirmed_at: None,
        created_at: clock::now(),
    };
    donation::Entity::insert(donation::ActiveModel::from(donation.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template: Template::PledgeReceived,
        context: json!({
            "name": org.name, "donor_name": donation.donor_name,
            "amount": Money::from_fen(donation.amount_fen).to_string(),
            "channel": gift.channel.map_or("", Label::zh), "pledged_on": donation.received_on.to_string(),
        }),
    })
    .await?;
    tx.commit(
        AuditEvent::new("donation.pledge", "donation", donation.id)
            .organization(Some(org.id))
            .created(&fingerprint),
    )
    .await?;
    Ok(donation)
}

/// The organization confirms that a pledged gift arrived: from here on it
/// is a recorded gift with a receipt.
pub async fn confirm_pledge(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    received_on: Option<NaiveDate>,
) -> Result<Recorded> {
    ctx.require_role(&[Role::OrgStaff])?;
    let tx = db.write(ctx).await?;
    lock_campaign_and_fund(tx.conn(), ctx, &find(tx.conn(), ctx, id).await?).await?;
    let pending = locked_gift_of_my_organization(tx.conn(), ctx, id).await?;
    if pending.status != DonationStatus::Pledged {
        return Err(Error::conflict(
            format!(
                "only a pledge can be confirmed; this donation is {}",
                status_name(pending.status)
            ),
            format!(
                "只有待确认的认捐才能确认到账；这笔捐赠{}",
                status_name_zh(pending.status)
            ),
        ));
    }
    let today = crate::clock::today();
    let received_on = received_on.unwrap_or(today);
    if received_on > today || received_on < pending.received_on {
        return Err(Error::validation(
            "receivedOn",
            format!(
                "the money arrives between the pledge ({}) and today ({today})",
                pending.received_on
            ),
            format!("到账日期须在认捐日（{}）与今天（{today}）之间", pending.received_on),
        ));
    }
    let org = receiving_organization(tx.conn(), ctx, pending.organization_id).await?;
    let campaign = match pending.campaign_id {
        Some(c) => Some(campaign_for_gift(tx.conn(), ctx, &org, c, received_on).await?),
        None => None,
    };
    let fund = match pending.fund_id {
        Some(f) => Some(fund_for_gift(tx.conn(), ctx, &org, f).await?),
        None => None,
    };
    let before = pending.clone();
    let pending = donation::Model {
        received_on,
        recorded_by: ctx.user_id(),
        ..pending
    };
    let confirmed = confirm_into_ledger(&tx, ctx, &org, campaign.as_ref(), fund.as_ref(), pending, false).await?;
    confirmed
        .send_receipt(&tx, ctx, db, &org, fund.as_ref(), campaign.as_ref())
        .await?;
    tx.commit(
        AuditEvent::new("donation.confirm", "donation", id)
            .organization(Some(org.id))
            .changed(
                &json!({"status": status_name(before.status), "receipt_number": before.receipt_number, "received_on": before.received_on}),
                &json!({"status": "confirmed", "receipt_number": confirmed.donation.receipt_number, "received_on": received_on}),
            ),
    )
    .await?;
    Ok(Recorded {
        donation: confirmed.donation,
        verification_code: Some(confirmed.code),
        matched: confirmed.matched,
    })
}

/// The organization never received a pledged gift.
pub async fn decline_pledge(db: &Db, ctx: &TenantContext, id: Uuid, reason: &str) -> Result<donation::Model> {
    ctx.require_role(&[Role::OrgStaff])?;
    let reason = validate::required_text("reason", reason, 1000)?;
    let tx = db.write(ctx).await?;
    let pending = locked_gift_of_my_organization(tx.conn(), ctx, id).await?;
    if pending.status != DonationStatus::Pledged {
        return Err(Error::conflict(
            format!(
                "only a pledge can be declined; this donation is {}",
                status_name(pending.status)
            ),
            format!(
                "只有待确认的认捐才能标记为未到账；这笔捐赠{}",
                status_name_zh(pending.status)
            ),
        ));
    }
    // The donor's note stays; the reason is kept by the audit record.
    let declined = donation::Model {
        status: DonationStatus::Declined,
        ..pending.clone()
    };
    donation::Entity::save_owned(tx.conn(), declined.clone()).await?;
    tx.commit(
        AuditEvent::new("donation.decline", "donation", id)
            .organization(Some(pending.organization_id))
            .changed(
                &json!({"status": "pledged"}),
                &json!({"status": "declined", "reason": reason}),
            ),
    )
    .await?;
    Ok(declined)
}

fn status_name(status: DonationStatus) -> &'static str {
    match status {
        DonationStatus::Pledged => "pledged",
        DonationStatus::Confirmed => "confirmed",
        DonationStatus::Declined => "declined",
    }
}

/// A donation's status as the Chinese message says it ("this donation
/// is ...").
fn status_name_zh(status: DonationStatus) -> &'static str {
    match status {
        DonationStatus::Pledged => "是待确认的认捐",
        DonationStatus::Confirmed => "已确认到账",
        DonationStatus::Declined => "已标记为未到账",
    }
}

async fn locked_gift_of_my_organization<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<donation::Model> {
    donation::Entity::lock_owned_opt(conn, ctx, id)
        .await?
        .filter(|d| d.entry == Entry::Gift && Some(d.organization_id) == ctx.organization_id())
        .ok_or(Error::NotFound("donation"))
}

/// Void a confirmed gift: a reversing entry with the reason, never an edit
/// or a delete. Its receipt number stays on the original, marked void, and
/// is never reused. A sponsor's match of the gift is voided with it. A gift
/// a disbursement has already spent cannot be voided: the money is gone.
pub async fn void(db: &Db, ctx: &TenantContext, id: Uuid, reason: &str) -> Result<GiftView> {
    ctx.require_role(&[Role::OrgStaff])?;
    let reason = validate::required_text("reason", reason, 1000)?;
    let tx = db.write(ctx).await?;
    lock_campaign_and_fund(tx.conn(), ctx, &find(tx.conn(), ctx, id).await?).await?;
    let gift = locked_gift_of_my_organization(tx.conn(), ctx, id).await?;
    if gift.status != DonationStatus::Confirmed {
        return Err(Error::conflict(
            "only a confirmed gift can be voided; decline a pledge instead",
            "只有已确认的捐赠才能作废；未到账的认捐请标记为未到账",
        ));
    }
    if gift.matches_id.is_some() {
        return Err(Error::conflict(
            "this is a sponsor's matching gift; it is voided together with the gift it matches",
            "这是配捐方的配捐，随其所配的捐赠一并作废",
        ));
    }
    if reversal_of(tx.conn(), ctx, id).await?.is_some() {
        let number = gift.receipt_number.as_deref().unwrap_or("");
        return Err(Error::conflict(
            format!("receipt {number} is already void"),
            format!("票据 {number} 已作废"),
        ));
    }
    let matched = matching_gift(tx.conn(), ctx, id).await?;
    for g in std::iter::once(&gift).chain(matched.iter()) {
        if g.fund_id.is_some() && g.unallocated_fen < g.amount_fen {
            let (spent, number) = (
                Money::from_fen(g.amount_fen - g.unallocated_fen),
                g.receipt_number.as_deref().unwrap_or(""),
            );
            return Err(Error::conflict(
                format!(
                    "{spent} of receipt {number} has already paid for approved disbursements, so the gift cannot be voided"
                ),
                format!("票据 {number} 中已有 {spent} 元用于已批准的支出，不能作废"),
            ));
        }
    }
    let now = clock::now();
    let mut reversals = Vec::new();
    for g in std::iter::once(&gift).chain(matched.iter()) {
        let reversal = donation::Model {
            id: Uuid::now_v7(),
            entry: Entry::Reversal,
            reverses_id: Some(g.id),
            amount_fen: -g.amount_fen,
            matches_id: None,
            receipt_number: None,
            verification_hash: None,
            unallocated_fen: 0,
            received_on: crate::clock::today(),
            note: reason.clone(),
            recorded_by: ctx.user_id(),
            confirmed_at: Some(now),
            created_at: now,
            ..g.clone()
        };
        donation::Entity::insert(donation::ActiveModel::from(reversal.clone()))
            .exec_without_returning(tx.conn())
            .await?;
        if let Some(fund_id) = g.fund_id {
            // The unspent working balance goes with the money.
            donation::Entity::scoped_update(ctx)
                .col_expr(donation::Column::UnallocatedFen, Expr::value(0))
                .filter(donation::Column::Id.eq(g.id))
                .exec(tx.conn())
                .await?;
            add_to_fund(tx.conn(), ctx, fund_id, -g.amount_fen).await?;
        }
        reversals.push(reversal);
    }
    tally::add(tx.conn(), &reversals.iter().collect::<Vec<_>>()).await?;
    if let (Some(campaign_id), Some(m)) = (gift.campaign_id, &matched) {
        campaign::Entity::scoped_update(ctx)
            .col_expr(
                campaign::Column::MatchedFen,
                Expr::col(campaign::Column::MatchedFen).sub(m.amount_fen),
            )
            .filter(campaign::Column::Id.eq(campaign_id))
            .exec(tx.conn())
            .await?;
    }
    if let Some(to) = gift.donor_email.clone() {
        let org = organization::Entity::find_owned(tx.conn(), ctx, gift.organization_id).await?;
        tx.send_email(Email {
            to,
            language: "zh-CN".into(),
            template: Template::DonationVoided,
            context: json!({
                "name": gift.donor_name, "organization_name": org.name,
                "receipt_number": gift.receipt_number, "amount": Money::from_fen(gift.amount_fen).to_string(),
                "reason": reason,
            }),
        })
        .await?;
    }
    let reversal = reversals.first().cloned();
    tx.commit(
        AuditEvent::new("donation.void", "donation", id)
            .organization(Some(gift.organization_id))
            .detail(json!({
                "receipt_number": gift.receipt_number,
                "amount_fen": gift.amount_fen,
                "reason": reason,
                "reversal_ids": reversals.iter().map(|r| r.id).collect::<Vec<_>>(),
            })),
    )
    .await?;
    let voided = donation::Model {
        unallocated_fen: 0,
        ..gift
    };
    Ok(GiftView { gift: voided, reversal })
}

/// Lock a gift's campaign and fund before the gift itself. Every writer
/// takes these locks in the order campaign, fund, gift, so concurrent
/// confirmations, voids and approvals cannot deadlock. A gift's campaign
/// and fund never change, so reading them before the lock is safe.
async fn lock_campaign_and_fund<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    gift: &donation::Model,
) -> Result<()> {
    if let Some(campaign_id) = gift.campaign_id {
        campaign::Entity::lock_owned_opt(conn, ctx, campaign_id).await?;
    }
    if let Some(fund_id) = gift.fund_id {
        charity_fund::Entity::lock_owned_opt(conn, ctx, fund_id).await?;
    }
    Ok(())
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<donation::Model> {
    donation::Entity::find_owned(conn, ctx, id).await
}

async fn reversal_of<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<Option<donation::Model>> {
    Ok(donation::Entity::scoped(ctx)
        .filter(donation::Column::ReversesId.eq(id))
        .one(conn)
        .await?)
}

async fn matching_gift<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<Option<donation::Model>> {
    Ok(donation::Entity::scoped(ctx)
        .filter(donation::Column::MatchesId.eq(id))
        .one(conn)
        .await?)
}

/// A gift with its reversal, if it was voided.
#[derive(Clone, Debug)]
pub struct GiftView {
    pub gift: donation::Model,
    pub reversal: Option<donation::Model>,
}

impl GiftView {
    /// The name the public sees.
    pub fn public_donor_name(&self) -> String {
        privacy::donor_display_name(
            &self.gift.donor_name,
            self.gift.disclose,
            self.gift.donor_kind == DonorKind::Anonymous,
        )
    }
}

/// Attach reversals to a page of gifts in one query.
pub(crate) async fn with_reversals<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    gifts: Vec<donation::Model>,
) -> Result<Vec<GiftView>> {
    let ids: Vec<Uuid> = gifts.iter().map(|g| g.id).collect();
    let reversals = if ids.is_empty() {
        Vec::new()
    } else {
        donation::Entity::scoped(ctx)
            .filter(donation::Column::ReversesId.is_in(ids))
            .all(conn)
            .await?
    };
    Ok(gifts
        .into_iter()
        .map(|gift| GiftView {
            reversal: reversals.iter().find(|r| r.reverses_id == Some(gift.id)).cloned(),
            gift,
        })
        .collect())
}

#[derive(Clone, Debug, Default)]
pub struct DonationFilter {
    pub organization_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub fund_id: Option<Uuid>,
    pub status: Option<DonationStatus>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
}

/// Gifts, newest first: org staff see their organization's, officials
/// their city's, a donor their own.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    filter: DonationFilter,
    page: PageRequest<Uuid>,
) -> Result<Page<GiftView>> {
    let (user, role) = ctx.require_user()?;
    ctx.require_role(&[Role::CityOfficial, Role::OrgStaff, Role::Donor])?;
    let mut query = donation::Entity::scoped(ctx).filter(donation::Column::Entry.eq(Entry::Gift));
    match role {
        Role::OrgStaff => query = query.filter(donation::Column::OrganizationId.eq(ctx.organization_id())),
        Role::Donor => query = query.filter(donation::Column::DonorUserId.eq(user)),
        _ => {}
    }
    if let Some(id) = filter.organization_id {
        query = query.filter(donation::Column::OrganizationId.eq(id));
    }
    if let Some(id) = filter.campaign_id {
        query = query.filter(donation::Column::CampaignId.eq(id));
    }
    if let Some(id) = filter.fund_id {
        query = query.filter(donation::Column::FundId.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(donation::Column::Status.eq(status));
    }
    if let Some(from) = filter.received_from {
        query = query.filter(donation::Column::ReceivedOn.gte(from));
    }
    if let Some(to) = filter.received_to {
        query = query.filter(donation::Column::ReceivedOn.lte(to));
    }
    let tx = db.read(ctx).await?;
    let page = page::fetch(&tx, query, donation::Column::Id, Order::NewestFirst, page).await?;
    let items = with_reversals(&tx, ctx, page.items).await?;
    tx.commit().await?;
    Ok(Page {
        items,
        has_next: page.has_next,
    })
}

/// One gift, for its organization, the city's officials, or its donor.
pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<GiftView> {
    let (user, role) = ctx.require_user()?;
    let tx = db.read(ctx).await?;
    let gift = find(&tx, ctx, id).await?;
    let visible = match role {
        Role::CityOfficial => true,
        Role::OrgStaff => ctx.organization_id() == Some(gift.organization_id),
        Role::Donor => gift.donor_user_id == Some(user),
        _ => false,
    };
    if !visible || gift.entry != Entry::Gift {
        return Err(Error::NotFound("donation"));
    }
    let view = with_reversals(&tx, ctx, vec![gift])
        .await?
        .pop()
        .ok_or(Error::NotFound("donation"))?;
    tx.commit().await?;
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(percent: Option<i32>, cap: Option<i64>, matched: i64) -> campaign::Model {
        campaign::Model {
            tenant_id: Uuid::nil(),
            id: Uuid::nil(),
            organization_id: Uuid::nil(),
            name: "99公益日".into(),
            description: String::new(),
            starts_on: NaiveDate::MIN,
            ends_on: NaiveDate::MAX,
            target_fen: None,
            match_sponsor: Some("某企业".into()),
            match_percent: percent,
            match_cap_fen: cap,
            matched_fen: matched,
            created_by: Uuid::nil(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn matching_rounds_down_and_stops_at_the_cap() {
        assert_eq!(match_amount(&campaign(Some(50), Some(10_000), 0), 333), 166);
        assert_eq!(match_amount(&campaign(Some(100), Some(10_000), 9_900), 500), 100);
        assert_eq!(match_amount(&campaign(Some(100), Some(10_000), 10_000), 500), 0);
        assert_eq!(match_amount(&campaign(None, None, 0), 500), 0);
    }

    fn money(amount: &str) -> DonationInput {
        DonationInput {
            gift_kind: GiftKind::Money,
            amount: amount.parse().unwrap_or_else(|e| panic!("{e:?}")),
            channel: Some(Channel::Alipay),
            external_reference: None,
            goods_description: None,
            goods_quantity: None,
            goods_unit: None,
            valuation_basis: None,
            donor_kind: DonorKind::Individual,
            donor_name: Some("王五".into()),
            donor_email: None,
            disclose: false,
            campaign_id: None,
            station_id: None,
            fund_id: None,
            project: None,
            restricted_purpose: None,
            received_on: None,
            note: None,
        }
    }

    fn field_of(result: Result<ValidGift>) -> Option<&'static str> {
        match result {
            Err(Error::Validation { field, .. }) => field,
            _ => None,
        }
    }

    #[test]
    fn gifts_are_checked_field_by_field() {
        assert!(validate_gift(money("0.01")).is_ok());
        assert_eq!(field_of(validate_gift(money("0"))), Some("amount"));
        assert_eq!(field_of(validate_gift(money("-1"))), Some("amount"));
        assert_eq!(
            field_of(validate_gift(DonationInput {
                channel: None,
                ..money("1")
            })),
            Some("channel")
        );
        assert_eq!(
            field_of(validate_gift(DonationInput {
                donor_name: None,
                ..money("1")
            })),
            Some("donorName")
        );
        let anonymous = validate_gift(DonationInput {
            donor_kind: DonorKind::Anonymous,
            donor_name: None,
            disclose: true,
            ..money("1")
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!anonymous.disclose, "an anonymous gift is never disclosed");
        let goods = DonationInput {
            gift_kind: GiftKind::Goods,
            channel: None,
            goods_description: Some("大米".into()),
            goods_quantity: Some("1.50".into()),
            goods_unit: Some("吨".into()),
            valuation_basis: Some("发票".into()),
            ..money("6000")
        };
        assert_eq!(
            validate_gift(goods.clone())
                .unwrap_or_else(|e| panic!("{e:?}"))
                .goods_quantity,
            "1.5"
        );
        assert_eq!(
            field_of(validate_gift(DonationInput {
                goods_quantity: Some("x".into()),
                ..goods.clone()
            })),
            Some("goodsQuantity")
        );
        assert_eq!(
            field_of(validate_gift(DonationInput {
                goods_quantity: Some("0".into()),
                ..goods.clone()
            })),
            Some("goodsQuantity")
        );
        assert_eq!(
            field_of(validate_gift(DonationInput {
                valuation_basis: None,
                ..goods.clone()
            })),
            Some("valuationBasis")
        );
        assert_eq!(
            field_of(validate_gift(DonationInput {
                fund_id: Some(Uuid::nil()),
                ..goods
            })),
            Some("fundId")
        );
        assert_eq!(
            field_of(validate_gift(DonationInput {
                restricted_purpose: Some(Purpose::Medical),
                ..money("1")
            })),
            Some("restrictedPurpose")
        );
        let tomorrow = crate::clock::today().succ_opt();
        assert_eq!(
            field_of(validate_gift(DonationInput {
                received_on: tomorrow,
                ..money("1")
            })),
            Some("receivedOn")
        );
    }
}
