//! Supervision (社会组织信用信息管理办法, 2018): the abnormal-activity list
//! (活动异常名录), the serious illegal and dishonest list (严重违法失信名单),
//! the daily check that fills them, and complaints about illegal
//! (unregistered) organizations.

use std::collections::HashSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use entity::app_user::{self, Role};
use entity::complaint::{self, ComplaintStatus};
use entity::organization::{self, OrganizationStatus};
use entity::registration_application::{self, ApplicationStatus};
use entity::supervision_listing::{self, SupervisionList};
use entity::{annual_report, annual_report_reminder};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::annual_reports::{due_date, due_rule};
use super::load_for_update;
use super::workflow::{self, ComplaintAction};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::{Actor, TenantContext};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::labels::Label;
use crate::outbox::{Email, Template};
use crate::page::{self, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::tenants;
use crate::validate;

/// An application waiting longer than this many working days is reported
/// to the city's officials.
pub const OVERDUE_WORKING_DAYS: i64 = 5;

/// Monday to Friday after `from` up to and including `to` (public holidays
/// are not modelled). Arithmetic, not a loop: whole weeks count five.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let days = (to - from).num_days();
    let (weeks, rest) = (days / 7, days % 7);
    let start = i64::from(from.weekday().num_days_from_monday());
    let rest_working = (1..=rest).filter(|d| (start + d) % 7 < 5).count() as i64;
    weeks * 5 + rest_working
}

fn list_name(list: SupervisionList) -> &'static str {
    match list {
        SupervisionList::Abnormal => "活动异常名录",
        SupervisionList::Serious => "严重违法失信名单",
    }
}

/// How many days before its due date an organization that has not filed
/// its annual report is reminded.
pub const REMINDER_DAYS: u64 = 30;

/// The reason an abnormal listing ends when its organization moves onto
/// the serious list.
pub const MOVED_TO_SERIOUS: &str = "列入活动异常名录满两年，移入严重违法失信名单";

/// What one check did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CheckReport {
    pub listed_abnormal: Vec<Uuid>,
    pub listed_serious: Vec<Uuid>,
    /// Abnormal listings closed because their organization moved onto the
    /// serious list.
    pub moved_from_abnormal: Vec<Uuid>,
    /// Organizations reminded of last year's annual report.
    pub reminded: Vec<Uuid>,
    pub overdue_applications: Vec<Uuid>,
}

/// The daily check of one city as of a date: organizations whose annual
/// report for last year is due soon are reminded, those that missed it go
/// onto the abnormal list; ones listed for two years move onto the serious
/// list; applications waiting too long are reported to officials. One
/// business event with one audit record.
pub async fn daily_check(db: &Db, ctx: &TenantContext, as_of: NaiveDate) -> Result<CheckReport> {
    if ctx.actor != Actor::System {
        ctx.require_role(&[Role::CityOfficial])?;
        // Officials run today's check: a date of their choosing could list
        // organizations early or escalate them by backdating.
        if as_of != crate::clock::today() {
            return Err(Error::validation(
                "asOf",
                "officials run the check as of today",
                "工作人员只能以今天为检查日期",
            ));
        }
    }
    if ctx.tenant_kind != entity::tenant::TenantKind::City {
        return Err(Error::forbidden("supervision runs per city"));
    }
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    // One check per city at a time (the daily job and an official's run
    // must not both list the same organization).
    lock_city(&tx, ctx).await?;
    let mut report = CheckReport::default();
    let open = supervision_listing::Entity::scoped(ctx)
        .filter(supervision_listing::Column::RemovedOn.is_null())
        .all(tx.conn())
        .await?;
    let is_listed = |org: Uuid, list: SupervisionList| open.iter().any(|l| l.organization_id == org && l.list == list);

    // Last year's annual report, due by kind (foundations 31 March, the
    // others 31 May): missed, onto the abnormal list; due within
    // REMINDER_DAYS, reminded once.
    let year = as_of.year() - 1;
    let active = organization::Entity::scoped(ctx)
        .filter(organization::Column::Status.eq(OrganizationStatus::Active))
        .filter(organization::Column::RegisteredOn.lte(NaiveDate::from_ymd_opt(year, 12, 31)))
        .all(tx.conn())
        .await?;
    let reported: HashSet<Uuid> = annual_report::Entity::scoped(ctx)
        .select_only()
        .column(annual_report::Column::OrganizationId)
        .filter(annual_report::Column::Year.eq(year))
        .into_tuple::<Uuid>()
        .all(tx.conn())
        .await?
        .into_iter()
        .collect();
    let reminded: HashSet<Uuid> = annual_report_reminder::Entity::scoped(ctx)
        .select_only()
        .column(annual_report_reminder::Column::OrganizationId)
        .filter(annual_report_reminder::Column::Year.eq(year))
        .into_tuple::<Uuid>()
        .all(tx.conn())
        .await?
        .into_iter()
        .collect();
    for org in active.iter().filter(|o| !reported.contains(&o.id)) {
        let Some(due) = due_date(org.kind, year) else {
            continue;
        };
        if as_of > due {
            // One moved onto the serious list for this stays there: not
            // listed as abnormal again for the same missed report.
            if !is_listed(org.id, SupervisionList::Abnormal) && !is_listed(org.id, SupervisionList::Serious) {
                let reason = format!("未按规定报送{year}年度工作报告（截止日期 {due}）");
                list(&tx, ctx, &city.name, org, SupervisionList::Abnormal, &reason, as_of).await?;
                report.listed_abnormal.push(org.id);
            }
        } else if as_of >= due - Days::new(REMINDER_DAYS) && !reminded.contains(&org.id) {
            remind(&tx, ctx, &city.name, org, year, due, as_of).await?;
            report.reminded.push(org.id);
        }
    }

    // Two years on the abnormal list: moved to the serious list (民政部令
    // 第60号, art. 17): the abnormal listing ends as the serious one begins.
    let two_years_on = |listed: NaiveDate| listed.checked_add_months(Months::new(24)).is_some_and(|d| d <= as_of);
    for listing in open
        .iter()
        .filter(|l| l.list == SupervisionList::Abnormal && two_years_on(l.listed_on))
    {
        let Some(org) = organization::Entity::find_owned_opt(tx.conn(), ctx, listing.organization_id).await? else {
            continue;
        };
        if org.status != OrganizationStatus::Active {
            continue;
        }
        if !is_listed(org.id, SupervisionList::Serious) {
            let reason = format!("自{}列入活动异常名录满两年仍未移出", listing.listed_on);
            list(&tx, ctx, &city.name, &org, SupervisionList::Serious, &reason, as_of).await?;
            report.listed_serious.push(org.id);
        }
        supervision_listing::Entity::update(supervision_listing::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            id: Set(listing.id),
            removed_on: Set(Some(as_of)),
            removal_reason: Set(Some(MOVED_TO_SERIOUS.to_owned())),
            removed_by: Set(ctx.user_id()),
            ..Default::default()
        })
        .exec(tx.conn())
        .await?;
        report.moved_from_abnormal.push(listing.id);
    }

    // Applications waiting too long: tell the city's officials, once.
    let waiting = registration_application::Entity::scoped(ctx)
        .filter(
            registration_application::Column::Status.is_in([ApplicationStatus::Submitted, ApplicationStatus::Accepted]),
        )
        .filter(registration_application::Column::OverdueNotifiedAt.is_null())
        .all(tx.conn())
        .await?;
    let overdue: Vec<_> = waiting
        .into_iter()
        .filter(|a| working_days_between(a.submitted_at.date_naive(), as_of) > OVERDUE_WORKING_DAYS)
        .collect();
    if !overdue.is_empty() {
        let officials = app_user::Entity::scoped(ctx)
            .filter(app_user::Column::Role.eq(Role::CityOfficial))
            .filter(app_user::Column::Active.eq(true))
            .all(tx.conn())
            .await?;
        let now = clock::now();
        for application in overdue {
            for official in &officials {
                tx.send_email(Email {
                    to: official.email.clone(),
                    language: official.language.clone(),
                    template: Template::ApplicationOverdue,
                    context: json!({
                        "name": application.name, "application_id": application.id,
                        "date": application.submitted_at.date_naive().to_string(),
                        // The status in the official's words, not its stored name.
                        "days": OVERDUE_WORKING_DAYS, "status": application.status.label(&official.language),
                    }),
                })
                .await?;
            }
            registration_application::Entity::update(registration_application::ActiveModel {
                tenant_id: Set(ctx.tenant_id),
                id: Set(application.id),
                overdue_notified_at: Set(Some(now)),
                ..Default::default()
            })
            .exec(tx.conn())
            .await?;
            report.overdue_applications.push(application.id);
        }
    }

    tx.commit(
        AuditEvent::new("supervision.daily_check", "tenant", ctx.tenant_id)
            .detail(json!({ "as_of": as_of, "report": report })),
    )
    .await?;
    Ok(report)
}

/// Serialise supervision writes of one city, from their start, on the
/// city's audit head: every write of the city takes that row at its commit
/// anyway, and the tenant row is not the server's to lock (its role may
/// not write it, and a row lock needs that right).
async fn lock_city(tx: &crate::db::WriteTx<'_>, ctx: &TenantContext) -> Result<()> {
    crate::audit::lock_head(tx.conn(), ctx.tenant_id).await.map(drop)
}

/// Remind an organization of the annual report it has not filed, once.
async fn remind(
    tx: &crate::db::WriteTx<'_>,
    ctx: &TenantContext,
    city_name: &str,
    org: &organization::Model,
    year: i32,
    due: NaiveDate,
    on: NaiveDate,
) -> Result<()> {
    annual_report_reminder::Entity::insert(annual_report_reminder::ActiveModel::from(
        annual_report_reminder::Model {
            tenant_id: ctx.tenant_id,
            organization_id: org.id,
            year,
            sent_on: on,
        },
    ))
    .exec_without_returning(tx.conn())
    .await?;
    let (rule, rule_en) = due_rule(org.kind);
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template: Template::AnnualReportReminder,
        context: json!({
            "name": org.name, "year": year, "due_on": due.to_string(), "kind_rule": rule,
            "kind_rule_en": rule_en, "tenant_name": city_name,
        }),
    })
    .await
}

/// Put an organization on a list and tell it by email.
async fn list(
    tx: &crate::db::WriteTx<'_>,
    ctx: &TenantContext,
    city_name: &str,
    org: &organization::Model,
    list: SupervisionList,
    reason: &str,
    on: NaiveDate,
) -> Result<supervision_listing::Model> {
    let listing = supervision_listing::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id: org.id,
        list,
        reason: reason.to_owned(),
        listed_on: on,
        listed_by: ctx.user_id(),
        removed_on: None,
        removal_reason: None,
        removed_by: None,
    };
    supervision_listing::Entity::insert(supervision_listing::ActiveModel::from(listing.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template: Template::ListedAbnormal,
        context: json!({
            "name": org.name, "credit_code": org.credit_code, "date": on.to_string(),
            "list_name": list_name(list), "reason": reason, "tenant_name": city_name,
        }),
    })
    .await?;
    Ok(listing)
}

/// An official lists an organization by hand (e.g. its registered address
/// cannot be reached).
pub async fn list_abnormal(
    db: &Db,
    ctx: &TenantContext,
    organization_id: Uuid,
    reason: &str,
) -> Result<supervision_listing::Model> {
    ctx.require_role(&[Role::CityOfficial])?;
    let reason = validate::required_text("reason", reason, 500)?;
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    lock_city(&tx, ctx).await?;
    let org = load_for_update(tx.conn(), ctx, organization_id).await?;
    let already = supervision_listing::Entity::scoped(ctx)
        .filter(supervision_listing::Column::OrganizationId.eq(organization_id))
        .filter(supervision_listing::Column::List.eq(SupervisionList::Abnormal))
        .filter(supervision_listing::Column::RemovedOn.is_null())
        .one(tx.conn())
        .await?;
    if already.is_some() {
        return Err(Error::conflict(
            "the organization is already on the abnormal-activity list",
            "该社会组织已列入活动异常名录",
        ));
    }
    let listing = list(
        &tx,
        ctx,
        &city.name,
        &org,
        SupervisionList::Abnormal,
        &reason,
        crate::clock::today(),
    )
    .await?;
    tx.commit(
        AuditEvent::new("supervision.list", "supervision_listing", listing.id)
            .organization(Some(organization_id))
            .created(&json!({"list": listing.list, "reason": listing.reason, "listed_on": listing.listed_on})),
    )
    .await?;
    Ok(listing)
}

/// Remove a listing when the organization has made good.
pub async fn remove(
    db: &Db,
    ctx: &TenantContext,
    listing_id: Uuid,
    reason: &str,
) -> Result<supervision_listing::Model> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    let reason = validate::required_text("reason", reason, 500)?;
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    let before = supervision_listing::Entity::lock_owned(tx.conn(), ctx, listing_id).await?;
    if before.removed_on.is_some() {
        return Err(Error::conflict(
            "illegal transition: cannot remove a listing that is already removed",
            "该名录记录已移出，不能重复移出",
        ));
    }
    let org = load_for_update(tx.conn(), ctx, before.organization_id).await?;
    let today = crate::clock::today();
    let after = supervision_listing::Model {
        removed_on: Some(today),
        removal_reason: Some(reason.clone()),
        removed_by: Some(official),
        ..before.clone()
    };
    supervision_listing::Entity::save_owned(tx.conn(), after.clone()).await?;
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template: Template::ListingRemoved,
        context: json!({
            "name": org.name, "date": today.to_string(), "list_name": list_name(after.list),
            "reason": reason, "tenant_name": city.name,
        }),
    })
    .await?;
    tx.commit(
        AuditEvent::new("supervision.remove", "supervision_listing", listing_id)
            .organization(Some(org.id))
            .changed(
                &json!({"removed_on": before.removed_on, "removal_reason": before.removal_reason}),
                &json!({"removed_on": after.removed_on, "removal_reason": after.removal_reason}),
            ),
    )
    .await?;
    Ok(after)
}

/// Listings of the city (officials) or of the caller's organization (staff).
pub async fn listings(
    db: &Db,
    ctx: &TenantContext,
    organization_id: Option<Uuid>,
    current_only: bool,
) -> Result<Vec<supervision_listing::Model>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = supervision_listing::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        query = query.filter(supervision_listing::Column::OrganizationId.eq(ctx.organization_id()));
    }
    if let Some(org) = organization_id {
        query = query.filter(supervision_listing::Column::OrganizationId.eq(org));
    }
    if current_only {
        query = query.filter(supervision_listing::Column::RemovedOn.is_null());
    }
    let tx = db.read(ctx).await?;
    let rows = query
        .order_by_desc(supervision_listing::Column::ListedOn)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Run the daily check for every city (the server's daily job, `api
/// supervise`). One city's failure is logged and the others still run.
pub async fn daily_check_all(db: &Db, as_of: NaiveDate) -> Result<()> {
    for city in tenants::list_public(db)
        .await?
        .into_iter()
        .filter(|t| t.kind == entity::tenant::TenantKind::City)
    {
        let ctx = tenants::context_for(&city, Actor::System, Default::default());
        match daily_check(db, &ctx, as_of).await {
            Ok(r) => tracing::info!(
                city = %city.slug, abnormal = r.listed_abnormal.len(), serious = r.listed_serious.len(),
                overdue = r.overdue_applications.len(), "supervision check"
            ),
            Err(e) => tracing::error!(city = %city.slug, error = ?e, "supervision check failed"),
        }
        match crate::fee_reductions::send_reminders(db, &ctx, as_of).await {
            Ok(n) if n > 0 => tracing::info!(city = %city.slug, reminded = n, "fee-reduction reminders"),
            Ok(_) => {}
            Err(e) => tracing::error!(city = %city.slug, error = ?e, "fee-reduction reminders failed"),
        }
        match crate::relief::referrals::escalate_overdue(db, &ctx, as_of).await {
            Ok(n) if n > 0 => tracing::info!(city = %city.slug, escalated = n, "overdue referrals escalated"),
            Ok(_) => {}
            Err(e) => tracing::error!(city = %city.slug, error = ?e, "referral escalation failed"),
        }
    }
    Ok(())
}

pub async fn record_complaint(
    db: &Db,
    ctx: &TenantContext,
    subject_name: &str,
    description: &str,
    reporter: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<complaint::Model> {
    let (me, _) = ctx.require_role(&[Role::CityOfficial])?;
    let now = clock::now();
    let complaint = complaint::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        subject_name: validate::required_text("subjectName", subject_name, 200)?,
        description: validate::required_text("description", description, 10_000)?,
        reporter: validate::optional_text("reporter", reporter, 200)?.unwrap_or_default(),
        status: ComplaintStatus::Received,
        handling: None,
        recorded_by: me,
        created_at: now,
        updated_at: now,
    };
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({"subject": complaint.subject_name, "description": complaint.description, "reporter": complaint.reporter});
    if let Some(id) = tx.replayed(idempotency_key, "complaint.record", &fingerprint).await? {
        let existing = complaint::Entity::find_owned_opt(tx.conn(), ctx, id).await?;
        drop(tx);
        return existing.ok_or(Error::NotFound("complaint"));
    }
    complaint::Entity::insert(complaint::ActiveModel::from(complaint.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.commit(
        AuditEvent::new("complaint.record", "complaint", complaint.id)
            .created(&json!({"subject_name": complaint.subject_name, "status": complaint.status})),
    )
    .await?;
    Ok(complaint)
}

/// Move a complaint on (investigate, close) with a note of the handling.
pub async fn handle_complaint(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    action: ComplaintAction,
    handling: &str,
) -> Result<complaint::Model> {
    ctx.require_role(&[Role::CityOfficial])?;
    let handling = validate::required_text("handling", handling, 10_000)?;
    let tx = db.write(ctx).await?;
    let before = complaint::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let status = workflow::complaint(before.status, action)?;
    let after = complaint::Model {
        status,
        handling: Some(handling),
        updated_at: clock::now(),
        ..before.clone()
    };
    complaint::Entity::save_owned(tx.conn(), after.clone()).await?;
    tx.commit(AuditEvent::new("complaint.handle", "complaint", id).changed(
        &json!({"status": before.status, "handling": before.handling}),
        &json!({"status": after.status, "handling": after.handling}),
    ))
    .await?;
    Ok(after)
}

pub async fn complaints(
    db: &Db,
    ctx: &TenantContext,
    status: Option<ComplaintStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<complaint::Model>> {
    ctx.require_role(&[Role::CityOfficial])?;
    let mut query = complaint::Entity::scoped(ctx);
    if let Some(status) = status {
        query = query.filter(complaint::Column::Status.eq(status));
    }
    page::fetch_by_id(db, ctx, query, complaint::Column::Id, page).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
        // Friday 2026-11-20 to Friday 2026-11-27: five working days.
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-11-27")), 5);
        // Saturday to Monday: one.
        assert_eq!(working_days_between(d("2026-11-21"), d("2026-11-23")), 1);
        assert_eq!(working_days_between(d("2026-11-23"), d("2026-11-23")), 0);
    }
}
