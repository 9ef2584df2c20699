//! Donation totals for officials and the region: money and goods apart, by
//! organization, campaign, channel and month. Sums run in the database over
//! integer fen (cast back to BIGINT, since PostgreSQL widens SUM(bigint) to
//! numeric), so a million gifts of 0.01 add up to exactly 10,000.00.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use entity::app_user::Role;
use entity::campaign;
use entity::donation::{self, Channel, DonationStatus, GiftKind};
use entity::organization;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::tenants;

/// `SUM(amount_fen)` as a BIGINT on both databases.
pub(crate) fn sum_fen() -> SimpleExpr {
    Expr::cust("CAST(SUM(amount_fen) AS BIGINT)")
}

/// Gifts minus voids: a voided gift and its reversal cancel out.
pub(crate) fn net_count() -> SimpleExpr {
    Expr::cust("CAST(SUM(CASE WHEN entry = 'gift' THEN 1 ELSE -1 END) AS BIGINT)")
}

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
    pub by_organization: Vec<(Uuid, String, Figures)>,
    pub by_campaign: Vec<(Uuid, String, Figures)>,
    /// Money only: goods come through no channel.
    pub by_channel: Vec<(Channel, Figures)>,
    /// `YYYY-MM`, oldest first.
    pub by_month: Vec<(String, Figures)>,
}

/// Confirmed ledger entries of the tenant, of one year if given.
fn ledger(tenant_id: Uuid, year: Option<i32>) -> Select<donation::Entity> {
    let mut query = donation::Entity::find()
        .select_only()
        .filter(donation::Column::TenantId.eq(tenant_id))
        .filter(donation::Column::Status.eq(DonationStatus::Confirmed));
    if let Some((first, last)) =
        year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1).zip(NaiveDate::from_ymd_opt(y, 12, 31)))
    {
        query = query.filter(donation::Column::ReceivedOn.between(first, last));
    }
    query
}

/// The city's totals, for its officials.
pub async fn city(db: &Db, ctx: &TenantContext, year: Option<i32>) -> Result<Totals> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let totals = compute(&tx, ctx.tenant_id, year).await?;
    tx.commit().await?;
    Ok(totals)
}

async fn compute<C: ConnectionTrait>(conn: &C, tenant_id: Uuid, year: Option<i32>) -> Result<Totals> {
    let by_kind = |column: donation::Column| {
        ledger(tenant_id, year)
            .column(column)
            .column(donation::Column::GiftKind)
            .column_as(sum_fen(), "fen")
            .column_as(net_count(), "gifts")
            .group_by(column)
            .group_by(donation::Column::GiftKind)
    };
    let per_org: Vec<(Uuid, GiftKind, i64, i64)> =
        by_kind(donation::Column::OrganizationId).into_tuple().all(conn).await?;
    let per_campaign: Vec<(Option<Uuid>, GiftKind, i64, i64)> =
        by_kind(donation::Column::CampaignId).into_tuple().all(conn).await?;
    let per_day: Vec<(NaiveDate, GiftKind, i64, i64)> =
        by_kind(donation::Column::ReceivedOn).into_tuple().all(conn).await?;
    let per_channel: Vec<(Option<Channel>, i64, i64)> = ledger(tenant_id, year)
        .filter(donation::Column::GiftKind.eq(GiftKind::Money))
        .column(donation::Column::Channel)
        .column_as(sum_fen(), "fen")
        .column_as(net_count(), "gifts")
        .group_by(donation::Column::Channel)
        .into_tuple()
        .all(conn)
        .await?;

    let names = |rows: Vec<(Uuid, String)>| rows.into_iter().collect::<BTreeMap<_, _>>();
    let org_names = names(
        organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .column(organization::Column::Name)
            .filter(organization::Column::TenantId.eq(tenant_id))
            .into_tuple()
            .all(conn)
            .await?,
    );
    let campaign_names = names(
        campaign::Entity::find()
            .select_only()
            .column(campaign::Column::Id)
            .column(campaign::Column::Name)
            .filter(campaign::Column::TenantId.eq(tenant_id))
            .into_tuple()
            .all(conn)
            .await?,
    );

    let mut overall = Figures::default();
    let mut orgs: BTreeMap<Uuid, Figures> = BTreeMap::new();
    for (org, kind, fen, gifts) in per_org {
        overall.add(kind, fen, gifts);
        orgs.entry(org).or_default().add(kind, fen, gifts);
    }
    let mut campaigns: BTreeMap<Uuid, Figures> = BTreeMap::new();
    for (campaign, kind, fen, gifts) in per_campaign {
        if let Some(c) = campaign {
            campaigns.entry(c).or_default().add(kind, fen, gifts);
        }
    }
    let mut months: BTreeMap<String, Figures> = BTreeMap::new();
    for (day, kind, fen, gifts) in per_day {
        let month = format!("{:04}-{:02}", day.year(), day.month());
        months.entry(month).or_default().add(kind, fen, gifts);
    }
    let label = |map: &BTreeMap<Uuid, String>, id: &Uuid| map.get(id).cloned().unwrap_or_default();
    let mut by_organization: Vec<_> = orgs
        .into_iter()
        .map(|(id, f)| (id, label(&org_names, &id), f))
        .collect();
    by_organization.sort_by(|a, b| b.2.money_fen.cmp(&a.2.money_fen).then_with(|| a.1.cmp(&b.1)));
    let mut by_campaign: Vec<_> = campaigns
        .into_iter()
        .map(|(id, f)| (id, label(&campaign_names, &id), f))
        .collect();
    by_campaign.sort_by(|a, b| a.1.cmp(&b.1));
    let by_channel = per_channel
        .into_iter()
        .filter_map(|(channel, fen, gifts)| {
            channel.map(|c| {
                let mut f = Figures::default();
                f.add(GiftKind::Money, fen, gifts);
                (c, f)
            })
        })
        .collect();
    Ok(Totals {
        overall,
        by_organization,
        by_campaign,
        by_channel,
        by_month: months.into_iter().collect(),
    })
}

/// The region's cities side by side: sums only, never a donor.
pub async fn region(db: &Db, ctx: &TenantContext, year: Option<i32>) -> Result<Vec<(String, String, Figures)>> {
    ctx.require_role(&[Role::RegionOfficial])?;
    let mut cities = Vec::new();
    for city in tenants::cities_of(db, ctx.tenant_id).await? {
        let tx = db.begin_for(city.id, false).await?;
        let rows: Vec<(GiftKind, i64, i64)> = ledger(city.id, year)
            .column(donation::Column::GiftKind)
            .column_as(sum_fen(), "fen")
            .column_as(net_count(), "gifts")
            .group_by(donation::Column::GiftKind)
            .into_tuple()
            .all(&tx)
            .await?;
        tx.commit().await?;
        let mut figures = Figures::default();
        for (kind, fen, gifts) in rows {
            figures.add(kind, fen, gifts);
        }
        cities.push((city.slug, city.name, figures));
    }
    Ok(cities)
}
