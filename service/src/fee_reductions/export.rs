//! A period's reports as the spreadsheet officials pass up the chain: one
//! row per line item, header in Chinese, as CSV (UTF-8 with BOM, so Excel
//! reads the Chinese) and XLSX. Amounts are written as exact decimal text.

use entity::app_user::Role;
use entity::fee_reduction_line;
use entity::fee_reduction_report::{self, FeeReportStatus};
use entity::organization;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

use super::find_period;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::labels::Label;
use crate::money::Money;
use crate::scoped::TenantOwned;

pub const HEADER: [&str; 11] = [
    "协会名称",
    "统一社会信用代码",
    "报告状态",
    "收费项目",
    "项目说明",
    "减负措施",
    "原标准(元)",
    "现标准(元)",
    "减负金额(元)",
    "惠及企业数",
    "备注",
];

/// Text typed by associations, made safe to open in a spreadsheet: a cell
/// that starts like a formula (`=`, `+`, `-`, `@`, a tab or a line break,
/// or their full-width forms `＝＋－＠`, which spreadsheets in Chinese read
/// the same way, even after leading spaces) is prefixed with `'`.
pub fn formula_safe(s: &str) -> String {
    const STARTS: [char; 10] = [
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ];
    if s.trim_start_matches([' ', '\u{3000}']).starts_with(STARTS) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The rows of the export, in association then line order: filed
/// (submitted or approved) reports only.
pub async fn rows(db: &Db, ctx: &TenantContext, period_id: uuid::Uuid) -> Result<(String, Vec<[String; 11]>)> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let period = find_period(&tx, ctx, period_id).await?;
    let reports = fee_reduction_report::Entity::scoped(ctx)
        .filter(fee_reduction_report::Column::PeriodId.eq(period_id))
        .filter(fee_reduction_report::Column::Status.is_in([FeeReportStatus::Submitted, FeeReportStatus::Approved]))
        .all(&tx)
        .await?;
    let orgs = organization::Entity::scoped(ctx)
        .filter(organization::Column::Id.is_in(reports.iter().map(|r| r.organization_id)))
        .order_by_asc(organization::Column::Name)
        .all(&tx)
        .await?;
    let lines = fee_reduction_line::Entity::scoped(ctx)
        .filter(fee_reduction_line::Column::ReportId.is_in(reports.iter().map(|r| r.id)))
        .order_by_asc(fee_reduction_line::Column::Position)
        .all(&tx)
        .await?;
    tx.commit().await?;
    let money = |fen: Option<i64>| fen.map(|f| Money::from_fen(f).to_string()).unwrap_or_default();
    let text = formula_safe;
    let mut out = Vec::with_capacity(lines.len());
    for org in &orgs {
        let Some(report) = reports.iter().find(|r| r.organization_id == org.id) else {
            continue;
        };
        for line in lines.iter().filter(|l| l.report_id == report.id) {
            out.push([
                text(&org.name),
                org.credit_code.clone(),
                Label::zh(report.status).to_owned(),
                line.fee_item.zh().to_owned(),
                text(&line.fee_item_detail),
                line.measure.zh().to_owned(),
                money(line.standard_before_fen),
                money(line.standard_after_fen),
                money(Some(line.amount_fen)),
                line.enterprises.to_string(),
                text(&line.note),
            ]);
        }
    }
    Ok((period.title, out))
}

/// A downloadable export of a period: its bytes and content type, for
/// `csv` or `xlsx`; any other format is NOT_FOUND.
pub async fn file(
    db: &Db,
    ctx: &TenantContext,
    period_id: uuid::Uuid,
    format: &str,
) -> Result<(Vec<u8>, &'static str)> {
    if !matches!(format, "csv" | "xlsx") {
        return Err(Error::NotFound("export format (use .csv or .xlsx)"));
    }
    let (title, rows) = rows(db, ctx, period_id).await?;
    if format == "csv" {
        Ok((to_csv(&rows)?, "text/csv; charset=utf-8"))
    } else {
        Ok((
            to_xlsx(&title, &rows)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
    }
}

pub fn to_csv(rows: &[[String; 11]]) -> Result<Vec<u8>> {
    // The BOM tells Excel the file is UTF-8.
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(HEADER).map_err(Error::internal)?;
    for row in rows {
        writer.write_record(row).map_err(Error::internal)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::internal(anyhow::anyhow!("writing CSV: {e}")))
}

pub fn to_xlsx(title: &str, rows: &[[String; 11]]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names are at most 31 characters, may not hold []:*?/\ or begin
    // or end with an apostrophe, and "History" is reserved: fall back to a
    // fixed name rather than fail the export.
    let name: String = title.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(31).collect();
    if sheet.set_name(&name).is_err() {
        sheet.set_name("减负情况").map_err(Error::internal)?;
    }
    let bold = Format::new().set_bold();
    for (col, head) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *head, &bold)
            .map_err(Error::internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, col as u16, value)
                .map_err(Error::internal)?;
        }
    }
    workbook.save_to_buffer().map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::formula_safe;

    #[test]
    fn formulas_are_defused_in_either_width() {
        for bad in [
            "=1+1",
            "+cmd",
            "-1",
            "@SUM(A1)",
            "＝1+1",
            "＋1",
            "－1",
            "＠A",
            " =1",
            "\u{3000}＝1",
        ] {
            assert!(formula_safe(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(formula_safe("会费降低"), "会费降低");
        assert_eq!(formula_safe("1-2"), "1-2");
    }
}
