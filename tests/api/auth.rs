use serde_json::json;

use crate::helpers::{TEST_JWT_SECRET, assert_error, claims_of, sign_claims, spawn_app};

const ME: &str = "{ me { username role organizationId } }";

#[tokio::test]
async fn demo_users_sign_in_and_see_themselves() {
    let app = spawn_app().await;
    for (username, role) in [
        ("platform.platform_admin", "platform_admin"),
        ("guangxi.region_official", "region_official"),
        ("liuzhou.city_official", "city_official"),
        ("nanning.org_staff", "org_staff"),
        ("guilin.donor", "donor"),
    ] {
        let token = app.login(username).await;
        let body = app.graphql(Some(&token), ME, json!({})).await;
        assert_eq!(body["data"]["me"]["username"], username, "{body}");
        assert_eq!(body["data"]["me"]["role"], role);
        let has_org = body["data"]["me"]["organizationId"].is_string();
        assert_eq!(
            has_org,
            role == "org_staff",
            "only org staff carry an organization: {body}"
        );
    }
}

#[tokio::test]
async fn the_token_carries_user_tenant_role_organization_and_expiry() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.org_staff").await;
    let claims = claims_of(&token);
    assert_eq!(claims["tenant"], "liuzhou");
    assert_eq!(claims["role"], "org_staff");
    assert_eq!(claims["sub"], app.user_id("liuzhou.org_staff").await.to_string());
    assert_eq!(claims["org"], app.organization_id("柳州市慈善总会").await.to_string());
    assert!(claims["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());
}

#[tokio::test]
async fn wrong_credentials_are_unauthenticated_without_saying_which() {
    let app = spawn_app().await;
    let wrong_password = app.try_login("liuzhou", "liuzhou.donor", "nope-nope").await;
    let no_user = app.try_login("liuzhou", "nobody", "nope-nope").await;
    let no_tenant = app.try_login("atlantis", "liuzhou.donor", "shanlian-demo").await;
    let other_tenant = app.try_login("guilin", "liuzhou.donor", "shanlian-demo").await;
    for body in [&wrong_password, &no_user, &no_tenant, &other_tenant] {
        assert_error(body, "UNAUTHENTICATED");
    }
    assert_eq!(
        wrong_password["errors"][0]["message"],
        no_tenant["errors"][0]["message"]
    );
}

#[tokio::test]
async fn missing_malformed_forged_and_expired_tokens_are_unauthenticated() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.city_official").await;
    let claims = claims_of(&token);

    app.graphql_error(None, ME, json!({}), "UNAUTHENTICATED").await;

    app.graphql_error(Some("not.a.jwt"), ME, json!({}), "UNAUTHENTICATED")
        .await;

    let forged = sign_claims(&claims, "another-key-another-key-another-key-0000");
    assert_error(&app.graphql(Some(&forged), ME, json!({})).await, "UNAUTHENTICATED");

    // A token made a role higher with the right structure but no valid
    // signature: the signature check refuses it.
    let mut escalated = claims.clone();
    escalated["role"] = json!("platform_admin");
    let parts: Vec<&str> = token.split('.').collect();
    let body = base64_url(&serde_json::to_vec(&escalated).unwrap());
    let tampered = format!("{}.{}.{}", parts[0], body, parts[2]);
    assert_error(&app.graphql(Some(&tampered), ME, json!({})).await, "UNAUTHENTICATED");

    let mut old = claims;
    old["exp"] = json!(chrono::Utc::now().timestamp() - 60);
    old["iat"] = json!(chrono::Utc::now().timestamp() - 3600);
    let expired = sign_claims(&old, TEST_JWT_SECRET);
    let body = app
        .graphql_error(Some(&expired), ME, json!({}), "UNAUTHENTICATED")
        .await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("expired"));

    // A header that is not a bearer token at all.
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": ME }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_error(&response.json().await.unwrap(), "UNAUTHENTICATED");
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn roles_calling_what_they_may_not_are_forbidden() {
    let app = spawn_app().await;
    let donor = app.login("liuzhou.donor").await;
    assert_error(
        &app.graphql(Some(&donor), "{ users { edges { node { id } } } }", json!({}))
            .await,
        "FORBIDDEN",
    );
    let staff = app.login("liuzhou.org_staff").await;
    let create = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }";
    let input = json!({"i": {"username": "new.person", "displayName": "新用户", "email": "new@example.org", "password": "long-enough-1", "role": "donor"}});
    assert_error(&app.graphql(Some(&staff), create, input.clone()).await, "FORBIDDEN");
    // A city official may do it.
    let official = app.login("liuzhou.city_official").await;
    let body = app.graphql(Some(&official), create, input).await;
    assert!(body["data"]["createUser"]["id"].is_string(), "{body}");
}

#[tokio::test]
async fn deactivated_users_cannot_sign_in_and_passwords_can_change() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let donor_id = app.user_id("liuzhou.donor").await;
    let open_session = app.login("liuzhou.donor").await;
    assert!(app.graphql(Some(&open_session), ME, json!({})).await["data"]["me"].is_object());
    let set = "mutation($id: UUID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { active } }";
    let body = app
        .graphql(Some(&official), set, json!({"id": donor_id, "a": false}))
        .await;
    assert_eq!(body["data"]["setUserActive"]["active"], false, "{body}");
    let login =
        "mutation { login(tenant: \"liuzhou\", username: \"liuzhou.donor\", password: \"shanlian-demo\") { token } }";
    let refused = app.graphql_error(None, login, json!({}), "UNAUTHENTICATED").await;
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("deactivated")
    );
    // Deactivation ended the session that was open, at once.
    let ended = app
        .graphql_error(Some(&open_session), ME, json!({}), "UNAUTHENTICATED")
        .await;
    assert!(
        ended["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("session has ended")
    );
    app.graphql(Some(&official), set, json!({"id": donor_id, "a": true}))
        .await;
    assert_error(
        &app.graphql(Some(&open_session), ME, json!({})).await,
        "UNAUTHENTICATED",
    );
    let donor = app.login("liuzhou.donor").await;

    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { id } }";
    app.graphql_error(
        Some(&donor),
        change,
        json!({"c": "wrong-password", "n": "a-new-password"}),
        "VALIDATION",
    )
    .await;
    app.graphql_error(
        Some(&donor),
        change,
        json!({"c": "shanlian-demo", "n": "short"}),
        "VALIDATION",
    )
    .await;
    let ok = app
        .graphql(
            Some(&donor),
            change,
            json!({"c": "shanlian-demo", "n": "a-new-password"}),
        )
        .await;
    assert!(ok["data"]["changePassword"]["id"].is_string(), "{ok}");
    let login_new =
        "mutation { login(tenant: \"liuzhou\", username: \"liuzhou.donor\", password: \"a-new-password\") { token } }";
    assert!(app.graphql(None, login_new, json!({})).await["data"]["login"]["token"].is_string());
    assert_error(&app.graphql(None, login, json!({})).await, "UNAUTHENTICATED");
    // The token that changed the password belonged to the old one: it ended.
    assert_error(&app.graphql(Some(&donor), ME, json!({})).await, "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_new_deployment_gets_its_first_administrator_from_the_command_line() {
    let app = crate::helpers::spawn_app_with(&[("SHANLIAN__DATABASE__SEED_DEMO", "false".into())]).await;
    let create = |password: &str| api::cli::Cli {
        command: Some(api::cli::Command::CreateAdmin {
            username: "ops.admin".into(),
            email: "ops@example.org".into(),
            display_name: "运维管理员".into(),
            password: Some(password.into()),
        }),
    };
    // A password a person could guess is refused, and nothing is written.
    let weak = api::cli::run(create("short"), app.settings.clone()).await.unwrap_err();
    assert!(weak.to_string().contains("password"), "{weak}");
    assert_eq!(app.count("SELECT count(*) FROM tenant").await, 0);

    api::cli::run(create("a-long-admin-password"), app.settings.clone())
        .await
        .unwrap();
    let body = app
        .graphql(
            None,
            "mutation { login(tenant: \"platform\", username: \"ops.admin\", password: \"a-long-admin-password\") { token } }",
            serde_json::json!({}),
        )
        .await;
    let token = body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    // The administrator can open the region, and the region its cities.
    let region = app
        .graphql(
            Some(&token),
            "mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { slug } } }",
            serde_json::json!({"i": {"slug": "guangxi", "name": "广西壮族自治区", "kind": "region", "divisionCode": "450000",
                "firstOfficial": {"username": "gx.official", "displayName": "区厅", "email": "gx@example.org",
                "password": "a-long-official-password"}}}),
        )
        .await;
    assert_eq!(region["data"]["createTenant"]["tenant"]["slug"], "guangxi", "{region}");

    // Run again (a redeploy that repeats the step): nothing changes.
    api::cli::run(create("another-long-password"), app.settings.clone())
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT count(*) FROM app_user WHERE role = 'platform_admin'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'platform.first_admin'")
            .await,
        1
    );
}
