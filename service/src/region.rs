//! Region-level supervision: counts and sums across the region's cities,
//! never rows. Each city's figures are read in a transaction bound to that
//! city, so row-level security applies as for the city's own officials.

use entity::app_user::{self, Role};
use entity::{organization, tenant};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::tenants;

pub struct CityFigures {
    pub city: tenant::Model,
    pub organizations: u64,
    pub users: u64,
}

pub struct RegionOverview {
    pub region: tenant::Model,
    pub cities: Vec<CityFigures>,
}

pub async fn overview(db: &Db, ctx: &TenantContext) -> Result<RegionOverview> {
    ctx.require_role(&[Role::RegionOfficial])?;
    let region = tenants::find_by_id(db, ctx.tenant_id).await?;
    let mut cities = Vec::new();
    for city in tenants::cities_of(db, region.id).await? {
        let tx = db.begin_for(city.id, false).await?;
        let organizations = organization::Entity::find()
            .filter(organization::Column::TenantId.eq(city.id))
            .count(&tx)
            .await?;
        let users = app_user::Entity::find()
            .filter(app_user::Column::TenantId.eq(city.id))
            .count(&tx)
            .await?;
        tx.commit().await?;
        cities.push(CityFigures {
            city,
            organizations,
            users,
        });
    }
    Ok(RegionOverview { region, cities })
}
