//! Recording a gift the organization received: the input, its rules, and
//! the campaign, fund and station it joins.

use chrono::{Datelike, NaiveDate};
use entity::app_user::{self, Role};
use entity::campaign;
use entity::charity_fund;
use entity::disbursement::Purpose;
use entity::donation::{self, Channel, DonationStatus, DonorKind, Entry, GiftKind};
use entity::organization;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use serde_json::json;
use std::str::FromStr;
use uuid::Uuid;

use super::ledger::confirm_into_ledger;
use super::stations;
use super::voids::matching_gift;
use super::{MAX_AMOUNT_FEN, find, receiving_organization};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

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
pub(super) struct ValidGift {
    pub(super) gift_kind: GiftKind,
    pub(super) amount_fen: i64,
    pub(super) channel: Option<Channel>,
    pub(super) external_reference: String,
    pub(super) goods_description: String,
    pub(super) goods_quantity: String,
    pub(super) goods_unit: String,
    pub(super) valuation_basis: String,
    pub(super) donor_kind: DonorKind,
    pub(super) donor_name: String,
    pub(super) donor_email: Option<String>,
    pub(super) disclose: bool,
    pub(super) campaign_id: Option<Uuid>,
    pub(super) station_id: Option<Uuid>,
    pub(super) fund_id: Option<Uuid>,
    pub(super) project: Option<String>,
    pub(super) restricted_purpose: Option<Purpose>,
    pub(super) received_on: NaiveDate,
    pub(super) note: String,
}

impl ValidGift {
    /// The gift's row as first written, before any money is confirmed: a
    /// pledge waits so for its money, a recorded gift is confirmed into
    /// the ledger next, in the same transaction.
    pub(super) fn pending_row(
        &self,
        ctx: &TenantContext,
        organization_id: Uuid,
        donor_user_id: Option<Uuid>,
        recorded_by: Option<Uuid>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> donation::Model {
        donation::Model {
            tenant_id: ctx.tenant_id,
            id: Uuid::now_v7(),
            organization_id,
            entry: Entry::Gift,
            reverses_id: None,
            status: DonationStatus::Pledged,
            gift_kind: self.gift_kind,
            amount_fen: self.amount_fen,
            channel: self.channel,
            external_reference: self.external_reference.clone(),
            goods_description: self.goods_description.clone(),
            goods_quantity: self.goods_quantity.clone(),
            goods_unit: self.goods_unit.clone(),
            valuation_basis: self.valuation_basis.clone(),
            donor_kind: self.donor_kind,
            donor_name: self.donor_name.clone(),
            donor_email: self.donor_email.clone(),
            donor_user_id,
            disclose: self.disclose,
            campaign_id: self.campaign_id,
            station_id: self.station_id,
            fund_id: self.fund_id,
            project: self.project.clone(),
            restricted_purpose: self.restricted_purpose,
            matches_id: None,
            receipt_number: None,
            verification_hash: None,
            unallocated_fen: 0,
            received_on: self.received_on,
            note: self.note.clone(),
            recorded_by,
            confirmed_at: None,
            created_at: now,
        }
    }
}

pub(super) fn validate_gift(input: DonationInput) -> Result<ValidGift> {
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
    let (user, organization_id) = ctx.require_staff()?;
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
    let donation = gift.pending_row(ctx, organization_id, donor_user_id, Some(user), now);
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

/// The campaign a gift joins, locked: matching updates its running total.
pub(super) async fn campaign_for_gift<C: ConnectionTrait>(
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

pub(super) async fn fund_for_gift<C: ConnectionTrait>(
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
pub(super) async fn donor_account<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    email: Option<&str>,
) -> Result<Option<Uuid>> {
    let Some(email) = email else { return Ok(None) };
    Ok(app_user::Entity::scoped(ctx)
        .filter(app_user::Column::Role.eq(Role::Donor))
        .filter(app_user::Column::Email.eq(email))
        .one(conn)
        .await?
        .map(|u| u.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::donations::ledger::match_amount;

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
