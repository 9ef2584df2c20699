//! A database outage, seen from every door: the exports, the portal and
//! GraphQL all say "service unavailable" (503, with Retry-After where the
//! answer is plain HTTP), not "internal error" and not "please sign in".

use reqwest::StatusCode;
use reqwest::header::{LOCATION, RETRY_AFTER};
use serde_json::{Value, json};

use crate::helpers::{DEMO_PASSWORD, spawn_app};
use crate::web::{browser, sign_in};

#[tokio::test]
async fn the_export_answers_503_while_the_database_is_down() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = crate::fee_reductions::open_period(&app, &official, 30).await;
    let url = format!("{}/exports/fee-reductions/{period}.csv", app.address);
    let before = app.client.get(&url).bearer_auth(&official).send().await.unwrap();
    assert_eq!(before.status(), StatusCode::OK);

    app.take_database_down().await;
    for file in [format!("{period}.csv"), format!("{period}.xlsx")] {
        let during = app
            .client
            .get(format!("{}/exports/fee-reductions/{file}", app.address))
            .bearer_auth(&official)
            .send()
            .await
            .unwrap();
        assert_eq!(during.status(), StatusCode::SERVICE_UNAVAILABLE, "{file}");
        assert!(
            during.headers().contains_key(RETRY_AFTER),
            "{file}: {:?}",
            during.headers()
        );
        let body: Value = during.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{body}");
        assert!(body["errors"][0]["extensions"]["messageZh"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn the_portal_shows_the_outage_page_not_the_sign_in_page() {
    let app = spawn_app().await;
    let client = browser();
    let signed = sign_in(&app, &client, "liuzhou", "liuzhou.org_staff", DEMO_PASSWORD).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let donations = format!("{}/liuzhou/workspace/donations", app.address);
    assert_eq!(client.get(&donations).send().await.unwrap().status(), StatusCode::OK);

    app.take_database_down().await;
    // Signed in: the session cannot be checked, which is not the same as
    // having none.
    let during = client.get(&donations).send().await.unwrap();
    assert_eq!(during.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(during.headers().get(LOCATION).is_none(), "not sent to sign in");
    assert!(during.headers().contains_key(RETRY_AFTER));
    let html = during.text().await.unwrap();
    assert!(html.contains("服务暂时不可用"), "{html}");

    // In English for a reader who chose English.
    client.get(format!("{}/lang/en", app.address)).send().await.unwrap();
    let english = client.get(&donations).send().await.unwrap();
    assert_eq!(english.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = english.text().await.unwrap();
    assert!(html.contains("Service unavailable"), "{html}");

    // And for the public: a city's pages and the donation trace.
    let anonymous = browser();
    for path in ["/liuzhou", "/liuzhou/funds", "/liuzhou/trace?receipt=X&code=Y", "/"] {
        let page = anonymous.get(format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        let html = page.text().await.unwrap();
        assert!(
            html.contains("服务暂时不可用") && html.contains("Service unavailable"),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn graphql_reports_the_database_unavailable() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.org_staff").await;
    app.take_database_down().await;

    // With a token: the session cannot be checked, so the request is
    // refused before it runs, as plain HTTP 503.
    let refused = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { username } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.headers().contains_key(RETRY_AFTER));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(crate::helpers::error_code(&body), Some("UNAVAILABLE"), "{body}");

    // Anonymous: the field fails with UNAVAILABLE, in both languages.
    let body = app
        .graphql(
            None,
            "mutation($t: String!, $u: String!, $p: String!) { login(tenant: $t, username: $u, password: $p) { token } }",
            json!({ "t": "liuzhou", "u": "liuzhou.org_staff", "p": DEMO_PASSWORD }),
        )
        .await;
    crate::helpers::assert_error(&body, "UNAVAILABLE");
    assert!(body["errors"][0]["extensions"]["messageZh"].is_string(), "{body}");
}
