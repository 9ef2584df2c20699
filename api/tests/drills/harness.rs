//! The pieces of a drill: a database with the demo loaded, the real `api`
//! binary started as servers and workers on it, and the checks that
//! nothing committed was lost or done twice.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server binary this package builds.
pub const API: &str = env!("CARGO_BIN_EXE_api");
const JWT_SECRET: &str = "drill-secret-drill-secret-drill-secret-0123";
pub const TENANTS: [&str; 5] = ["platform", "guangxi", "nanning", "liuzhou", "guilin"];

/// One deployment under drill: its database and where its mail goes.
pub struct Site {
    dir: tempfile::TempDir,
    pub app_url: String,
    pub owner_url: String,
    pub smtp_port: u16,
    /// Extra configuration for every process, as `SHANLIAN__…` pairs.
    pub extra: Vec<(String, String)>,
}

impl Site {
    /// A fresh database (PostgreSQL when `SHANLIAN_TEST_POSTGRES` names a
    /// server, else SQLite), migrated by `api migrate` and seeded with the demo by `api seed`.
    pub async fn new(smtp_port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (app_url, owner_url) = match tests::postgres::server() {
            Some(server) => tests::postgres::create_database(&server).await,
            None => {
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("drill.db").display());
                (url.clone(), url)
            }
        };
        Self::on(dir, app_url, owner_url, smtp_port).await
    }

    /// The same, on databases the caller made.
    pub async fn on(dir: tempfile::TempDir, app_url: String, owner_url: String, smtp_port: u16) -> Self {
        let site = Self {
            dir,
            app_url,
            owner_url,
            smtp_port,
            extra: Vec::new(),
        };
        site.run_to_end(&["migrate"]).await;
        site.run_to_end(&["seed"]).await;
        site
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(API);
        command.args(args).stdin(Stdio::null()).kill_on_drop(true);
        // Nothing of the environment the tests run in leaks into the drill.
        for (key, _) in std::env::vars() {
            if key.starts_with("SHANLIAN__")
                || ["DATABASE_URL", "HOST", "PORT", "SHANLIAN_CONFIG"].contains(&key.as_str())
            {
                command.env_remove(key);
            }
        }
        let settings = [
            ("SHANLIAN__DATABASE__URL", self.app_url.clone()),
            ("SHANLIAN__DATABASE__ADMIN_URL", self.owner_url.clone()),
            ("SHANLIAN__DATABASE__MIGRATE_ON_START", "false".into()),
            ("SHANLIAN__DATABASE__SEED_DEMO", "false".into()),
            ("SHANLIAN__SERVER__PORT", "0".into()),
            ("SHANLIAN__AUTH__JWT_SECRET", JWT_SECRET.into()),
            ("SHANLIAN__MAIL__WORKER_ENABLED", "false".into()),
            ("SHANLIAN__MAIL__POLL_INTERVAL_MS", "100".into()),
            ("SHANLIAN__MAIL__RETRY_AFTER_SECS", "1".into()),
            ("SHANLIAN__MAIL__SMTP__HOST", "127.0.0.1".into()),
            ("SHANLIAN__MAIL__SMTP__PORT", self.smtp_port.to_string()),
            ("SHANLIAN__MAIL__SMTP__TIMEOUT_SECS", "5".into()),
            (
                "SHANLIAN__MAIL__FILE_DIR",
                self.dir.path().join("mail").display().to_string(),
            ),
            ("SHANLIAN__JOBS__SUPERVISION_ENABLED", "false".into()),
            ("SHANLIAN__LOG__FORMAT", "json".into()),
            ("SHANLIAN__LOG__FILTER", "info".into()),
        ];
        command.envs(settings.iter().map(|(k, v)| (k.to_string(), v.clone())));
        command.envs(self.extra.iter().cloned());
        command
    }

    /// Run a one-shot command (`seed`, `audit verify …`) to its end.
    pub async fn run_to_end(&self, args: &[&str]) -> Output {
        let output = self.command(args).output().await.unwrap();
        assert!(
            output.status.success(),
            "api {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// `api serve`, once it listens.
    pub async fn server(&self) -> Server {
        let mut child = self.command(&["serve"]).stdout(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                echo(&line);
                if let Some(port) = listening_port(&line) {
                    return port;
                }
            }
            panic!("the server exited before it listened");
        })
        .await
        .expect("the server listens within a minute");
        // Keep reading its log, so it never blocks on a full pipe.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                echo(&line);
            }
        });
        Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// `api worker`.
    pub fn worker(&self) -> Child {
        let stdout = if std::env::var("TEST_LOG").is_ok() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        self.command(&["worker"]).stdout(stdout).spawn().unwrap()
    }

    pub async fn owner(&self) -> DatabaseConnection {
        Database::connect(&self.owner_url).await.unwrap()
    }

    /// Every city's audit chain verifies (`api audit verify`).
    pub async fn verify_audit_chains(&self) {
        for tenant in TENANTS {
            self.run_to_end(&["audit", "verify", "--tenant", tenant]).await;
        }
    }
}

fn echo(line: &str) {
    if std::env::var("TEST_LOG").is_ok() {
        println!("{line}");
    }
}

/// The port in the server's "listening" log line (JSON).
fn listening_port(line: &str) -> Option<u16> {
    let event: Value = serde_json::from_str(line).ok()?;
    let fields = &event["fields"];
    (fields["message"] == "listening").then(|| fields["port"].as_u64().and_then(|p| u16::try_from(p).ok()))?
}

pub struct Server {
    pub child: Child,
    pub url: String,
}

/// Send SIGTERM (what Kubernetes and Docker send) and wait for the exit;
/// true when the process exited by itself with success within `within`.
pub async fn terminate(child: &mut Child, within: Duration) -> bool {
    let pid = i32::try_from(child.id().expect("still running")).unwrap();
    kill(Pid::from_raw(pid), Signal::SIGTERM).unwrap();
    matches!(tokio::time::timeout(within, child.wait()).await, Ok(Ok(status)) if status.success())
}

/// SIGKILL: no chance to finish anything.
pub async fn kill_9(child: &mut Child) {
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

/// Poll `check` until it holds or `within` has passed; false on timeout.
/// For conditions another process brings about (mail delivered, a server
/// ready again), where there is nothing to await directly.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}
