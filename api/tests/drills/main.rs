//! Failure drills (issue #10). The real `api` binary runs as separate
//! processes, servers and workers, on one database with a real SMTP
//! server, under a load of recorded gifts; then something fails on purpose:
//! a server is killed with SIGKILL, the mail server is down, PostgreSQL
//! restarts. Each drill checks that every acknowledged gift is in the
//! ledger once with its gapless receipt number, that every email went out
//! exactly once, and that the audit chains verify.
//!
//! Like the end-to-end tests they run on SQLite, and on PostgreSQL when
//! `SHANLIAN_TEST_POSTGRES` names a server. The restart drill starts a
//! PostgreSQL cluster of its own, so stopping it disturbs nothing else.

// A drill is a test: a step that fails should fail it, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod load;
mod restart;

use std::time::Duration;

use harness::{Site, count, eventually, kill_9, terminate};
use load::{Load, Outcome, check_ledger, check_mail_delivered_once, login, receipts};

/// How long a stopped process may take: the server's shutdown timeout
/// (30 s by default) and a margin.
const GRACE: Duration = Duration::from_secs(40);

#[tokio::test]
async fn two_servers_and_two_workers_lose_and_repeat_nothing_while_the_mail_server_is_down() {
    // The mail server is down when the drill starts.
    let (smtp_port, bring_back_smtp) = tests::smtp::closed_port();
    let site = Site::new(smtp_port).await;
    let db = site.owner().await;
    let before = count(&db, "SELECT count(*) FROM email_outbox").await;
    let mut servers = vec![site.server().await, site.server().await];
    let mut workers = vec![site.worker(), site.worker()];
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();
    let token = login(&urls[0], "liuzhou.org_staff").await;

    let outcomes = Load::start(&urls, &token, 120, 8).finish().await;
    let acknowledged = receipts(&outcomes);
    let failures: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| !matches!(o, Outcome::Recorded { .. }))
        .collect();
    assert!(failures.is_empty(), "gifts refused with both servers up: {failures:?}");
    assert_eq!(check_ledger(&db, &acknowledged).await, 120);

    // The workers tried and failed while the mail server was down…
    let tried = eventually(Duration::from_secs(30), || async {
        count(
            &db,
            "SELECT count(*) FROM email_outbox WHERE attempts > 0 AND last_error IS NOT NULL",
        )
        .await
            > 0
    })
    .await;
    assert!(tried, "no delivery was attempted while the mail server was down");
    assert_eq!(
        count(&db, "SELECT count(*) FROM email_outbox WHERE status = 'sent'").await,
        0
    );
    // …and once it is back, everything goes out, once.
    let smtp = bring_back_smtp();
    check_mail_delivered_once(&db, &smtp, Duration::from_secs(120)).await;
    assert!(usize::try_from(count(&db, "SELECT count(*) FROM email_outbox").await - before).unwrap() >= 120);
    site.verify_audit_chains().await;

    // SIGTERM: each process finishes what it is doing and exits cleanly.
    for server in &mut servers {
        assert!(
            terminate(&mut server.child, GRACE).await,
            "a server did not stop cleanly on SIGTERM"
        );
    }
    for worker in &mut workers {
        assert!(
            terminate(worker, GRACE).await,
            "a worker did not stop cleanly on SIGTERM"
        );
    }
    println!(
        "drill: 2 servers, 2 workers, {} gifts, {} emails, mail server down then up: nothing lost or repeated",
        acknowledged.len(),
        smtp.received().len()
    );
}

#[tokio::test]
async fn a_server_killed_mid_load_loses_no_acknowledged_gift_and_its_replacement_carries_on() {
    let smtp = tests::smtp::start();
    let site = Site::new(smtp.port).await;
    let db = site.owner().await;
    let mut server = site.server().await;
    let mut worker = site.worker();
    let token = login(&server.url, "nanning.org_staff").await;

    let mut load = Load::start(std::slice::from_ref(&server.url), &token, 400, 8);
    load.wait_for_recorded(40).await;
    kill_9(&mut server.child).await;
    let outcomes = load.finish().await;
    let acknowledged = receipts(&outcomes);
    let unanswered = outcomes.iter().filter(|o| matches!(o, Outcome::NoAnswer(_))).count();
    assert!(
        unanswered > 0,
        "the kill came after the load ended: the drill proved nothing"
    );
    // Every gift the server acknowledged is in the ledger. Some of those
    // cut off may have committed before their answer was lost; none is
    // there twice, and the numbers have no gap.
    let in_ledger = check_ledger(&db, &acknowledged).await;
    assert!(in_ledger >= acknowledged.len() && in_ledger <= acknowledged.len() + unanswered);

    // A new server on the same database serves at once and numbers on.
    let replacement = site.server().await;
    let token = login(&replacement.url, "nanning.org_staff").await;
    let after = Load::start(std::slice::from_ref(&replacement.url), &token, 20, 4)
        .finish()
        .await;
    assert_eq!(receipts(&after).len(), 20, "{after:?}");
    check_ledger(&db, &[acknowledged, receipts(&after)].concat()).await;

    // The outbox delivers what was pending, including the mail of gifts
    // whose answer was lost, each once.
    check_mail_delivered_once(&db, &smtp, Duration::from_secs(60)).await;
    site.verify_audit_chains().await;
    assert!(terminate(&mut worker, GRACE).await);
    println!(
        "drill: kill -9 after {} acknowledged gifts ({unanswered} requests cut off, {in_ledger} in the ledger); replacement recorded 20 more",
        receipts(&outcomes).len()
    );
}

#[tokio::test]
async fn a_server_stopped_with_sigterm_under_load_answers_every_gift_it_records() {
    let smtp = tests::smtp::start();
    let site = Site::new(smtp.port).await;
    let db = site.owner().await;
    let mut server = site.server().await;
    let token = login(&server.url, "liuzhou.org_staff").await;

    let mut load = Load::start(std::slice::from_ref(&server.url), &token, 400, 8);
    load.wait_for_recorded(40).await;
    assert!(
        terminate(&mut server.child, GRACE).await,
        "the server did not stop cleanly on SIGTERM"
    );
    let outcomes = load.finish().await;
    let acknowledged = receipts(&outcomes);
    let turned_away = outcomes.iter().filter(|o| matches!(o, Outcome::NoAnswer(_))).count();
    assert!(
        turned_away > 0,
        "the stop came after the load ended: the drill proved nothing"
    );
    // The requests under way when the signal came were finished and
    // answered: the ledger holds exactly the gifts that were acknowledged,
    // none committed behind a lost answer (which a kill -9 can leave).
    assert_eq!(check_ledger(&db, &acknowledged).await, acknowledged.len());
    println!(
        "drill: SIGTERM after {} acknowledged gifts; {turned_away} requests turned away, none half done",
        acknowledged.len()
    );
}
