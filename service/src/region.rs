//! Region-level supervision: counts and sums across the region's cities,
//! never rows. Each city's figures are read in a transaction bound to that
//! city, so row-level security applies as for the city's own officials.

use entity::app_user::{self, Role};
use entity::organization::OrganizationKind;
use entity::tenant;
use sea_orm::{DatabaseTransaction, PaginatorTrait};

use crate::context::TenantContext;
use crate::db::{Db, bind_tenant};
use crate::error::Result;
use crate::organizations;
use crate::scoped::TenantOwned;
use crate::tenants;

/// A read of every city of the caller's region (region officials only),
/// in division-code order. One read transaction serves them all, its
/// row-level-security setting pointed at each city in turn by
/// [`RegionRead::city`]: one BEGIN and COMMIT for the region, not one per
/// city. The cities are listed before it begins: asking the pool for a
/// second connection while holding one could wait forever under load.
pub(crate) struct RegionRead {
    tx: DatabaseTransaction,
    pub cities: Vec<tenant::Model>,
}

impl RegionRead {
    pub async fn open(db: &Db, ctx: &TenantContext) -> Result<Self> {
        ctx.require_role(&[Role::RegionOfficial])?;
        let cities = tenants::cities_of(db, ctx.tenant_id).await?;
        let tx = db.read(ctx).await?;
        Ok(Self { tx, cities })
    }

    /// The transaction, bound to `city` until the next call.
    pub async fn city(&self, city: &tenant::Model) -> Result<&DatabaseTransaction> {
        bind_tenant(&self.tx, city.id).await?;
        Ok(&self.tx)
    }

    pub async fn close(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

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
    let read = RegionRead::open(db, ctx).await?;
    let region = tenants::find_by_id(db, ctx.tenant_id).await?;
    let mut cities = Vec::with_capacity(read.cities.len());
    for city in &read.cities {
        let tx = read.city(city).await?;
        let users = app_user::Entity::scoped(city).count(tx).await?;
        let counts = organizations::city_counts(tx, city.id).await?;
        cities.push(CityFigures {
            city: city.clone(),
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
    read.close().await?;
    Ok(RegionOverview { region, cities })
}
