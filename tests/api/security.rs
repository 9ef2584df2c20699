//! Safe by default, each finding of the attack on the defaults as a test:
//! forged and over-long tokens, demo data in production, sign-in guessing
//! (aliases, bursts, backoff, lock), query cost, the database role, logout,
//! email addresses, redirects, spreadsheet cells, client addresses, CSRF
//! and security headers.

use futures_util::future::join_all;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, REFERER};
use serde_json::json;

use crate::helpers::{
    DEMO_PASSWORD, LOGIN, TEST_JWT_SECRET, TestApp, assert_error, claims_of, error_code, sign_claims, spawn_app,
    spawn_app_with, spawn_postgres_app,
};
use crate::web::{browser, hidden, page_text, post_form, sign_in};

const ME: &str = "{ me { username role organizationId } }";

#[tokio::test]
async fn forged_and_long_lived_tokens_are_refused_and_claims_do_not_decide() {
    let app = spawn_app().await;
    let donor = app.login("liuzhou.donor").await;
    let mut claims = claims_of(&donor);
    assert_eq!(claims["iss"], "shanlian");
    assert_eq!(claims["aud"], app.settings.server.public_url.as_str());

    // The key that used to be in the source signs nothing any more.
    let official = app.user_id("liuzhou.city_official").await;
    let mut forged = claims.clone();
    forged["sub"] = json!(official.to_string());
    forged["role"] = json!("city_official");
    let published = sign_claims(&forged, "shanlian-development-only-secret-do-not-use-in-production");
    assert_error(&app.graphql(Some(&published), ME, json!({})).await, "UNAUTHENTICATED");

    // The right key, a life until 2100: refused.
    let mut forever = claims.clone();
    forever["exp"] = json!(4_102_444_800_i64);
    let body = app
        .graphql_error(
            Some(&sign_claims(&forever, TEST_JWT_SECRET)),
            ME,
            json!({}),
            "UNAUTHENTICATED",
        )
        .await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("longer life"),
        "{body}"
    );

    // Another deployment's token (another audience): refused.
    let mut elsewhere = claims.clone();
    elsewhere["aud"] = json!("https://staging.example.org");
    assert_error(
        &app.graphql(Some(&sign_claims(&elsewhere, TEST_JWT_SECRET)), ME, json!({}))
            .await,
        "UNAUTHENTICATED",
    );

    // An organization claimed in the token is not the donor's: the row
    // decides, and a donor acts for none.
    claims["org"] = json!(app.organization_id("柳州市慈善总会").await.to_string());
    let body = app
        .graphql(Some(&sign_claims(&claims, TEST_JWT_SECRET)), ME, json!({}))
        .await;
    assert!(body["data"]["me"]["organizationId"].is_null(), "{body}");
    app.graphql_error(Some(&sign_claims(&claims, TEST_JWT_SECRET)), "mutation { recordDonation(input: {giftKind: money, amount: \"1.00\", channel: cash, donorKind: anonymous}) { donation { id } } }",
            json!({}), "FORBIDDEN").await;
}

#[test]
fn no_secret_means_a_key_of_this_process_only_and_never_beyond_this_machine() {
    use api::config::Settings;
    let vars = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let a = Settings::from_sources(&[]).unwrap();
    let b = Settings::from_sources(&[]).unwrap();
    assert!(a.auth.ephemeral_secret);
    assert!(a.jwt_secret().len() >= 32);
    assert_ne!(a.jwt_secret(), b.jwt_secret(), "a random key each start");
    let open = Settings::from_sources(&vars(&[("SHANLIAN__SERVER__HOST", "0.0.0.0")]))
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(open.contains("SHANLIAN__AUTH__JWT_SECRET"), "{open}");

    let production = [
        ("SHANLIAN__ENVIRONMENT", "production"),
        ("SHANLIAN__AUTH__JWT_SECRET", "0123456789abcdef0123456789abcdef"),
    ];
    let prod = Settings::from_sources(&vars(&production)).unwrap();
    assert!(!prod.seed_demo() && !prod.graphiql() && !prod.introspection());
    let mut seeding = production.to_vec();
    seeding.push(("SHANLIAN__DATABASE__SEED_DEMO", "true"));
    let refused = Settings::from_sources(&vars(&seeding)).err().map(|e| format!("{e:#}"));
    assert!(refused.is_some_and(|e| e.contains("SEED_DEMO=false")));
    let mut owner_migrates = production.to_vec();
    owner_migrates.push(("DATABASE_URL", "postgres://shanlian_app@db/shanlian"));
    let refused = Settings::from_sources(&vars(&owner_migrates))
        .err()
        .map(|e| format!("{e:#}"));
    assert!(refused.is_some_and(|e| e.contains("SHANLIAN__DATABASE__ADMIN_URL")));
}

#[tokio::test]
async fn production_serves_no_demo_no_graphiql_and_no_introspection() {
    let app = spawn_app_with(&[("SHANLIAN__ENVIRONMENT", "production".into())]).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM app_user").await, 0, "no demo accounts");
    assert_error(
        &app.try_login("platform", "platform.platform_admin", DEMO_PASSWORD)
            .await,
        "UNAUTHENTICATED",
    );
    let introspection = app.graphql(None, "{ __schema { types { name } } }", json!({})).await;
    assert!(introspection["data"]["__schema"].is_null(), "{introspection}");
    let graphiql = app.get(None, "/graphql").await;
    assert_eq!(graphiql.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_seed_never_adds_demo_accounts_to_a_tenant_it_did_not_make() {
    let app = spawn_app_with(&[("SHANLIAN__DATABASE__SEED_DEMO", "false".into())]).await;
    api::cli::run(
        api::cli::Cli {
            command: Some(api::cli::Command::CreateAdmin {
                username: "ops.admin".into(),
                email: "ops@example.org".into(),
                display_name: "运维管理员".into(),
                password: Some("a-long-admin-password".into()),
            }),
        },
        app.settings.clone(),
    )
    .await
    .unwrap();
    api::cli::run(
        api::cli::Cli {
            command: Some(api::cli::Command::Seed),
        },
        app.settings.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'platform.platform_admin'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE role = 'platform_admin'")
            .await,
        1
    );
    // The cities the seed made itself are there, with their accounts.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'liuzhou.donor'")
            .await,
        1
    );
}

#[tokio::test]
async fn one_request_signs_in_once_whatever_its_aliases() {
    let app = spawn_app().await;
    let aliases = |wrong: usize| {
        let mut fields: Vec<String> = (0..wrong)
            .map(|i| {
                format!(
                    "g{i}: login(tenant: \"liuzhou\", username: \"liuzhou.donor\", password: \"guess-{i}\") {{ token }}"
                )
            })
            .collect();
        fields.push(
            "right: login(tenant: \"liuzhou\", username: \"liuzhou.donor\", password: \"shanlian-demo\") { token }"
                .into(),
        );
        format!("mutation {{ {} }}", fields.join(" "))
    };
    // 98 guesses and the password weigh more than any caller may send.
    let body = app.graphql(None, &aliases(98), json!({})).await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("too complex"),
        "{body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attempt_counter").await, 0, "none ran");

    // Three guesses and the password are light enough, and only the first
    // runs: the password that comes after it is never tried.
    let body = app.graphql(None, &aliases(3), json!({})).await;
    assert!(body["data"]["right"].is_null(), "the 4th sign-in never ran: {body}");
    let refused = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains("one sign-in per request"))
        })
        .count();
    assert_eq!(refused, 3, "{body}");
    assert_eq!(
        app.count("SELECT CAST(MAX(failures) AS BIGINT) FROM attempt_counter WHERE kind = 'sign_in_account'")
            .await,
        1,
        "only the one that ran was counted"
    );
}

#[tokio::test]
async fn guesses_back_off_then_lock_shared_through_the_database() {
    let app = spawn_app().await;
    for i in 0..5 {
        assert_error(
            &app.try_login("liuzhou", "liuzhou.donor", &format!("wrong-{i}")).await,
            "UNAUTHENTICATED",
        );
    }
    // Five failures: the next try waits a second from the last, checked
    // before any password is hashed. Made exact here, whatever the time
    // the five took.
    set_counter(&app, "sign_in_account", "liuzhou/liuzhou.donor", 5, 0).await;
    let waiting = app.try_login("liuzhou", "liuzhou.donor", DEMO_PASSWORD).await;
    assert_eq!(error_code(&waiting), Some("RATE_LIMITED"), "{waiting}");
    assert!(waiting["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() >= 1);
    assert!(
        waiting["errors"][0]["extensions"]["messageZh"]
            .as_str()
            .unwrap()
            .contains("秒后再试")
    );
    // Another account is untouched by this one's counter.
    assert!(
        app.try_login("liuzhou", "liuzhou.city_official", DEMO_PASSWORD).await["data"]["login"]["token"].is_string()
    );
    // The wait over, the right password signs in and the count starts over.
    set_counter(&app, "sign_in_account", "liuzhou/liuzhou.donor", 5, 2).await;
    assert!(app.try_login("liuzhou", "liuzhou.donor", DEMO_PASSWORD).await["data"]["login"]["token"].is_string());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM attempt_counter WHERE kind = 'sign_in_account'")
            .await,
        0
    );

    // Nine failures, the last 20 seconds ago (past the 16 s wait): one more
    // wrong password locks the account, says so on its trail, and even the
    // right one waits.
    set_counter(&app, "sign_in_account", "liuzhou/liuzhou.donor", 9, 20).await;
    assert_error(
        &app.try_login("liuzhou", "liuzhou.donor", "wrong-again").await,
        "UNAUTHENTICATED",
    );
    let locked = app.try_login("liuzhou", "liuzhou.donor", DEMO_PASSWORD).await;
    assert_eq!(error_code(&locked), Some("RATE_LIMITED"), "{locked}");
    assert!(
        locked["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap() > 600,
        "{locked}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.sign_in_locked'")
            .await,
        1
    );

    // The address's counter, across accounts and cities, locks too.
    set_counter(&app, "sign_in_address", "127.0.0.1", 30, 0).await;
    let spraying = app.try_login("guilin", "guilin.donor", DEMO_PASSWORD).await;
    assert_eq!(error_code(&spraying), Some("RATE_LIMITED"), "{spraying}");
}

/// Put a throttle counter where a test needs it: `failures`, the last one
/// `seconds_ago`.
async fn set_counter(app: &TestApp, kind: &str, key: &str, failures: i32, seconds_ago: i64) {
    use entity::attempt_counter;
    use sea_orm::EntityTrait;
    use sea_orm::sea_query::OnConflict;
    let row = attempt_counter::ActiveModel {
        kind: sea_orm::Set(kind.to_owned()),
        key: sea_orm::Set(key.to_owned()),
        failures: sea_orm::Set(failures),
        last_failure_at: sea_orm::Set(chrono::Utc::now() - chrono::Duration::seconds(seconds_ago)),
    };
    attempt_counter::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([attempt_counter::Column::Kind, attempt_counter::Column::Key])
                .update_columns([
                    attempt_counter::Column::Failures,
                    attempt_counter::Column::LastFailureAt,
                ])
                .to_owned(),
        )
        .exec(&app.owner)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_parallel_flood_is_turned_away_before_it_costs_a_hash() {
    let app = spawn_app().await;
    let calls = (0..80).map(|i| {
        let app = &app;
        async move { app.try_login("liuzhou", &format!("flood-{i}"), "nope-nope").await }
    });
    let bodies = join_all(calls).await;
    let limited = bodies.iter().filter(|b| error_code(b) == Some("RATE_LIMITED")).count();
    assert!(limited >= 40, "{limited} of 80 turned away");
}

#[tokio::test]
async fn password_checks_and_receipt_codes_are_throttled_too() {
    let app = spawn_app().await;
    let donor = app.login("liuzhou.donor").await;
    let change =
        "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a-new-password-1\") { id } }";
    for i in 0..5 {
        app.graphql_error(Some(&donor), change, json!({"c": format!("wrong-{i}")}), "VALIDATION")
            .await;
    }
    let donor_id = app.user_id("liuzhou.donor").await.to_string();
    let counted =
        format!("SELECT CAST(failures AS BIGINT) FROM attempt_counter WHERE kind = 'password' AND key = '{donor_id}'");
    assert_eq!(app.count(&counted).await, 5);
    // The sixth try waits (made exact: the last failure just now), even
    // with the right password.
    set_counter(&app, "password", &donor_id, 5, 0).await;
    let body = app.graphql(Some(&donor), change, json!({"c": DEMO_PASSWORD})).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");

    let trace = "query($r: String!, $c: String!) { traceDonation(tenant: \"nanning\", receiptNumber: $r, verificationCode: $c) { receiptNumber } }";
    let receipt = app
        .scalar_string("SELECT receipt_number FROM donation WHERE receipt_number IS NOT NULL AND tenant_id = (SELECT id FROM tenant WHERE slug = 'nanning') LIMIT 1")
        .await;
    for i in 0..20 {
        app.graphql_error(
            None,
            trace,
            json!({"r": receipt, "c": format!("WRONG{i:03}")}),
            "NOT_FOUND",
        )
        .await;
    }
    assert_eq!(
        app.count(
            "SELECT CAST(failures AS BIGINT) FROM attempt_counter WHERE kind = 'trace_address' AND key = '127.0.0.1'"
        )
        .await,
        20,
        "counted where every server sees it"
    );
    let right = json!({"r": receipt, "c": service::seed::DEMO_VERIFICATION_CODE});
    set_counter(&app, "trace_address", "127.0.0.1", 20, 0).await;
    let body = app.graphql(None, trace, right.clone()).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    // Once the wait is over the right code is answered.
    set_counter(&app, "trace_address", "127.0.0.1", 20, 5).await;
    let body = app.graphql(None, trace, right).await;
    assert_eq!(
        body["data"]["traceDonation"]["receiptNumber"],
        receipt.as_str(),
        "{body}"
    );
}

#[tokio::test]
async fn queries_cost_by_page_size_and_weight_with_less_for_the_public() {
    let app = spawn_app().await;
    let aliases: Vec<String> = (0..480)
        .map(|i| {
            format!("r{i}: publicOrganizations(tenant: \"liuzhou\", first: 100) {{ edges {{ node {{ name }} }} }}")
        })
        .collect();
    let body = app
        .graphql(None, &format!("{{ {} }}", aliases.join(" ")), json!({}))
        .await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("too complex"),
        "{body}"
    );
    assert!(body["data"].is_null());

    let guesses: Vec<String> = (0..20)
        .map(|i| format!("t{i}: traceDonation(tenant: \"nanning\", receiptNumber: \"X-{i}\", verificationCode: \"Y\") {{ receiptNumber }}"))
        .collect();
    let body = app
        .graphql(None, &format!("{{ {} }}", guesses.join(" ")), json!({}))
        .await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("too complex"),
        "{body}"
    );

    // One page of the register is fine for the public; an official's
    // chain checks are weighed.
    let one = app
        .graphql(
            None,
            "{ publicOrganizations(tenant: \"liuzhou\", first: 100) { edges { node { name creditCode kind } } } }",
            json!({}),
        )
        .await;
    assert!(one["errors"].is_null(), "{one}");
    let official = app.login("liuzhou.city_official").await;
    let checks: Vec<String> = (0..3).map(|i| format!("v{i}: auditVerify {{ ok }}")).collect();
    let body = app
        .graphql(Some(&official), &format!("{{ {} }}", checks.join(" ")), json!({}))
        .await;
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("too complex"),
        "{body}"
    );
    assert!(app.graphql(Some(&official), "{ auditVerify { ok } }", json!({})).await["errors"].is_null());
}

#[tokio::test]
#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set SHANLIAN_TEST_POSTGRES")]
async fn production_refuses_a_role_that_row_level_security_does_not_hold() {
    // Roles and row-level security are PostgreSQL's.
    let app = spawn_postgres_app().await;
    // The owner (a superuser here) as the server's own connection.
    let owner_url = app.settings.database.admin_url.clone().unwrap();
    let vars = vec![
        ("SHANLIAN__ENVIRONMENT".to_owned(), "production".to_owned()),
        ("SHANLIAN__AUTH__JWT_SECRET".to_owned(), TEST_JWT_SECRET.to_owned()),
        ("SHANLIAN__SERVER__PORT".to_owned(), "0".to_owned()),
        ("SHANLIAN__DATABASE__MIGRATE_ON_START".to_owned(), "false".to_owned()),
        (
            "SHANLIAN__DATABASE__URL".to_owned(),
            secrecy::ExposeSecret::expose_secret(&owner_url).to_owned(),
        ),
    ];
    let settings = api::config::Settings::from_sources(&vars).unwrap();
    let refused = api::startup::Application::build(settings)
        .await
        .err()
        .map(|e| format!("{e:#}"));
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("row-level security") && e.contains("superuser")),
        "{refused:?}"
    );

    // Forced on every tenant table, and the app role cannot edit tenants.
    let unforced = app
        .count(
            "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relforcerowsecurity
               AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')",
        )
        .await;
    assert_eq!(unforced, 0);
    let conn = sea_orm::Database::connect(&app.app_url).await.unwrap();
    let edit = sea_orm::ConnectionTrait::execute_unprepared(&conn, "UPDATE tenant SET name = 'x'").await;
    assert!(edit.is_err_and(|e| e.to_string().contains("permission denied")));
}

#[tokio::test]
async fn logout_ends_the_session_in_the_api_and_the_portal() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.donor").await;
    let out = app.graphql(Some(&token), "mutation { logout }", json!({})).await;
    assert_eq!(out["data"]["logout"], true, "{out}");
    assert_error(&app.graphql(Some(&token), ME, json!({})).await, "UNAUTHENTICATED");

    let client = browser();
    let signed = sign_in(&app, &client, "liuzhou", "liuzhou.donor", DEMO_PASSWORD).await;
    let cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("shanlian_session="))
        .unwrap()
        .to_owned();
    assert!(!cookie.to_lowercase().contains("max-age"), "a session cookie: {cookie}");
    let session = cookie
        .trim_start_matches("shanlian_session=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(app.graphql(Some(&session), ME, json!({})).await["errors"].is_null());
    let page = page_text(&client, format!("{}/liuzhou/my/donations", app.address)).await;
    let out = post_form(
        &client,
        format!("{}/logout", app.address),
        &[("csrf", hidden(&page, "csrf"))],
    )
    .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_error(&app.graphql(Some(&session), ME, json!({})).await, "UNAUTHENTICATED");
}

#[tokio::test]
async fn form_tokens_belong_to_the_session() {
    let app = spawn_app().await;
    let client = browser();
    let login_page = page_text(&client, format!("{}/login", app.address)).await;
    let before = hidden(&login_page, "csrf");
    sign_in(&app, &client, "liuzhou", "liuzhou.donor", DEMO_PASSWORD).await;
    let page = page_text(&client, format!("{}/liuzhou/my/donations", app.address)).await;
    let during = hidden(&page, "csrf");
    assert_ne!(before, during, "a new token with the session");
    // The token of before the sign-in no longer posts.
    let stale = post_form(&client, format!("{}/logout", app.address), &[("csrf", before.as_str())]).await;
    assert_eq!(stale.status(), StatusCode::FORBIDDEN);
    // Another session's token does not post in this one.
    let other = browser();
    sign_in(&app, &other, "liuzhou", "liuzhou.city_official", DEMO_PASSWORD).await;
    let theirs = hidden(
        &page_text(&other, format!("{}/liuzhou/office", app.address)).await,
        "csrf",
    );
    let foreign = post_form(&client, format!("{}/logout", app.address), &[("csrf", theirs.as_str())]).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn email_addresses_are_bare_and_redirects_stay_on_the_site() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let record = "mutation($e: String!) { recordDonation(input: {giftKind: money, amount: \"5.00\", channel: cash, donorKind: individual, donorName: \"王五\", donorEmail: $e}) { donation { id } } }";
    for email in ["王五 <wang@example.org>", "wang@example.org\r\nBcc: all@example.org"] {
        let body = app
            .graphql_error(Some(&staff), record, json!({"e": email}), "VALIDATION")
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "donorEmail");
    }
    for referer in [
        format!("{}/\\evil.example", app.address),
        format!("{}//evil.example/x", app.address),
        "https://evil.example/liuzhou".to_owned(),
    ] {
        let response = browser()
            .get(format!("{}/lang/en", app.address))
            .header(REFERER, referer.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[LOCATION], "/", "{referer}");
    }
}

#[tokio::test]
async fn a_full_width_formula_is_defused_in_the_export() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let period = crate::fee_reductions::open_period(&app, &official, 30).await;
    let org = crate::register::org_id(&app, "柳州市汽车工业协会").await;
    let mut line = crate::fee_reductions::line("10.00", 1, "lower");
    line["note"] = json!("＝HYPERLINK(\"http://evil.example\")");
    let saved = app
        .graphql(
            Some(&official),
            "mutation($p: UUID!, $o: UUID!, $i: FeeReportInput!) { saveFeeReductionReport(periodId: $p, organizationId: $o, input: $i) { id } }",
            json!({"p": period, "o": org, "i": crate::fee_reductions::report(vec![line])}),
        )
        .await;
    let id = saved["data"]["saveFeeReductionReport"]["id"].clone();
    app.graphql(Some(&official), crate::fee_reductions::SUBMIT, json!({"id": id}))
        .await;
    let csv = app
        .get(Some(&official), &format!("/exports/fee-reductions/{period}.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("'＝HYPERLINK"), "{csv}");
}

#[tokio::test]
async fn the_client_address_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
    let plain = spawn_app().await;
    assert_eq!(
        forwarded_login(&plain).await,
        "127.0.0.1",
        "a header alone is not believed"
    );
    let proxied = spawn_app_with(&[("SHANLIAN__SERVER__TRUSTED_PROXIES", "127.0.0.1".into())]).await;
    assert_eq!(forwarded_login(&proxied).await, "198.51.100.7");
}

/// Sign in through a "proxy" that forwards for a client; returns the
/// address the audit trail recorded.
async fn forwarded_login(app: &TestApp) -> String {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", "6.6.6.6, 198.51.100.7")
        .json(&json!({"query": LOGIN, "variables": {"t": "liuzhou", "u": "liuzhou.donor", "p": DEMO_PASSWORD}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    app.scalar_string("SELECT client_addr FROM audit_log WHERE action = 'user.sign_in' ORDER BY seq DESC LIMIT 1")
        .await
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_script_policy() {
    let app = spawn_app().await;
    let page = app.get(None, "/liuzhou").await;
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("referrer-policy"), "same-origin");
    let csp = header("content-security-policy");
    assert!(
        csp.contains("script-src 'sha256-") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        header("strict-transport-security").is_empty(),
        "no HSTS over plain http"
    );
    // The hash in the policy is the page's own script's.
    use base64::Engine;
    use sha2::Digest;
    let html = page.text().await.unwrap();
    let script = html
        .split_once("<script>")
        .and_then(|(_, r)| r.split_once("</script>"))
        .unwrap()
        .0;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    assert!(csp.contains(&hash), "{csp} vs {hash}");
}

/// The code spans (`…`) of a line of markdown.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn the_deploy_guides_production_checklist_is_what_the_server_enforces() {
    use api::config::Settings;
    let guide = include_str!("../../deploy/README.md");
    let section = guide
        .split_once("## Production checklist")
        .expect("the guide has a production checklist")
        .1;
    let section = section.split("\n## ").next().unwrap_or_default();
    let base = [
        ("SHANLIAN__ENVIRONMENT", "production"),
        ("SHANLIAN__AUTH__JWT_SECRET", "0123456789abcdef0123456789abcdef"),
    ];
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    assert!(
        Settings::from_sources(&owned(&base)).is_ok(),
        "the rows' starting point is accepted"
    );

    let mut refused = 0;
    for row in section.lines().filter(|l| l.starts_with("| ")).skip(2) {
        let cells: Vec<&str> = row.trim().trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 3, "{row}");
        let (when, names) = (cells[1], cells[2]);
        if when.starts_with("checked against the database") {
            // Needs PostgreSQL: the test it names does that.
            let test = code_spans(when)[0];
            assert!(
                include_str!("security.rs").contains(&format!("async fn {test}()")),
                "{test} is a test"
            );
            continue;
        }
        let mut vars = owned(&base);
        for span in code_spans(when).into_iter().filter(|s| s.starts_with("SHANLIAN__")) {
            match span.split_once('=') {
                Some((key, value)) => {
                    vars.retain(|(k, _)| k != key);
                    vars.push((key.to_owned(), value.to_owned()));
                }
                None => vars.retain(|(k, _)| k != span),
            }
        }
        let error = Settings::from_sources(&vars).err().map(|e| format!("{e:#}"));
        let named = code_spans(names)[0];
        assert!(
            error.as_deref().is_some_and(|e| e.contains(named)),
            "the row \"{row}\" is not what the server does: {error:?}"
        );
        refused += 1;
    }
    assert_eq!(refused, 5, "every row was read");
}

#[tokio::test]
async fn over_https_cookies_are_secure_host_only_and_hsts_is_sent() {
    let app = spawn_app_with(&[("SHANLIAN__SERVER__PUBLIC_URL", "https://shanlian.example.org".into())]).await;
    // A client that keeps no cookies: a Secure cookie would not come back
    // over the tests' plain http, so each is sent by hand.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let set_cookie = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie"))
            .to_owned()
    };
    let login_page = client.get(format!("{}/login", app.address)).send().await.unwrap();
    assert!(
        login_page.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let csrf_cookie = set_cookie(&login_page, "__Host-shanlian_csrf");
    let csrf = hidden(&login_page.text().await.unwrap(), "csrf");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(csrf_cookie.contains(attribute), "{attribute}: {csrf_cookie}");
    }
    let signed = client
        .post(format!("{}/login", app.address))
        .header("cookie", format!("__Host-shanlian_csrf={csrf}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tenant", "liuzhou"),
            ("username", "liuzhou.donor"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let session = set_cookie(&signed, "__Host-shanlian_session");
    assert!(session.contains("Secure") && session.contains("HttpOnly"), "{session}");
    assert!(
        !session.to_lowercase().contains("max-age"),
        "a session cookie: {session}"
    );
    assert!(!session.contains("Domain"), "host-only: {session}");
}
