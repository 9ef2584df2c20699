//! Social organizations. The registration workflow builds on this; for now
//! officials read their city's organizations and staff read their own.

use entity::app_user::Role;
use entity::organization;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::page::{Page, PageRequest};

/// Officials see every organization of their city; staff only their own.
/// Anything else, including another city's id, is NOT_FOUND.
pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<organization::Model> {
    let role = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    if role == Role::OrgStaff && ctx.organization_id() != Some(id) {
        return Err(Error::NotFound("organization"));
    }
    let tx = db.read(ctx).await?;
    let org = organization::Entity::find_by_id((ctx.tenant_id, id))
        .one(&tx)
        .await?
        .ok_or(Error::NotFound("organization"))?;
    tx.commit().await?;
    Ok(org)
}

pub async fn list(db: &Db, ctx: &TenantContext, page: PageRequest<Uuid>) -> Result<Page<organization::Model>> {
    let role = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = organization::Entity::find().filter(organization::Column::TenantId.eq(ctx.tenant_id));
    if role == Role::OrgStaff {
        query = query.filter(organization::Column::Id.eq(ctx.organization_id()));
    }
    if let Some(after) = page.after {
        query = query.filter(organization::Column::Id.gt(after));
    }
    let tx = db.read(ctx).await?;
    let rows = query
        .order_by_asc(organization::Column::Id)
        .limit(page.first + 1)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(Page::from_overfetch(rows, page.first))
}
