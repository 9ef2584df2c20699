//! Industry-association fee-reduction reports in GraphQL.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{ComplexObject, Context, Enum, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{fee_reduction_line, fee_reduction_period, fee_reduction_report, fee_reduction_report_version};
use service::fee_reductions::totals::{self, Sum};
use service::fee_reductions::{self as fees, LineInput, NewPeriod, ReportAction, ReportInput};
use uuid::Uuid;

use super::error::ApiResult;
use super::loaders::{FeeReportHistory, FeeReportLines, nested};
use super::object_from::{json, money, object_from};
use super::scalars::MoneyScalar;
use super::types::{Paging, Tenant};
use super::{db, tenant};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "entity::fee_reduction_report::FeeReportStatus",
    rename_items = "snake_case"
)]
pub enum FeeReportStatus {
    Draft,
    Submitted,
    Approved,
    Returned,
}

/// 收费项目.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::fee_reduction_line::FeeItem", rename_items = "snake_case")]
pub enum FeeItem {
    Membership,
    Training,
    Appraisal,
    Consulting,
    Publication,
    Other,
}

/// 减负措施: 取消, 降低, 减免, 规范清退, and 为行业争取帮扶政策 (support
/// won for the industry, which may carry no fee amount; the line's
/// `feeItemDetail` names the policy).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::fee_reduction_line::Measure", rename_items = "snake_case")]
pub enum Measure {
    Cancel,
    Lower,
    Waive,
    Standardize,
    SupportPolicy,
}

object_from! {
    pub struct FeeReductionPeriod from fee_reduction_period::Model as m {
        id: Uuid,
        title: String,
        year: i32,
        /// 1 or 2 for a half-year; null for the whole year.
        half: Option<i32>,
        due_on: NaiveDate,
        created_at: DateTime<Utc>,
    }
}

object_from! {
    pub struct FeeReductionLine from fee_reduction_line::Model as m {
        id: Uuid,
        position: i32,
        fee_item: FeeItem,
        fee_item_detail: String,
        measure: Measure,
        standard_before: Option<MoneyScalar> = m.standard_before_fen.map(money),
        standard_after: Option<MoneyScalar> = m.standard_after_fen.map(money),
        amount: MoneyScalar = money(m.amount_fen),
        enterprises: i32,
        note: String,
        /// The official's comment on this line when the report was returned.
        return_comment: Option<String>,
    }
}

object_from! {
    #[graphql(complex)]
    pub struct FeeReductionReport from fee_reduction_report::Model as m {
        id: Uuid,
        period_id: Uuid,
        organization_id: Uuid,
        status: FeeReportStatus,
        member_count: Option<i32>,
        /// Member enterprises any measure reached, each counted once.
        enterprises_benefited: Option<i32>,
        /// Self-inspection: irregular charges found, refunded, enterprises refunded.
        irregular_charges_found: i32,
        refunded: MoneyScalar = money(m.refunded_fen),
        enterprises_refunded: i32,
        /// How many times it was submitted.
        version: i32,
        review_comment: Option<String>,
        submitted_at: Option<DateTime<Utc>>,
        reviewed_at: Option<DateTime<Utc>>,
    }
}

// The nested lists, read for all the reports of a page at once.
#[ComplexObject]
impl FeeReductionReport {
    async fn lines(&self, ctx: &Context<'_>) -> ApiResult<Vec<FeeReductionLine>> {
        nested(ctx, FeeReportLines(self.id)).await
    }
    /// Every submitted version, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<FeeReportVersion>> {
        nested(ctx, FeeReportHistory(self.id)).await
    }
}

object_from! {
    pub struct FeeReportVersion from fee_reduction_report_version::Model as m {
        version: i32,
        snapshot: Json<serde_json::Value> = json(&m.snapshot),
        submitted_at: DateTime<Utc>,
    }
}

object_from! {
    /// A total: exact amount, enterprises benefited, number of line items.
    pub struct FeeSum from Sum as s {
        amount: MoneyScalar = MoneyScalar(s.amount),
        enterprises: i64,
        lines: i64,
    }
}

#[derive(SimpleObject)]
pub struct MeasureSum {
    pub measure: Measure,
    pub sum: FeeSum,
}

#[derive(SimpleObject)]
pub struct FeeItemSum {
    pub fee_item: FeeItem,
    pub sum: FeeSum,
}

#[derive(SimpleObject)]
pub struct AssociationFeeTotal {
    pub organization_id: Uuid,
    pub name: String,
    pub credit_code: String,
    /// Null when it has not reported.
    pub status: Option<FeeReportStatus>,
    pub sum: FeeSum,
    pub refunded: MoneyScalar,
    /// Filed after the due date, or past it and not filed.
    pub late: bool,
}

#[derive(SimpleObject)]
pub struct FeeReductionTotals {
    pub period: FeeReductionPeriod,
    /// Over approved reports.
    pub total: FeeSum,
    pub by_measure: Vec<MeasureSum>,
    pub by_fee_item: Vec<FeeItemSum>,
    pub associations: Vec<AssociationFeeTotal>,
    pub associations_asked: i64,
    pub associations_reported: i64,
    pub associations_not_reported: i64,
    pub associations_approved: i64,
    pub refunded: MoneyScalar,
    pub enterprises_refunded: i64,
    pub irregular_charges_found: i64,
    /// Past the due date with associations still not reported.
    pub late: bool,
}

impl From<totals::PeriodTotals> for FeeReductionTotals {
    fn from(t: totals::PeriodTotals) -> Self {
        Self {
            period: t.period.into(),
            total: t.total.into(),
            by_measure: t
                .by_measure
                .into_iter()
                .map(|(m, s)| MeasureSum {
                    measure: m.into(),
                    sum: s.into(),
                })
                .collect(),
            by_fee_item: t
                .by_fee_item
                .into_iter()
                .map(|(f, s)| FeeItemSum {
                    fee_item: f.into(),
                    sum: s.into(),
                })
                .collect(),
            associations_asked: t.asked as i64,
            associations_reported: t.reported as i64,
            associations_not_reported: t.not_reported as i64,
            associations_approved: t.approved as i64,
            associations: t
                .associations
                .into_iter()
                .map(|a| AssociationFeeTotal {
                    organization_id: a.organization.id,
                    name: a.organization.name,
                    credit_code: a.organization.credit_code,
                    status: a.status.map(Into::into),
                    sum: a.sum.into(),
                    refunded: MoneyScalar(a.refunded),
                    late: a.late,
                })
                .collect(),
            refunded: MoneyScalar(t.refunded),
            enterprises_refunded: t.enterprises_refunded,
            irregular_charges_found: t.irregular_charges_found,
            late: t.late,
        }
    }
}

#[derive(SimpleObject)]
pub struct CityFeeReductions {
    pub city: Tenant,
    pub total: FeeSum,
    pub refunded: MoneyScalar,
    pub associations_asked: i64,
    pub associations_reported: i64,
}

#[derive(InputObject)]
pub struct FeeLineInput {
    pub fee_item: FeeItem,
    /// Names the fee; required for `other`.
    pub fee_item_detail: Option<String>,
    pub measure: Measure,
    pub standard_before: Option<MoneyScalar>,
    pub standard_after: Option<MoneyScalar>,
    /// The amount reduced, in yuan.
    pub amount: MoneyScalar,
    pub enterprises: i32,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct FeeReportInput {
    /// Member enterprises, where known: no line may benefit more.
    pub member_count: Option<i32>,
    /// Member enterprises any measure reached, each counted once: at least
    /// the widest line's, at most the members. Lines overlap, so their sum
    /// overstates it; unstated, the widest line's is counted.
    pub enterprises_benefited: Option<i32>,
    #[graphql(default)]
    pub irregular_charges_found: i32,
    pub refunded: Option<MoneyScalar>,
    #[graphql(default)]
    pub enterprises_refunded: i32,
    pub lines: Vec<FeeLineInput>,
}

#[derive(InputObject)]
pub struct LineCommentInput {
    pub line_id: Uuid,
    pub comment: String,
}

#[derive(Default)]
pub struct FeeReductionQuery;

#[Object]
impl FeeReductionQuery {
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn fee_reduction_periods(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, FeeReductionPeriod>> {
        let paging = Paging::new(first, after)?;
        let result = fees::periods(db(ctx), tenant(ctx)?, paging.request).await?;
        Ok(paging.connection(result, |p| p.id, FeeReductionPeriod::from))
    }

    async fn fee_reduction_report(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<FeeReductionReport> {
        Ok(FeeReductionReport::from(
            fees::report(db(ctx), tenant(ctx)?, id).await?.report,
        ))
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn fee_reduction_reports(
        &self,
        ctx: &Context<'_>,
        period_id: Option<Uuid>,
        status: Option<FeeReportStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, FeeReductionReport>> {
        let paging = Paging::new(first, after)?;
        let result = fees::reports(db(ctx), tenant(ctx)?, period_id, status.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |r| r.id, FeeReductionReport::from))
    }

    /// The period's totals over approved reports, per association, measure
    /// and fee item, and who has not reported (officials). The same data
    /// downloads as `/exports/fee-reductions/{periodId}.csv` or `.xlsx`.
    #[graphql(complexity = 200)]
    async fn fee_reduction_totals(&self, ctx: &Context<'_>, period_id: Uuid) -> ApiResult<FeeReductionTotals> {
        Ok(totals::period_totals(db(ctx), tenant(ctx)?, period_id).await?.into())
    }

    /// Region officials: each city's approved totals for a year.
    #[graphql(complexity = 200)]
    async fn region_fee_reductions(&self, ctx: &Context<'_>, year: i32) -> ApiResult<Vec<CityFeeReductions>> {
        let rows = totals::region_year(db(ctx), tenant(ctx)?, year).await?;
        Ok(rows
            .into_iter()
            .map(|c| CityFeeReductions {
                city: c.city.into(),
                total: c.total.into(),
                refunded: MoneyScalar(c.refunded),
                associations_asked: c.associations_asked as i64,
                associations_reported: c.associations_reported as i64,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct FeeReductionMutation;

#[Object]
impl FeeReductionMutation {
    /// Open a reporting period; every industry association is asked by email.
    async fn open_fee_reduction_period(
        &self,
        ctx: &Context<'_>,
        title: String,
        year: i32,
        half: Option<i32>,
        due_on: NaiveDate,
        idempotency_key: Option<String>,
    ) -> ApiResult<FeeReductionPeriod> {
        let period = NewPeriod {
            title,
            year,
            half,
            due_on,
        };
        let p = fees::open_period(db(ctx), tenant(ctx)?, period, idempotency_key.as_deref()).await?;
        Ok(FeeReductionPeriod::from(p))
    }

    /// Save the association's report as a draft (or edit a returned one);
    /// the lines replace the previous lines.
    async fn save_fee_reduction_report(
        &self,
        ctx: &Context<'_>,
        period_id: Uuid,
        organization_id: Uuid,
        input: FeeReportInput,
    ) -> ApiResult<FeeReductionReport> {
        let input = ReportInput {
            member_count: input.member_count,
            enterprises_benefited: input.enterprises_benefited,
            irregular_charges_found: input.irregular_charges_found,
            refunded: input.refunded.map(|m| m.0).unwrap_or_default(),
            enterprises_refunded: input.enterprises_refunded,
            lines: input
                .lines
                .into_iter()
                .map(|l| LineInput {
                    fee_item: l.fee_item.into(),
                    fee_item_detail: l.fee_item_detail,
                    measure: l.measure.into(),
                    standard_before: l.standard_before.map(|m| m.0),
                    standard_after: l.standard_after.map(|m| m.0),
                    amount: l.amount.0,
                    enterprises: l.enterprises,
                    note: l.note,
                })
                .collect(),
        };
        Ok(FeeReductionReport::from(
            fees::save_report(db(ctx), tenant(ctx)?, period_id, organization_id, input).await?,
        ))
    }

    async fn submit_fee_reduction_report(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<FeeReductionReport> {
        Ok(FeeReductionReport::from(fees::submit(db(ctx), tenant(ctx)?, id).await?))
    }

    async fn approve_fee_reduction_report(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        comment: Option<String>,
    ) -> ApiResult<FeeReductionReport> {
        let r = fees::review(
            db(ctx),
            tenant(ctx)?,
            id,
            ReportAction::Approve,
            comment.as_deref(),
            Vec::new(),
        )
        .await?;
        Ok(FeeReductionReport::from(r))
    }

    /// Return with a comment and/or comments on lines.
    async fn return_fee_reduction_report(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        comment: Option<String>,
        #[graphql(default)] line_comments: Vec<LineCommentInput>,
    ) -> ApiResult<FeeReductionReport> {
        let lines = line_comments.into_iter().map(|c| (c.line_id, c.comment)).collect();
        let r = fees::review(
            db(ctx),
            tenant(ctx)?,
            id,
            ReportAction::Return,
            comment.as_deref(),
            lines,
        )
        .await?;
        Ok(FeeReductionReport::from(r))
    }
}
