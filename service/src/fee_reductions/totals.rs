//! Totals of a period: per association, measure and fee item, with who
//! reported and who did not; and the region's roll-up across its cities.
//! Sums run over integer fen in Rust, so they are exact on both databases.

use std::collections::{BTreeMap, HashMap, HashSet};

use entity::app_user::Role;
use entity::fee_reduction_line::{self, FeeItem, Measure};
use entity::fee_reduction_period;
use entity::fee_reduction_report::{self, FeeReportStatus};
use entity::organization;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use uuid::Uuid;

use super::{associations, find_period};
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::region::RegionRead;
use crate::scoped::TenantOwned;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sum {
    pub amount: Money,
    /// Enterprises reached: per measure or fee item, the lines' sum; per
    /// report and in the total, each enterprise once.
    pub enterprises: i64,
    pub lines: i64,
}

impl Sum {
    fn add(&mut self, fen: i64, enterprises: i32) -> Result<()> {
        self.amount = self
            .amount
            .checked_add(Money::from_fen(fen))
            .ok_or_else(|| Error::internal(anyhow::anyhow!("fee-reduction total overflows")))?;
        self.enterprises += i64::from(enterprises);
        self.lines += 1;
        Ok(())
    }
}

pub struct AssociationTotal {
    pub organization: organization::Model,
    /// `None` when it has not reported.
    pub status: Option<FeeReportStatus>,
    pub sum: Sum,
    pub refunded: Money,
    pub enterprises_refunded: i64,
    pub irregular_charges_found: i64,
    /// Filed after the due date (China Standard Time), or past it and not
    /// filed at all.
    pub late: bool,
}

pub struct PeriodTotals {
    pub period: fee_reduction_period::Model,
    /// Over approved reports.
    pub total: Sum,
    pub by_measure: Vec<(Measure, Sum)>,
    pub by_fee_item: Vec<(FeeItem, Sum)>,
    pub associations: Vec<AssociationTotal>,
    pub asked: usize,
    /// Submitted or approved.
    pub reported: usize,
    /// Asked, and not (yet) submitted.
    pub not_reported: usize,
    pub approved: usize,
    pub refunded: Money,
    pub enterprises_refunded: i64,
    pub irregular_charges_found: i64,
    /// Past the due date without a submitted report.
    pub late: bool,
}

/// The member enterprises a report reached, each once: as it states, else
/// its widest line's (the least it can be). `lines` may hold other
/// reports' lines too.
pub(crate) fn reached(report: &fee_reduction_report::Model, lines: &[fee_reduction_line::Model]) -> i64 {
    let widest = lines
        .iter()
        .filter(|l| l.report_id == report.id)
        .map(|l| l.enterprises)
        .max()
        .unwrap_or(0);
    i64::from(report.enterprises_benefited.unwrap_or(widest))
}

/// Whether a report counts as filed.
fn filed(status: FeeReportStatus) -> bool {
    matches!(status, FeeReportStatus::Submitted | FeeReportStatus::Approved)
}

/// Active associations without a filed report for the period.
pub(crate) async fn not_reported<C: ConnectionTrait>(
    conn: &C,
    tenant_id: Uuid,
    period_id: Uuid,
) -> Result<Vec<organization::Model>> {
    let reports = fee_reduction_report::Entity::scoped(tenant_id)
        .filter(fee_reduction_report::Column::PeriodId.eq(period_id))
        .all(conn)
        .await?;
    let filed_by: HashSet<Uuid> = reports
        .iter()
        .filter(|r| filed(r.status))
        .map(|r| r.organization_id)
        .collect();
    Ok(associations(conn, tenant_id)
        .await?
        .into_iter()
        .filter(|o| !filed_by.contains(&o.id))
        .collect())
}

pub async fn period_totals(db: &Db, ctx: &TenantContext, period_id: Uuid) -> Result<PeriodTotals> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let totals = compute(&tx, ctx.tenant_id, find_period(&tx, ctx, period_id).await?).await?;
    tx.commit().await?;
    Ok(totals)
}

async fn compute<C: ConnectionTrait>(
    conn: &C,
    tenant_id: Uuid,
    period: fee_reduction_period::Model,
) -> Result<PeriodTotals> {
    let reports = fee_reduction_report::Entity::scoped(tenant_id)
        .filter(fee_reduction_report::Column::PeriodId.eq(period.id))
        .all(conn)
        .await?;
    let approved_ids: Vec<Uuid> = reports
        .iter()
        .filter(|r| r.status == FeeReportStatus::Approved)
        .map(|r| r.id)
        .collect();
    let lines = if approved_ids.is_empty() {
        Vec::new()
    } else {
        fee_reduction_line::Entity::scoped(tenant_id)
            .filter(fee_reduction_line::Column::ReportId.is_in(approved_ids.iter().copied()))
            .all(conn)
            .await?
    };
    let mut total = Sum::default();
    let mut by_measure: BTreeMap<String, (Measure, Sum)> = BTreeMap::new();
    let mut by_fee_item: BTreeMap<String, (FeeItem, Sum)> = BTreeMap::new();
    let mut by_report: BTreeMap<Uuid, Sum> = BTreeMap::new();
    for line in &lines {
        total.add(line.amount_fen, line.enterprises)?;
        by_measure
            .entry(format!("{:?}", line.measure))
            .or_insert((line.measure, Sum::default()))
            .1
            .add(line.amount_fen, line.enterprises)?;
        by_fee_item
            .entry(format!("{:?}", line.fee_item))
            .or_insert((line.fee_item, Sum::default()))
            .1
            .add(line.amount_fen, line.enterprises)?;
        by_report
            .entry(line.report_id)
            .or_default()
            .add(line.amount_fen, line.enterprises)?;
    }
    // Enterprises reached count once per report, not once per line: one
    // enterprise spared membership and training fees is one enterprise. A
    // report that does not say is counted at its widest line's reach.
    total.enterprises = 0;
    for report in reports.iter().filter(|r| r.status == FeeReportStatus::Approved) {
        let reached = reached(report, &lines);
        total.enterprises += reached;
        if let Some(sum) = by_report.get_mut(&report.id) {
            sum.enterprises = reached;
        }
    }
    // Everyone asked, plus any organization that reported and has since
    // stopped being an active association: its approved lines are in the
    // total, so it must be in the rows too.
    let mut associations_of_city = associations(conn, tenant_id).await?;
    let asked = associations_of_city.len();
    let asked_ids: HashSet<Uuid> = associations_of_city.iter().map(|o| o.id).collect();
    let others: Vec<Uuid> = reports
        .iter()
        .map(|r| r.organization_id)
        .filter(|id| !asked_ids.contains(id))
        .collect();
    if !others.is_empty() {
        associations_of_city.extend(
            organization::Entity::scoped(tenant_id)
                .filter(organization::Column::Id.is_in(others))
                .all(conn)
                .await?,
        );
    }
    let mut refunded = Money::ZERO;
    let (mut enterprises_refunded, mut irregular) = (0_i64, 0_i64);
    let mut rows = Vec::new();
    let today = crate::clock::today();
    let by_organization: HashMap<Uuid, &fee_reduction_report::Model> =
        reports.iter().map(|r| (r.organization_id, r)).collect();
    for org in associations_of_city.iter().cloned() {
        let report = by_organization.get(&org.id).copied();
        let late = match report.filter(|r| filed(r.status)).and_then(|r| r.submitted_at) {
            Some(at) => crate::clock::china_date(at) > period.due_on,
            None => today > period.due_on,
        };
        let approved = report.filter(|r| r.status == FeeReportStatus::Approved);
        let (r_refunded, r_enterprises, r_irregular) = approved
            .map(|r| {
                (
                    Money::from_fen(r.refunded_fen),
                    i64::from(r.enterprises_refunded),
                    i64::from(r.irregular_charges_found),
                )
            })
            .unwrap_or_default();
        refunded = refunded
            .checked_add(r_refunded)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("refund total overflows")))?;
        enterprises_refunded += r_enterprises;
        irregular += r_irregular;
        rows.push(AssociationTotal {
            sum: approved.and_then(|r| by_report.get(&r.id).copied()).unwrap_or_default(),
            status: report.map(|r| r.status),
            refunded: r_refunded,
            enterprises_refunded: r_enterprises,
            irregular_charges_found: r_irregular,
            late,
            organization: org,
        });
    }
    let reported = rows.iter().filter(|r| r.status.is_some_and(filed)).count();
    let not_reported = rows.iter().take(asked).filter(|r| !r.status.is_some_and(filed)).count();
    let late = today > period.due_on && not_reported > 0;
    Ok(PeriodTotals {
        total,
        by_measure: by_measure.into_values().collect(),
        by_fee_item: by_fee_item.into_values().collect(),
        asked,
        reported,
        not_reported,
        approved: rows
            .iter()
            .filter(|r| r.status == Some(FeeReportStatus::Approved))
            .count(),
        associations: rows,
        refunded,
        enterprises_refunded,
        irregular_charges_found: irregular,
        late,
        period,
    })
}

/// One city's figures for a year, for the region.
pub struct CityYear {
    pub city: entity::tenant::Model,
    pub total: Sum,
    pub refunded: Money,
    pub associations_reported: usize,
    pub associations_asked: usize,
}

/// Region officials: each city's approved totals over the periods of a
/// year. Counts and sums only.
pub async fn region_year(db: &Db, ctx: &TenantContext, year: i32) -> Result<Vec<CityYear>> {
    let read = RegionRead::open(db, ctx).await?;
    let mut out = Vec::with_capacity(read.cities.len());
    for city in &read.cities {
        let tx = read.city(city).await?;
        let periods = fee_reduction_period::Entity::scoped(city)
            .filter(fee_reduction_period::Column::Year.eq(year))
            .all(tx)
            .await?;
        let mut figures = CityYear {
            city: city.clone(),
            total: Sum::default(),
            refunded: Money::ZERO,
            associations_reported: 0,
            associations_asked: 0,
        };
        for period in periods {
            let t = compute(tx, city.id, period).await?;
            figures.total.amount = figures
                .total
                .amount
                .checked_add(t.total.amount)
                .ok_or_else(|| Error::internal(anyhow::anyhow!("region total overflows")))?;
            figures.total.enterprises += t.total.enterprises;
            figures.total.lines += t.total.lines;
            figures.refunded = figures
                .refunded
                .checked_add(t.refunded)
                .ok_or_else(|| Error::internal(anyhow::anyhow!("region refund total overflows")))?;
            figures.associations_reported += t.reported;
            figures.associations_asked += t.asked;
        }
        out.push(figures);
    }
    read.close().await?;
    Ok(out)
}
