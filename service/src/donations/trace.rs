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
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationDef, Select,
};
use uuid::Uuid;

use super::{GiftView, with_reversals};
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::funds::public_beneficiary;
use crate::scoped::TenantOwned;
use crate::throttle;

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

/// A gift with the names the trace shows beside it, read in one statement.
#[derive(FromQueryResult)]
struct NamedGift {
    #[sea_orm(nested)]
    gift: donation::Model,
    organization_name: Option<String>,
    organization_credit_code: Option<String>,
    fund_name: Option<String>,
}

/// One disbursement a gift paid for, with the part it paid.
#[derive(FromQueryResult)]
struct PaidFor {
    #[sea_orm(nested)]
    disbursement: disbursement::Model,
    allocated_fen: i64,
}

/// Gifts joined to their organization and fund (both keyed by tenant).
/// The trace is read per request by anyone with a receipt: each statement
/// saved is a round trip saved (issue #9).
fn named_gifts(ctx: &TenantContext) -> Select<donation::Entity> {
    let organization: RelationDef = donation::Entity::belongs_to(organization::Entity)
        .from((donation::Column::TenantId, donation::Column::OrganizationId))
        .to((organization::Column::TenantId, organization::Column::Id))
        .into();
    let fund: RelationDef = donation::Entity::belongs_to(charity_fund::Entity)
        .from((donation::Column::TenantId, donation::Column::FundId))
        .to((charity_fund::Column::TenantId, charity_fund::Column::Id))
        .into();
    donation::Entity::scoped(ctx)
        .join(JoinType::LeftJoin, organization)
        .join(JoinType::LeftJoin, fund)
        .column_as(organization::Column::Name, "organization_name")
        .column_as(organization::Column::CreditCode, "organization_credit_code")
        .column_as(charity_fund::Column::Name, "fund_name")
}

/// The public trace: the receipt number and the code must both match. A
/// wrong pair reads as "not found" either way, so numbers cannot be probed.
pub async fn by_receipt(db: &Db, ctx: &TenantContext, receipt_number: &str, code: &str) -> Result<Trace> {
    let not_found = Error::NotFound("donation with this receipt number and verification code");
    // Codes are guessed from an address: its failures are counted like
    // sign-ins'. No per-second limit as on sign-in: a trace that succeeds
    // costs no hash, and a giving day brings many donors behind one
    // carrier's address.
    let address = ctx.request.client_addr.as_deref();
    let guesses = throttle::Key::address(&throttle::TRACE_ADDRESS, address);
    throttle::check(db, &[&guesses]).await?;
    let tx = db.read(ctx).await?;
    let found = named_gifts(ctx)
        .filter(donation::Column::ReceiptNumber.eq(receipt_number.trim().to_uppercase()))
        .into_model::<NamedGift>()
        .one(&tx)
        .await?;
    let found = match found {
        Some(f) if f.gift.verification_hash.as_deref() == Some(super::receipts::hash_code(code).as_str()) => f,
        _ => {
            tx.commit().await?;
            if !throttle::failed(db, &[&guesses]).await?.is_empty() {
                tracing::warn!(
                    client = address.unwrap_or("unknown"),
                    "repeated wrong receipt codes: address locked"
                );
            }
            return Err(not_found);
        }
    };
    let trace = build(&tx, ctx, found).await?;
    tx.commit().await?;
    Ok(trace)
}

/// A signed-in donor's trace of their own gift (also open to the
/// organization that received it and the city's officials).
pub async fn of_donation(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<Trace> {
    // Who may see it is decided where every gift's reader is checked.
    super::get(db, ctx, id).await?;
    let tx = db.read(ctx).await?;
    let found = named_gifts(ctx)
        .filter(donation::Column::Id.eq(id))
        .into_model::<NamedGift>()
        .one(&tx)
        .await?
        .ok_or(Error::NotFound("donation"))?;
    let trace = build(&tx, ctx, found).await?;
    tx.commit().await?;
    Ok(trace)
}

async fn build<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, found: NamedGift) -> Result<Trace> {
    let NamedGift {
        gift,
        organization_name,
        organization_credit_code,
        fund_name,
    } = found;
    if gift.entry != Entry::Gift {
        return Err(Error::NotFound("donation"));
    }
    // The join runs from the disbursement to its allocation rows.
    let allocations: RelationDef = disbursement::Entity::belongs_to(allocation::Entity)
        .from((disbursement::Column::TenantId, disbursement::Column::Id))
        .to((allocation::Column::TenantId, allocation::Column::DisbursementId))
        .into();
    let paid_for = disbursement::Entity::scoped(ctx)
        .join(JoinType::InnerJoin, allocations)
        .column_as(allocation::Column::AmountFen, "allocated_fen")
        .filter(allocation::Column::DonationId.eq(gift.id))
        .order_by_asc(disbursement::Column::Id)
        .into_model::<PaidFor>()
        .all(conn)
        .await?;
    let uses: Vec<TracedUse> = paid_for
        .into_iter()
        .map(
            |PaidFor {
                 disbursement: d,
                 allocated_fen,
             }| TracedUse {
                disbursement_id: d.id,
                purpose: d.purpose,
                beneficiary: public_beneficiary(&d),
                beneficiary_kind: d.beneficiary_kind,
                decided_on: d.decided_at.map(crate::clock::china_date),
                paid_on: d.paid_on,
                amount_fen: allocated_fen,
            },
        )
        .collect();
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
        organization_name: organization_name.unwrap_or_default(),
        organization_credit_code: organization_credit_code.unwrap_or_default(),
        fund_name,
        uses,
        allocated_fen,
        unspent_fen,
    })
}
