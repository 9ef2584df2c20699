//! The bureau's desk (city officials) and the region's comparison (region
//! officials): queues, charts with their numbers in tables, the relief
//! figures and the charities out of bounds. Read-only; the actions stay in
//! the API for now.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Datelike;
use entity::email_outbox::EmailStatus;
use entity::fee_reduction_report::FeeReportStatus;
use entity::registration_application::ApplicationStatus;
use minijinja::{Environment, context};
use service::page::PageRequest;
use service::{Db, Money, Role, TenantContext};
use uuid::Uuid;

use super::{Frame, error_page, redirect};
use crate::chart;
use crate::session::Keys;

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

fn role_of<'a>(frame: &'a Frame, tenant: &str, role: Role) -> Result<&'a TenantContext, Box<HttpResponse>> {
    match &frame.user {
        Some(ctx) if ctx.tenant_slug == tenant && ctx.role() == Some(role) => Ok(ctx),
        Some(_) => Err(Box::new(
            HttpResponse::Forbidden().body("this page is for the bureau's officials"),
        )),
        None => Err(Box::new(redirect("/login"))),
    }
}

async fn count_page<T>(
    f: impl std::future::Future<Output = service::Result<service::page::Page<T>>>,
) -> service::Result<Vec<T>> {
    f.await.map(|p| p.items)
}

pub async fn desk(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match role_of(&frame, &tenant, Role::CityOfficial) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let page = || PageRequest::new(Some(100), None::<Uuid>);
    let (Ok(p1), Ok(p2), Ok(p3), Ok(p4)) = (page(), page(), page(), page()) else {
        return HttpResponse::InternalServerError().finish();
    };
    use service::organizations::registration;
    let results = (
        count_page(registration::list(&db, ctx, Some(ApplicationStatus::Submitted), p1)).await,
        count_page(registration::list(&db, ctx, Some(ApplicationStatus::Accepted), p2)).await,
        count_page(service::fee_reductions::reports(
            &db,
            ctx,
            None,
            Some(FeeReportStatus::Submitted),
            p3,
        ))
        .await,
        count_page(service::outbox::list(&db, ctx, Some(EmailStatus::Dead), p4)).await,
        service::relief::dashboard::city(&db, ctx, None).await,
        service::donations::totals::city(&db, ctx, None).await,
        service::spending_rules::check(&db, ctx, service::clock::today().year() - 1, true).await,
    );
    let (submitted, accepted, reports, dead, relief, totals, checks) = match results {
        (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(f), Ok(g)) => (a, b, c, d, e, f, g),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), ..) | (_, _, _, Err(e), ..) => return error_page(&e),
        (_, _, _, _, Err(e), _, _) | (_, _, _, _, _, Err(e), _) | (_, _, _, _, _, _, Err(e)) => return error_page(&e),
    };
    let to_review = match super::fee_reports::to_review(&db, ctx).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    let applications: Vec<_> = submitted
        .iter()
        .chain(accepted.iter())
        .map(|a| {
            context! {
                name => a.name.clone(), date => service::clock::china_date(a.submitted_at).to_string(),
                status => if a.status == ApplicationStatus::Submitted { "已提交" } else { "已受理" },
            }
        })
        .collect();
    let months: Vec<_> = totals.by_month.iter().rev().take(24).rev().collect();
    let points: Vec<(String, String, i64)> = months
        .iter()
        .flat_map(|(m, f)| {
            [
                (m.clone(), "资金 money".to_owned(), f.money_fen),
                (m.clone(), "物资 goods".to_owned(), f.goods_fen),
            ]
        })
        .collect();
    let donations_chart = chart::stacked_bars("按月捐赠 Donations by month", &points, |v| format!("¥{}", yuan(v)));
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
    let city = service::tenants::find_by_id(&db, ctx.tenant_id)
        .await
        .map(|t| t.name)
        .unwrap_or_default();
    frame.page(
        &env,
        "office.html",
        StatusCode::OK,
        context! {
            city => city, queues => queues, applications => applications, donations_chart => donations_chart, months => month_rows,
            relief => relief_ctx, checks => checks, year => service::clock::today().year() - 1, reports => to_review,
            ..frame.context(Some(&tenant))
        },
    )
}

pub async fn region(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match role_of(&frame, &tenant, Role::RegionOfficial) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let (donations, relief) = match (
        service::donations::totals::region(&db, ctx, None).await,
        service::relief::dashboard::region(&db, ctx, None).await,
    ) {
        (Ok(d), Ok(r)) => (d, r),
        (Err(e), _) | (_, Err(e)) => return error_page(&e),
    };
    let points: Vec<(String, String, i64)> = donations
        .iter()
        .flat_map(|(_, name, f)| {
            [
                (name.clone(), "资金 money".to_owned(), f.money_fen),
                (name.clone(), "物资 goods".to_owned(), f.goods_fen),
            ]
        })
        .collect();
    let chart = chart::stacked_bars("各市捐赠 Donations by city", &points, |v| format!("¥{}", yuan(v)));
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
    let region = service::tenants::find_by_id(&db, ctx.tenant_id)
        .await
        .map(|t| t.name)
        .unwrap_or_default();
    frame.page(
        &env,
        "region.html",
        StatusCode::OK,
        context! { region => region, chart => chart, cities => cities, ..frame.context(None) },
    )
}
