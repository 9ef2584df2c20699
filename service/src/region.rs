//! Region-level supervision: counts and sums across the region's cities,
//! never rows. Each city's figures are read in a transaction bound to that
//! city, so row-level security applies as for the city's own officials.

use entity::app_user::{self, Role};
use entity::organization::OrganizationKind;
use entity::tenant;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::organizations;
use crate::tenants;

pub struct CityFigures {
    pub city: tenant::Model,
    pub users: u64,
    /// Active organizations, by kind.
    pub organizations_by_kind: Vec<(OrganizationKind, u64)>,
    pub active_organizations: u64,
    pub deregistered_organizations: u64,
    pub industry_associations: u64,
    pub charities: u64,
    pub public_fundraising: u64,
    pub abnormal_listed: u64,
    pub serious_listed: u64,
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
        let users = app_user::Entity::find()
            .filter(app_user::Column::TenantId.eq(city.id))
            .count(&tx)
            .await?;
        let counts = organizations::city_counts(&tx, city.id).await?;
        tx.commit().await?;
        cities.push(CityFigures {
            city,
            users,
            organizations_by_kind: counts.by_kind,
            active_organizations: counts.active,
            deregistered_organizations: counts.deregistered,
            industry_associations: counts.industry_associations,
            charities: counts.charities,
            public_fundraising: counts.public_fundraising,
            abnormal_listed: counts.abnormal,
            serious_listed: counts.serious,
        });
    }
    Ok(RegionOverview { region, cities })
}
