//! Bad input gets a clear error a person can act on: never a 500, a panic
//! or a half-written record.

use serde_json::{Value, json};

use crate::helpers::{assert_error, spawn_app};

async fn post_raw(app: &crate::helpers::TestApp, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn empty_strings_are_validation_errors_naming_the_field() {
    let app = spawn_app().await;
    let login =
        "mutation($t: String!, $u: String!, $p: String!) { login(tenant: $t, username: $u, password: $p) { token } }";
    for (vars, field) in [
        (json!({"t": "", "u": "x", "p": "y"}), "tenant"),
        (json!({"t": "liuzhou", "u": "   ", "p": "y"}), "username"),
        (json!({"t": "liuzhou", "u": "liuzhou.donor", "p": ""}), "password"),
    ] {
        let body = app.graphql_error(None, login, vars, "VALIDATION").await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let official = app.login("liuzhou.city_official").await;
    let body = app.graphql_error(Some(&official), "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            json!({"i": {"username": "ok.name", "displayName": "", "email": "a@example.org", "password": "long-enough-1", "role": "donor"}}), "VALIDATION").await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "displayName");
    // The same message in Chinese rides along for clients that show it.
    assert_eq!(body["errors"][0]["extensions"]["messageZh"], "请填写姓名", "{body}");
    assert_eq!(body["errors"][0]["message"], "displayName must not be empty");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'ok.name'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_ten_megabyte_string_is_refused_with_413() {
    let app = spawn_app().await;
    let huge = "字".repeat(10 * 1024 * 1024 / 3);
    let body = serde_json::to_vec(&json!({
        "query": "mutation($u: String!) { login(tenant: \"liuzhou\", username: $u, password: \"x\") { token } }",
        "variables": {"u": huge}
    }))
    .unwrap();
    let (status, body) = post_raw(&app, body).await;
    assert_eq!(status, 413);
    assert_error(&body, "VALIDATION");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than the limit")
    );
    // Long but within the limit: the field's own bound answers.
    app.graphql_error(
        None,
        "mutation($u: String!) { login(tenant: \"liuzhou\", username: $u, password: \"x\") { token } }",
        json!({"u": "a".repeat(100_000)}),
        "VALIDATION",
    )
    .await;
}

#[tokio::test]
async fn broken_json_and_invalid_unicode_are_bad_requests() {
    let app = spawn_app().await;
    let cases: Vec<Vec<u8>> = vec![
        b"{\"query\": \"{ tenants { slug } }\"".to_vec(), // truncated
        br#"{"query": "{ tenants { slug } }", "variables": {"x": "\ud800"}}"#.to_vec(), // lone surrogate escape
        vec![b'{', b'"', b'q', 0xff, 0xfe, b'"', b'}'],   // not UTF-8
        b"".to_vec(),
        b"[1, 2, 3]".to_vec(),
    ];
    for case in cases {
        let (status, body) = post_raw(&app, case.clone()).await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&case));
        assert_error(&body, "VALIDATION");
    }
    // The server is still fine afterwards.
    let ok = app.graphql(None, "{ tenants { slug } }", json!({})).await;
    assert_eq!(ok["data"]["tenants"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn wrong_types_unknown_fields_and_deep_queries_are_validation_errors() {
    let app = spawn_app().await;
    for query in [
        "mutation { login(tenant: 5, username: \"a\", password: \"b\") { token } }",
        "{ tenants { nonexistent } }",
        "{ tenants { slug ",
        "query($id: UUID!) { user(id: $id) { id } }",
    ] {
        app.graphql_error(None, query, json!({"id": "not-a-uuid"}), "VALIDATION")
            .await;
    }
    // Deeper than the limit: build a query nesting __type.ofType far down.
    let mut deep = String::from("{ __schema { queryType { fields { type ");
    for _ in 0..20 {
        deep.push_str("{ ofType ");
    }
    deep.push_str("{ name }");
    for _ in 0..20 {
        deep.push_str(" }");
    }
    deep.push_str(" } } } }");
    let body = app.graphql_error(None, &deep, json!({}), "VALIDATION").await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("too deep"),
        "{body}"
    );
}

#[tokio::test]
async fn made_up_cursors_and_page_sizes_are_validation_errors() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    for (query, field) in [
        ("{ users(after: \"garbage\") { edges { node { id } } } }", "after"),
        ("{ users(first: 1000) { edges { node { id } } } }", "first"),
        ("{ users(first: 0) { edges { node { id } } } }", "first"),
    ] {
        let body = app.graphql_error(Some(&official), query, json!({}), "VALIDATION").await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}
