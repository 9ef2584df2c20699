//! Voiding a confirmed gift by a reversing entry, never an edit.

use entity::app_user::Role;
use entity::campaign;
use entity::charity_fund;
use entity::donation::{self, DonationStatus, Entry};
use entity::organization;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::find;
use super::ledger::add_to_fund;
use super::tally;
use super::views::GiftView;
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::outbox::{Email, Template};
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

pub(super) async fn locked_gift_of_my_organization<C: ConnectionTrait>(
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
pub(super) async fn lock_campaign_and_fund<C: ConnectionTrait>(
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

pub(super) async fn reversal_of<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<Option<donation::Model>> {
    Ok(donation::Entity::scoped(ctx)
        .filter(donation::Column::ReversesId.eq(id))
        .one(conn)
        .await?)
}

pub(super) async fn matching_gift<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<Option<donation::Model>> {
    Ok(donation::Entity::scoped(ctx)
        .filter(donation::Column::MatchesId.eq(id))
        .one(conn)
        .await?)
}
