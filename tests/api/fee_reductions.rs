//! Fee-reduction reports end to end: periods, drafts, validation, review
//! with line comments, resubmission history, exact totals over thousands of
//! lines, CSV and XLSX exports read back, reminders, isolation, region sums.

use chrono::{Datelike, Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};
use crate::register::org_id;

const OPEN: &str = "mutation($t: String!, $y: Int!, $h: Int, $d: NaiveDate!) { openFeeReductionPeriod(title: $t, year: $y, half: $h, dueOn: $d) { id } }";
const SAVE: &str = "mutation($p: UUID!, $o: UUID!, $i: FeeReportInput!) { saveFeeReductionReport(periodId: $p, organizationId: $o, input: $i) { id status } }";
pub const SUBMIT: &str = "mutation($id: UUID!) { submitFeeReductionReport(id: $id) { status version } }";
pub const APPROVE: &str = "mutation($id: UUID!) { approveFeeReductionReport(id: $id) { status } }";

pub async fn open_period(app: &TestApp, token: &str, due_in_days: i64) -> String {
    let year = Utc::now().year();
    let due = (service::clock::today() + Duration::days(due_in_days)).to_string();
    let body = app
        .graphql(
            Some(token),
            OPEN,
            json!({"t": format!("{year}年度减轻企业负担情况"), "y": year, "d": due}),
        )
        .await;
    body["data"]["openFeeReductionPeriod"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

pub fn report(lines: Vec<Value>) -> Value {
    json!({"memberCount": 120, "irregularChargesFound": 2, "refunded": "3500.00", "enterprisesRefunded": 7, "lines": lines})
}

pub fn line(amount: &str, enterprises: i64, measure: &str) -> Value {
    json!({"feeItem": "membership", "measure": measure, "standardBefore": "2000.00", "standardAfter": "1500.00",
        "amount": amount, "enterprises": enterprises, "note": "理事会决议"})
}

/// A draft report with one line for the named association; returns its id.
pub async fn draft(app: &TestApp, token: &str, period: &str, association: &str) -> String {
    let org = org_id(app, association).await;
    let saved = save(app, token, period, &org, report(vec![line("1.00", 1, "lower")])).await;
    saved["data"]["saveFeeReductionReport"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{saved}"))
        .to_owned()
}

/// A draft report of a named association, submitted; returns its id.
pub async fn submitted(app: &TestApp, token: &str, period: &str, association: &str) -> String {
    let id = draft(app, token, period, association).await;
    let body = app.graphql(Some(token), SUBMIT, json!({"id": id})).await;
    assert!(body["errors"].is_null(), "{body}");
    id
}

/// Every Liuzhou industry association got one email asking for its report.
pub async fn each_association_was_asked_once(app: &TestApp) {
    let associations = app
        .count("SELECT COUNT(*) FROM organization WHERE tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou') AND is_industry_association = true")
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_period_opened'")
            .await,
        associations,
        "asked once"
    );
}

/// The report of the returned-and-resubmitted test, as first filed and as
/// filed again.
fn two_lines() -> Value {
    report(vec![line("12000.00", 40, "lower"), line("800.50", 12, "waive")])
}

async fn save(app: &TestApp, token: &str, period: &str, org: &str, body: Value) -> Value {
    app.graphql(Some(token), SAVE, json!({"p": period, "o": org, "i": body}))
        .await
}

#[tokio::test]
async fn an_association_reports_is_returned_per_line_and_resubmits() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = open_period(&app, &official, 30).await;
    each_association_was_asked_once(&app).await;

    // Staff of the association file it.
    let org = org_id(&app, "柳州市汽车工业协会").await;
    let staff = app
        .new_user(
            &official,
            "liuzhou",
            json!({"username": "auto.staff", "displayName": "汽车协会秘书处", "email": "auto@example.org", "password": "auto-staff-1", "role": "org_staff", "organizationId": org}),
        )
        .await;

    let draft = save(&app, &staff, &period, &org, two_lines()).await;
    let id = draft["data"]["saveFeeReductionReport"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{draft}"))
        .to_owned();
    assert_eq!(draft["data"]["saveFeeReductionReport"]["status"], "draft");
    // Saving again edits the same report: one report per association and period.
    let again = save(
        &app,
        &staff,
        &period,
        &org,
        report(vec![
            line("12000.00", 40, "lower"),
            line("800.50", 12, "waive"),
            line("99.99", 3, "cancel"),
        ]),
    )
    .await;
    assert_eq!(again["data"]["saveFeeReductionReport"]["id"], id.as_str());
    assert_eq!(
        app.graphql(Some(&staff), SUBMIT, json!({"id": id})).await["data"]["submitFeeReductionReport"]["version"],
        1
    );
    assert_error(
        &save(&app, &staff, &period, &org, report(vec![line("1.00", 1, "lower")])).await,
        "CONFLICT",
    );
    assert_error(
        &app.graphql(Some(&staff), APPROVE, json!({"id": id})).await,
        "FORBIDDEN",
    );

    let query = "query($id: UUID!) { feeReductionReport(id: $id) { status version lines { id position amount returnComment } history { version } } }";
    let body = app.graphql(Some(&official), query, json!({"id": id})).await;
    let lines = body["data"]["feeReductionReport"]["lines"].as_array().unwrap().clone();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["amount"], "800.50");
    let give_back = "mutation($id: UUID!, $l: [LineCommentInput!]!) { returnFeeReductionReport(id: $id, lineComments: $l) { status } }";
    let returned = app
        .graphql(
            Some(&official),
            give_back,
            json!({"id": id, "l": [{"lineId": lines[2]["id"], "comment": "请说明取消依据"}]}),
        )
        .await;
    assert_eq!(
        returned["data"]["returnFeeReductionReport"]["status"], "returned",
        "{returned}"
    );
    let body = app.graphql(Some(&staff), query, json!({"id": id})).await;
    assert_eq!(
        body["data"]["feeReductionReport"]["lines"][2]["returnComment"],
        "请说明取消依据"
    );
    let mail = app
        .scalar_string("SELECT text_body FROM email_outbox WHERE template = 'fee_report_returned'")
        .await;
    assert!(mail.contains("第3项：请说明取消依据"), "{mail}");

    let fixed = save(&app, &staff, &period, &org, two_lines()).await;
    assert_eq!(fixed["data"]["saveFeeReductionReport"]["status"], "returned");
    assert_eq!(
        app.graphql(Some(&staff), SUBMIT, json!({"id": id})).await["data"]["submitFeeReductionReport"]["version"],
        2
    );
    assert_eq!(
        app.graphql(Some(&official), APPROVE, json!({"id": id})).await["data"]["approveFeeReductionReport"]["status"],
        "approved"
    );
    let body = app.graphql(Some(&official), query, json!({"id": id})).await;
    assert_eq!(
        body["data"]["feeReductionReport"]["history"],
        json!([{"version": 1}, {"version": 2}])
    );
    assert_error(
        &app.graphql(Some(&official), APPROVE, json!({"id": id})).await,
        "CONFLICT",
    );
}

#[tokio::test]
async fn bad_lines_are_refused_with_the_line_named() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = open_period(&app, &official, 30).await;
    let org = org_id(&app, "柳州市物流与采购协会").await;
    for (bad, field) in [
        (line("-5.00", 1, "lower"), "amount"),
        (line("5.00", 121, "lower"), "enterprises"),
        (
            json!({"feeItem": "other", "measure": "cancel", "amount": "1.00", "enterprises": 1}),
            "feeItemDetail",
        ),
    ] {
        let body = save(
            &app,
            &official,
            &period,
            &org,
            report(vec![line("1.00", 1, "lower"), bad]),
        )
        .await;
        assert_error(&body, "VALIDATION");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        assert!(
            body["errors"][0]["message"].as_str().unwrap().starts_with("line 2"),
            "{body}"
        );
    }
    // More than two decimals never reaches the service.
    let body = save(&app, &official, &period, &org, report(vec![line("1.005", 1, "lower")])).await;
    assert_error(&body, "VALIDATION");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fee_reduction_report WHERE period_id = {}",
            app.sql_id(&period)
        ))
        .await,
        0,
        "nothing half-written"
    );
    // Only associations report.
    let charity = org_id(&app, "柳州市慈善总会").await;
    assert_error(
        &save(
            &app,
            &official,
            &period,
            &charity,
            report(vec![line("1.00", 1, "lower")]),
        )
        .await,
        "VALIDATION",
    );
    // A period per year once.
    let year = Utc::now().year();
    let due = (service::clock::today() + Duration::days(5)).to_string();
    app.graphql_error(
        Some(&official),
        OPEN,
        json!({"t": "重复", "y": year, "h": 1, "d": due}),
        "CONFLICT",
    )
    .await;
}

/// An amount in fen as yuan text, exactly.
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[tokio::test]
async fn totals_are_exact_to_the_fen_over_thousands_of_lines_and_the_exports_match() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = open_period(&app, &official, 30).await;
    let names = [
        "柳州市汽车工业协会",
        "柳州市物流与采购协会",
        "柳州市建筑业协会",
        "柳州市餐饮行业协会",
        "柳州市软件行业协会",
        "柳州市旅游饭店协会",
        "柳州市家具行业协会",
        "柳州市电子商务协会",
        "柳州市食品工业协会",
        "柳州市中小企业商会",
    ];
    let measures = ["cancel", "lower", "waive", "standardize"];
    let (mut expected, mut enterprises) = (0_i64, 0_i64);
    let mut by_measure = [0_i64; 4];
    for (r, name) in names.iter().enumerate() {
        let org = org_id(&app, name).await;
        let lines: Vec<Value> = (0..200)
            .map(|i| {
                // Awkward fen values: sums of these go wrong in floating point.
                let fen = 1 + ((r as i64 * 7919 + i * 104_729) % 9_999_991);
                expected += fen;
                by_measure[(i % 4) as usize] += fen;
                line(&yuan(fen), i % 50, measures[(i % 4) as usize])
            })
            .collect();
        // No report states its reach: each counts its widest line's (49),
        // once, not the 200 lines' sum.
        enterprises += 49;
        let saved = save(&app, &official, &period, &org, report(lines)).await;
        let id = saved["data"]["saveFeeReductionReport"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{saved}"))
            .to_owned();
        app.graphql(Some(&official), SUBMIT, json!({"id": id})).await;
        assert_eq!(
            app.graphql(Some(&official), APPROVE, json!({"id": id})).await["data"]["approveFeeReductionReport"]["status"],
            "approved"
        );
    }
    let totals = app
        .graphql(
            Some(&official),
            "query($p: UUID!) { feeReductionTotals(periodId: $p) { total { amount enterprises lines } byMeasure { measure sum { amount } } associationsAsked associationsReported associationsNotReported refunded associations { name status sum { amount } } } }",
            json!({"p": period}),
        )
        .await;
    let t = &totals["data"]["feeReductionTotals"];
    assert_eq!(t["total"]["amount"], yuan(expected), "{totals}");
    assert_eq!(t["total"]["enterprises"], enterprises);
    assert_eq!(t["total"]["lines"], 2000);
    for (i, measure) in measures.iter().enumerate() {
        let got = t["byMeasure"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["measure"] == *measure)
            .unwrap();
        assert_eq!(got["sum"]["amount"], yuan(by_measure[i]), "{measure}");
    }
    assert_eq!(t["associationsReported"], 10);
    assert_eq!(
        t["associationsNotReported"],
        t["associationsAsked"].as_i64().unwrap() - 10
    );
    assert_eq!(t["refunded"], "35000.00");

    // CSV: Chinese header, one row per line, the same amounts.
    let csv_body = app
        .get(Some(&official), &format!("/exports/fee-reductions/{period}.csv"))
        .await;
    assert_eq!(csv_body.status().as_u16(), 200);
    let bytes = csv_body.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(reader.headers().unwrap().get(0), Some("协会名称"));
    assert_eq!(reader.headers().unwrap().get(8), Some("减负金额(元)"));
    let mut csv_total = 0_i64;
    let mut csv_rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let (y, f) = record[8].split_once('.').unwrap();
        csv_total += y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap();
        csv_rows += 1;
    }
    assert_eq!((csv_rows, csv_total), (2000, expected));

    // XLSX, read back with a reader crate and compared to the database:
    // a title row over the header, amounts as numbers, a totals row, and
    // the associations that did not report on their own sheet; saved under
    // the period's name.
    let response = app
        .get(Some(&official), &format!("/exports/fee-reductions/{period}.xlsx"))
        .await;
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''") && disposition.contains(".xlsx"),
        "{disposition}"
    );
    let xlsx = response.bytes().await.unwrap();
    use calamine::{DataType, Reader};
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 2003, "title, header, 2000 lines, totals");
    assert!(
        sheet
            .get((0, 0))
            .map(|c| c.to_string())
            .unwrap_or_default()
            .contains("减负情况汇总")
    );
    assert_eq!(sheet.get((1, 0)).map(|c| c.to_string()), Some("协会名称".to_owned()));
    let totals = sheet.get((2002, 8)).and_then(|c| c.get_float()).unwrap();
    assert_eq!((totals * 100.0).round() as i64, expected, "the totals row is a number");
    let missing = workbook.worksheet_range("未报送协会").unwrap();
    assert_eq!(
        missing.height() as i64 - 1,
        t["associationsNotReported"].as_i64().unwrap(),
        "one row per association that did not report"
    );
    let db_first = app
        .scalar_string(&format!(
            "SELECT CAST(amount_fen AS TEXT) FROM fee_reduction_line WHERE position = 1 AND report_id = (SELECT id FROM fee_reduction_report WHERE period_id = {} AND organization_id = (SELECT id FROM organization WHERE name = '柳州市中小企业商会'))",
            app.sql_id(&period)
        ))
        .await;
    let row = (1..sheet.height())
        .find(|r| sheet.get((*r, 0)).map(|c| c.to_string()) == Some("柳州市中小企业商会".to_owned()))
        .unwrap();
    let amount = sheet.get((row, 8)).and_then(|c| c.get_float()).unwrap();
    assert_eq!((amount * 100.0).round() as i64, db_first.parse::<i64>().unwrap());

    // Other cities and other roles get nothing.
    let guilin = app.login("guilin.city_official").await;
    let denied = app
        .get(Some(&guilin), &format!("/exports/fee-reductions/{period}.csv"))
        .await;
    assert_eq!(denied.status().as_u16(), 404);
    let anonymous = app.get(None, &format!("/exports/fee-reductions/{period}.xlsx")).await;
    assert_eq!(anonymous.status().as_u16(), 401);

    // The region sees each city's sum for the year.
    let region = app.login("guangxi.region_official").await;
    let body = app
        .graphql(
            Some(&region),
            "query($y: Int!) { regionFeeReductions(year: $y) { city { slug } total { amount } associationsReported } }",
            json!({"y": Utc::now().year()}),
        )
        .await;
    let liuzhou = body["data"]["regionFeeReductions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["city"]["slug"] == "liuzhou")
        .unwrap()
        .clone();
    assert_eq!(liuzhou["total"]["amount"], yuan(expected), "{body}");
    assert_eq!(liuzhou["associationsReported"], 10);
}

#[tokio::test]
async fn associations_that_have_not_reported_are_reminded_once_a_week_before() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = open_period(&app, &official, 6).await;
    let org = org_id(&app, "柳州市汽车工业协会").await;
    let saved = save(&app, &official, &period, &org, report(vec![line("10.00", 1, "lower")])).await;
    let id = saved["data"]["saveFeeReductionReport"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql(Some(&official), SUBMIT, json!({"id": id})).await;
    let supervise = || api::cli::Cli {
        command: Some(api::cli::Command::Supervise {
            as_of: Some(service::clock::today()),
        }),
    };
    api::cli::run(supervise(), app.settings.clone()).await.unwrap();
    let asked = app
        .count("SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_period_opened'")
        .await;
    let reminded = app
        .count("SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_report_reminder'")
        .await;
    assert_eq!(reminded, asked - 1, "everyone but the association that reported");
    let contact = app
        .scalar_string("SELECT contact_email FROM organization WHERE name = '柳州市汽车工业协会'")
        .await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_report_reminder' AND recipient = '{contact}'"
        ))
        .await,
        0
    );
    api::cli::run(supervise(), app.settings.clone()).await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_report_reminder'")
            .await,
        reminded,
        "once"
    );
    // Guilin's officials cannot see Liuzhou's period or report.
    let guilin = app.login("guilin.city_official").await;
    let q = "query($id: UUID!) { feeReductionReport(id: $id) { id } }";
    assert_error(&app.graphql(Some(&guilin), q, json!({"id": id})).await, "NOT_FOUND");
    let t = "query($p: UUID!) { feeReductionTotals(periodId: $p) { late } }";
    assert_error(&app.graphql(Some(&guilin), t, json!({"p": period})).await, "NOT_FOUND");
}

#[tokio::test]
async fn enterprises_reached_count_once_per_association_not_once_per_line() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = open_period(&app, &official, 20).await;
    let org = org_id(&app, "柳州市汽车工业协会").await;
    // 120 members; two measures of 80 each: 160 if the lines were added.
    let body = |reached: Value| {
        let mut r = report(vec![line("1000.00", 80, "lower"), line("500.00", 80, "waive")]);
        r["enterprisesBenefited"] = reached;
        r
    };
    for (reached, why) in [
        (130, "more than the association's 120 members"),
        (70, "fewer than the 80 one line reached"),
    ] {
        let refused = save(&app, &official, &period, &org, body(json!(reached))).await;
        assert_error(&refused, "VALIDATION");
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], "enterprisesBenefited",
            "{refused}"
        );
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(why),
            "{refused}"
        );
    }
    let saved = save(&app, &official, &period, &org, body(json!(100))).await;
    let id = saved["data"]["saveFeeReductionReport"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{saved}"))
        .to_owned();
    app.graphql(Some(&official), SUBMIT, json!({"id": id})).await;
    app.graphql(Some(&official), APPROVE, json!({"id": id})).await;
    let totals = app
        .graphql(
            Some(&official),
            "query($p: UUID!) { feeReductionTotals(periodId: $p) { total { enterprises lines } byMeasure { measure sum { enterprises } } associations { name sum { enterprises } } } }",
            json!({"p": period}),
        )
        .await;
    let t = &totals["data"]["feeReductionTotals"];
    assert_eq!(
        (t["total"]["enterprises"].as_i64(), t["total"]["lines"].as_i64()),
        (Some(100), Some(2)),
        "{totals}"
    );
    let row = t["associations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "柳州市汽车工业协会")
        .unwrap();
    assert_eq!(row["sum"]["enterprises"], 100, "{row}");
    // Per measure, each measure's own reach.
    assert!(
        t["byMeasure"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["sum"]["enterprises"] == 80),
        "{totals}"
    );
    // The spreadsheet's totals row says the same.
    let xlsx = app
        .get(Some(&official), &format!("/exports/fee-reductions/{period}.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    use calamine::{DataType, Reader};
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let last = sheet.height() - 1;
    assert_eq!(sheet.get((last, 9)).and_then(|c| c.get_float()), Some(100.0));
}
