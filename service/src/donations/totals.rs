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
use sea_orm::sea_query::{
    Alias, CommonTableExpression, ExprTrait, Func, Order, Query, QueryStatementBuilder, SimpleExpr, WithClause,
};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::region::RegionRead;
use crate::scoped::TenantOwned;

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
    let query = donation_tally::Entity::scoped(tenant_id).select_only();
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
    // Campaign and channel rows (the organization rows are ranked below),
    // summed over the years asked.
    let per_subject: Vec<(Uuid, String, GiftKind, i64, i64)> = tallies(tenant_id, year)
        .filter(T::Month.eq(0))
        .filter(T::OrganizationId.eq(Uuid::nil()))
        .column(T::CampaignId)
        .column(T::Channel)
        .column(T::GiftKind)
        .column_as(Expr::cust("CAST(SUM(donation_tally.fen) AS BIGINT)"), "fen")
        .column_as(Expr::cust("CAST(SUM(donation_tally.gifts) AS BIGINT)"), "gifts")
        .group_by(T::CampaignId)
        .group_by(T::Channel)
        .group_by(T::GiftKind)
        .into_tuple()
        .all(conn)
        .await?;
    // Every confirmed entry is in exactly one month row, so the months also
    // give the overall figures.
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
    let (by_organization, organization_count) =
        top_organizations_by_money(conn, tenant_id, year, top_organizations).await?;

    let mut campaigns: BTreeMap<Uuid, Figures> = BTreeMap::new();
    // Keyed by the stored name: the enum has no order of its own.
    let mut channels: BTreeMap<String, (Channel, Figures)> = BTreeMap::new();
    for (campaign, channel, kind, fen, gifts) in per_subject {
        if !campaign.is_nil() {
            campaigns.entry(campaign).or_default().add(kind, fen, gifts);
        } else if let Ok(c) = Channel::try_from_value(&channel) {
            channels
                .entry(channel)
                .or_insert((c, Figures::default()))
                .1
                .add(kind, fen, gifts);
        }
    }
    let mut overall = Figures::default();
    let mut months: BTreeMap<String, Figures> = BTreeMap::new();
    for (year, month, kind, fen, gifts) in per_month {
        overall.add(kind, fen, gifts);
        months
            .entry(format!("{year:04}-{month:02}"))
            .or_default()
            .add(kind, fen, gifts);
    }
    let campaign_names = names_of(conn, campaigns.keys(), |ids| {
        campaign::Entity::scoped(tenant_id)
            .select_only()
            .column(campaign::Column::Id)
            .column(campaign::Column::Name)
            .filter(campaign::Column::Id.is_in(ids))
    })
    .await?;
    let mut by_campaign: Vec<_> = campaigns
        .into_iter()
        .map(|(id, f)| (id, campaign_names.get(&id).cloned().unwrap_or_default(), f))
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

/// The organizations that raised the most money, ties in order of name,
/// and how many received gifts in all. Ranked by the database, so only the
/// rows shown leave it: a city has a thousand organizations with gifts, and
/// reading them all made the dashboard slower as the city grew (issue #9).
///
/// The names decide the order among equal sums, but looking up a thousand
/// names to sort by them costs more than the sums themselves; so the sums
/// are ranked first, and only those that reach the last sum shown (the
/// `top`-th largest) are joined to their names.
async fn top_organizations_by_money<C: ConnectionTrait>(
    conn: &C,
    tenant_id: Uuid,
    year: Option<i32>,
    top: usize,
) -> Result<(Vec<(Uuid, String, Figures)>, usize)> {
    use donation_tally::Column as T;
    let sums = Alias::new("sums");
    let money = Alias::new("money_fen");
    let goods = Alias::new("goods_fen");
    let gifts = Alias::new("gifts");
    let count = Alias::new("organizations");
    // At least one row, to learn the count even when none is shown.
    let shown = u64::try_from(top.max(1)).unwrap_or(u64::MAX);

    let per_organization = Query::select()
        .columns([T::TenantId, T::OrganizationId])
        .expr_as(
            Expr::cust("CAST(SUM(CASE WHEN gift_kind = 'money' THEN fen ELSE 0 END) AS BIGINT)"),
            money.clone(),
        )
        .expr_as(
            Expr::cust("CAST(SUM(CASE WHEN gift_kind = 'goods' THEN fen ELSE 0 END) AS BIGINT)"),
            goods.clone(),
        )
        .expr_as(Expr::cust("CAST(SUM(gifts) AS BIGINT)"), gifts.clone())
        // Counted over the groups, before any limit.
        .expr_as(Expr::cust("CAST(COUNT(*) OVER () AS BIGINT)"), count.clone())
        .from(donation_tally::Entity)
        .and_where(T::TenantId.eq(tenant_id))
        .and_where(T::Month.eq(0))
        .and_where(T::OrganizationId.ne(Uuid::nil()))
        .and_where_option(year.map(|y| T::Year.eq(y)))
        .group_by_columns([T::TenantId, T::OrganizationId])
        .to_owned();
    let last_shown = Query::select()
        .column(money.clone())
        .from(sums.clone())
        .order_by(money.clone(), Order::Desc)
        .limit(1)
        .offset(shown - 1)
        .to_owned();
    let ranked = Query::select()
        .column((sums.clone(), T::OrganizationId))
        .column((organization::Entity, organization::Column::Name))
        .columns([
            (sums.clone(), money.clone()),
            (sums.clone(), goods.clone()),
            (sums.clone(), gifts.clone()),
            (sums.clone(), count.clone()),
        ])
        .from(sums.clone())
        .inner_join(
            organization::Entity,
            Expr::col((organization::Entity, organization::Column::TenantId))
                .equals((sums.clone(), T::TenantId))
                .and(
                    Expr::col((organization::Entity, organization::Column::Id))
                        .equals((sums.clone(), T::OrganizationId)),
                ),
        )
        // Fewer organizations than asked for: every one reaches the cut.
        .and_where(Expr::col((sums.clone(), money.clone())).gte(Func::coalesce([
            SimpleExpr::SubQuery(None, Box::new(last_shown.into_sub_query_statement())),
            Expr::val(i64::MIN),
        ])))
        .order_by((sums.clone(), money), Order::Desc)
        .order_by((organization::Entity, organization::Column::Name), Order::Asc)
        .limit(shown)
        .to_owned()
        .with(
            WithClause::new()
                .cte(
                    CommonTableExpression::new()
                        .query(per_organization)
                        .table_name(sums)
                        .to_owned(),
                )
                .to_owned(),
        );
    let rows = conn.query_all_raw(conn.get_database_backend().build(&ranked)).await?;
    let mut organizations = 0;
    let mut by_organization = Vec::new();
    for row in rows {
        organizations = row.try_get_by_index::<i64>(5)?;
        by_organization.push((
            row.try_get_by_index::<Uuid>(0)?,
            row.try_get_by_index::<String>(1)?,
            Figures {
                money_fen: row.try_get_by_index(2)?,
                goods_fen: row.try_get_by_index(3)?,
                gifts: row.try_get_by_index(4)?,
            },
        ));
    }
    by_organization.truncate(top);
    Ok((by_organization, usize::try_from(organizations).unwrap_or(usize::MAX)))
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
    let read = RegionRead::open(db, ctx).await?;
    let mut cities = Vec::with_capacity(read.cities.len());
    for city in &read.cities {
        // Every confirmed entry is in exactly one month row.
        let rows: Vec<(GiftKind, i64, i64)> = tallies(city.id, year)
            .filter(donation_tally::Column::Month.gt(0))
            .column(donation_tally::Column::GiftKind)
            .column_as(Expr::cust("CAST(SUM(fen) AS BIGINT)"), "fen")
            .column_as(Expr::cust("CAST(SUM(gifts) AS BIGINT)"), "gifts")
            .group_by(donation_tally::Column::GiftKind)
            .into_tuple()
            .all(read.city(city).await?)
            .await?;
        let mut figures = Figures::default();
        for (kind, fen, gifts) in rows {
            figures.add(kind, fen, gifts);
        }
        cities.push((city.slug.clone(), city.name.clone(), figures));
    }
    read.close().await?;
    Ok(cities)
}
