//! Nested lists for many parents at once, for GraphQL's per-request
//! DataLoaders: a page of fifty organizations with their histories is one
//! transaction and one query per list, not one transaction per organization.
//!
//! Each function checks the caller's role as the one-parent reads do, stays
//! in the caller's tenant, and leaves out parents the caller may not see
//! (org staff see only their own organization): such a parent gets no entry,
//! as does one without rows. The rows of each parent come in the order the
//! one-parent read gives them.

use std::collections::HashMap;

use entity::app_user::Role;
use entity::{
    annual_report, fee_reduction_line, fee_reduction_report, fee_reduction_report_version, organization_version,
    supervision_listing,
};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::organizations::annual_reports::{ReportWithDue, due_date, kinds_of};
use crate::scoped::TenantOwned;

/// The organizations of `ids` the caller may read: all of them for a city
/// official, only their own for org staff.
fn visible_organizations(ctx: &TenantContext, ids: &[Uuid]) -> Result<Vec<Uuid>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| role != Role::OrgStaff || ctx.organization_id() == Some(*id))
        .collect())
}

fn group<K: std::hash::Hash + Eq, T>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut groups: HashMap<K, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

/// Every version of each organization's registered items, oldest first
/// (as [`crate::organizations::history`]).
pub async fn organization_histories(
    db: &Db,
    ctx: &TenantContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<organization_version::Model>>> {
    let ids = visible_organizations(ctx, ids)?;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let tx = db.read(ctx).await?;
    let rows = organization_version::Entity::scoped(ctx)
        .filter(organization_version::Column::OrganizationId.is_in(ids))
        .order_by_asc(organization_version::Column::Version)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(group(rows, |r| r.organization_id))
}

/// Each organization's supervision listings, current and past, newest
/// first (as [`crate::organizations::supervision::listings`]).
pub async fn organization_listings(
    db: &Db,
    ctx: &TenantContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<supervision_listing::Model>>> {
    let ids = visible_organizations(ctx, ids)?;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let tx = db.read(ctx).await?;
    let rows = supervision_listing::Entity::scoped(ctx)
        .filter(supervision_listing::Column::OrganizationId.is_in(ids))
        .order_by_desc(supervision_listing::Column::ListedOn)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(group(rows, |r| r.organization_id))
}

/// Each organization's annual reports with their due dates, the first
/// `per_organization` by id (as [`crate::organizations::annual_reports::list`]
/// for one organization).
pub async fn organization_annual_reports(
    db: &Db,
    ctx: &TenantContext,
    ids: &[Uuid],
    per_organization: usize,
) -> Result<HashMap<Uuid, Vec<ReportWithDue>>> {
    let ids = visible_organizations(ctx, ids)?;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let tx = db.read(ctx).await?;
    let reports = annual_report::Entity::scoped(ctx)
        .filter(annual_report::Column::OrganizationId.is_in(ids.clone()))
        .order_by_asc(annual_report::Column::Id)
        .all(&tx)
        .await?;
    let kinds = kinds_of(&tx, ctx, ids).await?;
    tx.commit().await?;
    let mut groups = group(reports, |r| r.organization_id);
    Ok(groups
        .drain()
        .map(|(org, reports)| {
            let with_due = reports
                .into_iter()
                .take(per_organization)
                .map(|report| ReportWithDue {
                    due_on: kinds.get(&org).and_then(|&kind| due_date(kind, report.year)),
                    report,
                })
                .collect();
            (org, with_due)
        })
        .collect())
}

/// The reports of `ids` in the caller's tenant that the caller may read.
async fn visible_fee_reports<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    ids: &[Uuid],
) -> Result<Vec<Uuid>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = fee_reduction_report::Entity::scoped(ctx)
        .select_only()
        .column(fee_reduction_report::Column::Id)
        .filter(fee_reduction_report::Column::Id.is_in(ids.iter().copied()));
    if role == Role::OrgStaff {
        query = query.filter(fee_reduction_report::Column::OrganizationId.eq(ctx.organization_id()));
    }
    Ok(query.into_tuple::<Uuid>().all(conn).await?)
}

/// Each fee-reduction report's lines, by position (as
/// [`crate::fee_reductions::report`]).
pub async fn fee_report_lines(
    db: &Db,
    ctx: &TenantContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<fee_reduction_line::Model>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let tx = db.read(ctx).await?;
    let visible = visible_fee_reports(&tx, ctx, ids).await?;
    let rows = fee_reduction_line::Entity::scoped(ctx)
        .filter(fee_reduction_line::Column::ReportId.is_in(visible))
        .order_by_asc(fee_reduction_line::Column::Position)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(group(rows, |r| r.report_id))
}

/// Every submitted version of each fee-reduction report, oldest first (as
/// [`crate::fee_reductions::history`]).
pub async fn fee_report_histories(
    db: &Db,
    ctx: &TenantContext,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<fee_reduction_report_version::Model>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let tx = db.read(ctx).await?;
    let visible = visible_fee_reports(&tx, ctx, ids).await?;
    let rows = fee_reduction_report_version::Entity::scoped(ctx)
        .filter(fee_reduction_report_version::Column::ReportId.is_in(visible))
        .order_by_asc(fee_reduction_report_version::Column::Version)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(group(rows, |r| r.report_id))
}
