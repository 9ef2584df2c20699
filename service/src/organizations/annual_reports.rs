//! Annual work reports (年度工作报告): one per organization and year, due
//! by 31 March of the next year for foundations (基金会管理条例, art. 36)
//! and by 31 May for social groups and social service institutions,
//! submitted by staff and reviewed by officials.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use entity::annual_report::{self, ReportStatus};
use entity::app_user::Role;
use entity::organization::{self, OrganizationKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::workflow::{self, ReportAction};
use super::{load_for_update, require_access};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, OrConflict, Result};
use crate::page::{self, Order, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

/// The report for `year` is due on 31 March of the year after for a
/// foundation, on 31 May for the other kinds.
pub fn due_date(kind: OrganizationKind, year: i32) -> Option<NaiveDate> {
    match kind {
        OrganizationKind::Foundation => NaiveDate::from_ymd_opt(year.checked_add(1)?, 3, 31),
        OrganizationKind::SocialGroup | OrganizationKind::SocialServiceInstitution => {
            NaiveDate::from_ymd_opt(year.checked_add(1)?, 5, 31)
        }
    }
}

/// The rule behind [`due_date`], in the words a reminder uses.
pub fn due_rule(kind: OrganizationKind) -> (&'static str, &'static str) {
    match kind {
        OrganizationKind::Foundation => (
            "基金会应于每年 3 月 31 日前报送上一年度工作报告。",
            "Foundations file the previous year's report by 31 March.",
        ),
        OrganizationKind::SocialGroup | OrganizationKind::SocialServiceInstitution => (
            "社会团体和社会服务机构应于每年 5 月 31 日前报送上一年度工作报告。",
            "Social groups and social service institutions file the previous year's report by 31 May.",
        ),
    }
}

/// A report with the date it was due, which depends on its organization's
/// kind.
#[derive(Clone, Debug)]
pub struct ReportWithDue {
    pub report: annual_report::Model,
    pub due_on: Option<NaiveDate>,
}

/// Submit the report for a year, or resubmit a failed one.
pub async fn submit(
    db: &Db,
    ctx: &TenantContext,
    organization_id: Uuid,
    year: i32,
    summary: &str,
) -> Result<ReportWithDue> {
    let (me, _) = ctx.require_user()?;
    require_access(ctx, organization_id)?;
    let summary = validate::required_text("summary", summary, 20_000)?;
    let today = crate::clock::today();
    if year >= today.year() {
        return Err(Error::validation(
            "year",
            format!(
                "the report for {year} can be filed from 1 January {}",
                year.saturating_add(1)
            ),
            format!("{year} 年度报告自 {} 年 1 月 1 日起方可报送", year.saturating_add(1)),
        ));
    }
    let tx = db.write(ctx).await?;
    let org = load_for_update(tx.conn(), ctx, organization_id).await?;
    if year < org.registered_on.year() {
        return Err(Error::validation(
            "year",
            format!(
                "the organization was registered in {}: there is no report for {year}",
                org.registered_on.year()
            ),
            format!(
                "该组织于 {} 年登记成立，无需报送 {year} 年度报告",
                org.registered_on.year()
            ),
        ));
    }
    let existing = annual_report::Entity::scoped(ctx)
        .filter(annual_report::Column::OrganizationId.eq(organization_id))
        .filter(annual_report::Column::Year.eq(year))
        .lock_exclusive()
        .one(tx.conn())
        .await?;
    let now = clock::now();
    let (report, event) = match existing {
        Some(before) => {
            let status = workflow::report(before.status, ReportAction::Resubmit)?;
            let after = annual_report::Model {
                status,
                summary,
                submitted_by: me,
                submitted_at: now,
                reviewed_by: None,
                review_comment: None,
                reviewed_at: None,
                ..before.clone()
            };
            annual_report::Entity::save_owned(tx.conn(), after.clone()).await?;
            let event = AuditEvent::new("annual_report.resubmit", "annual_report", after.id).changed(
                &json!({"status": before.status, "summary": before.summary}),
                &json!({"status": after.status, "summary": after.summary}),
            );
            (after, event)
        }
        None => {
            let report = annual_report::Model {
                tenant_id: ctx.tenant_id,
                id: Uuid::now_v7(),
                organization_id,
                year,
                status: ReportStatus::Submitted,
                summary,
                submitted_by: me,
                submitted_at: now,
                reviewed_by: None,
                review_comment: None,
                reviewed_at: None,
            };
            annual_report::Entity::insert(annual_report::ActiveModel::from(report.clone()))
                .exec_without_returning(tx.conn())
                .await
                .or_conflict(|| {
                    Error::conflict(
                        format!("the report for {year} was just submitted"),
                        format!("{year} 年度报告刚刚已报送，请勿重复提交"),
                    )
                })?;
            let late = due_date(org.kind, year).is_some_and(|due| today > due);
            let event = AuditEvent::new("annual_report.submit", "annual_report", report.id)
                .created(&json!({"year": year, "status": report.status, "late": late}));
            (report, event)
        }
    };
    tx.commit(event.organization(Some(org.id))).await?;
    Ok(ReportWithDue {
        due_on: due_date(org.kind, report.year),
        report,
    })
}

/// Pass, pass with issues, or fail a submitted report.
pub async fn review(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    outcome: ReportAction,
    comment: Option<&str>,
) -> Result<ReportWithDue> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    if outcome == ReportAction::Resubmit {
        return Err(Error::validation(
            "outcome",
            "a review passes, passes with issues, or fails",
            "审核结论须为合格、基本合格或不合格",
        ));
    }
    let comment = match outcome {
        ReportAction::Pass => validate::optional_text("comment", comment, 1000)?,
        _ => Some(validate::required_text("comment", comment.unwrap_or_default(), 1000)?),
    };
    let tx = db.write(ctx).await?;
    let before = annual_report::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let status = workflow::report(before.status, outcome)?;
    let org = load_for_update(tx.conn(), ctx, before.organization_id).await?;
    let after = annual_report::Model {
        status,
        reviewed_by: Some(official),
        review_comment: comment,
        reviewed_at: Some(clock::now()),
        ..before.clone()
    };
    annual_report::Entity::save_owned(tx.conn(), after.clone()).await?;
    tx.commit(
        AuditEvent::new("annual_report.review", "annual_report", id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"status": before.status, "review_comment": before.review_comment}),
                &json!({"status": after.status, "review_comment": after.review_comment}),
            ),
    )
    .await?;
    Ok(ReportWithDue {
        due_on: due_date(org.kind, after.year),
        report: after,
    })
}

pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    organization_id: Option<Uuid>,
    year: Option<i32>,
    status: Option<ReportStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<ReportWithDue>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = annual_report::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        query = query.filter(annual_report::Column::OrganizationId.eq(ctx.organization_id()));
    }
    if let Some(org) = organization_id {
        query = query.filter(annual_report::Column::OrganizationId.eq(org));
    }
    if let Some(year) = year {
        query = query.filter(annual_report::Column::Year.eq(year));
    }
    if let Some(status) = status {
        query = query.filter(annual_report::Column::Status.eq(status));
    }
    // The page and its organizations' kinds (for the due dates) in one
    // transaction.
    let tx = db.read(ctx).await?;
    let found = page::fetch(&tx, query, annual_report::Column::Id, Order::OldestFirst, page).await?;
    let kinds = kinds_of(&tx, ctx, found.items.iter().map(|r| r.organization_id)).await?;
    tx.commit().await?;
    Ok(Page {
        items: found
            .items
            .into_iter()
            .map(|report| ReportWithDue {
                due_on: kinds
                    .get(&report.organization_id)
                    .and_then(|k| due_date(*k, report.year)),
                report,
            })
            .collect(),
        has_next: found.has_next,
        total: found.total,
    })
}

/// The kinds of these organizations (a report's due date depends on it).
pub(crate) async fn kinds_of<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, OrganizationKind>> {
    Ok(organization::Entity::scoped(ctx)
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Kind)
        .filter(organization::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, OrganizationKind)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}
