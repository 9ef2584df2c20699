//! What anyone may read of a city's organizations: the register (active
//! organizations, searchable and filtered, counted) and each
//! one's public record (registered particulars, charity status, the lists
//! it is on and why, its annual report results, the funds it runs).

use entity::annual_report::{self, ReportStatus};
use entity::charity_fund;
use entity::organization::{self, OrganizationStatus};
use entity::supervision_listing::{self, SupervisionList};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{OrganizationFilter, apply_filter, current_listings};
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::page::{self, Order, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};

/// An organization as the public register shows it.
pub struct PublicEntry {
    pub organization: organization::Model,
    /// The lists it is on now.
    pub lists: Vec<SupervisionList>,
}

fn city_only(ctx: &TenantContext) -> Result<()> {
    if ctx.tenant_kind == entity::tenant::TenantKind::City {
        Ok(())
    } else {
        Err(Error::NotFound("city"))
    }
}

/// The public register of a city (anonymous): active organizations with
/// their kind, code, date and current supervision lists.
pub async fn register(
    db: &Db,
    ctx: &TenantContext,
    filter: OrganizationFilter,
    page: PageRequest<Uuid>,
) -> Result<Page<PublicEntry>> {
    city_only(ctx)?;
    let filter = OrganizationFilter {
        status: Some(OrganizationStatus::Active),
        ..filter
    };
    let query = apply_filter(organization::Entity::scoped(ctx), &filter);
    let tx = db.read(ctx).await?;
    let page = page::fetch(&tx, query, organization::Column::Id, Order::OldestFirst, page).await?;
    let ids: Vec<Uuid> = page.items.iter().map(|o| o.id).collect();
    let listings = current_listings(&tx, ctx.tenant_id, &ids).await?;
    tx.commit().await?;
    Ok(page.map(|organization| PublicEntry {
        lists: listings
            .iter()
            .filter(|l| l.organization_id == organization.id)
            .map(|l| l.list)
            .collect(),
        organization,
    }))
}

/// One organization's public record.
pub struct PublicRecord {
    pub organization: organization::Model,
    /// The lists it is on now, with the reason and date.
    pub listings: Vec<supervision_listing::Model>,
    /// Reviewed annual reports, newest first: (year, outcome).
    pub annual_reports: Vec<(i32, ReportStatus)>,
    pub funds: Vec<charity_fund::Model>,
}

/// The public record of one organization of the city, active or not (a
/// deregistered one says so).
pub async fn record(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<PublicRecord> {
    city_only(ctx)?;
    let tx = db.read(ctx).await?;
    let organization = organization::Entity::find_owned(&tx, ctx, id).await?;
    let listings = current_listings(&tx, ctx.tenant_id, &[id]).await?;
    let annual_reports = annual_report::Entity::scoped(ctx)
        .filter(annual_report::Column::OrganizationId.eq(id))
        .filter(annual_report::Column::Status.ne(ReportStatus::Submitted))
        .order_by_desc(annual_report::Column::Year)
        .all(&tx)
        .await?
        .into_iter()
        .map(|r| (r.year, r.status))
        .collect();
    let funds = charity_fund::Entity::scoped(ctx)
        .filter(charity_fund::Column::OrganizationId.eq(id))
        .order_by_asc(charity_fund::Column::Name)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(PublicRecord {
        organization,
        listings,
        annual_reports,
        funds,
    })
}
