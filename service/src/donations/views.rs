//! Gifts as read: with their reversals, listed and one by one.

use chrono::NaiveDate;
use entity::app_user::Role;
use entity::donation::{self, DonationStatus, DonorKind, Entry};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use uuid::Uuid;

use super::find;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::page::{self, Order, Page, PageRequest};
use crate::privacy;
use crate::scoped::TenantOwned;

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
    let (user, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff, Role::Donor])?;
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
        total: page.total,
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
