//! Industry-association fee-reduction reports (行业协会商会减轻企业负担):
//! periods opened by officials, reports with line items filed by
//! associations, review (approve, or return with comments per line),
//! totals for the bureau and the region, reminders and exports.

pub mod export;
pub mod totals;

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use entity::app_user::Role;
use entity::fee_reduction_line::{self, FeeItem, Measure};
use entity::fee_reduction_period;
use entity::fee_reduction_report::{self, FeeReportStatus};
use entity::fee_reduction_report_version;
use entity::organization::{self, OrganizationStatus};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, OrConflict, Result};
use crate::labels::illegal_transition;
use crate::money::Money;
use crate::organizations::{load_for_update, require_access};
use crate::outbox::{Email, Template};
use crate::page::{self, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::tenants;
use crate::validate;

/// Most line items one report may carry.
pub const MAX_LINES: usize = 200;
/// The largest amount one line or refund may state: 100 billion yuan, far
/// above any association's and far below where sums could overflow.
pub const MAX_AMOUNT_FEN: i64 = 10_000_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportAction {
    Submit,
    Approve,
    Return,
    /// Save a draft (or edit a returned report).
    Edit,
}

/// The report workflow: anything not listed is an illegal transition.
pub fn transition(from: FeeReportStatus, action: ReportAction) -> Result<FeeReportStatus> {
    use FeeReportStatus as S;
    use ReportAction as A;
    match (from, action) {
        (S::Draft, A::Edit) => Ok(S::Draft),
        (S::Returned, A::Edit) => Ok(S::Returned),
        (S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Approve) => Ok(S::Approved),
        (S::Submitted, A::Return) => Ok(S::Returned),
        _ => Err(illegal_transition("a fee-reduction report", "减负报告", from, action)),
    }
}

pub struct NewPeriod {
    pub title: String,
    pub year: i32,
    pub half: Option<i32>,
    pub due_on: NaiveDate,
}

/// Open a period and ask every active industry association of the city to
/// report, by email.
pub async fn open_period(
    db: &Db,
    ctx: &TenantContext,
    input: NewPeriod,
    idempotency_key: Option<&str>,
) -> Result<fee_reduction_period::Model> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    let title = validate::required_text("title", &input.title, 200)?;
    let today = crate::clock::today();
    if !(2000..=today.year() + 1).contains(&input.year) {
        return Err(Error::validation(
            "year",
            format!("the year must be between 2000 and {}", today.year() + 1),
            format!("年度须在 2000 至 {} 之间", today.year() + 1),
        ));
    }
    if input.half.is_some_and(|h| h != 1 && h != 2) {
        return Err(Error::validation(
            "half",
            "half is 1 (January to June) or 2 (July to December), or left out for the whole year",
            "上半年填 1（1 至 6 月），下半年填 2（7 至 12 月），全年不填",
        ));
    }
    if input.due_on < today {
        return Err(Error::validation(
            "dueOn",
            "the due date cannot be in the past",
            "截止日期不能早于今天",
        ));
    }
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({"title": title, "year": input.year, "half": input.half, "due_on": input.due_on});
    if let Some(id) = tx.replayed(idempotency_key, "fee_period.open", &fingerprint).await? {
        let period = find_period(tx.conn(), ctx, id).await?;
        drop(tx);
        return Ok(period);
    }
    let clash = fee_reduction_period::Entity::scoped(ctx)
        .filter(fee_reduction_period::Column::Year.eq(input.year))
        .all(tx.conn())
        .await?
        .into_iter()
        .any(|p| p.half == input.half || p.half.is_none() || input.half.is_none());
    if clash {
        return Err(Error::conflict(
            format!("a period covering {} is already open", input.year),
            format!("{} 年已有覆盖该时段的报送期间", input.year),
        ));
    }
    let period = fee_reduction_period::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        title,
        year: input.year,
        half: input.half,
        due_on: input.due_on,
        opened_by: official,
        reminded_at: None,
        created_at: clock::now(),
    };
    fee_reduction_period::Entity::insert(fee_reduction_period::ActiveModel::from(period.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    let associations = associations(tx.conn(), ctx.tenant_id).await?;
    for org in &associations {
        tx.send_email(Email {
            to: org.contact_email.clone(),
            language: "zh-CN".into(),
            template: Template::FeePeriodOpened,
            context: json!({"name": org.name, "title": period.title, "due_on": period.due_on.to_string(), "tenant_name": city.name}),
        })
        .await?;
    }
    tx.commit(
        AuditEvent::new("fee_period.open", "fee_reduction_period", period.id).created(&json!({
            "title": period.title, "year": period.year, "half": period.half, "due_on": period.due_on,
            "associations_asked": associations.len(),
        })),
    )
    .await?;
    Ok(period)
}

/// The active industry associations of a city: who is asked to report.
pub(crate) async fn associations<C: ConnectionTrait>(conn: &C, tenant_id: Uuid) -> Result<Vec<organization::Model>> {
    Ok(organization::Entity::scoped(tenant_id)
        .filter(organization::Column::IsIndustryAssociation.eq(true))
        .filter(organization::Column::Status.eq(OrganizationStatus::Active))
        .order_by_asc(organization::Column::Name)
        .all(conn)
        .await?)
}

pub async fn periods(
    db: &Db,
    ctx: &TenantContext,
    page: PageRequest<Uuid>,
) -> Result<Page<fee_reduction_period::Model>> {
    ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let query = fee_reduction_period::Entity::scoped(ctx);
    page::fetch_by_id(db, ctx, query, fee_reduction_period::Column::Id, page).await
}

pub(crate) async fn find_period<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<fee_reduction_period::Model> {
    fee_reduction_period::Entity::find_owned(conn, ctx, id).await
}

/// One line item as the association types it. Amounts are parsed `Money`
/// at the edge; the rules about them are checked here.
#[derive(Clone, Debug)]
pub struct LineInput {
    pub fee_item: FeeItem,
    pub fee_item_detail: Option<String>,
    pub measure: Measure,
    pub standard_before: Option<Money>,
    pub standard_after: Option<Money>,
    pub amount: Money,
    pub enterprises: i32,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ReportInput {
    pub member_count: Option<i32>,
    /// Member enterprises any measure reached, each counted once.
    pub enterprises_benefited: Option<i32>,
    pub irregular_charges_found: i32,
    pub refunded: Money,
    pub enterprises_refunded: i32,
    pub lines: Vec<LineInput>,
}

/// A line after its rules were checked, ready to store.
#[derive(Clone, Debug, Serialize)]
struct ValidLine {
    fee_item: FeeItem,
    fee_item_detail: String,
    measure: Measure,
    standard_before_fen: Option<i64>,
    standard_after_fen: Option<i64>,
    amount_fen: i64,
    enterprises: i32,
    note: String,
}

fn validate_report(input: &ReportInput) -> Result<Vec<ValidLine>> {
    let non_negative = |field: &'static str, value: i32| {
        if value < 0 {
            Err(Error::validation(
                field,
                format!("{field} cannot be negative"),
                "不能为负数",
            ))
        } else {
            Ok(())
        }
    };
    if let Some(m) = input.member_count {
        non_negative("memberCount", m)?;
    }
    non_negative("irregularChargesFound", input.irregular_charges_found)?;
    if let Some(reached) = input.enterprises_benefited {
        non_negative("enterprisesBenefited", reached)?;
        if let Some(members) = input.member_count
            && reached > members
        {
            return Err(Error::validation(
                "enterprisesBenefited",
                format!("{reached} enterprises benefited is more than the association's {members} members"),
                format!("惠及企业数 {reached} 超过了协会会员企业数 {members}"),
            ));
        }
        // Each line's enterprises are among those the report reached.
        if let Some(widest) = input.lines.iter().map(|l| l.enterprises).max()
            && reached < widest
        {
            return Err(Error::validation(
                "enterprisesBenefited",
                format!("{reached} enterprises benefited is fewer than the {widest} one line reached"),
                format!("惠及企业总数 {reached} 少于单项措施惠及的 {widest} 家"),
            ));
        }
    }
    non_negative("enterprisesRefunded", input.enterprises_refunded)?;
    if input.refunded.is_negative() || input.refunded.fen() > MAX_AMOUNT_FEN {
        return Err(Error::validation(
            "refunded",
            "the refunded amount must be between 0 and 100,000,000,000.00",
            "清退金额须在 0 至 1000 亿元之间",
        ));
    }
    if input.lines.len() > MAX_LINES {
        return Err(Error::validation(
            "lines",
            format!("a report may have at most {MAX_LINES} lines"),
            format!("报告最多 {MAX_LINES} 行"),
        ));
    }
    input
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            let line_err = |field: &'static str, what: &str, zh: &str| {
                Error::validation(field, format!("line {n}: {what}"), format!("第 {n} 行：{zh}"))
            };
            for (field, money) in [
                ("amount", Some(line.amount)),
                ("standardBefore", line.standard_before),
                ("standardAfter", line.standard_after),
            ] {
                if money.is_some_and(Money::is_negative) {
                    return Err(line_err(field, "amounts cannot be negative", "金额不能为负数"));
                }
                if money.is_some_and(|m| m.fen() > MAX_AMOUNT_FEN) {
                    return Err(line_err(
                        field,
                        "amounts may be at most 100,000,000,000.00",
                        "金额不能超过 1000 亿元",
                    ));
                }
            }
            if line.enterprises < 0 {
                return Err(line_err(
                    "enterprises",
                    "enterprises benefited cannot be negative",
                    "惠及企业数不能为负数",
                ));
            }
            if let Some(members) = input.member_count
                && line.enterprises > members
            {
                return Err(line_err(
                    "enterprises",
                    &format!(
                        "{} enterprises benefited is more than the association's {members} members",
                        line.enterprises
                    ),
                    &format!("惠及企业数 {} 超过了协会会员企业数 {members}", line.enterprises),
                ));
            }
            // Text checks name the line too, so the portal can show the
            // error beside that line's field.
            let on_line = |e: Error| match e {
                Error::Validation { field, message, zh } => Error::Validation {
                    field,
                    message: format!("line {n}: {message}"),
                    zh: format!("第 {n} 行：{zh}"),
                },
                other => other,
            };
            let detail = validate::optional_text("feeItemDetail", line.fee_item_detail.as_deref(), 200)
                .map_err(on_line)?
                .unwrap_or_default();
            if line.fee_item == FeeItem::Other && detail.is_empty() {
                return Err(line_err(
                    "feeItemDetail",
                    "name the fee when the item is \"other\"",
                    "收费项目为“其他”时，请写明收费名称",
                ));
            }
            // Support won for the industry is not a fee cut: there are no
            // fee standards to compare, and the line is only worth its
            // name (the amount, such as a subsidy won, may be zero).
            if line.measure == Measure::SupportPolicy {
                if line.standard_before.is_some() || line.standard_after.is_some() {
                    return Err(line_err(
                        "standardBefore",
                        "a line securing support policies has no fee standards before and after",
                        "“为行业争取帮扶政策”不涉及收费标准，请勿填写原标准和现标准",
                    ));
                }
                if detail.is_empty() {
                    return Err(line_err(
                        "feeItemDetail",
                        "name the support policy secured for the industry",
                        "请写明为行业争取的帮扶政策",
                    ));
                }
            }
            Ok(ValidLine {
                fee_item: line.fee_item,
                fee_item_detail: detail,
                measure: line.measure,
                standard_before_fen: line.standard_before.map(Money::fen),
                standard_after_fen: line.standard_after.map(Money::fen),
                amount_fen: line.amount.fen(),
                enterprises: line.enterprises,
                note: validate::optional_text("note", line.note.as_deref(), 1000)
                    .map_err(on_line)?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Save the association's report for a period as a draft (creating it),
/// or edit a returned one. Lines replace the previous lines.
pub async fn save_report(
    db: &Db,
    ctx: &TenantContext,
    period_id: Uuid,
    organization_id: Uuid,
    input: ReportInput,
) -> Result<fee_reduction_report::Model> {
    require_access(ctx, organization_id)?;
    let lines = validate_report(&input)?;
    let tx = db.write(ctx).await?;
    find_period(tx.conn(), ctx, period_id).await?;
    let org = load_for_update(tx.conn(), ctx, organization_id).await?;
    if !org.is_industry_association {
        return Err(Error::validation(
            "organizationId",
            "only industry associations and chambers of commerce file these reports",
            "只有行业协会商会需要报送减负报告",
        ));
    }
    let existing = fee_reduction_report::Entity::scoped(ctx)
        .filter(fee_reduction_report::Column::PeriodId.eq(period_id))
        .filter(fee_reduction_report::Column::OrganizationId.eq(organization_id))
        .one(tx.conn())
        .await?;
    let now = clock::now();
    // An official's comments on a returned report stay on their lines (by
    // position) until the report is submitted again.
    let mut kept_comments = HashMap::new();
    let report = match existing {
        Some(before) => {
            if before.status == FeeReportStatus::Returned {
                for line in lines_of(tx.conn(), ctx.tenant_id, before.id).await? {
                    if let Some(comment) = line.return_comment {
                        kept_comments.insert(line.position, comment);
                    }
                }
            }
            let status = transition(before.status, ReportAction::Edit)?;
            let after = fee_reduction_report::Model {
                status,
                member_count: input.member_count,
                enterprises_benefited: input.enterprises_benefited,
                irregular_charges_found: input.irregular_charges_found,
                refunded_fen: input.refunded.fen(),
                enterprises_refunded: input.enterprises_refunded,
                updated_at: now,
                ..before
            };
            fee_reduction_report::Entity::save_owned(tx.conn(), after.clone()).await?;
            fee_reduction_line::Entity::scoped_delete(ctx)
                .filter(fee_reduction_line::Column::ReportId.eq(after.id))
                .exec(tx.conn())
                .await?;
            after
        }
        None => {
            let report = fee_reduction_report::Model {
                tenant_id: ctx.tenant_id,
                id: Uuid::now_v7(),
                period_id,
                organization_id,
                status: FeeReportStatus::Draft,
                member_count: input.member_count,
                enterprises_benefited: input.enterprises_benefited,
                irregular_charges_found: input.irregular_charges_found,
                refunded_fen: input.refunded.fen(),
                enterprises_refunded: input.enterprises_refunded,
                version: 0,
                review_comment: None,
                reviewed_by: None,
                submitted_at: None,
                reviewed_at: None,
                created_at: now,
                updated_at: now,
            };
            fee_reduction_report::Entity::insert(fee_reduction_report::ActiveModel::from(report.clone()))
                .exec_without_returning(tx.conn())
                .await
                .or_conflict(|| {
                    Error::conflict(
                        "this association's report for the period was just created: reload it",
                        "本会本报送期间的减负报告刚刚已创建，请刷新后重试",
                    )
                })?;
            report
        }
    };
    if !lines.is_empty() {
        let rows = lines.iter().enumerate().map(|(i, l)| {
            fee_reduction_line::ActiveModel::from(fee_reduction_line::Model {
                tenant_id: ctx.tenant_id,
                id: Uuid::now_v7(),
                report_id: report.id,
                position: i as i32 + 1,
                fee_item: l.fee_item,
                fee_item_detail: l.fee_item_detail.clone(),
                measure: l.measure,
                standard_before_fen: l.standard_before_fen,
                standard_after_fen: l.standard_after_fen,
                amount_fen: l.amount_fen,
                enterprises: l.enterprises,
                note: l.note.clone(),
                return_comment: kept_comments.get(&(i as i32 + 1)).cloned(),
            })
        });
        fee_reduction_line::Entity::insert_many(rows)
            .exec_without_returning(tx.conn())
            .await?;
    }
    // At most 200 lines of at most 10^13 fen each: this cannot overflow i64.
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    tx.commit(
        AuditEvent::new("fee_report.save", "fee_reduction_report", report.id)
            .organization(Some(organization_id))
            .detail(json!({"status": report.status, "lines": lines.len(), "total_fen": total})),
    )
    .await?;
    Ok(report)
}

/// A report with its lines.
pub struct ReportWithLines {
    pub report: fee_reduction_report::Model,
    pub lines: Vec<fee_reduction_line::Model>,
}

async fn lines_of<C: ConnectionTrait>(
    conn: &C,
    tenant_id: Uuid,
    report_id: Uuid,
) -> Result<Vec<fee_reduction_line::Model>> {
    Ok(fee_reduction_line::Entity::scoped(tenant_id)
        .filter(fee_reduction_line::Column::ReportId.eq(report_id))
        .order_by_asc(fee_reduction_line::Column::Position)
        .all(conn)
        .await?)
}

pub async fn report(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<ReportWithLines> {
    ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let tx = db.read(ctx).await?;
    let report = fee_reduction_report::Entity::find_owned_opt(&tx, ctx, id)
        .await?
        .filter(|r| require_access(ctx, r.organization_id).is_ok())
        .ok_or(Error::NotFound("fee-reduction report"))?;
    let lines = lines_of(&tx, ctx.tenant_id, id).await?;
    tx.commit().await?;
    Ok(ReportWithLines { report, lines })
}

pub async fn reports(
    db: &Db,
    ctx: &TenantContext,
    period_id: Option<Uuid>,
    status: Option<FeeReportStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<fee_reduction_report::Model>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = fee_reduction_report::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        query = query.filter(fee_reduction_report::Column::OrganizationId.eq(ctx.organization_id()));
    }
    if let Some(period) = period_id {
        query = query.filter(fee_reduction_report::Column::PeriodId.eq(period));
    }
    if let Some(status) = status {
        query = query.filter(fee_reduction_report::Column::Status.eq(status));
    }
    page::fetch_by_id(db, ctx, query, fee_reduction_report::Column::Id, page).await
}

/// Submit a draft or a corrected returned report; the submitted version is
/// kept in the history.
pub async fn submit(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<fee_reduction_report::Model> {
    let (me, _) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let tx = db.write(ctx).await?;
    let before = fee_reduction_report::Entity::lock_owned_opt(tx.conn(), ctx, id)
        .await?
        .filter(|r| require_access(ctx, r.organization_id).is_ok())
        .ok_or(Error::NotFound("fee-reduction report"))?;
    let status = transition(before.status, ReportAction::Submit)?;
    load_for_update(tx.conn(), ctx, before.organization_id).await?;
    let lines = lines_of(tx.conn(), ctx.tenant_id, id).await?;
    if lines.is_empty() {
        return Err(Error::validation(
            "lines",
            "add at least one fee item before submitting",
            "请至少填写一项收费项目后再报送",
        ));
    }
    let now = clock::now();
    let after = fee_reduction_report::Model {
        status,
        version: before.version + 1,
        submitted_at: Some(now),
        updated_at: now,
        ..before.clone()
    };
    fee_reduction_report::Entity::save_owned(tx.conn(), after.clone()).await?;
    // Comments answered by this submission are done with.
    fee_reduction_line::Entity::scoped_update(ctx)
        .col_expr(
            fee_reduction_line::Column::ReturnComment,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(fee_reduction_line::Column::ReportId.eq(id))
        .exec(tx.conn())
        .await?;
    let snapshot = snapshot(&after, &lines);
    fee_reduction_report_version::Entity::insert(fee_reduction_report_version::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        report_id: Set(id),
        version: Set(after.version),
        snapshot: Set(snapshot.to_string()),
        submitted_by: Set(me),
        submitted_at: Set(now),
    })
    .exec_without_returning(tx.conn())
    .await?;
    tx.commit(
        AuditEvent::new("fee_report.submit", "fee_reduction_report", id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"status": before.status, "version": before.version}),
                &json!({"status": after.status, "version": after.version}),
            ),
    )
    .await?;
    Ok(after)
}

/// A submitted version as its history keeps it: the report's figures and
/// its lines.
pub(crate) fn snapshot(report: &fee_reduction_report::Model, lines: &[fee_reduction_line::Model]) -> serde_json::Value {
    json!({
        "member_count": report.member_count, "enterprises_benefited": report.enterprises_benefited,
        "irregular_charges_found": report.irregular_charges_found,
        "refunded_fen": report.refunded_fen, "enterprises_refunded": report.enterprises_refunded,
        "lines": lines.iter().map(|l| json!({
            "fee_item": l.fee_item, "fee_item_detail": l.fee_item_detail, "measure": l.measure,
            "standard_before_fen": l.standard_before_fen, "standard_after_fen": l.standard_after_fen,
            "amount_fen": l.amount_fen, "enterprises": l.enterprises, "note": l.note,
        })).collect::<Vec<_>>(),
    })
}

/// Every submitted version of a report, oldest first.
pub async fn history(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<Vec<fee_reduction_report_version::Model>> {
    report(db, ctx, id).await?;
    let tx = db.read(ctx).await?;
    let rows = fee_reduction_report_version::Entity::scoped(ctx)
        .filter(fee_reduction_report_version::Column::ReportId.eq(id))
        .order_by_asc(fee_reduction_report_version::Column::Version)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Approve a submitted report, or return it with a comment overall and/or
/// per line (by line id).
pub async fn review(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    action: ReportAction,
    comment: Option<&str>,
    line_comments: Vec<(Uuid, String)>,
) -> Result<fee_reduction_report::Model> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    if !matches!(action, ReportAction::Approve | ReportAction::Return) {
        return Err(Error::validation(
            "action",
            "a review approves or returns",
            "审核结果只能是通过或退回",
        ));
    }
    let comment = validate::optional_text("comment", comment, 2000)?;
    let mut per_line = HashMap::new();
    for (line, text) in line_comments {
        per_line.insert(line, validate::required_text("lineComments", &text, 1000)?);
    }
    if action == ReportAction::Return && comment.is_none() && per_line.is_empty() {
        return Err(Error::validation(
            "comment",
            "say what to correct: a comment, or comments on lines",
            "请写明需要修改的内容：填写退回意见，或对具体行提出意见",
        ));
    }
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    let before = fee_reduction_report::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let status = transition(before.status, action)?;
    let org = load_for_update(tx.conn(), ctx, before.organization_id).await?;
    let period = find_period(tx.conn(), ctx, before.period_id).await?;
    let lines = lines_of(tx.conn(), ctx.tenant_id, id).await?;
    for line_id in per_line.keys() {
        if !lines.iter().any(|l| l.id == *line_id) {
            return Err(Error::validation(
                "lineComments",
                "a comment names a line that is not in this report",
                "意见所针对的行不在本报告中",
            ));
        }
    }
    for line in &lines {
        let return_comment = per_line.get(&line.id).cloned();
        if return_comment != line.return_comment {
            fee_reduction_line::ActiveModel {
                tenant_id: Set(line.tenant_id),
                id: Set(line.id),
                return_comment: Set(return_comment),
                ..Default::default()
            }
            .update(tx.conn())
            .await?;
        }
    }
    let now = clock::now();
    let after = fee_reduction_report::Model {
        status,
        review_comment: comment.clone(),
        reviewed_by: Some(official),
        reviewed_at: Some(now),
        updated_at: now,
        ..before.clone()
    };
    fee_reduction_report::Entity::save_owned(tx.conn(), after.clone()).await?;
    if action == ReportAction::Return {
        let summary = comment.clone().unwrap_or_else(|| {
            lines
                .iter()
                .filter_map(|l| per_line.get(&l.id).map(|c| format!("第{}项：{c}", l.position)))
                .collect::<Vec<_>>()
                .join("；")
        });
        tx.send_email(Email {
            to: org.contact_email.clone(),
            language: "zh-CN".into(),
            template: Template::FeeReportReturned,
            context: json!({"name": org.name, "title": period.title, "comment": summary, "tenant_name": city.name}),
        })
        .await?;
    }
    let event = if action == ReportAction::Approve {
        "fee_report.approve"
    } else {
        "fee_report.return"
    };
    tx.commit(
        AuditEvent::new(event, "fee_reduction_report", id).organization(Some(org.id)).changed(
            &json!({"status": before.status, "review_comment": before.review_comment}),
            &json!({"status": after.status, "review_comment": after.review_comment, "line_comments": per_line.len()}),
        ),
    )
    .await?;
    Ok(after)
}

/// Seven days before a period is due, remind the associations that have not
/// submitted, once. Part of the daily job; one audit record per period.
pub async fn send_reminders(db: &Db, ctx: &TenantContext, today: NaiveDate) -> Result<usize> {
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.read(ctx).await?;
    let due: Vec<fee_reduction_period::Model> = fee_reduction_period::Entity::scoped(ctx)
        .filter(fee_reduction_period::Column::RemindedAt.is_null())
        .filter(fee_reduction_period::Column::DueOn.gte(today))
        .filter(fee_reduction_period::Column::DueOn.lte(today + Duration::days(7)))
        .all(&tx)
        .await?;
    tx.commit().await?;
    let mut sent = 0;
    for period in due {
        let tx = db.write(ctx).await?;
        let missing = totals::not_reported(tx.conn(), ctx.tenant_id, period.id).await?;
        for org in &missing {
            tx.send_email(Email {
                to: org.contact_email.clone(),
                language: "zh-CN".into(),
                template: Template::FeeReportReminder,
                context: json!({"name": org.name, "title": period.title, "due_on": period.due_on.to_string(), "tenant_name": city.name}),
            })
            .await?;
        }
        fee_reduction_period::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            id: Set(period.id),
            reminded_at: Set(Some(clock::now())),
            ..Default::default()
        }
        .update(tx.conn())
        .await?;
        tx.commit(
            AuditEvent::new("fee_period.remind", "fee_reduction_period", period.id)
                .detail(json!({"reminded": missing.iter().map(|o| o.id).collect::<Vec<_>>()})),
        )
        .await?;
        sent += missing.len();
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn report_workflow_every_pair() {
        use FeeReportStatus as S;
        use ReportAction as A;
        let allowed = [
            (S::Draft, A::Edit, S::Draft),
            (S::Returned, A::Edit, S::Returned),
            (S::Draft, A::Submit, S::Submitted),
            (S::Returned, A::Submit, S::Submitted),
            (S::Submitted, A::Approve, S::Approved),
            (S::Submitted, A::Return, S::Returned),
        ];
        for from in S::iter() {
            for action in [A::Submit, A::Approve, A::Return, A::Edit] {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|t| t.2);
                assert_eq!(transition(from, action).ok(), expected, "{from:?} {action:?}");
            }
        }
    }

    fn line(amount: &str, enterprises: i32) -> LineInput {
        LineInput {
            fee_item: FeeItem::Membership,
            fee_item_detail: None,
            measure: Measure::Lower,
            standard_before: None,
            standard_after: None,
            amount: amount.parse().unwrap_or_default(),
            enterprises,
            note: None,
        }
    }

    #[test]
    fn lines_are_checked() {
        let report = |lines, members| ReportInput {
            member_count: members,
            enterprises_benefited: None,
            irregular_charges_found: 0,
            refunded: Money::ZERO,
            enterprises_refunded: 0,
            lines,
        };
        assert!(validate_report(&report(vec![line("12.50", 3)], Some(10))).is_ok());
        assert!(validate_report(&report(vec![line("-1.00", 3)], None)).is_err());
        assert!(validate_report(&report(vec![line("1.00", -1)], None)).is_err());
        assert!(
            validate_report(&report(vec![line("1.00", 11)], Some(10))).is_err(),
            "more than the members"
        );
        let mut other = line("1.00", 1);
        other.fee_item = FeeItem::Other;
        assert!(
            validate_report(&report(vec![other], None)).is_err(),
            "other needs a name"
        );
        assert!(validate_report(&report(vec![line("1.00", 1); MAX_LINES + 1], None)).is_err());

        // Support won for the industry: no amount needed, the policy named,
        // no fee standards.
        let field = |r: Result<Vec<ValidLine>>| match r {
            Err(Error::Validation { field, .. }) => field,
            _ => None,
        };
        let mut support = line("0.00", 12);
        support.measure = Measure::SupportPolicy;
        assert_eq!(
            field(validate_report(&report(vec![support.clone()], None))),
            Some("feeItemDetail")
        );
        support.fee_item_detail = Some("协助会员企业申领稳岗返还".into());
        assert!(validate_report(&report(vec![support.clone()], None)).is_ok());
        support.standard_before = Some(Money::from_fen(100));
        assert_eq!(
            field(validate_report(&report(vec![support], None))),
            Some("standardBefore")
        );
    }
}
