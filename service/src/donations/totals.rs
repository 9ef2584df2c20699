//! Donation totals for officials and the region: money and goods apart, by
//! organization, campaign, channel and month. They are read from the
//! running tallies (`donation_tally`) that each confirmation and void keeps
//! in its own transaction, so a dashboard reads a few rows per organization
//! instead of a year of gifts. Sums are integer fen (cast back to BIGINT,
//! since PostgreSQL widens SUM(bigint) to numeric), so a million gifts of
//! 0.01 add up to exactly 10,000.00.

use std::collections::BTreeMap;

use entity::app_user::Role;
use entity::donation::{Channel, GiftKind};
use entity::{campaign, donation_tally, organization};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::{Db, bind_tenant};
use crate::error::Result;
use crate::tenants;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub money_fen: i64,
    pub goods_fen: i64,
    /// Gifts counted, voided ones excluded.
    pub gifts: i64,
}

impl Figures {
    fn add(&mut self, kind: GiftKind, fen: i64, gifts: i64) {
        match kind {
            GiftKind::Money => self.money_fen += fen,
            GiftKind::Goods => self.goods_fen += fen,
        }
        self.gifts += gifts;
    }
}

pub struct Totals {
    pub overall: Figures,
    /// The organizations that raised the most money, as many as asked for.
    pub by_organization: Vec<(Uuid, String, Figures)>,
    /// How many organizations received gifts in all.
    pub organization_count: usize,
    pub by_campaign: Vec<(Uuid, String, Figures)>,
    /// Money only: goods come through no channel.
    pub by_channel: Vec<(Channel, Figures)>,
    /// `YYYY-MM`, oldest first.
    pub by_month: Vec<(String, Figures)>,
}

/// The tallies of the tenant, of one year if given.
fn tallies(tenant_id: Uuid, year: Option<i32>) -> Select<donation_tally::Entity> {
    let query = donation_tally::Entity::find()
        .select_only()
        .filter(donation_tally::Column::TenantId.eq(tenant_id));
    match year {
        Some(year) => query.filter(donation_tally::Column::Year.eq(year)),
        None => query,
    }
}

/// The city's totals, for its officials, with the `top_organizations`
/// that raised the most money.
pub async fn city(db: &Db, ctx: &TenantContext, year: Option<i32>, top_organizations: usize) -> Result<Totals> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let totals = compute(&tx, ctx.tenant_id, year, top_organizations).await?;
    tx.commit().await?;
    Ok(totals)
}

async fn compute<C: ConnectionTrait>(
    conn: &C,
    tenant_id: Uuid,
    year: Option<i32>,
    top_organizations: usize,
) -> Result<Totals> {
    use donation_tally::Column as T;
    // Organization, campaign and channel rows, summed over the years asked.
    let per_subject: Vec<(Uuid, Uuid, String, GiftKind, i64, i64)> = tallies(tenant_id, year)
        .filter(T::Month.eq(0))
        .column(T::OrganizationId)
        .column(T::CampaignId)
        .column(T::Channel)
        .column(T::GiftKind)
        .column_as(Expr::cust("CAST(SUM(fen) AS BIGINT)"), "fen")
        .column_as(Expr::cust("CAST(SUM(gifts) AS BIGINT)"), "gifts")
        .group_by(T::OrganizationId)
        .group_by(T::CampaignId)
        .group_by(T::Channel)
        .group_by(T::GiftKind)
        .into_tuple()
        .all(conn)
        .await?;
    let per_month: Vec<(i32, i32, GiftKind, i64, i64)> = tallies(tenant_id, year)
        .filter(T::Month.gt(0))
        .column(T::Year)
        .column(T::Month)
        .column(T::GiftKind)
        .column(T::Fen)
        .column(T::Gifts)
        .into_tuple()
        .all(conn)
        .await?;

    let mut overall = Figures::default();
    let mut orgs: BTreeMap<Uuid, Figures> = BTreeMap::new();
    let mut campaigns: BTreeMap<Uuid, Figures> = BTreeMap::new();
    // Keyed by the stored name: the enum has no order of its own.
    let mut channels: BTreeMap<String, (Channel, Figures)> = BTreeMap::new();
    for (org, campaign, channel, kind, fen, gifts) in per_subject {
        if !org.is_nil() {
            overall.add(kind, fen, gifts);
            orgs.entry(org).or_default().add(kind, fen, gifts);
        } else if !campaign.is_nil() {
            campaigns.entry(campaign).or_default().add(kind, fen, gifts);
        } else if let Ok(c) = Channel::try_from_value(&channel) {
            channels
                .entry(channel)
                .or_insert((c, Figures::default()))
                .1
                .add(kind, fen, gifts);
        }
    }
    let mut months: BTreeMap<String, Figures> = BTreeMap::new();
    for (year, month, kind, fen, gifts) in per_month {
        months
            .entry(format!("{year:04}-{month:02}"))
            .or_default()
            .add(kind, fen, gifts);
    }

    // Only the organizations shown are named: a city has thousands. Those
    // tied with the last one shown are named too, so that the order among
    // equal sums is by name whatever the cut.
    let organization_count = orgs.len();
    let mut ranked: Vec<(Uuid, Figures)> = orgs.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1.money_fen));
    match top_organizations.checked_sub(1).map(|i| ranked.get(i)) {
        None => ranked.clear(),
        Some(None) => {} // fewer than asked for: all of them
        Some(Some(&(_, last))) => {
            let cut = ranked
                .iter()
                .position(|r| r.1.money_fen < last.money_fen)
                .unwrap_or(ranked.len());
            ranked.truncate(cut);
        }
    }
    let org_names = names_of(conn, ranked.iter().map(|(id, _)| id), |ids| {
        organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .column(organization::Column::Name)
            .filter(organization::Column::TenantId.eq(tenant_id))
            .filter(organization::Column::Id.is_in(ids))
    })
    .await?;
    let campaign_names = names_of(conn, campaigns.keys(), |ids| {
        campaign::Entity::find()
            .select_only()
            .column(campaign::Column::Id)
            .column(campaign::Column::Name)
            .filter(campaign::Column::TenantId.eq(tenant_id))
            .filter(campaign::Column::Id.is_in(ids))
    })
    .await?;
    let label = |map: &BTreeMap<Uuid, String>, id: &Uuid| map.get(id).cloned().unwrap_or_default();
    let mut by_organization: Vec<_> = ranked
        .into_iter()
        .map(|(id, f)| (id, label(&org_names, &id), f))
        .collect();
    by_organization.sort_by(|a, b| b.2.money_fen.cmp(&a.2.money_fen).then_with(|| a.1.cmp(&b.1)));
    by_organization.truncate(top_organizations);
    let mut by_campaign: Vec<_> = campaigns
        .into_iter()
        .map(|(id, f)| (id, label(&campaign_names, &id), f))
        .collect();
    by_campaign.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Totals {
        overall,
        by_organization,
        organization_count,
        by_campaign,
        by_channel: channels.into_values().collect(),
        by_month: months.into_iter().collect(),
    })
}

/// Names by id, fetched in chunks that stay under SQLite's limit on bound
/// parameters however many organizations received gifts.
async fn names_of<'a, C, E, F>(
    conn: &C,
    ids: impl Iterator<Item = &'a Uuid>,
    query: F,
) -> Result<BTreeMap<Uuid, String>>
where
    C: ConnectionTrait,
    E: EntityTrait,
    F: Fn(Vec<Uuid>) -> Select<E>,
{
    let ids: Vec<Uuid> = ids.copied().collect();
    let mut names = BTreeMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(Uuid, String)> = query(chunk.to_vec()).into_tuple().all(conn).await?;
        names.extend(rows);
    }
    Ok(names)
}

/// The region's cities side by side: sums only, never a donor.
pub async fn region(db: &Db, ctx: &TenantContext, year: Option<i32>) -> Result<Vec<(String, String, Figures)>> {
    ctx.require_role(&[Role::RegionOfficial])?;
    // One read transaction, its row-level-security setting pointed at each
    // city in turn: one BEGIN and COMMIT for the region, not one per city.
    // The cities first: the transaction below holds a pooled connection,
    // and asking the pool for another while holding it could wait forever
    // under load.
    let region_cities = tenants::cities_of(db, ctx.tenant_id).await?;
    let tx = db.read(ctx).await?;
    let mut cities = Vec::new();
    for city in region_cities {
        bind_tenant(&tx, city.id).await?;
        // Every confirmed entry is in exactly one month row.
        let rows: Vec<(GiftKind, i64, i64)> = tallies(city.id, year)
            .filter(donation_tally::Column::Month.gt(0))
            .column(donation_tally::Column::GiftKind)
            .column_as(Expr::cust("CAST(SUM(fen) AS BIGINT)"), "fen")
            .column_as(Expr::cust("CAST(SUM(gifts) AS BIGINT)"), "gifts")
            .group_by(donation_tally::Column::GiftKind)
            .into_tuple()
            .all(&tx)
            .await?;
        let mut figures = Figures::default();
        for (kind, fen, gifts) in rows {
            figures.add(kind, fen, gifts);
        }
        cities.push((city.slug, city.name, figures));
    }
    tx.commit().await?;
    Ok(cities)
}
