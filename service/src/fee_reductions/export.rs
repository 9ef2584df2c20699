//! A period's reports as the spreadsheet officials pass up the chain: one
//! row per line item, header in Chinese, as CSV (UTF-8 with BOM, so Excel
//! reads the Chinese; amounts as exact decimal text) and XLSX (a title row,
//! amounts and counts as numbers a SUM adds up, a totals row, and a second
//! sheet naming the associations that have not reported).

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

/// A period's export: its title, one row per filed line, and the
/// associations asked that have not filed (name and credit code).
pub struct Export {
    pub title: String,
    pub rows: Vec<[String; 11]>,
    pub not_reported: Vec<(String, String)>,
    /// Member enterprises reached, each once per association (its stated
    /// figure, else its widest line's): what the totals row gives.
    pub enterprises_reached: i64,
}

/// The columns holding yuan amounts and the one holding a count.
const MONEY_COLUMNS: [usize; 3] = [6, 7, 8];
const COUNT_COLUMN: usize = 9;

/// The rows of the export, in association then line order: filed
/// (submitted or approved) reports only.
pub async fn rows(db: &Db, ctx: &TenantContext, period_id: uuid::Uuid) -> Result<Export> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let period = find_period(&tx, ctx, period_id).await?;
    let missing = super::totals::not_reported(&tx, ctx.tenant_id, period_id).await?;
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
    let enterprises_reached = reports.iter().map(|r| super::totals::reached(r, &lines)).sum();
    Ok(Export {
        title: period.title,
        rows: out,
        enterprises_reached,
        not_reported: missing
            .into_iter()
            .map(|o| (formula_safe(&o.name), o.credit_code))
            .collect(),
    })
}

/// A file to download: its bytes, type and the name to save it under.
pub struct File {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// Named after the period (`2026年上半年涉企收费减负情况.xlsx`).
    pub filename: String,
}

/// A downloadable export of a period, as `csv` or `xlsx`; any other format
/// is NOT_FOUND.
pub async fn file(db: &Db, ctx: &TenantContext, period_id: uuid::Uuid, format: &str) -> Result<File> {
    if !matches!(format, "csv" | "xlsx") {
        return Err(Error::NotFound("export format (use .csv or .xlsx)"));
    }
    let export = rows(db, ctx, period_id).await?;
    let stem: String = export.title.chars().filter(|c| !"\\/:*?\"<>|".contains(*c)).collect();
    let filename = format!("{stem}减负情况.{format}");
    let (body, content_type) = if format == "csv" {
        (to_csv(&export.rows)?, "text/csv; charset=utf-8")
    } else {
        (
            to_xlsx(&export)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    Ok(File {
        body,
        content_type,
        filename,
    })
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

/// The workbook: the period's title over the header, the lines with
/// amounts and counts as numbers (shown ¥-free with thousands separators),
/// a totals row summed exactly in fen, and the associations that have not
/// reported on a sheet of their own.
pub fn to_xlsx(export: &Export) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = Error::internal;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names are at most 31 characters, may not hold []:*?/\ or begin
    // or end with an apostrophe, and "History" is reserved: fall back to a
    // fixed name rather than fail the export.
    let name: String = export
        .title
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(31)
        .collect();
    if sheet.set_name(&name).is_err() {
        sheet.set_name("减负情况").map_err(fail)?;
    }
    let bold = Format::new().set_bold();
    let yuan = Format::new().set_num_format("#,##0.00");
    let yuan_bold = Format::new().set_num_format("#,##0.00").set_bold();
    sheet
        .write_string_with_format(
            0,
            0,
            format!("{} 涉企收费减负情况汇总", export.title),
            &Format::new().set_bold().set_font_size(14),
        )
        .map_err(fail)?;
    for (col, head) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(1, col as u16, *head, &bold)
            .map_err(fail)?;
    }
    let mut totals_fen = [0_i64; 11];
    for (r, row) in export.rows.iter().enumerate() {
        let at = r as u32 + 2;
        for (col, value) in row.iter().enumerate() {
            let c = col as u16;
            match (MONEY_COLUMNS.contains(&col), col == COUNT_COLUMN) {
                (true, _) if !value.is_empty() => {
                    let money: Money = value.parse()?;
                    totals_fen[col] += money.fen();
                    // A spreadsheet's numbers are binary floats; cents of
                    // amounts this size are exact in them.
                    sheet
                        .write_number_with_format(at, c, money.fen() as f64 / 100.0, &yuan)
                        .map_err(fail)?;
                }
                (_, true) => {
                    let n: i64 = value.parse().map_err(Error::internal)?;
                    sheet.write_number(at, c, n as f64).map_err(fail)?;
                }
                _ => {
                    sheet.write_string(at, c, value).map_err(fail)?;
                }
            }
        }
    }
    let last = export.rows.len() as u32 + 2;
    sheet.write_string_with_format(last, 0, "合计", &bold).map_err(fail)?;
    sheet
        .write_number_with_format(last, 8, totals_fen[8] as f64 / 100.0, &yuan_bold)
        .map_err(fail)?;
    sheet
        .write_string(
            last,
            10,
            format!("{} 条减负措施；惠及企业数按协会不重复计算", export.rows.len()),
        )
        .map_err(fail)?;
    sheet
        .write_number(last, COUNT_COLUMN as u16, export.enterprises_reached as f64)
        .map_err(fail)?;
    sheet.set_column_width(0, 28).map_err(fail)?;
    sheet.set_column_width(1, 22).map_err(fail)?;
    let missing = workbook.add_worksheet();
    missing.set_name("未报送协会").map_err(fail)?;
    missing
        .write_string_with_format(0, 0, "协会名称", &bold)
        .map_err(fail)?;
    missing
        .write_string_with_format(0, 1, "统一社会信用代码", &bold)
        .map_err(fail)?;
    for (r, (name, code)) in export.not_reported.iter().enumerate() {
        missing.write_string(r as u32 + 1, 0, name).map_err(fail)?;
        missing.write_string(r as u32 + 1, 1, code).map_err(fail)?;
    }
    missing.set_column_width(0, 28).map_err(fail)?;
    workbook.save_to_buffer().map_err(fail)
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
