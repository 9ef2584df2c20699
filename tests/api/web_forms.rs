//! The portal's forms are read into typed fields: a value the form does not
//! offer is refused beside its field (400, the form shown again with what
//! was typed), never quietly taken as a default; and what a form records
//! names its request in the audit trail, as GraphQL's records do.

use reqwest::StatusCode;

use crate::helpers::{DEMO_PASSWORD, spawn_app};
use crate::web::{browser, hidden, page_text, sign_in};

#[tokio::test]
async fn an_unknown_choice_is_a_field_error_not_a_default() {
    let app = spawn_app().await;
    let client = browser();
    let signed = sign_in(&app, &client, "liuzhou", "liuzhou.org_staff", DEMO_PASSWORD).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let form_url = format!("{}/liuzhou/workspace/donations/new", app.address);
    let form = page_text(&client, &form_url).await;
    let (csrf, key) = (hidden(&form, "csrf"), hidden(&form, "idempotency_key"));
    let fields = |field: &'static str, value: &'static str| {
        let mut fields = vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("gift_kind", "money".to_owned()),
            ("amount", "88.00".to_owned()),
            ("channel", "wechat_pay".to_owned()),
            ("donor_kind", "individual".to_owned()),
            ("donor_name", "表单测试捐赠人".to_owned()),
            ("received_on", service::clock::today().to_string()),
        ];
        for f in &mut fields {
            if f.0 == field {
                f.1 = value.to_owned();
            }
        }
        fields
    };
    let donations = "SELECT COUNT(*) FROM donation";
    let before = app.count(donations).await;

    for (field, value) in [
        ("gift_kind", "gold"),
        ("channel", "carrier_pigeon"),
        ("donor_kind", "robot"),
    ] {
        let refused = client.post(&form_url).form(&fields(field, value)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{field}={value}");
        let html = refused.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"id="{field}-error""#)) && html.contains(value),
            "{field}={value}: the error sits beside the field and names the value: {html}"
        );
        assert!(html.contains("表单测试捐赠人"), "what was typed is kept: {html}");
    }
    assert_eq!(app.count(donations).await, before, "nothing recorded");

    // The same form with the values it offers is recorded, and the audit
    // record names the request.
    let with_id = "SELECT COUNT(*) FROM audit_log WHERE request_id IS NOT NULL";
    let audited = app.count(with_id).await;
    let recorded = client
        .post(&form_url)
        .form(&fields("channel", "cash"))
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status(), StatusCode::OK, "{}", recorded.text().await.unwrap());
    assert_eq!(app.count(donations).await, before + 1);
    assert!(
        app.count(with_id).await > audited,
        "the portal's audit records carry the request id"
    );
}
