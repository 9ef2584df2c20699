//! The nested lists of a page of parents (`organizations { history
//! listings annualReports }`, `feeReductionReports { lines history }`) are
//! read by per-request DataLoaders, all parents at once: each parent must
//! still get exactly its own rows, in its own order, and nobody else's.

// A test: a step that fails should fail it, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn nodes(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn ids(list: &Value) -> Vec<Value> {
    list.as_array().unwrap().iter().map(|n| n["id"].clone()).collect()
}

#[tokio::test]
async fn every_organization_of_a_page_gets_its_own_nested_lists() {
    let app = spawn_app().await;
    for user in ["liuzhou.city_official", "liuzhou.org_staff"] {
        let token = app.login(user).await;
        let page = app
            .graphql_ok(
                Some(&token),
                "{ organizations(first: 100) { edges { node { id version
                    history { version cause }
                    listings { id organizationId }
                    annualReports { id organizationId dueOn } } } } }",
                json!({}),
            )
            .await;
        let organizations = nodes(&page["data"]["organizations"]);
        assert!(!organizations.is_empty(), "{user} sees organizations");
        if user.ends_with("city_official") {
            assert!(organizations.len() > 1, "a page of several parents: {page}");
        }
        let mut with_listings = 0;
        let mut with_reports = 0;
        for org in &organizations {
            let id = org["id"].clone();
            // Its versions, oldest first, up to its current version.
            let versions: Vec<i64> = org["history"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["version"].as_i64().unwrap())
                .collect();
            assert_eq!(
                versions,
                (1..=org["version"].as_i64().unwrap()).collect::<Vec<_>>(),
                "{org}"
            );
            // The same listings and reports as the one-organization reads,
            // in the same order.
            let one = app
                .graphql_ok(
                    Some(&token),
                    "query($o: UUID!) {
                        supervisionListings(organizationId: $o, currentOnly: false) { id }
                        annualReports(organizationId: $o, first: 100) { edges { node { id } } } }",
                    json!({ "o": id }),
                )
                .await;
            assert_eq!(ids(&org["listings"]), ids(&one["data"]["supervisionListings"]), "{org}");
            let reports: Vec<Value> = nodes(&one["data"]["annualReports"])
                .iter()
                .map(|n| n["id"].clone())
                .collect();
            assert_eq!(ids(&org["annualReports"]), reports, "{org}");
            for child in org["listings"]
                .as_array()
                .unwrap()
                .iter()
                .chain(org["annualReports"].as_array().unwrap())
            {
                assert_eq!(child["organizationId"], id);
            }
            with_listings += usize::from(!org["listings"].as_array().unwrap().is_empty());
            with_reports += usize::from(!org["annualReports"].as_array().unwrap().is_empty());
        }
        if user.ends_with("city_official") {
            assert!(
                with_listings + with_reports > 0,
                "the demo has nested rows to batch: {page}"
            );
        }
    }
}

#[tokio::test]
async fn every_fee_report_of_a_page_gets_its_own_lines_and_history() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.city_official").await;
    let page = app
        .graphql_ok(
            Some(&token),
            "{ feeReductionReports(first: 100) { edges { node { id version
                lines { id position } history { version } } } } }",
            json!({}),
        )
        .await;
    for report in nodes(&page["data"]["feeReductionReports"]) {
        let one = app
            .graphql_ok(
                Some(&token),
                "query($id: UUID!) { feeReductionReport(id: $id) { lines { id position } history { version } } }",
                json!({ "id": report["id"] }),
            )
            .await;
        let alone = &one["data"]["feeReductionReport"];
        assert_eq!(report["lines"], alone["lines"], "{report}");
        assert_eq!(report["history"], alone["history"], "{report}");
        let positions: Vec<i64> = report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["position"].as_i64().unwrap())
            .collect();
        assert!(positions.is_sorted(), "{report}");
        let versions = report["history"].as_array().unwrap().len() as i64;
        assert!(versions <= report["version"].as_i64().unwrap(), "{report}");
    }
}
