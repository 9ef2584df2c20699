//! Layered configuration: built-in defaults, then an optional TOML file
//! (`SHANLIAN_CONFIG`, default `shanlian.toml` if present), then environment
//! variables `SHANLIAN__SECTION__KEY`, then the twelve-factor variables
//! `DATABASE_URL`, `HOST` and `PORT`. Validated once at start-up; a bad key
//! is named in the error.

use std::path::PathBuf;

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use service::outbox::mailer::TlsMode;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub environment: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub graphql: GraphqlSettings,
    pub mail: MailSettings,
    pub jobs: JobSettings,
    pub log: LogSettings,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    /// Run the daily supervision check (abnormal list, overdue
    /// applications) inside the server: at start-up, then every 24 hours.
    pub supervision_enabled: bool,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    /// 0 picks a free port (the tests do).
    pub port: u16,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// On SIGTERM, how long requests in flight may take to finish before
    /// the server stops anyway; keep it below the orchestrator's grace
    /// period (Kubernetes' `terminationGracePeriodSeconds`).
    pub shutdown_timeout_secs: u64,
    /// Where people reach the service, for links in emails.
    pub public_url: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// What the server connects as. On PostgreSQL this must be the
    /// non-owner application role so row-level security applies.
    pub url: SecretString,
    /// The owner connection used to run migrations, if different.
    pub admin_url: Option<SecretString>,
    pub max_connections: u32,
    /// Seconds a request waits for a database connection before it fails
    /// with UNAVAILABLE (the database is down or every connection is busy).
    pub acquire_timeout_secs: u64,
    /// Seconds PostgreSQL lets one statement run before aborting it; 0 for
    /// no limit.
    pub statement_timeout_secs: u64,
    pub migrate_on_start: bool,
    pub seed_demo: bool,
}

impl DatabaseSettings {
    /// The pool as configured.
    pub fn pool(&self) -> service::db::PoolSettings {
        service::db::PoolSettings {
            max_connections: self.max_connections,
            acquire_timeout: std::time::Duration::from_secs(self.acquire_timeout_secs),
            statement_timeout: (self.statement_timeout_secs > 0)
                .then(|| std::time::Duration::from_secs(self.statement_timeout_secs)),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// HMAC key for access tokens: required (32 bytes or more) in production.
    pub jwt_secret: Option<SecretString>,
    pub token_ttl_minutes: i64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    pub max_complexity: usize,
    /// Serve the GraphiQL explorer at `GET /graphql`.
    pub graphiql: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The From address, like `善联 Shanlian <noreply@example.org>`.
    pub from: String,
    /// Right-hand side of every Message-ID.
    pub message_id_domain: String,
    /// Where `.eml` files go when no SMTP host is configured.
    pub file_dir: String,
    /// Run the outbox worker inside the server process.
    pub worker_enabled: bool,
    pub poll_interval_ms: u64,
    /// Attempts before an email is dead-lettered.
    pub max_attempts: i32,
    /// Seconds before the first retry of a failed delivery; each further
    /// retry waits twice as long, up to two hours.
    pub retry_after_secs: i64,
    pub smtp: SmtpSettings,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Empty: write `.eml` files into `mail.file_dir` instead of sending.
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub timeout_secs: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `json` (one object per line) or `pretty`.
    pub format: String,
    /// A tracing filter; `RUST_LOG` wins when set.
    pub filter: String,
}

/// The key used in development when none is configured: tokens signed with
/// it are worthless anywhere else, and production refuses to start with it.
const DEVELOPMENT_JWT_SECRET: &str = "shanlian-development-only-secret-do-not-use-in-production";

const DEFAULTS: &str = r#"
environment = "development"

[server]
host = "127.0.0.1"
port = 8080
body_limit_bytes = 1048576
shutdown_timeout_secs = 30
public_url = "http://127.0.0.1:8080"

[database]
url = "sqlite://data/shanlian.db?mode=rwc"
max_connections = 10
acquire_timeout_secs = 5
statement_timeout_secs = 30
migrate_on_start = true
seed_demo = true

[auth]
token_ttl_minutes = 480

[graphql]
max_depth = 12
max_complexity = 2000
graphiql = true

[mail]
from = "善联 Shanlian <noreply@shanlian.localhost>"
message_id_domain = "shanlian.localhost"
file_dir = "data/mail"
worker_enabled = true
poll_interval_ms = 1000
max_attempts = 8
retry_after_secs = 30

[mail.smtp]
host = ""
port = 25
tls = "none"
timeout_secs = 15

[jobs]
supervision_enabled = true

[log]
format = "json"
filter = "info"
"#;

impl Settings {
    /// Read the configuration from the process environment.
    pub fn load() -> anyhow::Result<Self> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::from_sources(&vars)
    }

    /// Read the configuration from the given environment variables (tests
    /// pass their own instead of touching the process environment).
    pub fn from_sources(vars: &[(String, String)]) -> anyhow::Result<Self> {
        let var = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let file = var("SHANLIAN_CONFIG").map(PathBuf::from);
        let mut builder =
            config::Config::builder().add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        builder = match &file {
            Some(path) => builder.add_source(config::File::from(path.as_path()).required(true)),
            None => builder.add_source(config::File::with_name("shanlian").required(false)),
        };
        let prefixed: config::Map<String, String> = vars
            .iter()
            .filter(|(k, _)| k.starts_with("SHANLIAN__"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("SHANLIAN")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(prefixed)),
        );
        for (variable, key) in [
            ("DATABASE_URL", "database.url"),
            ("HOST", "server.host"),
            ("PORT", "server.port"),
        ] {
            if let Some(value) = var(variable) {
                builder = builder.set_override(key, value)?;
            }
        }
        let settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .context("reading the configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.server.body_limit_bytes < 1024 {
            bail!("server.body_limit_bytes must be at least 1024");
        }
        if self.database.max_connections == 0 {
            bail!("database.max_connections must be at least 1");
        }
        if self.auth.token_ttl_minutes <= 0 {
            bail!("auth.token_ttl_minutes must be positive");
        }
        if self.mail.max_attempts < 1 {
            bail!("mail.max_attempts must be at least 1");
        }
        if self.mail.retry_after_secs < 1 {
            bail!("mail.retry_after_secs must be at least 1");
        }
        if self.database.acquire_timeout_secs == 0 {
            bail!("database.acquire_timeout_secs must be at least 1");
        }
        if self.mail.poll_interval_ms == 0 {
            bail!("mail.poll_interval_ms must be positive");
        }
        if let Err(e) = service::outbox::mailer::Sender::new(&self.mail.from, &self.mail.message_id_domain) {
            bail!("{e}");
        }
        if !matches!(self.log.format.as_str(), "json" | "pretty") {
            bail!("log.format must be \"json\" or \"pretty\", not \"{}\"", self.log.format);
        }
        match (&self.auth.jwt_secret, self.environment) {
            (Some(secret), _) if secret.expose_secret().len() < 32 => {
                bail!("auth.jwt_secret must be at least 32 bytes");
            }
            (None, Environment::Production) => {
                bail!("auth.jwt_secret is required in production: set SHANLIAN__AUTH__JWT_SECRET");
            }
            _ => {}
        }
        Ok(())
    }

    /// The token signing key; the development key only outside production.
    pub fn jwt_secret(&self) -> &[u8] {
        match &self.auth.jwt_secret {
            Some(secret) => secret.expose_secret().as_bytes(),
            None => DEVELOPMENT_JWT_SECRET.as_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_load() {
        let s = Settings::from_sources(&[]).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.environment, Environment::Development);
    }

    #[test]
    fn environment_overrides_and_twelve_factor_variables() {
        let s = Settings::from_sources(&vars(&[
            ("SHANLIAN__SERVER__BODY_LIMIT_BYTES", "4096"),
            ("SHANLIAN__DATABASE__SEED_DEMO", "false"),
            ("DATABASE_URL", "postgres://app@127.0.0.1/shanlian"),
            ("PORT", "9000"),
        ]))
        .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(s.server.body_limit_bytes, 4096);
        assert!(!s.database.seed_demo);
        assert_eq!(s.database.url.expose_secret(), "postgres://app@127.0.0.1/shanlian");
        assert_eq!(s.server.port, 9000);
    }

    #[test]
    fn production_needs_a_real_key() {
        let err = Settings::from_sources(&vars(&[("SHANLIAN__ENVIRONMENT", "production")]))
            .err()
            .map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("auth.jwt_secret")));
        let ok = Settings::from_sources(&vars(&[
            ("SHANLIAN__ENVIRONMENT", "production"),
            ("SHANLIAN__AUTH__JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ]));
        assert!(ok.is_ok());
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Settings::from_sources(&vars(&[("PORT", "eighty")]))
            .err()
            .map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("port")), "the error names the key");
    }
}
