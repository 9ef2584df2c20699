//! Email leaves only through the outbox, over a real SMTP conversation, and
//! nothing committed is lost: not when the server is down, not when a
//! worker dies mid-batch, not when several workers run at once.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app_with};
use tests::smtp::{self, SmtpServer};

fn smtp_settings(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("SHANLIAN__MAIL__SMTP__HOST", "127.0.0.1".into()),
        ("SHANLIAN__MAIL__SMTP__PORT", port.to_string()),
        ("SHANLIAN__MAIL__SMTP__TLS", "none".into()),
        ("SHANLIAN__MAIL__MAX_ATTEMPTS", "3".into()),
    ]
}

async fn create_user(app: &TestApp, token: &str, username: &str, language: &str) -> Value {
    let body = app
        .graphql(
            Some(token),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id email } }",
            json!({"i": {"username": username, "displayName": format!("用户 {username}"), "email": format!("{username}@example.org"),
                "password": "long-enough-1", "role": "donor", "language": language}}),
        )
        .await;
    assert!(body["data"]["createUser"]["id"].is_string(), "{body}");
    body["data"]["createUser"].clone()
}

async fn outbox_status(app: &TestApp, recipient: &str) -> (String, i64) {
    let row = app
        .owner
        .query_one_raw(sea_orm::Statement::from_string(
            app.backend,
            format!("SELECT status, attempts FROM email_outbox WHERE recipient = '{recipient}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get_by_index::<String>(0).unwrap(),
        i64::from(row.try_get_by_index::<i32>(1).unwrap()),
    )
}

use sea_orm::ConnectionTrait;

#[tokio::test]
async fn a_new_account_is_told_by_email_in_its_language() {
    let server = smtp::start();
    let app = spawn_app_with(&smtp_settings(server.port)).await;
    let official = app.login("liuzhou.city_official").await;
    create_user(&app, &official, "zhang.san", "zh-CN").await;
    create_user(&app, &official, "john.smith", "en").await;
    // Nothing is sent inline: the rows wait for the worker.
    assert!(server.received().is_empty());
    assert_eq!(outbox_status(&app, "zhang.san@example.org").await.0, "pending");

    let delivered = app.worker().await.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(delivered.sent, 2);
    let mails = server.wait_for(2).await;
    let zh = mails
        .iter()
        .find(|m| m.to == ["zhang.san@example.org"])
        .expect("the Chinese mail arrived");
    assert!(
        zh.subject.contains("账号已开通") && zh.subject.contains("柳州市"),
        "{}",
        zh.subject
    );
    assert!(zh.text.contains("用户名：zhang.san"), "{}", zh.text);
    assert!(zh.html.contains("<code>zhang.san</code>"), "{}", zh.html);
    let en = mails
        .iter()
        .find(|m| m.to == ["john.smith@example.org"])
        .expect("the English mail arrived");
    assert!(
        en.subject.starts_with("Your Shanlian account is ready"),
        "{}",
        en.subject
    );
    assert!(en.text.contains("Username: john.smith"));

    // The Message-ID is the outbox row's, so retries carry the same one.
    let id = app
        .scalar_string("SELECT id FROM email_outbox WHERE recipient = 'zhang.san@example.org'")
        .await;
    assert_eq!(zh.message_id, format!("{id}@shanlian.localhost"));
    assert_eq!(
        outbox_status(&app, "zhang.san@example.org").await,
        ("sent".to_owned(), 1)
    );
    // A second pass sends nothing again.
    assert_eq!(app.worker().await.deliver_due(Utc::now()).await.unwrap().sent, 0);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_rolled_back_mutation_queues_no_email() {
    let server = smtp::start();
    let app = spawn_app_with(&smtp_settings(server.port)).await;
    let official = app.login("liuzhou.city_official").await;
    create_user(&app, &official, "first.user", "zh-CN").await;
    app.graphql_error(Some(&official), "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            json!({"i": {"username": "first.user", "displayName": "x", "email": "other@example.org", "password": "long-enough-1", "role": "donor"}}), "CONFLICT").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 1);
}

#[tokio::test]
async fn when_the_server_is_down_mail_waits_and_goes_out_once_it_is_back() {
    let (port, bring_back) = smtp::closed_port();
    let app = spawn_app_with(&smtp_settings(port)).await;
    let official = app.login("liuzhou.city_official").await;
    create_user(&app, &official, "patient.user", "zh-CN").await;
    let worker = app.worker().await;
    let now = Utc::now();
    let first = worker.deliver_due(now).await.unwrap();
    assert_eq!((first.sent, first.retrying, first.dead), (0, 1, 0));
    assert_eq!(
        outbox_status(&app, "patient.user@example.org").await,
        ("pending".to_owned(), 1)
    );
    // Backed off: not due again straight away.
    assert_eq!(worker.deliver_due(now).await.unwrap(), Default::default());

    let server: SmtpServer = bring_back();
    let later = worker.deliver_due(now + Duration::hours(1)).await.unwrap();
    assert_eq!(later.sent, 1);
    let mails = server.wait_for(1).await;
    assert_eq!(mails[0].to, ["patient.user@example.org"]);
    assert_eq!(
        outbox_status(&app, "patient.user@example.org").await,
        ("sent".to_owned(), 2)
    );
}

#[tokio::test]
async fn a_worker_killed_mid_batch_loses_nothing() {
    let server = smtp::start();
    let app = spawn_app_with(&smtp_settings(server.port)).await;
    let official = app.login("liuzhou.city_official").await;
    for i in 0..3 {
        create_user(&app, &official, &format!("batch{i}"), "en").await;
    }
    let now = Utc::now();
    // A worker claims the batch and dies before sending anything.
    let dead_worker = app.worker().await;
    assert_eq!(dead_worker.claim_due(now).await.unwrap().len(), 3);
    drop(dead_worker);
    // Its lease still holds: another worker leaves the rows alone...
    let survivor = app.worker().await;
    assert_eq!(survivor.deliver_due(now).await.unwrap().sent, 0);
    // ...until the lease runs out, then takes them over.
    assert_eq!(survivor.deliver_due(now + Duration::minutes(6)).await.unwrap().sent, 3);
    let mails = server.wait_for(3).await;
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["batch0@example.org", "batch1@example.org", "batch2@example.org"]);
}

#[tokio::test]
async fn several_workers_never_send_a_row_twice() {
    let server = smtp::start();
    let app = spawn_app_with(&smtp_settings(server.port)).await;
    let official = app.login("liuzhou.city_official").await;
    for i in 0..20 {
        create_user(&app, &official, &format!("crowd{i}"), "zh-CN").await;
    }
    let (a, b, c) = (app.worker().await, app.worker().await, app.worker().await);
    let now = Utc::now();
    let (ra, rb, rc) = tokio::join!(a.deliver_due(now), b.deliver_due(now), c.deliver_due(now));
    let sent = ra.unwrap().sent + rb.unwrap().sent + rc.unwrap().sent;
    assert_eq!(sent, 20);
    let mails = server.wait_for(20).await;
    let mut ids: Vec<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20, "each row went out exactly once");
    assert_eq!(mails.len(), 20);
}

#[tokio::test]
async fn dead_letters_are_visible_to_officials_and_can_be_retried() {
    let (port, bring_back) = smtp::closed_port();
    let app = spawn_app_with(&smtp_settings(port)).await;
    let official = app.login("liuzhou.city_official").await;
    create_user(&app, &official, "unlucky", "zh-CN").await;
    let worker = app.worker().await;
    let mut now = Utc::now();
    for _ in 0..3 {
        worker.deliver_due(now).await.unwrap();
        now += Duration::hours(3);
    }
    assert_eq!(outbox_status(&app, "unlucky@example.org").await, ("dead".to_owned(), 3));

    let list = "{ emails(status: dead) { edges { node { id recipient status attempts lastError } } } }";
    let body = app.graphql(Some(&official), list, json!({})).await;
    let dead = &body["data"]["emails"]["edges"][0]["node"];
    assert_eq!(dead["recipient"], "unlucky@example.org", "{body}");
    assert!(dead["lastError"].as_str().is_some_and(|e| !e.is_empty()));
    let donor = app.login("liuzhou.donor").await;
    assert_error(&app.graphql(Some(&donor), list, json!({})).await, "FORBIDDEN");

    let retry = "mutation($id: UUID!) { retryEmail(id: $id) { status attempts } }";
    let body = app.graphql(Some(&official), retry, json!({"id": dead["id"]})).await;
    assert_eq!(body["data"]["retryEmail"]["status"], "pending", "{body}");
    // Retrying what is not dead is refused.
    assert_error(
        &app.graphql(Some(&official), retry, json!({"id": dead["id"]})).await,
        "CONFLICT",
    );

    let server = bring_back();
    assert_eq!(worker.deliver_due(Utc::now()).await.unwrap().sent, 1);
    assert_eq!(server.wait_for(1).await[0].to, ["unlucky@example.org"]);
}

#[tokio::test]
async fn the_server_runs_the_worker_itself() {
    let server = smtp::start();
    let mut settings = smtp_settings(server.port);
    settings.push(("SHANLIAN__MAIL__WORKER_ENABLED", "true".into()));
    settings.push(("SHANLIAN__MAIL__POLL_INTERVAL_MS", "50".into()));
    let app = spawn_app_with(&settings).await;
    let official = app.login("liuzhou.city_official").await;
    create_user(&app, &official, "auto.mail", "en").await;
    let mails = server.wait_for(1).await;
    assert_eq!(mails[0].to, ["auto.mail@example.org"]);
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let app = spawn_app_with(&[]).await;
    let official = app.login("liuzhou.city_official").await;
    create_user(&app, &official, "file.mail", "en").await;
    assert_eq!(app.worker().await.deliver_due(Utc::now()).await.unwrap().sent, 1);
    let files: Vec<_> = std::fs::read_dir(app.mail_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&files[0]).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(parsed.subject().unwrap().starts_with("Your Shanlian account is ready"));
}

#[tokio::test]
async fn a_stopped_worker_finishes_the_email_it_is_sending_and_hands_back_the_rest() {
    let (server, gate) = smtp::start_gated();
    let app = spawn_app_with(&smtp_settings(server.port)).await;
    let official = app.login("liuzhou.city_official").await;
    for name in ["stop.one", "stop.two", "stop.three"] {
        create_user(&app, &official, name, "zh-CN").await;
    }
    let pending = "SELECT count(*) FROM email_outbox WHERE status = 'pending' AND attempts = 0 AND lease_until IS NULL";
    assert_eq!(app.count(pending).await, 3);

    let stop = tokio_util::sync::CancellationToken::new();
    let worker = tokio::spawn(
        app.worker()
            .await
            .run(std::time::Duration::from_millis(20), stop.clone()),
    );
    // The worker is in the middle of its first email when it is told to stop
    // (SIGTERM in `api worker`).
    gate.wait_for_held(1).await;
    stop.cancel();
    gate.release_one();
    tokio::time::timeout(std::time::Duration::from_secs(20), worker)
        .await
        .expect("the worker stops once its email is sent")
        .unwrap();

    // That email went out and is recorded as sent; the two it had claimed
    // but not begun are due again at once, their attempt not counted.
    assert_eq!(server.received().len(), 1);
    assert_eq!(
        app.count("SELECT count(*) FROM email_outbox WHERE status = 'sent'")
            .await,
        1
    );
    assert_eq!(app.count(pending).await, 2);

    // The next worker sends them now, not when a lease would have run out.
    gate.release_one();
    gate.release_one();
    let delivered = app.worker().await.deliver_due(Utc::now()).await.unwrap();
    assert_eq!(delivered.sent, 2);
    let received = server.wait_for(3).await;
    let mut ids: Vec<_> = received.iter().map(|m| m.message_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "each email sent once");
}
