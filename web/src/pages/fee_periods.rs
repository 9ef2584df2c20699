//! The bureau's overview of a fee-reduction period: who reported, the
//! amounts saved by fee item and by measure (charts with their tables),
//! and the spreadsheet passed up the chain as CSV or XLSX.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_DISPOSITION;
use actix_web::{HttpResponse, web};
use minijinja::context;
use serde::Deserialize;
use service::fee_reductions::{self as fees, totals};
use service::labels::Label;
use service::page::PageRequest;
use service::{Money, Role};
use uuid::Uuid;

use super::{Page, Reply, key};
use crate::chart;

#[derive(Deserialize)]
pub struct Chosen {
    period: Option<Uuid>,
}

fn yuan(m: Money) -> String {
    m.to_string()
}

pub async fn overview(page: Page, tenant: web::Path<String>, query: web::Query<Chosen>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let db = &page.db;
    // Oldest first (ids are time-ordered); a city opens two a year, so a
    // hundred is decades. The newest is shown unless another is chosen.
    let periods = fees::periods(db, ctx, PageRequest::new(Some(100), None::<Uuid>)?)
        .await?
        .items;
    let chosen = query.period.or_else(|| periods.last().map(|p| p.id));
    let options: Vec<_> = periods
        .iter()
        .rev()
        .map(|p| context! { id => p.id.to_string(), title => p.title.clone(), selected => Some(p.id) == chosen })
        .collect();
    let Some(period_id) = chosen else {
        return Ok(page.render(
            "fee_periods.html",
            StatusCode::OK,
            context! { periods => options, totals => None::<()>, ..page.base(Some(&tenant)) },
        ));
    };
    let t = totals::period_totals(db, ctx, period_id).await?;
    let bars = |title: &str, sums: Vec<(String, i64)>| {
        let points: Vec<(String, String, i64)> = sums
            .into_iter()
            .map(|(x, fen)| (x, "减负金额 saved".to_owned(), fen))
            .collect();
        chart::stacked_bars(title, &points, |v| format!("¥{}", Money::from_fen(v)))
    };
    let by_item: Vec<_> = t
        .by_fee_item
        .iter()
        .map(|(item, sum)| context! { label => item.label(page.frame.lang), amount => yuan(sum.amount), enterprises => sum.enterprises })
        .collect();
    let by_measure: Vec<_> = t
        .by_measure
        .iter()
        .map(|(m, sum)| context! { label => m.label(page.frame.lang), amount => yuan(sum.amount), enterprises => sum.enterprises })
        .collect();
    let item_chart = bars(
        "按收费项目 By fee item",
        t.by_fee_item
            .iter()
            .map(|(i, s)| (i.label(page.frame.lang).to_owned(), s.amount.fen()))
            .collect(),
    );
    let measure_chart = bars(
        "按减负措施 By measure",
        t.by_measure
            .iter()
            .map(|(m, s)| (m.label(page.frame.lang).to_owned(), s.amount.fen()))
            .collect(),
    );
    let associations: Vec<_> = t
        .associations
        .iter()
        .map(|a| {
            context! {
                id => a.organization.id.to_string(), name => a.organization.name.clone(),
                status => a.status.map_or_else(|| "none".to_owned(), key), amount => yuan(a.sum.amount),
                enterprises => a.sum.enterprises, refunded => yuan(a.refunded), late => a.late,
            }
        })
        .collect();
    let totals = context! {
        id => period_id.to_string(), title => t.period.title.clone(), due_on => t.period.due_on.to_string(), late => t.late,
        asked => t.asked, reported => t.reported, not_reported => t.not_reported, approved => t.approved,
        amount => yuan(t.total.amount), enterprises => t.total.enterprises, refunded => yuan(t.refunded),
        enterprises_refunded => t.enterprises_refunded, irregular => t.irregular_charges_found,
    };
    Ok(page.render(
        "fee_periods.html",
        StatusCode::OK,
        context! {
            periods => options, totals => totals, by_item => by_item, by_measure => by_measure, item_chart => item_chart,
            measure_chart => measure_chart, associations => associations, ..page.base(Some(&tenant))
        },
    ))
}

/// `…/fee-periods/{period}.csv` or `.xlsx`: the same export as the API's,
/// for a signed-in official's browser.
pub async fn export(page: Page, path: web::Path<(String, String)>) -> Reply {
    let (tenant, file) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let (id, format) = file.rsplit_once('.').ok_or(service::Error::NotFound("export"))?;
    let period_id = Uuid::parse_str(id).map_err(|_| service::Error::NotFound("fee-reduction period"))?;
    let (body, content_type) = fees::export::file(&page.db, ctx, period_id, format).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"fee-reductions-{period_id}.{format}\""),
        ))
        .body(body))
}
