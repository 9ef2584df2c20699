//! The relief-and-charity dashboard: referral counts, time to first help,
//! and what charity delivered (money, goods at valuation, service
//! person-times and hours) by service, district and relief category.
//! Counts and sums only, so the region sees the same figures per city
//! without a single person in them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::app_user::Role;
use entity::assistance;
use entity::disbursement;
use entity::organization;
use entity::referral::{self, ReferralStatus};
use entity::referral_need::{NeedKind, Service};
use entity::referral_target::{self, TargetStatus};
use entity::relief_benefit;
use entity::relief_case;
use entity::relief_standard::ReliefCategory;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::referrals::COUNTED_DISBURSEMENTS;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::Result;
use crate::region::RegionRead;
use crate::scoped::TenantOwned;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub money_fen: i64,
    pub goods_fen: i64,
    pub person_times: i64,
    pub hours_centi: i64,
}

impl Delivered {
    fn add(&mut self, a: &Help) {
        match a.kind {
            NeedKind::Money => self.money_fen += a.amount_fen,
            NeedKind::Goods => self.goods_fen += a.amount_fen,
            NeedKind::Service => {
                self.person_times += i64::from(a.person_times);
                self.hours_centi += a.hours_centi;
            }
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Dashboard {
    pub referrals_open: i64,
    pub referrals_closed: i64,
    pub targets_waiting: i64,
    pub targets_accepted: i64,
    pub targets_declined: i64,
    /// Sent, unanswered, past the deadline.
    pub targets_overdue: i64,
    /// Median whole days from referral to the first help, in halves (a
    /// median of an even count can end in .5); `None` with no help yet.
    pub median_half_days_to_first_help: Option<i64>,
    pub delivered: Delivered,
    pub by_service: Vec<(Service, Delivered)>,
    pub by_district: Vec<(String, Delivered)>,
    pub by_relief_category: Vec<(ReliefCategory, Delivered)>,
}

type Help = assistance::Model;

fn year_bounds(year: Option<i32>) -> Option<(NaiveDate, NaiveDate)> {
    year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1).zip(NaiveDate::from_ymd_opt(y, 12, 31)))
}

/// The city's dashboard, for its officials.
pub async fn city(db: &Db, ctx: &TenantContext, year: Option<i32>) -> Result<Dashboard> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let dashboard = compute(&tx, ctx.tenant_id, year).await?;
    tx.commit().await?;
    Ok(dashboard)
}

/// A charity that has not answered a referral past its deadline: the
/// official's queue, oldest deadline first.
pub struct OverdueTarget {
    pub case_id: Uuid,
    pub referral_id: Uuid,
    pub deadline: NaiveDate,
    pub organization: String,
    pub escalated: bool,
}

pub async fn overdue_targets(db: &Db, ctx: &TenantContext) -> Result<Vec<OverdueTarget>> {
    ctx.require_role(&[Role::CityOfficial])?;
    let today = crate::clock::today();
    let tx = db.read(ctx).await?;
    let referrals = referral::Entity::scoped(ctx)
        .filter(referral::Column::Status.eq(ReferralStatus::Open))
        .filter(referral::Column::Deadline.lt(today))
        .all(&tx)
        .await?;
    let targets = referral_target::Entity::scoped(ctx)
        .filter(referral_target::Column::ReferralId.is_in(referrals.iter().map(|r| r.id)))
        .filter(referral_target::Column::Status.eq(TargetStatus::Sent))
        .all(&tx)
        .await?;
    let names: std::collections::HashMap<Uuid, String> = organization::Entity::scoped(ctx)
        .filter(organization::Column::Id.is_in(targets.iter().map(|t| t.organization_id)))
        .all(&tx)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    tx.commit().await?;
    let mut out: Vec<OverdueTarget> = targets
        .iter()
        .filter_map(|t| {
            let r = referrals.iter().find(|r| r.id == t.referral_id)?;
            Some(OverdueTarget {
                case_id: r.case_id,
                referral_id: r.id,
                deadline: r.deadline,
                organization: names.get(&t.organization_id).cloned().unwrap_or_default(),
                escalated: t.escalated_at.is_some(),
            })
        })
        .collect();
    out.sort_by_key(|o| o.deadline);
    Ok(out)
}

/// Each city of the region, side by side.
pub async fn region(db: &Db, ctx: &TenantContext, year: Option<i32>) -> Result<Vec<(String, String, Dashboard)>> {
    let read = RegionRead::open(db, ctx).await?;
    let mut cities = Vec::with_capacity(read.cities.len());
    for city in &read.cities {
        let dashboard = compute(read.city(city).await?, city.id, year).await?;
        cities.push((city.slug.clone(), city.name.clone(), dashboard));
    }
    read.close().await?;
    Ok(cities)
}

async fn compute<C: ConnectionTrait>(conn: &C, tenant_id: Uuid, year: Option<i32>) -> Result<Dashboard> {
    let bounds = year_bounds(year);
    let today = crate::clock::today();
    let mut referrals = referral::Entity::scoped(tenant_id);
    if let Some((first, last)) = bounds {
        let (from, to) = (
            first.and_hms_opt(0, 0, 0),
            last.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
        );
        if let (Some(from), Some(to)) = (from, to) {
            // China Standard Time days: shift the UTC bounds back 8 hours.
            let shift = chrono::Duration::hours(8);
            referrals = referrals
                .filter(referral::Column::CreatedAt.gte((from - shift).and_utc()))
                .filter(referral::Column::CreatedAt.lt((to - shift).and_utc()));
        }
    }
    let referrals = referrals.all(conn).await?;
    let referral_ids: Vec<Uuid> = referrals.iter().map(|r| r.id).collect();
    let targets = if referral_ids.is_empty() {
        Vec::new()
    } else {
        referral_target::Entity::scoped(tenant_id)
            .filter(referral_target::Column::ReferralId.is_in(referral_ids))
            .all(conn)
            .await?
    };
    let mut help = assistance::Entity::scoped(tenant_id);
    if let Some((first, last)) = bounds {
        help = help.filter(assistance::Column::DeliveredOn.between(first, last));
    }
    let help = help.all(conn).await?;
    // Money through a fund counts once the disbursement was approved.
    let pending: Vec<Uuid> = {
        let ids: Vec<Uuid> = help.iter().filter_map(|h| h.disbursement_id).collect();
        if ids.is_empty() {
            Vec::new()
        } else {
            let counted: Vec<Uuid> = disbursement::Entity::scoped(tenant_id)
                .select_only()
                .column(disbursement::Column::Id)
                .filter(disbursement::Column::Id.is_in(ids.clone()))
                .filter(disbursement::Column::Status.is_in(COUNTED_DISBURSEMENTS))
                .into_tuple()
                .all(conn)
                .await?;
            ids.into_iter().filter(|id| !counted.contains(id)).collect()
        }
    };
    let help: Vec<Help> = help
        .into_iter()
        .filter(|h| h.disbursement_id.is_none_or(|d| !pending.contains(&d)))
        .collect();
    let districts: BTreeMap<Uuid, String> = relief_case::Entity::scoped(tenant_id)
        .select_only()
        .column(relief_case::Column::Id)
        .column(relief_case::Column::District)
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let benefits: Vec<(Uuid, ReliefCategory)> = relief_benefit::Entity::scoped(tenant_id)
        .select_only()
        .column(relief_benefit::Column::CaseId)
        .column(relief_benefit::Column::Category)
        .into_tuple()
        .all(conn)
        .await?;

    let mut d = Dashboard::default();
    for r in &referrals {
        match r.status {
            ReferralStatus::Open => d.referrals_open += 1,
            ReferralStatus::Closed => d.referrals_closed += 1,
        }
    }
    let closed = |referral_id: Uuid| {
        referrals
            .iter()
            .any(|r| r.id == referral_id && r.status == ReferralStatus::Closed)
    };
    for t in &targets {
        match t.status {
            // A closed case's unanswered targets wait for nothing.
            TargetStatus::Sent if closed(t.referral_id) => {}
            TargetStatus::Sent => {
                d.targets_waiting += 1;
                let deadline = referrals.iter().find(|r| r.id == t.referral_id).map(|r| r.deadline);
                if deadline.is_some_and(|dl| dl < today) {
                    d.targets_overdue += 1;
                }
            }
            // Completed help was accepted first.
            TargetStatus::Accepted | TargetStatus::Completed => d.targets_accepted += 1,
            TargetStatus::Declined => d.targets_declined += 1,
        }
    }
    // Days to the first help that counts (fund money once approved), from
    // the help itself rather than a stored date.
    let mut first: BTreeMap<Uuid, NaiveDate> = BTreeMap::new();
    for h in &help {
        let day = first.entry(h.referral_id).or_insert(h.delivered_on);
        *day = (*day).min(h.delivered_on);
    }
    let mut days: Vec<i64> = referrals
        .iter()
        .filter_map(|r| {
            first
                .get(&r.id)
                .map(|f| (*f - crate::clock::china_date(r.created_at)).num_days().max(0))
        })
        .collect();
    days.sort_unstable();
    d.median_half_days_to_first_help = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] * 2),
        n => Some(days[n / 2 - 1] + days[n / 2]),
    };
    let mut by_service: BTreeMap<String, (Service, Delivered)> = BTreeMap::new();
    let mut by_district: BTreeMap<String, Delivered> = BTreeMap::new();
    let mut by_category: BTreeMap<String, (ReliefCategory, Delivered)> = BTreeMap::new();
    for h in &help {
        d.delivered.add(h);
        if let Some(s) = h.service {
            by_service
                .entry(format!("{s:?}"))
                .or_insert((s, Delivered::default()))
                .1
                .add(h);
        }
        by_district
            .entry(districts.get(&h.case_id).cloned().unwrap_or_default())
            .or_default()
            .add(h);
        for (_, category) in benefits.iter().filter(|(case, _)| *case == h.case_id) {
            by_category
                .entry(format!("{category:?}"))
                .or_insert((*category, Delivered::default()))
                .1
                .add(h);
        }
    }
    d.by_service = by_service.into_values().collect();
    d.by_district = by_district.into_iter().collect();
    d.by_relief_category = by_category.into_values().collect();
    Ok(d)
}
