//! PostgreSQL restarting under load. The drill runs its own cluster
//! (`initdb` into a temporary folder, on a free port), so stopping it
//! touches nothing else the tests use.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Site, eventually, terminate};
use crate::load::{Load, Outcome, check_ledger, check_mail_delivered_once, client, login, receipts, record_gift};

/// How long a request may wait for a database connection in this drill
/// (`database.acquire_timeout_secs`).
const ACQUIRE_TIMEOUT_SECS: u64 = 2;

struct Cluster {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    fn create() -> Self {
        let bin = newest_postgres_bin();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        // initdb refuses to run as root: as root, the cluster belongs to
        // the postgres user.
        if nix::unistd::geteuid().is_root() {
            let postgres = nix::unistd::User::from_name("postgres")
                .unwrap()
                .expect("a postgres user");
            std::os::unix::fs::chown(dir.path(), Some(postgres.uid.as_raw()), Some(postgres.gid.as_raw())).unwrap();
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster = Self {
            _dir: dir,
            data,
            bin,
            port,
        };
        cluster.run(
            "initdb",
            &[
                "--pgdata",
                path(&cluster.data),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-sync",
            ],
        );
        cluster.start();
        cluster
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            path(self.data.parent().unwrap())
        );
        let log = self.data.parent().unwrap().join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                "--pgdata",
                path(&self.data),
                "--log",
                path(&log),
                "--options",
                &options,
                "--wait",
                "start",
            ],
        );
    }

    /// A fast shutdown: sessions are ended, transactions under way roll back.
    fn stop(&self) {
        self.run(
            "pg_ctl",
            &["--pgdata", path(&self.data), "--mode", "fast", "--wait", "stop"],
        );
    }

    /// One of PostgreSQL's programs, as the postgres user when we are root
    /// (initdb and pg_ctl refuse to run as root).
    fn command(&self, program: &str) -> Command {
        let executable = self.bin.join(program);
        if nix::unistd::geteuid().is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&executable);
            command
        } else {
            Command::new(&executable)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["--pgdata", path(&self.data), "--mode", "immediate", "stop"])
            .output();
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The newest installed PostgreSQL's programs (Debian's layout).
fn newest_postgres_bin() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server programs under /usr/lib/postgresql")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("initdb under /usr/lib/postgresql/*/bin").1
}

async fn readiness(client: &reqwest::Client, server: &str) -> Option<u16> {
    let response = client.get(format!("{server}/readyz")).send().await.ok()?;
    Some(response.status().as_u16())
}

#[tokio::test]
#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set SHANLIAN_TEST_POSTGRES")]
async fn postgres_restarting_under_load_fails_requests_clearly_and_the_service_resumes_by_itself() {
    assert!(
        tests::postgres::server().is_some(),
        "this drill restarts a PostgreSQL cluster: set SHANLIAN_TEST_POSTGRES"
    );
    let cluster = Cluster::create();
    // The mail server holds each message until let through, so that the
    // worker can be caught in the middle of sending when the database goes.
    let (smtp, gate) = tests::smtp::start_gated();
    let (app_url, owner_url) = tests::postgres::create_database(&cluster.url()).await;
    let mut site = Site::on(tempfile::tempdir().unwrap(), app_url, owner_url, smtp.port).await;
    site.extra.push((
        "SHANLIAN__DATABASE__ACQUIRE_TIMEOUT_SECS".into(),
        ACQUIRE_TIMEOUT_SECS.to_string(),
    ));
    let mut server = site.server().await;
    let mut worker = site.worker();
    let http = client();
    assert_eq!(readiness(&http, &server.url).await, Some(200));
    let token = login(&server.url, "guilin.org_staff").await;

    let mut load = Load::start(std::slice::from_ref(&server.url), &token, usize::MAX, 4);
    load.wait_for_recorded(20).await;
    // The worker has claimed a batch and is sending its first email…
    gate.wait_for_held(1).await;
    cluster.stop();
    // …which goes out while the database is down: the worker cannot record
    // it until the database is back, and must not send it twice.
    gate.release_one();

    // Down: not ready, and a request fails with a clear error in bounded time.
    let unready = eventually(Duration::from_secs(15), || async {
        readiness(&http, &server.url).await == Some(503)
    })
    .await;
    assert!(unready, "/readyz still says ready with the database stopped");
    let started = Instant::now();
    let outcome = record_gift(&http, &server.url, &token, usize::MAX - 1).await;
    let waited = started.elapsed();
    assert!(
        matches!(&outcome, Outcome::Refused { code, .. } if code == "UNAVAILABLE"),
        "{outcome:?}"
    );
    assert!(
        waited < Duration::from_secs(ACQUIRE_TIMEOUT_SECS + 3),
        "waited {waited:?}"
    );

    // Back: ready again and recording again, without a restart of ours.
    let recorded_while_down = load.recorded();
    cluster.start();
    let ready = eventually(Duration::from_secs(30), || async {
        readiness(&http, &server.url).await == Some(200)
    })
    .await;
    assert!(ready, "/readyz did not recover after the database came back");
    load.wait_for_recorded(recorded_while_down + 20).await;
    let slowest = load.slowest().await;
    let outcomes = load.stop().await;

    // Every request got an answer: a receipt or UNAVAILABLE, nothing else.
    let odd: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| !matches!(o, Outcome::Recorded { .. } | Outcome::Refused { code: _, .. }))
        .chain(
            outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Refused { code, .. } if code != "UNAVAILABLE")),
        )
        .collect();
    assert!(odd.is_empty(), "answers other than a receipt or UNAVAILABLE: {odd:?}");
    assert!(
        slowest < Duration::from_secs(ACQUIRE_TIMEOUT_SECS + 5),
        "a request hung for {slowest:?}"
    );
    let refused = outcomes.iter().filter(|o| matches!(o, Outcome::Refused { .. })).count();

    let db = site.owner().await;
    let acknowledged = receipts(&outcomes);
    check_ledger(&db, &acknowledged).await;
    for _ in 0..100_000 {
        gate.release_one(); // the gate is open from now on
    }
    check_mail_delivered_once(&db, &smtp, Duration::from_secs(60)).await;
    site.verify_audit_chains().await;
    assert!(terminate(&mut server.child, Duration::from_secs(40)).await);
    assert!(terminate(&mut worker, Duration::from_secs(40)).await);
    println!(
        "drill: PostgreSQL restarted under load: {} gifts recorded, {refused} refused with UNAVAILABLE, slowest answer {slowest:?}",
        acknowledged.len()
    );
}
