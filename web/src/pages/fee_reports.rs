//! Fee-reduction reports in the browser: an association files its report
//! for the open period (lines added and removed with buttons, no script),
//! and officials approve or return what was submitted.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use entity::fee_reduction_line::{FeeItem, Measure};
use entity::fee_reduction_report::FeeReportStatus;
use minijinja::{Environment, Value, context};
use service::fee_reductions::{self as fees, LineInput, ReportAction, ReportInput};
use service::page::PageRequest;
use service::{Db, Money, Role, TenantContext};
use uuid::Uuid;

use super::workspace::staff_of;
use super::{Frame, error_page, redirect};
use crate::session::{self, Keys};

const FEE_ITEMS: [(FeeItem, &str, &str); 6] = [
    (FeeItem::Membership, "membership", "会费"),
    (FeeItem::Training, "training", "培训费"),
    (FeeItem::Appraisal, "appraisal", "评比表彰"),
    (FeeItem::Consulting, "consulting", "咨询费"),
    (FeeItem::Publication, "publication", "资料费"),
    (FeeItem::Other, "other", "其他"),
];
const MEASURES: [(Measure, &str, &str); 4] = [
    (Measure::Cancel, "cancel", "取消"),
    (Measure::Lower, "lower", "降低"),
    (Measure::Waive, "waive", "减免"),
    (Measure::Standardize, "standardize", "规范清退"),
];

fn status_key(s: FeeReportStatus) -> &'static str {
    match s {
        FeeReportStatus::Draft => "draft",
        FeeReportStatus::Submitted => "submitted",
        FeeReportStatus::Approved => "approved",
        FeeReportStatus::Returned => "returned",
    }
}

/// A line as the form holds it: text, kept exactly as typed.
#[derive(Clone, Default, serde::Serialize)]
struct FormLine {
    fee_item: String,
    measure: String,
    amount: String,
    enterprises: String,
    note: String,
    comment: Option<String>,
}

/// The period being reported and the association's report for it.
async fn current(
    db: &Db,
    ctx: &TenantContext,
) -> service::Result<Option<(entity::fee_reduction_period::Model, Option<fees::ReportWithLines>)>> {
    let periods = fees::periods(db, ctx, PageRequest::new(Some(100), None::<Uuid>)?)
        .await?
        .items;
    let Some(period) = periods.into_iter().rfind(|p| p.due_on >= service::clock::today()) else {
        return Ok(None);
    };
    let mine = fees::reports(db, ctx, Some(period.id), None, PageRequest::new(Some(1), None::<Uuid>)?)
        .await?
        .items;
    let report = match mine.first() {
        Some(r) => Some(fees::report(db, ctx, r.id).await?),
        None => None,
    };
    Ok(Some((period, report)))
}

#[allow(clippy::too_many_arguments)]
async fn page(
    frame: &Frame,
    env: &Environment<'static>,
    db: &Db,
    ctx: &TenantContext,
    tenant: &str,
    kept: Option<(Value, Vec<FormLine>)>,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let current = match current(db, ctx).await {
        Ok(c) => c,
        Err(e) => return error_page(&e),
    };
    let fee_items: Vec<(&str, &str)> = FEE_ITEMS.iter().map(|(_, k, l)| (*k, *l)).collect();
    let measures: Vec<(&str, &str)> = MEASURES.iter().map(|(_, k, l)| (*k, *l)).collect();
    let Some((period, report)) = current else {
        return frame.page(
            env,
            "fee_report.html",
            status,
            context! { period => None::<()>, ..frame.context(Some(tenant)) },
        );
    };
    let status_name = report.as_ref().map_or("none", |r| status_key(r.report.status));
    let editable = matches!(status_name, "none" | "draft" | "returned");
    let (form, lines) = match kept {
        Some(k) => k,
        None => {
            let lines: Vec<FormLine> = report
                .as_ref()
                .map(|r| {
                    r.lines
                        .iter()
                        .map(|l| FormLine {
                            fee_item: FEE_ITEMS
                                .iter()
                                .find(|f| f.0 == l.fee_item)
                                .map_or("other", |f| f.1)
                                .to_owned(),
                            measure: MEASURES
                                .iter()
                                .find(|m| m.0 == l.measure)
                                .map_or("lower", |m| m.1)
                                .to_owned(),
                            amount: Money::from_fen(l.amount_fen).to_string(),
                            enterprises: l.enterprises.to_string(),
                            note: l.note.clone(),
                            comment: l.return_comment.clone(),
                        })
                        .collect()
                })
                .filter(|l: &Vec<FormLine>| !l.is_empty())
                .unwrap_or_else(|| vec![FormLine::default()]);
            let form = report.as_ref().map_or_else(
                || context! {},
                |r| {
                    context! {
                        member_count => r.report.member_count, irregular_charges_found => r.report.irregular_charges_found,
                        refunded => Money::from_fen(r.report.refunded_fen).to_string(), enterprises_refunded => r.report.enterprises_refunded,
                    }
                },
            );
            (form, lines)
        }
    };
    let period_ctx =
        context! { id => period.id.to_string(), title => period.title.clone(), due_on => period.due_on.to_string() };
    frame.page(
        env,
        "fee_report.html",
        status,
        context! {
            period => period_ctx, status => status_name, editable => editable, form => form,
            lines => Value::from(minijinja::value::Serde(lines)), fee_items => fee_items, measures => measures,
            return_comment => report.as_ref().and_then(|r| r.report.review_comment.clone()).filter(|_| status_name == "returned"),
            error => error, ..frame.context(Some(tenant))
        },
    )
}

pub async fn show(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    page(&frame, &env, &db, ctx, &tenant, None, None, StatusCode::OK).await
}

fn form_lines(form: &HashMap<String, String>) -> Vec<FormLine> {
    let count: usize = form
        .get("lines")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
        .min(fees::MAX_LINES);
    let get = |k: String| form.get(&k).map(|v| v.trim().to_owned()).unwrap_or_default();
    (0..count)
        .map(|i| FormLine {
            fee_item: get(format!("fee_item_{i}")),
            measure: get(format!("measure_{i}")),
            amount: get(format!("amount_{i}")),
            enterprises: get(format!("enterprises_{i}")),
            note: get(format!("note_{i}")),
            comment: None,
        })
        .collect()
}

fn report_input(form: &HashMap<String, String>, lines: &[FormLine]) -> Result<ReportInput, String> {
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let int = |k: &str, label: &str| -> Result<i32, String> {
        let v = text(k);
        if v.is_empty() {
            Ok(0)
        } else {
            v.parse().map_err(|_| format!("{label}: \"{v}\" is not a whole number"))
        }
    };
    let money = |v: &str, label: &str| -> Result<Money, String> {
        if v.is_empty() {
            Ok(Money::ZERO)
        } else {
            v.parse::<Money>().map_err(|e| format!("{label}: {e}"))
        }
    };
    let mut parsed = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        parsed.push(LineInput {
            fee_item: FEE_ITEMS
                .iter()
                .find(|f| f.1 == l.fee_item)
                .map_or(FeeItem::Other, |f| f.0),
            fee_item_detail: None,
            measure: MEASURES
                .iter()
                .find(|m| m.1 == l.measure)
                .map_or(Measure::Lower, |m| m.0),
            standard_before: None,
            standard_after: None,
            amount: money(&l.amount, &format!("line {n}"))?,
            enterprises: if l.enterprises.is_empty() {
                0
            } else {
                l.enterprises
                    .parse()
                    .map_err(|_| format!("line {n}: enterprises is a whole number"))?
            },
            note: Some(l.note.clone()).filter(|n| !n.is_empty()),
        });
    }
    Ok(ReportInput {
        member_count: Some(text("member_count"))
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("member count: \"{v}\" is not a whole number"))
            })
            .transpose()?,
        irregular_charges_found: int("irregular_charges_found", "irregular charges found")?,
        refunded: money(&text("refunded"), "refunded")?,
        enterprises_refunded: int("enterprises_refunded", "enterprises refunded")?,
        lines: parsed,
    })
}

pub async fn save(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match staff_of(&frame, &tenant) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let mut lines = form_lines(&form);
    let kept_form = Value::from(minijinja::value::Serde(&*form));
    if !session::csrf_ok(&req, form.get("csrf")) {
        let error = Some("the form expired; submit it again".to_owned());
        return page(
            &frame,
            &env,
            &db,
            ctx,
            &tenant,
            Some((kept_form, lines)),
            error,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let action = form.get("action").cloned().unwrap_or_default();
    if action == "add" {
        lines.push(FormLine::default());
        return page(
            &frame,
            &env,
            &db,
            ctx,
            &tenant,
            Some((kept_form, lines)),
            None,
            StatusCode::OK,
        )
        .await;
    }
    if let Some(i) = action.strip_prefix("remove_").and_then(|i| i.parse::<usize>().ok()) {
        if i < lines.len() {
            lines.remove(i);
        }
        return page(
            &frame,
            &env,
            &db,
            ctx,
            &tenant,
            Some((kept_form, lines)),
            None,
            StatusCode::OK,
        )
        .await;
    }
    let (Some(period), Some(org)) = (
        form.get("period_id").and_then(|p| Uuid::parse_str(p).ok()),
        ctx.organization_id(),
    ) else {
        return HttpResponse::BadRequest().body("the form lost its period; reload the page");
    };
    let result = match report_input(&form, &lines) {
        Err(message) => Err(service::Error::Validation { field: None, message }),
        Ok(input) => match fees::save_report(&db, ctx, period, org, input).await {
            Ok(report) if action == "submit" => fees::submit(&db, ctx, report.id).await.map(drop),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => redirect(&format!("/{tenant}/workspace/fee-report")),
        Err(e @ (service::Error::Validation { .. } | service::Error::Conflict(_))) => {
            page(
                &frame,
                &env,
                &db,
                ctx,
                &tenant,
                Some((kept_form, lines)),
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

/// The officials' queue of submitted reports, for the desk.
pub(crate) async fn to_review(db: &Db, ctx: &TenantContext) -> service::Result<Vec<Value>> {
    let page = PageRequest::new(Some(50), None::<Uuid>)?;
    let submitted = fees::reports(db, ctx, None, Some(FeeReportStatus::Submitted), page)
        .await?
        .items;
    let mut out = Vec::new();
    for r in submitted {
        let full = fees::report(db, ctx, r.id).await?;
        let org = service::organizations::get(db, ctx, r.organization_id).await?;
        let total: i64 = full.lines.iter().map(|l| l.amount_fen).sum();
        let lines: Vec<String> = full
            .lines
            .iter()
            .map(|l| {
                let item = FEE_ITEMS.iter().find(|f| f.0 == l.fee_item).map_or("其他", |f| f.2);
                let measure = MEASURES.iter().find(|m| m.0 == l.measure).map_or("", |m| m.2);
                format!(
                    "{item} · {measure} · ¥{} · {} 家企业",
                    Money::from_fen(l.amount_fen),
                    l.enterprises
                )
            })
            .collect();
        out.push(context! { id => r.id.to_string(), organization => org.name, total => Money::from_fen(total).to_string(), lines => lines });
    }
    Ok(out)
}

pub async fn review(
    req: HttpRequest,
    db: web::Data<Db>,
    keys: Keys,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let (tenant, id, action) = path.into_inner();
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match &frame.user {
        Some(ctx) if ctx.tenant_slug == tenant && ctx.role() == Some(Role::CityOfficial) => ctx,
        Some(_) => return HttpResponse::Forbidden().body("this is for the bureau's officials"),
        None => return redirect("/login"),
    };
    if !session::csrf_ok(&req, form.get("csrf")) {
        return HttpResponse::Forbidden().body("the form expired; go back and try again");
    }
    let action = match action.as_str() {
        "approve" => ReportAction::Approve,
        "return" => ReportAction::Return,
        _ => return HttpResponse::NotFound().finish(),
    };
    let comment = form.get("comment").map(String::as_str).filter(|c| !c.trim().is_empty());
    match fees::review(&db, ctx, id, action, comment, Vec::new()).await {
        Ok(_) => redirect(&format!("/{tenant}/office")),
        Err(e) => error_page(&e),
    }
}
