//! The demo tells the seeds' story, city by city: the region's 2023
//! fee-reduction self-inspection to the yuan, Liuzhou's five years and its
//! named fund, Guilin's 六一 campaign, stations, fund and relief cases.

use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Money;

use crate::helpers::{TestApp, spawn_app};
use crate::web::{browser, page_text, sign_in};

fn money(v: &Value) -> Money {
    v.as_str()
        .unwrap_or_else(|| panic!("not money: {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("{v}: {e:?}"))
}

fn sum(values: impl Iterator<Item = Money>) -> Money {
    values.fold(Money::ZERO, |a, b| a.checked_add(b).unwrap())
}

async fn region_year(app: &TestApp, token: &str, year: i32) -> Vec<Value> {
    let body = app
        .graphql(
            Some(token),
            "query($y: Int!) { regionFeeReductions(year: $y) { city { slug } total { amount enterprises } associationsReported } }",
            json!({"y": year}),
        )
        .await;
    body["data"]["regionFeeReductions"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .clone()
}

#[tokio::test]
async fn the_region_sees_the_2023_self_inspection_and_liuzhou_its_five_years() {
    let app = spawn_app().await;
    let region = app.login("guangxi.region_official").await;
    let cities = region_year(&app, &region, 2023).await;
    assert_eq!(cities.len(), 3);
    let reported: i64 = cities.iter().map(|c| c["associationsReported"].as_i64().unwrap()).sum();
    let enterprises: i64 = cities.iter().map(|c| c["total"]["enterprises"].as_i64().unwrap()).sum();
    let amount = sum(cities.iter().map(|c| money(&c["total"]["amount"])));
    assert_eq!(reported, 2_195);
    assert_eq!(amount.to_string(), "41139900.00");
    assert_eq!(enterprises, 9_923);
    assert_eq!(reported, service::seed::REGION_2023_ASSOCIATIONS);

    let mut liuzhou = Vec::new();
    for year in 2021..=2025 {
        let city = region_year(&app, &region, year)
            .await
            .into_iter()
            .find(|c| c["city"]["slug"] == "liuzhou")
            .unwrap();
        liuzhou.push(money(&city["total"]["amount"]));
    }
    let five_years = sum(liuzhou.into_iter());
    assert!(five_years > "9980000.00".parse().unwrap(), "{five_years}");
    assert_eq!(five_years.fen(), service::seed::LIUZHOU_FIVE_YEARS_FEN);
}

/// The bureau's view of Liuzhou's 2023 period shows every state the issue
/// names: late reporters, a returned report with a line comment, an
/// association that refunded irregular charges, and all five measures.
#[tokio::test]
async fn liuzhou_2023_period_shows_late_returned_refunded_and_every_measure() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let periods = app
        .graphql(
            Some(&official),
            "{ feeReductionPeriods(first: 20) { edges { node { id year } } } }",
            json!({}),
        )
        .await;
    let period = periods["data"]["feeReductionPeriods"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["year"] == 2023)
        .map(|e| e["node"]["id"].clone())
        .unwrap_or_else(|| panic!("{periods}"));
    let totals = app
        .graphql(
            Some(&official),
            "query($p: UUID!) { feeReductionTotals(periodId: $p) { total { amount enterprises } byMeasure { measure sum { amount enterprises } } associations { status late } associationsReported associationsNotReported refunded irregularChargesFound } }",
            json!({"p": period}),
        )
        .await;
    let t = &totals["data"]["feeReductionTotals"];
    assert_eq!(t["total"]["amount"], "2046500.00", "{totals}");
    assert_eq!(t["total"]["enterprises"], 2_850);
    assert_eq!(t["associationsReported"], 610);
    let measures: Vec<&str> = t["byMeasure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["measure"].as_str().unwrap())
        .collect();
    for m in ["cancel", "lower", "waive", "standardize", "support_policy"] {
        assert!(measures.contains(&m), "{m} missing: {measures:?}");
    }
    let support = t["byMeasure"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"] == "support_policy")
        .unwrap();
    assert_eq!(support["sum"]["amount"], "0.00", "support won carries no fee amount");
    assert!(support["sum"]["enterprises"].as_i64().unwrap() > 0);
    let rows = t["associations"].as_array().unwrap();
    let late_approved = rows
        .iter()
        .filter(|a| a["status"] == "approved" && a["late"] == true)
        .count();
    assert!(late_approved > 0, "some filed after the due date");
    assert!(rows.iter().any(|a| a["status"] == "returned"));
    assert!(t["associationsNotReported"].as_i64().unwrap() >= 1);
    assert!(money(&t["refunded"]) > Money::ZERO && t["irregularChargesFound"].as_i64().unwrap() > 0);

    let returned = app
        .graphql(
            Some(&official),
            "query($p: UUID!) { feeReductionReports(periodId: $p, status: returned) { edges { node { reviewComment lines { returnComment } history { version } } } } }",
            json!({"p": period}),
        )
        .await;
    let report = &returned["data"]["feeReductionReports"]["edges"][0]["node"];
    assert!(report["reviewComment"].is_string(), "{returned}");
    assert!(
        report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["returnComment"].is_string()),
        "{returned}"
    );
    assert_eq!(report["history"][0]["version"], 1);

    // The bureau's pages show the periods with their charts.
    let client = browser();
    assert_eq!(
        sign_in(
            &app,
            &client,
            "liuzhou",
            "liuzhou.city_official",
            crate::helpers::DEMO_PASSWORD
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let page = page_text(
        &client,
        format!(
            "{}/liuzhou/office/fee-periods?period={}",
            app.address,
            period.as_str().unwrap()
        ),
    )
    .await;
    assert!(page.contains("2023年度") && page.contains("¥2,046,500.00"), "{page}");
    assert!(page.contains("<svg") && page.contains("为行业争取帮扶政策"));
    assert!(page.contains("逾期"));
}

#[tokio::test]
async fn guilin_has_its_campaign_stations_funds_and_cases() {
    let app = spawn_app().await;
    let campaigns = app
        .graphql(
            None,
            "{ campaigns(tenant: \"guilin\") { name raisedMoney raisedGoods } }",
            json!({}),
        )
        .await;
    let six_one = campaigns["data"]["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().contains("六一"))
        .unwrap_or_else(|| panic!("{campaigns}"))
        .clone();
    assert!(
        money(&six_one["raisedMoney"]) >= "600000.00".parse().unwrap(),
        "{six_one}"
    );

    let funds = app
        .graphql(None, "{ funds(tenant: \"guilin\", first: 20) { edges { node { id name kind raised disbursed services { service personTimes } } } } }", json!({}))
        .await;
    let funds: Vec<Value> = funds["data"]["funds"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{funds}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let children = funds
        .iter()
        .find(|f| f["name"] == service::seed::GUILIN_CHILDREN_FUND)
        .unwrap();
    assert_eq!(children["kind"], "special");
    assert!(funds.iter().any(|f| f["kind"] == "community"));
    // About a thousand children, each paid 600.00 out of the fund.
    let paid = app
        .count(&format!(
            "SELECT COUNT(*) FROM disbursement WHERE purpose = 'children' AND fund_id = {}",
            app.sql_id(&children["id"].as_str().unwrap())
        ))
        .await;
    assert_eq!(paid, service::seed::GUILIN_CHILDREN_HELPED as i64);
    assert!((950..=1_050).contains(&paid));
    assert_eq!(money(&children["disbursed"]).fen(), paid * 60_000);
    assert!(!children["services"].as_array().unwrap().is_empty(), "{children}");

    let stations = app
        .graphql(
            None,
            "{ donationStations(tenant: \"guilin\") { name closedOn gifts money goods } }",
            json!({}),
        )
        .await;
    let stations = stations["data"]["donationStations"].as_array().unwrap().clone();
    assert!(stations.iter().filter(|s| s["closedOn"].is_null()).count() >= 3);
    assert!(
        stations
            .iter()
            .all(|s| s["name"].as_str().unwrap().contains("社会慈善捐助站"))
    );
    assert!(
        stations.iter().all(|s| s["gifts"].as_i64().unwrap() > 0),
        "{stations:?}"
    );

    // Every public page of the city has something to show.
    let client = browser();
    let overview = page_text(&client, format!("{}/guilin", app.address)).await;
    // The API's plain amount, as the page groups it (3,013,384.00).
    let raised: service::Money = six_one["raisedMoney"].as_str().unwrap().parse().unwrap();
    assert!(overview.contains("六一") && overview.contains(&format!("¥{}", raised.grouped())));
    let funds_page = page_text(&client, format!("{}/guilin/funds", app.address)).await;
    assert!(funds_page.contains(service::seed::GUILIN_CHILDREN_FUND) && funds_page.contains("丽狮社区发展慈善基金"));
    let stations_page = page_text(&client, format!("{}/guilin/stations", app.address)).await;
    assert!(
        stations_page.contains("秀峰区丽狮社区社会慈善捐助站"),
        "{stations_page}"
    );

    // The bureau's relief pages list its cases and referrals.
    let official = app.login("guilin.city_official").await;
    let cases = app
        .graphql(
            Some(&official),
            "{ reliefCases(first: 20) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert!(
        cases["data"]["reliefCases"]["edges"].as_array().unwrap().len() >= 4,
        "{cases}"
    );
    sign_in(
        &app,
        &client,
        "guilin",
        "guilin.city_official",
        crate::helpers::DEMO_PASSWORD,
    )
    .await;
    let list = page_text(&client, format!("{}/guilin/office/cases", app.address)).await;
    assert!(list.contains("秀峰区") && list.contains("临桂区"), "{list}");
    let staff = browser();
    sign_in(
        &app,
        &staff,
        "guilin",
        "guilin.org_staff",
        crate::helpers::DEMO_PASSWORD,
    )
    .await;
    let inbox = page_text(&staff, format!("{}/guilin/workspace/referrals", app.address)).await;
    assert!(inbox.contains("象山区"), "the waiting referral: {inbox}");
}

#[tokio::test]
async fn liuzhou_named_fund_carries_the_elders_services_and_the_rural_standard_is_set() {
    let app = spawn_app().await;
    let funds = app
        .graphql(None, "{ funds(tenant: \"liuzhou\", first: 50) { edges { node { name kind raised services { service personTimes hours } } } } }", json!({}))
        .await;
    let fund = funds["data"]["funds"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|f| f["name"] == "柳州市社会救助和慈善帮扶公益基金")
        .unwrap_or_else(|| panic!("{funds}"))
        .clone();
    assert_eq!(fund["kind"], "special");
    let services = fund["services"].as_array().unwrap();
    let times: i64 = services.iter().map(|s| s["personTimes"].as_i64().unwrap()).sum();
    let hours = sum(services.iter().map(|s| money(&s["hours"])));
    assert_eq!(times, 195);
    assert_eq!(hours.to_string(), "382.00");

    let official = app.login("liuzhou.city_official").await;
    let standards = app.graphql(Some(&official), crate::relief::STANDARDS, json!({})).await;
    assert!(
        standards["data"]["reliefStandards"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["category"] == "minimum_living"
                && s["area"] == "rural"
                && s["amount"] == "6000.00"
                && s["period"] == "year"),
        "{standards}"
    );
}
