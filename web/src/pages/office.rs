//! The bureau's desk (city officials) and the region's comparison (region
//! officials): queues with their actions (registration applications,
//! undeliverable emails), charts with their numbers in tables, the relief
//! figures and the charities out of bounds.

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::Datelike;
use entity::email_outbox::EmailStatus;
use entity::fee_reduction_report::FeeReportStatus;
use entity::registration_application::ApplicationStatus;
use std::collections::HashMap;

use minijinja::context;
use service::Role;
use service::page::PageRequest;
use uuid::Uuid;

use super::{Page, Reply, redirect, redirect_done, yuan};
use crate::chart;

pub async fn desk(page: Page, tenant: web::Path<String>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let db = &page.db;
    let first = || PageRequest::new(Some(100), None::<Uuid>);
    use service::organizations::registration;
    let submitted = registration::list(db, ctx, Some(ApplicationStatus::Submitted), first()?)
        .await?
        .items;
    let accepted = registration::list(db, ctx, Some(ApplicationStatus::Accepted), first()?)
        .await?
        .items;
    let reports = service::fee_reductions::reports(db, ctx, None, Some(FeeReportStatus::Submitted), first()?)
        .await?
        .items;
    let dead = service::outbox::list(db, ctx, Some(EmailStatus::Dead), first()?)
        .await?
        .items;
    let relief = service::relief::dashboard::city(db, ctx, None).await?;
    // The desk charts months only: no organization needs naming.
    let totals = service::donations::totals::city(db, ctx, None, 0).await?;
    let checks = service::spending_rules::check(db, ctx, service::clock::today().year() - 1, true).await?;
    let to_review = super::fee_reports::to_review(db, ctx, page.frame.lang).await?;
    let overdue: Vec<_> = service::relief::dashboard::overdue_targets(db, ctx)
        .await?
        .iter()
        .map(|o| {
            context! {
                case => o.case_id.to_string(), deadline => o.deadline.to_string(), organization => o.organization.clone(),
                escalated => o.escalated,
            }
        })
        .collect();
    let applications: Vec<_> = submitted
        .iter()
        .chain(accepted.iter())
        .map(|a| {
            context! {
                id => a.id.to_string(), name => a.name.clone(), date => service::clock::china_date(a.submitted_at).to_string(),
                submitted => a.status == ApplicationStatus::Submitted,
                // The daily check has emailed that it waits too long.
                late => a.overdue_notified_at.is_some(),
            }
        })
        .collect();
    let dead_letters: Vec<_> = dead
        .iter()
        .map(|m| {
            context! {
                id => m.id.to_string(), recipient => m.recipient.clone(), subject => m.subject.clone(),
                error => m.last_error.clone(), attempts => m.attempts,
            }
        })
        .collect();
    let months: Vec<_> = totals.by_month.iter().rev().take(24).rev().collect();
    let text = |key: &str| crate::i18n::text(page.frame.lang, key);
    let (money, goods) = (text("money"), text("goods"));
    let points: Vec<(String, String, i64)> = months
        .iter()
        .flat_map(|(m, f)| {
            [
                (m.clone(), money.clone(), f.money_fen),
                (m.clone(), goods.clone(), f.goods_fen),
            ]
        })
        .collect();
    let xs = match (months.first(), months.last()) {
        (Some((first, _)), Some((last, _))) => chart::every_month(first, last),
        _ => Vec::new(),
    };
    let donations_chart = chart::stacked_bars(
        &chart::Bars {
            title: &text("donations_by_month"),
            x_label: &text("month"),
            y_label: &text("amount_yuan_axis"),
            xs,
            series: vec![money, goods],
            points,
        },
        |v| format!("¥{}", yuan(v)),
    );
    let month_rows: Vec<_> = months
        .iter()
        .map(|(m, f)| context! { month => m.clone(), money => yuan(f.money_fen), goods => yuan(f.goods_fen) })
        .collect();
    let median = relief.median_half_days_to_first_help.map(|h| {
        if h % 2 == 0 {
            (h / 2).to_string()
        } else {
            format!("{}.5", h / 2)
        }
    });
    let relief_ctx = context! {
        open => relief.referrals_open, money => yuan(relief.delivered.money_fen), goods => yuan(relief.delivered.goods_fen),
        person_times => relief.delivered.person_times, hours => yuan(relief.delivered.hours_centi), median => median,
    };
    let checks: Vec<_> = checks
        .iter()
        .map(|c| {
            let findings = match (&c.statement, &c.verdict) {
                (None, _) => "未报送本年度财务数据".to_owned(),
                (_, None) => "未报送上年度财务数据".to_owned(),
                (Some(_), Some(v)) => {
                    let mut f = Vec::new();
                    if !v.spending_ok {
                        f.push(format!("慈善活动支出低于 ¥{}", yuan(v.required_spending_fen)));
                    }
                    if !v.management_ok {
                        f.push(format!("管理费用超过 ¥{}", yuan(v.management_cap_fen)));
                    }
                    f.join("；")
                }
            };
            context! { name => c.organization.name.clone(), findings => findings }
        })
        .collect();
    let queues = context! {
        applications => submitted.len() + accepted.len(), reports => reports.len(),
        referrals_overdue => relief.targets_overdue, dead_letters => dead.len(),
    };
    let city = service::tenants::find_by_id(db, ctx.tenant_id).await?.name;
    Ok(page.render(
        "office.html",
        StatusCode::OK,
        context! {
            city => city, queues => queues, applications => applications, donations_chart => donations_chart, months => month_rows,
            relief => relief_ctx, checks => checks, year => service::clock::today().year() - 1, reports => to_review,
            dead_letters => dead_letters, overdue => overdue, ..page.base(Some(&tenant))
        },
    ))
}

pub async fn region(page: Page, tenant: web::Path<String>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::RegionOfficial)?;
    let donations = service::donations::totals::region(&page.db, ctx, None).await?;
    let relief = service::relief::dashboard::region(&page.db, ctx, None).await?;
    let text = |key: &str| crate::i18n::text(page.frame.lang, key);
    let (money, goods) = (text("money"), text("goods"));
    let points: Vec<(String, String, i64)> = donations
        .iter()
        .flat_map(|(_, name, f)| {
            [
                (name.clone(), money.clone(), f.money_fen),
                (name.clone(), goods.clone(), f.goods_fen),
            ]
        })
        .collect();
    let chart = chart::stacked_bars(
        &chart::Bars {
            title: &text("donations_by_city"),
            x_label: &text("city"),
            y_label: &text("amount_yuan_axis"),
            xs: donations.iter().map(|(_, name, _)| name.clone()).collect(),
            series: vec![money, goods],
            points,
        },
        |v| format!("¥{}", yuan(v)),
    );
    let cities: Vec<_> = donations
        .iter()
        .map(|(slug, name, f)| {
            let r = relief
                .iter()
                .find(|(s, _, _)| s == slug)
                .map(|(_, _, d)| d.delivered)
                .unwrap_or_default();
            context! {
                name => name.clone(), money => yuan(f.money_fen), goods => yuan(f.goods_fen),
                person_times => r.person_times, hours => yuan(r.hours_centi),
            }
        })
        .collect();
    let region = service::tenants::find_by_id(&page.db, ctx.tenant_id).await?.name;
    Ok(page.render(
        "region.html",
        StatusCode::OK,
        context! { region => region, chart => chart, cities => cities, ..page.base(None) },
    ))
}

/// Accept (受理), approve (准予登记) or reject a registration application.
pub async fn decide_application(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    use service::organizations::registration;
    use service::organizations::workflow::RegistrationAction;
    let (tenant, id, action) = path.into_inner();
    let ctx = page.acting(&tenant, Role::CityOfficial, &form)?;
    let action = match action.as_str() {
        "accept" => RegistrationAction::Accept,
        "approve" => RegistrationAction::Approve,
        "reject" => RegistrationAction::Reject,
        _ => return Err(service::Error::NotFound("action").into()),
    };
    let reason = form.get("reason").map(String::as_str);
    let decided = registration::decide(&page.db, ctx, id, action, reason).await?;
    // An approval shows its result: the new organization's record, with
    // its code.
    Ok(match (action, decided.organization_id) {
        (RegistrationAction::Approve, Some(org)) => redirect_done(
            &format!("/{tenant}/office/organizations/{org}"),
            "registration_approved",
        ),
        (RegistrationAction::Accept, _) => redirect_done(&format!("/{tenant}/office"), "application_accepted"),
        _ => redirect_done(&format!("/{tenant}/office"), "application_rejected"),
    })
}

/// One registration application as the official decides on it: the
/// particulars the applicant gave, and the same actions as the desk's.
pub async fn application(page: Page, path: web::Path<(String, Uuid)>) -> Reply {
    use service::labels::heading;
    let (tenant, id) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let a = service::organizations::registration::get(&page.db, ctx, id).await?;
    let lang = page.frame.lang;
    let shown = context! {
        id => a.id.to_string(), name => a.name, kind => heading(a.kind, lang), association => a.is_industry_association,
        scope => a.business_scope, address => a.registered_address, representative => a.legal_representative,
        supervising_unit => a.supervising_unit, contact => a.contact_email, status => heading(a.status, lang),
        submitted => a.status == ApplicationStatus::Submitted, accepted => a.status == ApplicationStatus::Accepted,
        date => service::clock::china_date(a.submitted_at).to_string(), late => a.overdue_notified_at.is_some(),
        reason => a.decision_reason, organization => a.organization_id.map(|o| o.to_string()),
    };
    Ok(page.render(
        "application.html",
        StatusCode::OK,
        context! { a => shown, ..page.base(Some(&tenant)) },
    ))
}

/// Send an undeliverable email back to the queue.
pub async fn retry_email(
    page: Page,
    path: web::Path<(String, Uuid)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, id) = path.into_inner();
    let ctx = page.acting(&tenant, Role::CityOfficial, &form)?;
    service::outbox::retry(&page.db, ctx, id).await?;
    Ok(redirect(&format!("/{tenant}/office")))
}
