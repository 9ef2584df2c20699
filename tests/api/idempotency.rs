//! A creating mutation repeated with the same idempotency key returns the
//! first result and writes nothing; the key with other input is a conflict.

use serde_json::json;

use crate::helpers::spawn_app;

const CREATE: &str =
    "mutation($i: CreateUserInput!, $k: String) { createUser(input: $i, idempotencyKey: $k) { id username } }";

fn input(username: &str) -> serde_json::Value {
    json!({"username": username, "displayName": "重复提交", "email": format!("{username}@example.org"), "password": "long-enough-1", "role": "donor"})
}

#[tokio::test]
async fn the_same_key_replays_the_first_result_and_writes_nothing() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let key = "0b7f7f5e-retry-of-a-phone-on-a-bad-network";
    let first = app
        .graphql(Some(&official), CREATE, json!({"i": input("once.only"), "k": key}))
        .await;
    let id = first["data"]["createUser"]["id"].as_str().expect("created").to_owned();
    let (audit, mail) = (
        app.count("SELECT COUNT(*) FROM audit_log").await,
        app.count("SELECT COUNT(*) FROM email_outbox").await,
    );

    let again = app
        .graphql(Some(&official), CREATE, json!({"i": input("once.only"), "k": key}))
        .await;
    assert_eq!(again["data"]["createUser"]["id"], id.as_str(), "{again}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'once.only'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log").await,
        audit,
        "a replay writes no audit record"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox").await,
        mail,
        "a replay sends no second email"
    );

    // The same key for a different request is refused.
    app.graphql_error(
        Some(&official),
        CREATE,
        json!({"i": input("someone.else"), "k": key}),
        "CONFLICT",
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'someone.else'")
            .await,
        0
    );

    // Without a key, a repeat is a new request (and here a duplicate name).
    app.graphql_error(Some(&official), CREATE, json!({"i": input("once.only")}), "CONFLICT")
        .await;
}

#[tokio::test]
async fn keys_belong_to_their_user_and_must_be_sane() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let colleague = app
        .graphql(
            Some(&official),
            CREATE,
            json!({"i": {"username": "second.official", "displayName": "同事",
        "email": "c@example.org", "password": "colleague-pass-1", "role": "city_official"}}),
        )
        .await;
    assert!(colleague["data"]["createUser"]["id"].is_string(), "{colleague}");
    let login = app
        .graphql(None, "mutation { login(tenant: \"liuzhou\", username: \"second.official\", password: \"colleague-pass-1\") { token } }", json!({}))
        .await;
    let second = login["data"]["login"]["token"].as_str().unwrap().to_owned();

    let a = app
        .graphql(
            Some(&official),
            CREATE,
            json!({"i": input("by.first"), "k": "shared-key"}),
        )
        .await;
    let b = app
        .graphql(
            Some(&second),
            CREATE,
            json!({"i": input("by.second"), "k": "shared-key"}),
        )
        .await;
    assert!(
        a["data"]["createUser"]["id"].is_string() && b["data"]["createUser"]["id"].is_string(),
        "{a} {b}"
    );
    assert_ne!(a["data"]["createUser"]["id"], b["data"]["createUser"]["id"]);

    for bad in ["", "   ", &"k".repeat(129), "key with spaces"] {
        let body = app
            .graphql_error(
                Some(&official),
                CREATE,
                json!({"i": input("bad.key"), "k": bad}),
                "VALIDATION",
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "idempotencyKey");
    }
}

#[tokio::test]
async fn register_and_fee_mutations_that_create_replay_too() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let record = "mutation($k: String) { recordComplaint(subjectName: \"某互助会\", description: \"非法集资嫌疑\", idempotencyKey: $k) { id } }";
    let a = app.graphql(Some(&official), record, json!({"k": "complaint-1"})).await;
    let b = app.graphql(Some(&official), record, json!({"k": "complaint-1"})).await;
    assert_eq!(
        a["data"]["recordComplaint"]["id"], b["data"]["recordComplaint"]["id"],
        "{a} {b}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM complaint").await, 1);

    let open = "mutation($d: NaiveDate!, $k: String) { openFeeReductionPeriod(title: \"上半年\", year: 2026, half: 1, dueOn: $d, idempotencyKey: $k) { id } }";
    let due = (service::clock::today() + chrono::Duration::days(20)).to_string();
    let first = app
        .graphql(Some(&official), open, json!({"d": due, "k": "period-1"}))
        .await;
    let again = app
        .graphql(Some(&official), open, json!({"d": due, "k": "period-1"}))
        .await;
    assert_eq!(
        first["data"]["openFeeReductionPeriod"]["id"], again["data"]["openFeeReductionPeriod"]["id"],
        "{first} {again}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM fee_reduction_period WHERE title = '上半年'")
            .await,
        1
    );
    crate::fee_reductions::each_association_was_asked_once(&app).await;
}
