//! "Where did my money go": the disbursements a gift paid for, from the
//! stored allocations, and what of it is still unspent. Read by the donor
//! signed in, or by anyone holding the receipt number and the verification
//! code from the receipt email.

use chrono::NaiveDate;
use entity::allocation;
use entity::charity_fund;
use entity::disbursement::{self, BeneficiaryKind, Purpose};
use entity::donation::{self, Entry, GiftKind};
use entity::organization;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{GiftView, with_reversals};
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::funds::public_beneficiary;

/// One disbursement a gift paid (part of).
pub struct TracedUse {
    pub disbursement_id: Uuid,
    pub purpose: Purpose,
    /// Masked: a person or household shows as 张*.
    pub beneficiary: String,
    pub beneficiary_kind: BeneficiaryKind,
    pub decided_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    /// The part of this gift that went to it.
    pub amount_fen: i64,
}

pub struct Trace {
    pub gift: GiftView,
    pub organization_name: String,
    /// Public on the register; printed on the receipt.
    pub organization_credit_code: String,
    pub fund_name: Option<String>,
    pub uses: Vec<TracedUse>,
    pub allocated_fen: i64,
    /// Fund gifts: what no disbursement has used yet.
    pub unspent_fen: i64,
}

/// The public trace: the receipt number and the code must both match. A
/// wrong pair reads as "not found" either way, so numbers cannot be probed.
pub async fn by_receipt(db: &Db, ctx: &TenantContext, receipt_number: &str, code: &str) -> Result<Trace> {
    let not_found = Error::NotFound("donation with this receipt number and verification code");
    let tx = db.read(ctx).await?;
    let gift = donation::Entity::find()
        .filter(donation::Column::TenantId.eq(ctx.tenant_id))
        .filter(donation::Column::ReceiptNumber.eq(receipt_number.trim().to_uppercase()))
        .one(&tx)
        .await?;
    let gift = match gift {
        Some(g) if g.verification_hash.as_deref() == Some(super::receipts::hash_code(code).as_str()) => g,
        _ => return Err(not_found),
    };
    let trace = build(&tx, ctx, gift).await?;
    tx.commit().await?;
    Ok(trace)
}

/// A signed-in donor's trace of their own gift (also open to the
/// organization that received it and the city's officials).
pub async fn of_donation(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<Trace> {
    let view = super::get(db, ctx, id).await?;
    let tx = db.read(ctx).await?;
    let trace = build(&tx, ctx, view.gift).await?;
    tx.commit().await?;
    Ok(trace)
}

async fn build<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, gift: donation::Model) -> Result<Trace> {
    if gift.entry != Entry::Gift {
        return Err(Error::NotFound("donation"));
    }
    let (organization_name, organization_credit_code) =
        organization::Entity::find_by_id((ctx.tenant_id, gift.organization_id))
            .one(conn)
            .await?
            .map(|o| (o.name, o.credit_code))
            .unwrap_or_default();
    let fund_name = match gift.fund_id {
        Some(id) => charity_fund::Entity::find_by_id((ctx.tenant_id, id))
            .one(conn)
            .await?
            .map(|f| f.name),
        None => None,
    };
    let allocations = allocation::Entity::find()
        .filter(allocation::Column::TenantId.eq(ctx.tenant_id))
        .filter(allocation::Column::DonationId.eq(gift.id))
        .all(conn)
        .await?;
    let disbursements = if allocations.is_empty() {
        Vec::new()
    } else {
        disbursement::Entity::find()
            .filter(disbursement::Column::TenantId.eq(ctx.tenant_id))
            .filter(disbursement::Column::Id.is_in(allocations.iter().map(|a| a.disbursement_id)))
            .all(conn)
            .await?
    };
    let mut uses: Vec<TracedUse> = allocations
        .iter()
        .filter_map(|a| {
            disbursements
                .iter()
                .find(|d| d.id == a.disbursement_id)
                .map(|d| TracedUse {
                    disbursement_id: d.id,
                    purpose: d.purpose,
                    beneficiary: public_beneficiary(d),
                    beneficiary_kind: d.beneficiary_kind,
                    decided_on: d.decided_at.map(crate::clock::china_date),
                    paid_on: d.paid_on,
                    amount_fen: a.amount_fen,
                })
        })
        .collect();
    uses.sort_by_key(|u| u.disbursement_id);
    let allocated_fen = uses.iter().map(|u| u.amount_fen).sum();
    let unspent_fen = if gift.fund_id.is_some() && gift.gift_kind == GiftKind::Money {
        gift.unallocated_fen
    } else {
        0
    };
    let view = with_reversals(conn, ctx, vec![gift])
        .await?
        .pop()
        .ok_or(Error::NotFound("donation"))?;
    Ok(Trace {
        gift: view,
        organization_name,
        organization_credit_code,
        fund_name,
        uses,
        allocated_fen,
        unspent_fen,
    })
}
