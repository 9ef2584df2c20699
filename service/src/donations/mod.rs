//! Charity donations (慈善捐赠): recording gifts of money and goods,
//! online pledges a charity confirms, receipts, campaign matching, voids
//! by reversing entry, and the lists, traces and totals built on them.
//!
//! The ledger is append-only: a gift row is never edited after it is
//! confirmed except for its `unallocated_fen` working balance; a void adds
//! a reversal row with the negated amount.

pub mod campaigns;
mod ledger;
mod pledges;
pub mod receipts;
mod record;
pub mod stations;
pub(crate) mod tally;
pub mod totals;
pub mod trace;
mod views;
mod voids;

use entity::donation;
use entity::organization::{self, OrganizationStatus};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::scoped::OwnedById;

pub use ledger::match_amount;
pub use pledges::{PledgeInput, confirm_pledge, decline_pledge, pledge};
pub use record::{DonationInput, Recorded, record};
pub(crate) use views::with_reversals;
pub use views::{DonationFilter, GiftView, get, list};
pub use voids::void;

/// The largest amount one gift may carry: 100 billion yuan, far above any
/// real gift and far below where sums could overflow.
pub const MAX_AMOUNT_FEN: i64 = 10_000_000_000_000;

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

/// Where a gift's trace is read: the city's public trace page, with the
/// receipt number filled in (the code the donor types from the email).
pub fn trace_url(db: &Db, ctx: &TenantContext, receipt_number: &str) -> String {
    format!("{}/{}/trace?receipt={receipt_number}", db.public_url(), ctx.tenant_slug)
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<donation::Model> {
    donation::Entity::find_owned(conn, ctx, id).await
}
