//! The load every drill runs: charity staff recording gifts, each with a
//! receipt and a receipt email, spread over the servers; and the checks
//! that every acknowledged gift is in the ledger once, the receipt numbers
//! have no gap or repeat, and every email went out exactly once.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tokio::sync::{Mutex, watch};

use crate::harness::{count, eventually, strings};

/// The donor name of every drill gift, to find them in the ledger.
pub const DONOR: &str = "演练捐赠人";

const RECORD: &str = "mutation($i: DonationInput!) { recordDonation(input: $i) { donation { receiptNumber } } }";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

pub async fn graphql(
    client: &reqwest::Client,
    server: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = client
        .post(format!("{server}/graphql"))
        .json(&json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    response.json().await.unwrap()
}

pub async fn login(server: &str, username: &str) -> String {
    let tenant = username.split('.').next().unwrap();
    let body = graphql(
        &client(),
        server,
        None,
        "mutation($t: String!, $u: String!) { login(tenant: $t, username: $u, password: \"shanlian-demo\") { token } }",
        json!({"t": tenant, "u": username}),
    )
    .await;
    body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {body}"))
        .to_owned()
}

/// What one attempt to record a gift came to.
#[derive(Clone, Debug)]
#[allow(dead_code, reason = "the texts are read through Debug, in failure messages")]
pub enum Outcome {
    Recorded {
        receipt: String,
    },
    /// A GraphQL error with its code.
    Refused {
        code: String,
        message: String,
    },
    /// No answer: the connection failed or broke.
    NoAnswer(String),
}

/// Record one gift; `n` makes its donor email unique.
pub async fn record_gift(client: &reqwest::Client, server: &str, token: &str, n: usize) -> Outcome {
    let gift = json!({"giftKind": "money", "amount": format!("{}.{:02}", 10 + n % 90, n % 100), "channel": "bank_transfer",
        "donorKind": "individual", "donorName": DONOR, "donorEmail": format!("drill-{n}@example.org"), "disclose": false});
    let request = client
        .post(format!("{server}/graphql"))
        .bearer_auth(token)
        .json(&json!({"query": RECORD, "variables": {"i": gift}}));
    let body: Value = match request.send().await {
        Ok(response) => match response.json().await {
            Ok(body) => body,
            Err(e) => return Outcome::NoAnswer(e.to_string()),
        },
        Err(e) => return Outcome::NoAnswer(e.to_string()),
    };
    match body["data"]["recordDonation"]["donation"]["receiptNumber"].as_str() {
        Some(receipt) => Outcome::Recorded {
            receipt: receipt.to_owned(),
        },
        None => Outcome::Refused {
            code: body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            message: body["errors"][0]["message"].as_str().unwrap_or("").to_owned(),
        },
    }
}

/// Gifts being recorded in the background, `concurrency` at a time, round
/// robin over the servers.
pub struct Load {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    recorded: watch::Receiver<usize>,
    stop: Arc<AtomicBool>,
    slowest: Arc<Mutex<Duration>>,
}

impl Load {
    pub fn start(servers: &[String], token: &str, gifts: usize, concurrency: usize) -> Self {
        let next = Arc::new(AtomicUsize::new(0));
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        let (recorded_tx, recorded) = watch::channel(0);
        let recorded_tx = Arc::new(recorded_tx);
        let stop = Arc::new(AtomicBool::new(false));
        let slowest = Arc::new(Mutex::new(Duration::ZERO));
        let tasks = (0..concurrency)
            .map(|_| {
                let (next, outcomes, recorded_tx) = (next.clone(), outcomes.clone(), recorded_tx.clone());
                let (stop, slowest) = (stop.clone(), slowest.clone());
                let (servers, token, client) = (servers.to_vec(), token.to_owned(), client());
                tokio::spawn(async move {
                    loop {
                        let n = next.fetch_add(1, Ordering::SeqCst);
                        if n >= gifts || stop.load(Ordering::SeqCst) {
                            return;
                        }
                        let started = Instant::now();
                        let outcome = record_gift(&client, &servers[n % servers.len()], &token, n).await;
                        let took = started.elapsed();
                        let mut slowest = slowest.lock().await;
                        *slowest = (*slowest).max(took);
                        drop(slowest);
                        if matches!(outcome, Outcome::Recorded { .. }) {
                            recorded_tx.send_modify(|r| *r += 1);
                        }
                        outcomes.lock().await.push(outcome);
                    }
                })
            })
            .collect();
        Self {
            tasks,
            outcomes,
            recorded,
            stop,
            slowest,
        }
    }

    /// How many gifts have been acknowledged so far.
    pub fn recorded(&self) -> usize {
        *self.recorded.borrow()
    }

    /// The longest any request took to get its answer (or its failure).
    pub async fn slowest(&self) -> Duration {
        *self.slowest.lock().await
    }

    /// Stop starting new requests, let those under way end, and return
    /// every outcome.
    pub async fn stop(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::SeqCst);
        self.finish().await
    }

    /// Wait until `n` gifts have been acknowledged (bounded).
    pub async fn wait_for_recorded(&mut self, n: usize) {
        tokio::time::timeout(Duration::from_secs(120), self.recorded.wait_for(|r| *r >= n))
            .await
            .unwrap_or_else(|_| panic!("fewer than {n} gifts recorded in two minutes"))
            .unwrap();
    }

    pub async fn finish(self) -> Vec<Outcome> {
        for task in self.tasks {
            task.await.unwrap();
        }
        self.outcomes.lock().await.clone()
    }
}

pub fn receipts(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Recorded { receipt } => Some(receipt.clone()),
            _ => None,
        })
        .collect()
}

/// The receipt numbers of the drill's gifts in the ledger.
pub async fn ledger_receipts(db: &DatabaseConnection) -> Vec<String> {
    strings(
        db,
        &format!("SELECT receipt_number FROM donation WHERE donor_name = '{DONOR}' ORDER BY receipt_number"),
    )
    .await
}

/// Every acknowledged gift is in the ledger exactly once, and the receipt
/// numbers of every organization and year run 1, 2, 3… with no gap or
/// repeat. Returns how many drill gifts the ledger holds.
pub async fn check_ledger(db: &DatabaseConnection, acknowledged: &[String]) -> usize {
    let ledger = ledger_receipts(db).await;
    let unique: HashSet<&String> = ledger.iter().collect();
    assert_eq!(unique.len(), ledger.len(), "a receipt number appears twice");
    for receipt in acknowledged {
        assert!(
            unique.contains(receipt),
            "acknowledged gift {receipt} is not in the ledger"
        );
    }
    let all = strings(
        db,
        "SELECT receipt_number FROM donation WHERE receipt_number IS NOT NULL",
    )
    .await;
    let mut by_series: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for receipt in all {
        let (series, number) = receipt.rsplit_once('-').unwrap();
        by_series
            .entry(series.to_owned())
            .or_default()
            .push(number.parse().unwrap());
    }
    for (series, mut numbers) in by_series {
        numbers.sort_unstable();
        let expected: Vec<u32> = (1..=u32::try_from(numbers.len()).unwrap()).collect();
        assert_eq!(numbers, expected, "receipt numbers of {series} have a gap or a repeat");
    }
    ledger.len()
}

/// Wait until the outbox has nothing left to send, then check that each of
/// its emails reached the SMTP server exactly once.
pub async fn check_mail_delivered_once(db: &DatabaseConnection, smtp: &tests::smtp::SmtpServer, within: Duration) {
    let settled = eventually(within, || async {
        count(db, "SELECT count(*) FROM email_outbox WHERE status <> 'sent'").await == 0
    })
    .await;
    let unsent = strings(
        db,
        "SELECT status || ' ' || recipient || ' ' || coalesce(last_error, '') FROM email_outbox WHERE status <> 'sent'",
    )
    .await;
    assert!(settled, "emails still not sent: {unsent:?}");
    let sent = usize::try_from(count(db, "SELECT count(*) FROM email_outbox").await).unwrap();
    let received = smtp.wait_for(sent).await;
    let ids: HashSet<&String> = received.iter().map(|m| &m.message_id).collect();
    assert_eq!(ids.len(), received.len(), "an email was sent twice");
    assert_eq!(
        received.len(),
        sent,
        "the SMTP server got {} of {sent} emails",
        received.len()
    );
}
