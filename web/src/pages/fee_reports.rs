//! Fee-reduction reports in the browser: an association files its report
//! for the open period (lines added and removed with buttons, no script),
//! and officials approve or return what was submitted.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use entity::fee_reduction_line::{FeeItem, Measure};
use entity::fee_reduction_report::FeeReportStatus;
use minijinja::{Value, context};
use service::fee_reductions::{self as fees, LineInput, ReportAction, ReportInput};
use service::page::PageRequest;
use service::{Db, Money, Role, TenantContext};
use uuid::Uuid;

use super::{Page, Reply, form_field, invalid, key, redirect};

const FEE_ITEMS: [(FeeItem, &str, &str); 6] = [
    (FeeItem::Membership, "membership", "会费"),
    (FeeItem::Training, "training", "培训费"),
    (FeeItem::Appraisal, "appraisal", "评比表彰"),
    (FeeItem::Consulting, "consulting", "咨询费"),
    (FeeItem::Publication, "publication", "资料费"),
    (FeeItem::Other, "other", "其他"),
];
const MEASURES: [(Measure, &str, &str); 5] = [
    (Measure::Cancel, "cancel", "取消"),
    (Measure::Lower, "lower", "降低"),
    (Measure::Waive, "waive", "减免"),
    (Measure::Standardize, "standardize", "规范清退"),
    (Measure::SupportPolicy, "support_policy", "为行业争取帮扶政策"),
];

/// A line as the form holds it: text, kept exactly as typed.
#[derive(Clone, Default, serde::Serialize)]
struct FormLine {
    fee_item: String,
    fee_item_detail: String,
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

/// The association's report for the open period, as saved or as typed.
async fn page(
    page: &Page,
    tenant: &str,
    kept: Option<(Value, Vec<FormLine>)>,
    errors: Value,
    status: StatusCode,
) -> Reply {
    let ctx = page.signed_in(tenant, Role::OrgStaff)?;
    let current = current(&page.db, ctx).await?;
    let fee_items: Vec<(&str, &str)> = FEE_ITEMS.iter().map(|(_, k, l)| (*k, *l)).collect();
    let measures: Vec<(&str, &str)> = MEASURES.iter().map(|(_, k, l)| (*k, *l)).collect();
    let Some((period, report)) = current else {
        return Ok(page.render(
            "fee_report.html",
            status,
            context! { period => None::<()>, ..page.base(Some(tenant)) },
        ));
    };
    let status_name = report
        .as_ref()
        .map_or_else(|| "none".to_owned(), |r| key(r.report.status));
    let editable = matches!(status_name.as_str(), "none" | "draft" | "returned");
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
                            fee_item_detail: l.fee_item_detail.clone(),
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
    Ok(page.render(
        "fee_report.html",
        status,
        context! {
            period => period_ctx, status => status_name.clone(), editable => editable, form => form,
            lines => Value::from(minijinja::value::Serde(lines)), fee_items => fee_items, measures => measures,
            return_comment => report.as_ref().and_then(|r| r.report.review_comment.clone()).filter(|_| status_name == "returned"),
            errors => errors, ..page.base(Some(tenant))
        },
    ))
}

pub async fn show(page: Page, tenant: web::Path<String>) -> Reply {
    self::page(&page, &tenant, None, context! {}, StatusCode::OK).await
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
            fee_item_detail: get(format!("fee_item_detail_{i}")),
            measure: get(format!("measure_{i}")),
            amount: get(format!("amount_{i}")),
            enterprises: get(format!("enterprises_{i}")),
            note: get(format!("note_{i}")),
            comment: None,
        })
        .collect()
}

/// The form as the service's input; a field that does not parse is
/// reported against itself (`member_count`, `amount_2`, ...).
fn report_input(form: &HashMap<String, String>, lines: &[FormLine]) -> Result<ReportInput, (String, service::Error)> {
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let whole = |field: String, v: &str| -> Result<i32, (String, service::Error)> {
        if v.is_empty() {
            Ok(0)
        } else {
            v.parse().map_err(|_| (field, invalid::whole_number("count", v)))
        }
    };
    let money = |field: String, v: &str| -> Result<Money, (String, service::Error)> {
        if v.is_empty() {
            Ok(Money::ZERO)
        } else {
            Money::from_typed(v).map_err(|e| (field, e))
        }
    };
    let mut parsed = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        parsed.push(LineInput {
            fee_item: FEE_ITEMS
                .iter()
                .find(|f| f.1 == l.fee_item)
                .map_or(FeeItem::Other, |f| f.0),
            fee_item_detail: Some(l.fee_item_detail.clone()).filter(|d| !d.is_empty()),
            measure: MEASURES
                .iter()
                .find(|m| m.1 == l.measure)
                .map_or(Measure::Lower, |m| m.0),
            standard_before: None,
            standard_after: None,
            amount: money(format!("amount_{i}"), &l.amount)?,
            enterprises: whole(format!("enterprises_{i}"), &l.enterprises)?,
            note: Some(l.note.clone()).filter(|n| !n.is_empty()),
        });
    }
    let member_count = text("member_count");
    Ok(ReportInput {
        member_count: (!member_count.is_empty())
            .then(|| whole("member_count".to_owned(), &member_count))
            .transpose()?,
        irregular_charges_found: whole("irregular_charges_found".to_owned(), &text("irregular_charges_found"))?,
        refunded: money("refunded".to_owned(), &text("refunded"))?,
        enterprises_refunded: whole("enterprises_refunded".to_owned(), &text("enterprises_refunded"))?,
        lines: parsed,
    })
}

/// The form field a service error is about. The service names a line's
/// field ("amount") and says which line in the message ("line 2: ...").
fn field_of(field: Option<&'static str>, message: &str) -> String {
    let Some(field) = field else {
        return "_form".to_owned();
    };
    let line = message
        .strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    match line {
        Some(n) if n >= 1 => format!("{}_{}", form_field(field), n - 1),
        _ => form_field(field),
    }
}

/// Save the draft, submit it, or add or remove a line (the form comes back
/// with what was typed).
pub async fn save(page: Page, tenant: web::Path<String>, form: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::OrgStaff)?;
    let mut lines = form_lines(&form);
    let kept = Value::from(minijinja::value::Serde(&*form));
    if !page.csrf_ok(&form) {
        let errors = page.error_at("_form".to_owned(), page.expired());
        return self::page(&page, &tenant, Some((kept, lines)), errors, StatusCode::FORBIDDEN).await;
    }
    let action = form.get("action").cloned().unwrap_or_default();
    if action == "add" {
        lines.push(FormLine::default());
        return self::page(&page, &tenant, Some((kept, lines)), context! {}, StatusCode::OK).await;
    }
    if let Some(i) = action.strip_prefix("remove_").and_then(|i| i.parse::<usize>().ok()) {
        if i < lines.len() {
            lines.remove(i);
        }
        return self::page(&page, &tenant, Some((kept, lines)), context! {}, StatusCode::OK).await;
    }
    let (Some(period), Some(org)) = (
        form.get("period_id").and_then(|p| Uuid::parse_str(p).ok()),
        ctx.organization_id(),
    ) else {
        return Err(service::Error::validation(
            "periodId",
            "the form lost its period; reload the page",
            "表单缺少报送期间，请刷新页面",
        )
        .into());
    };
    let saved = match report_input(&form, &lines) {
        Err(failed) => Err(Ok(failed)),
        Ok(input) => {
            let saved = match fees::save_report(&page.db, ctx, period, org, input).await {
                Ok(report) if action == "submit" => fees::submit(&page.db, ctx, report.id).await.map(drop),
                other => other.map(drop),
            };
            saved.map_err(|e| match e {
                service::Error::Validation { field, ref message, .. } => Ok((field_of(field, message), e)),
                service::Error::Conflict { .. } => Ok(("_form".to_owned(), e)),
                other => Err(other),
            })
        }
    };
    match saved {
        Ok(()) => Ok(redirect(&format!("/{tenant}/workspace/fee-report"))),
        Err(Err(e)) => Err(e.into()),
        Err(Ok((field, e))) => {
            let errors = page.error_at(field, page.say(&e));
            self::page(
                &page,
                &tenant,
                Some((kept, lines)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
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
                    super::yuan(l.amount_fen),
                    l.enterprises
                )
            })
            .collect();
        out.push(
            context! { id => r.id.to_string(), organization => org.name, total => super::yuan(total), lines => lines },
        );
    }
    Ok(out)
}

pub async fn review(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, id, action) = path.into_inner();
    let ctx = page.acting(&tenant, Role::CityOfficial, &form)?;
    let action = match action.as_str() {
        "approve" => ReportAction::Approve,
        "return" => ReportAction::Return,
        _ => return Err(service::Error::NotFound("action").into()),
    };
    let comment = form.get("comment").map(String::as_str).filter(|c| !c.trim().is_empty());
    fees::review(&page.db, ctx, id, action, comment, Vec::new()).await?;
    Ok(redirect(&format!("/{tenant}/office")))
}
