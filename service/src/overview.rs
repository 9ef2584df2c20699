//! A city's public overview: what anyone may know at a glance, counts and
//! sums only.

use entity::charity_fund;
use entity::tenant;
use sea_orm::QuerySelect;
use sea_orm::sea_query::Expr;

use crate::audit::{self, ChainHead};
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::organizations;
use crate::scoped::TenantOwned;
use crate::tenants;

pub struct CityOverview {
    pub city: tenant::Model,
    pub active_organizations: u64,
    pub charities: u64,
    pub public_fundraising: u64,
    pub funds: i64,
    pub funds_raised_fen: i64,
    pub funds_disbursed_fen: i64,
    pub campaigns: usize,
    pub campaigns_money_fen: i64,
    pub campaigns_goods_fen: i64,
    /// The head of the city's audit chain, for anyone to note and compare.
    pub chain: ChainHead,
}

pub async fn city(db: &Db, ctx: &TenantContext) -> Result<CityOverview> {
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.read(ctx).await?;
    let counts = organizations::city_counts(&tx, ctx.tenant_id).await?;
    let funds: Option<(i64, Option<i64>, Option<i64>)> = charity_fund::Entity::scoped(ctx)
        .select_only()
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .column_as(Expr::cust("CAST(SUM(raised_fen) AS BIGINT)"), "raised")
        .column_as(Expr::cust("CAST(SUM(disbursed_fen) AS BIGINT)"), "disbursed")
        .into_tuple()
        .one(&tx)
        .await?;
    tx.commit().await?;
    let (funds, raised, disbursed) = funds.unwrap_or_default();
    let campaigns = crate::donations::campaigns::list(db, ctx).await?;
    Ok(CityOverview {
        city,
        active_organizations: counts.active,
        charities: counts.charities,
        public_fundraising: counts.public_fundraising,
        funds,
        funds_raised_fen: raised.unwrap_or(0),
        funds_disbursed_fen: disbursed.unwrap_or(0),
        campaigns: campaigns.len(),
        campaigns_money_fen: campaigns.iter().map(|c| c.money_fen).sum(),
        campaigns_goods_fen: campaigns.iter().map(|c| c.goods_fen).sum(),
        chain: audit::head(db, ctx).await?,
    })
}
