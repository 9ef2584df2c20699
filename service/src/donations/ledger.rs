//! A confirmed gift enters the ledger: its receipt number and verification
//! code, the fund's running total, and the sponsor's matching gift.

use chrono::Datelike;
use entity::app_user;
use entity::campaign;
use entity::charity_fund;
use entity::donation::{self, Channel, DonationStatus, DonorKind, GiftKind};
use entity::organization;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::trace_url;
use super::{receipts, tally};
use crate::clock;
use crate::context::TenantContext;
use crate::db::{Db, WriteTx};
use crate::error::Result;
use crate::money::Money;
use crate::outbox::{Email, Template};
use crate::scoped::{OwnedById, TenantOwned};

/// A gift just confirmed, and what came with it.
pub(super) struct Confirmed {
    pub(super) donation: donation::Model,
    pub(super) code: String,
    pub(super) matched: Option<donation::Model>,
}

/// Confirm a gift: receipt number and verification code, the fund's
/// ledger, and the campaign sponsor's match. `insert` says whether the gift
/// row is new (recorded) or already stored (a confirmed pledge).
pub(super) async fn confirm_into_ledger(
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

pub(super) async fn issue_receipt_number(
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

pub(super) async fn match_gift(
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
    pub(super) async fn send_receipt(
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

/// What the gift is for, in words for the receipt.
pub(super) fn designation(d: &donation::Model, fund: Option<&charity_fund::Model>) -> String {
    match (fund, &d.project) {
        (Some(f), _) => f.name.clone(),
        (None, Some(project)) => project.clone(),
        (None, None) => "机构统筹使用（非定向）".to_owned(),
    }
}
