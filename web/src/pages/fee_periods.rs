//! The bureau's overview of a fee-reduction period: who reported, the
//! amounts saved by fee item and by measure (charts with their tables),
//! and the spreadsheet passed up the chain as CSV or XLSX.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Datelike, NaiveDate};
use minijinja::{Value, context};
use serde::Deserialize;
use service::fee_reductions::{self as fees, NewPeriod, totals};
use service::labels::Label;
use service::page::PageRequest;
use service::{Money, Role};
use uuid::Uuid;

use super::form::{self, Rejected};
use super::{Page, Reply, invalid, key, redirect_done};
use crate::chart;

#[derive(Deserialize)]
pub struct Chosen {
    period: Option<Uuid>,
}

fn yuan(m: Money) -> String {
    m.grouped()
}

/// A new period as typed: the year and half default to the coming one.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NewPeriodForm {
    title: String,
    year: String,
    half: String,
    due_on: String,
}

fn fresh_form() -> Value {
    let today = service::clock::today();
    context! {
        idempotency_key => service::token::random_token(), year => today.year().to_string(),
        due_on => (today + chrono::Days::new(30)).to_string(),
    }
}

pub async fn overview(page: Page, tenant: web::Path<String>, query: web::Query<Chosen>) -> Reply {
    render(&page, &tenant, query.period, fresh_form(), context! {}, StatusCode::OK).await
}

/// The period form as the service's input.
fn parse(fields: &HashMap<String, String>) -> Result<NewPeriod, Rejected> {
    let f: NewPeriodForm = form::typed(fields)?;
    let (year, due_on) = (f.year.trim(), f.due_on.trim());
    Ok(NewPeriod {
        title: f.title,
        year: year
            .parse()
            .map_err(|_| Rejected::invalid("year", invalid::whole_number("year", year)))?,
        half: match f.half.trim() {
            "" => None,
            "1" => Some(1),
            "2" => Some(2),
            other => return Err(Rejected::unknown("half", other)),
        },
        due_on: NaiveDate::parse_from_str(due_on, "%Y-%m-%d")
            .map_err(|_| Rejected::invalid("due_on", invalid::date("dueOn")))?,
    })
}

/// Open a period: every industry association of the city is asked, by
/// email, to report.
pub async fn open(page: Page, tenant: web::Path<String>, fields: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let opened = page.submit(&fields, parse, async |input, key| {
        fees::open_period(&page.db, ctx, input, key).await
    });
    let (errors, status) = match opened.await? {
        Ok(period) => {
            let to = format!("/{tenant}/office/fee-periods?period={}", period.id);
            return Ok(redirect_done(&to, "period_opened"));
        }
        Err(shown) => shown,
    };
    let form = Value::from(minijinja::value::Serde(&*fields));
    render(&page, &tenant, None, form, errors, status).await
}

async fn render(
    page: &Page,
    tenant: &str,
    chosen: Option<Uuid>,
    form: Value,
    errors: Value,
    status: StatusCode,
) -> Reply {
    let ctx = page.signed_in(tenant, Role::CityOfficial)?;
    let db = &page.db;
    // Oldest first (ids are time-ordered); a city opens two a year, so a
    // hundred is decades. The newest is shown unless another is chosen.
    let periods = fees::periods(db, ctx, PageRequest::new(Some(100), None::<Uuid>)?)
        .await?
        .items;
    let chosen = chosen.or_else(|| periods.last().map(|p| p.id));
    let halves = [("", "half_whole"), ("1", "half_1"), ("2", "half_2")]
        .map(|(value, label)| (value, crate::i18n::text(page.frame.lang, label)));
    let options: Vec<_> = periods
        .iter()
        .rev()
        .map(|p| context! { id => p.id.to_string(), title => p.title.clone(), selected => Some(p.id) == chosen })
        .collect();
    let Some(period_id) = chosen else {
        return Ok(page.render(
            "fee_periods.html",
            status,
            context! {
                periods => options, totals => None::<()>, halves => halves, form => form, errors => errors,
                ..page.base(Some(tenant))
            },
        ));
    };
    let t = totals::period_totals(db, ctx, period_id).await?;
    let text = |key: &str| crate::i18n::text(page.frame.lang, key);
    let bars = |title: &str, x_label: &str, sums: Vec<(String, i64)>| {
        let saved = text("amount_saved");
        chart::stacked_bars(
            &chart::Bars {
                title,
                x_label,
                y_label: &text("amount_yuan_axis"),
                xs: sums.iter().map(|(x, _)| x.clone()).collect(),
                series: vec![saved.clone()],
                points: sums.into_iter().map(|(x, fen)| (x, saved.clone(), fen)).collect(),
            },
            |v| format!("¥{}", super::yuan(v)),
        )
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
        &text("by_fee_item"),
        &text("fee_item"),
        t.by_fee_item
            .iter()
            .map(|(i, s)| (i.label(page.frame.lang).to_owned(), s.amount.fen()))
            .collect(),
    );
    let measure_chart = bars(
        &text("by_measure"),
        &text("measure"),
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
        status,
        context! {
            periods => options, totals => totals, by_item => by_item, by_measure => by_measure, item_chart => item_chart,
            measure_chart => measure_chart, associations => associations, halves => halves, form => form, errors => errors,
            ..page.base(Some(tenant))
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
    let file = fees::export::file(&page.db, ctx, period_id, format).await?;
    Ok(download(file, &format!("fee-reductions-{period_id}.{format}")))
}

/// A file as a download saved under its own (Chinese) name, with an ASCII
/// name for the few clients that cannot read RFC 5987's.
pub fn download(file: fees::export::File, ascii_name: &str) -> HttpResponse {
    use actix_web::http::header::{Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_name.to_owned()),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: file.filename.into_bytes(),
            }),
        ],
    };
    HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header(disposition)
        .body(file.body)
}
