//! Fee-reduction reports in the browser: an association files its report
//! for the open period (lines added and removed with buttons, no script)
//! and reads it back once filed, with its total; officials approve it or
//! return it with comments on the report and on each line.

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

use super::{Page, Reply, form_field, invalid, key, yuan};
use service::labels::{Label, heading};

const FEE_ITEMS: [FeeItem; 6] = [
    FeeItem::Membership,
    FeeItem::Training,
    FeeItem::Appraisal,
    FeeItem::Consulting,
    FeeItem::Publication,
    FeeItem::Other,
];
const MEASURES: [Measure; 5] = [
    Measure::Cancel,
    Measure::Lower,
    Measure::Waive,
    Measure::Standardize,
    Measure::SupportPolicy,
];

/// (value, name) pairs for a `<select>`, in the reader's language.
fn choices<T: Label + serde::Serialize>(values: &[T], lang: &str) -> Vec<(String, String)> {
    values.iter().map(|v| (key(*v), heading(*v, lang))).collect()
}

/// A fee item as read: its name, with the association's own words for it
/// (which name the fee when the item is 其他).
fn item_name(line: &entity::fee_reduction_line::Model, lang: &str) -> String {
    let item = heading(line.fee_item, lang);
    match line.fee_item_detail.trim() {
        "" => item,
        detail if lang.starts_with("zh") => format!("{item}（{detail}）"),
        detail => format!("{item} ({detail})"),
    }
}

/// A line as the form holds it: text, kept exactly as typed.
#[derive(Clone, Default, serde::Serialize)]
struct FormLine {
    fee_item: String,
    fee_item_detail: String,
    measure: String,
    standard_before: String,
    standard_after: String,
    amount: String,
    enterprises: String,
    note: String,
    comment: Option<String>,
}

/// A filed line as the association and the reviewer read it.
fn line_row(l: &entity::fee_reduction_line::Model, lang: &str) -> Value {
    context! {
        id => l.id.to_string(), position => l.position, item => item_name(l, lang), measure => heading(l.measure, lang),
        before => l.standard_before_fen.map(yuan), after => l.standard_after_fen.map(yuan),
        amount => yuan(l.amount_fen), enterprises => l.enterprises, note => l.note.clone(),
        comment => l.return_comment.clone(),
    }
}

fn plain(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

/// A report's total reduction, in fen.
fn total_fen(r: &fees::ReportWithLines) -> i64 {
    r.lines.iter().map(|l| l.amount_fen).sum()
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
    let lang = page.frame.lang;
    let current = current(&page.db, ctx).await?;
    let fee_items = choices(&FEE_ITEMS, lang);
    let measures = choices(&MEASURES, lang);
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
                            fee_item: key(l.fee_item),
                            fee_item_detail: l.fee_item_detail.clone(),
                            measure: key(l.measure),
                            // Plain figures to edit (1200.00, not 1,200.00).
                            standard_before: l.standard_before_fen.map(plain).unwrap_or_default(),
                            standard_after: l.standard_after_fen.map(plain).unwrap_or_default(),
                            amount: plain(l.amount_fen),
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
                        member_count => r.report.member_count, enterprises_benefited => r.report.enterprises_benefited,
                        irregular_charges_found => r.report.irregular_charges_found,
                        refunded => Money::from_fen(r.report.refunded_fen).to_string(), enterprises_refunded => r.report.enterprises_refunded,
                    }
                },
            );
            (form, lines)
        }
    };
    let period_ctx =
        context! { id => period.id.to_string(), title => period.title.clone(), due_on => period.due_on.to_string() };
    // What was filed, as it reads once it can no longer be edited (and the
    // total of what is being edited).
    let filed = report.as_ref().map(|r| {
        context! {
            lines => r.lines.iter().map(|l| line_row(l, lang)).collect::<Vec<_>>(), total => yuan(total_fen(r)),
            member_count => r.report.member_count, enterprises_benefited => r.report.enterprises_benefited,
            irregular_charges_found => r.report.irregular_charges_found,
            refunded => yuan(r.report.refunded_fen), enterprises_refunded => r.report.enterprises_refunded,
            submitted_on => r.report.submitted_at.map(|t| service::clock::china_date(t).to_string()),
        }
    });
    Ok(page.render(
        "fee_report.html",
        status,
        context! {
            period => period_ctx, status => status_name.clone(), editable => editable, form => form, filed => filed,
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
            standard_before: get(format!("standard_before_{i}")),
            standard_after: get(format!("standard_after_{i}")),
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
    // A choice the form does not offer is refused beside its field, not
    // read as 其他 or 降低.
    fn chosen<T: serde::de::DeserializeOwned>(field: String, v: &str) -> Result<T, (String, service::Error)> {
        super::form::named(v).ok_or_else(|| (field, invalid::choice("choice")))
    }
    let standard = |field: String, v: &str| -> Result<Option<Money>, (String, service::Error)> {
        if v.is_empty() {
            Ok(None)
        } else {
            money(field, v).map(Some)
        }
    };
    let mut parsed = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        parsed.push(LineInput {
            fee_item: chosen(format!("fee_item_{i}"), &l.fee_item)?,
            fee_item_detail: Some(l.fee_item_detail.clone()).filter(|d| !d.is_empty()),
            measure: chosen(format!("measure_{i}"), &l.measure)?,
            standard_before: standard(format!("standard_before_{i}"), &l.standard_before)?,
            standard_after: standard(format!("standard_after_{i}"), &l.standard_after)?,
            amount: money(format!("amount_{i}"), &l.amount)?,
            enterprises: whole(format!("enterprises_{i}"), &l.enterprises)?,
            note: Some(l.note.clone()).filter(|n| !n.is_empty()),
        });
    }
    let member_count = text("member_count");
    let benefited = text("enterprises_benefited");
    Ok(ReportInput {
        member_count: (!member_count.is_empty())
            .then(|| whole("member_count".to_owned(), &member_count))
            .transpose()?,
        enterprises_benefited: (!benefited.is_empty())
            .then(|| whole("enterprises_benefited".to_owned(), &benefited))
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
        Ok(()) if action == "submit" => Ok(super::redirect_done(
            &format!("/{tenant}/workspace/fee-report"),
            "report_submitted",
        )),
        Ok(()) => Ok(super::redirect_done(
            &format!("/{tenant}/workspace/fee-report"),
            "draft_saved",
        )),
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

/// The officials' queue of submitted reports, for the desk: each line as
/// filed, with a box for a comment on it should the report go back.
pub(crate) async fn to_review(db: &Db, ctx: &TenantContext, lang: &str) -> service::Result<Vec<Value>> {
    let page = PageRequest::new(Some(50), None::<Uuid>)?;
    let submitted = fees::reports(db, ctx, None, Some(FeeReportStatus::Submitted), page)
        .await?
        .items;
    let mut out = Vec::new();
    for r in submitted {
        let full = fees::report(db, ctx, r.id).await?;
        let org = service::organizations::get(db, ctx, r.organization_id).await?;
        let lines: Vec<_> = full.lines.iter().map(|l| line_row(l, lang)).collect();
        out.push(context! {
            id => r.id.to_string(), organization => org.name, total => yuan(total_fen(&full)), lines => lines,
            member_count => r.member_count,
        });
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
    // `line_<id>`: the comment on one line, blank when it is fine.
    let line_comments: Vec<(Uuid, String)> = form
        .iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .filter_map(|(k, text)| Some((Uuid::parse_str(k.strip_prefix("line_")?).ok()?, text.clone())))
        .collect();
    if action == ReportAction::Approve && !line_comments.is_empty() {
        return Err(service::Error::validation(
            "lineComments",
            "comments on lines go with returning the report, not approving it",
            "对具体行的意见须随退回一并提出，不能在审核通过时填写",
        )
        .into());
    }
    fees::review(&page.db, ctx, id, action, comment, line_comments).await?;
    let done = if action == ReportAction::Approve {
        "report_approved"
    } else {
        "report_returned"
    };
    Ok(super::redirect_done(&format!("/{tenant}/office"), done))
}
