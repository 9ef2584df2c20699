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
    pub site: SiteSettings,
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
    /// Where people reach the service, for links in emails; also the
    /// audience of its tokens.
    pub public_url: String,
    /// Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is
    /// believed: the client's address is the last one they did not add.
    /// Empty: the peer's address, whatever the header says. In the
    /// environment, comma-separated (`10.0.0.0/8,192.168.1.5`).
    #[serde(deserialize_with = "proxies")]
    pub trusted_proxies: Vec<ipnet::IpNet>,
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
    /// Seed the demo data at start-up. Unset: yes in development, no in
    /// production; production refuses `true`.
    pub seed_demo: Option<bool>,
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
    /// HMAC key for access tokens, 32 bytes or more: required in production
    /// and to serve beyond this machine. Unset in development, the server
    /// makes a random one for its own lifetime (sessions end at a restart).
    pub jwt_secret: Option<SecretString>,
    pub token_ttl_minutes: i64,
    /// True when `jwt_secret` was made up at start-up, not configured.
    #[serde(skip)]
    pub ephemeral_secret: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    /// The cost a signed-in caller's operation may reach (lists count by
    /// their page size, expensive fields by their weight).
    pub max_complexity: usize,
    /// The same for anonymous callers, lower: the public needs little.
    pub max_complexity_anonymous: usize,
    /// Serve the GraphiQL explorer at `GET /graphql`. Unset: in
    /// development only.
    pub graphiql: Option<bool>,
    /// Answer introspection queries. Unset: in development only.
    pub introspection: Option<bool>,
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

/// What the portal's footer says of the site, as a government site's must:
/// how to reach the bureau and the ICP filing (备案) of the domain. Empty
/// values are left out; the host (主办单位) is each page's city bureau.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// Telephone, address or email of the bureau that runs the site.
    pub contact: String,
    /// The ICP filing number, like `桂ICP备2026000000号-1`.
    pub icp_record: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `json` (one object per line) or `pretty`.
    pub format: String,
    /// A tracing filter; `RUST_LOG` wins when set.
    pub filter: String,
}

const DEFAULTS: &str = r#"
environment = "development"

[server]
host = "127.0.0.1"
port = 8080
body_limit_bytes = 1048576
shutdown_timeout_secs = 30
public_url = "http://127.0.0.1:8080"
trusted_proxies = []

[database]
url = "sqlite://data/shanlian.db?mode=rwc"
max_connections = 10
acquire_timeout_secs = 5
statement_timeout_secs = 30
migrate_on_start = true

[auth]
token_ttl_minutes = 480

[graphql]
max_depth = 12
max_complexity = 2000
max_complexity_anonymous = 1000

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

[site]
contact = ""
icp_record = ""
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
                .list_separator(",")
                .with_list_parse_key("server.trusted_proxies")
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
        let mut settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .context("reading the configuration")?;
        settings.validate()?;
        if settings.auth.jwt_secret.is_none() {
            // Development on this machine only (validate saw to that): a
            // key nobody else knows, for this process's lifetime.
            settings.auth.jwt_secret = Some(SecretString::from(format!(
                "{}{}",
                service::token::random_token(),
                service::token::random_token()
            )));
            settings.auth.ephemeral_secret = true;
        }
        Ok(settings)
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Whether start-up seeds the demo: as configured, else in development.
    pub fn seed_demo(&self) -> bool {
        self.database.seed_demo.unwrap_or(!self.is_production())
    }

    pub fn graphiql(&self) -> bool {
        self.graphql.graphiql.unwrap_or(!self.is_production())
    }

    pub fn introspection(&self) -> bool {
        self.graphql.introspection.unwrap_or(!self.is_production())
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
                bail!(
                    "auth.jwt_secret must be at least 32 bytes: set SHANLIAN__AUTH__JWT_SECRET to a longer random key (openssl rand -base64 48)"
                );
            }
            (None, Environment::Production) => {
                bail!(
                    "auth.jwt_secret is required in production: set SHANLIAN__AUTH__JWT_SECRET to 32 random bytes or more"
                );
            }
            (None, Environment::Development) if !is_loopback(&self.server.host) => {
                bail!(
                    "server.host is {}, reachable from other machines, and auth.jwt_secret is not set: set SHANLIAN__AUTH__JWT_SECRET (and SHANLIAN__ENVIRONMENT=production for a real deployment), or serve on 127.0.0.1",
                    self.server.host
                );
            }
            _ => {}
        }
        if self.is_production() {
            let url = url::Url::parse(&self.server.public_url)
                .with_context(|| format!("server.public_url \"{}\" is not a URL", self.server.public_url))?;
            let local = url.host_str().is_some_and(is_loopback);
            if url.scheme() != "https" && !local {
                bail!(
                    "server.public_url is {}: production is reached over https, so that sessions and passwords never travel in the clear (cookies are marked Secure, HSTS is sent); set SHANLIAN__SERVER__PUBLIC_URL to the https address people use",
                    self.server.public_url
                );
            }
        }
        if self.is_production() && self.database.seed_demo == Some(true) {
            bail!(
                "database.seed_demo is true, and production never seeds the demo (its accounts' password is published): set SHANLIAN__DATABASE__SEED_DEMO=false or leave it unset"
            );
        }
        if self.is_production()
            && self.database.migrate_on_start
            && self.database.admin_url.is_none()
            && self.database.url.expose_secret().starts_with("postgres")
        {
            bail!(
                "database.migrate_on_start is true without database.admin_url: migrations would make the server's own role the tables' owner, and row-level security would no longer apply to it. Set SHANLIAN__DATABASE__ADMIN_URL to the owner's connection, or run `api migrate` as a job and set SHANLIAN__DATABASE__MIGRATE_ON_START=false"
            );
        }
        if self.graphql.max_complexity_anonymous > self.graphql.max_complexity {
            bail!("graphql.max_complexity_anonymous may not exceed graphql.max_complexity");
        }
        Ok(())
    }

    /// The token signing key (configured, or made up at start-up in
    /// development).
    pub fn jwt_secret(&self) -> &[u8] {
        self.auth
            .jwt_secret
            .as_ref()
            .map_or(&[][..], |secret| secret.expose_secret().as_bytes())
    }
}

/// Whether a listen address is this machine only.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Trusted proxies: each one address or a CIDR range (empty entries, as
/// an empty environment variable gives, are none).
fn proxies<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<ipnet::IpNet>, D::Error> {
    use serde::de::Error as _;
    let texts = Vec::<String>::deserialize(deserializer)?;
    texts
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|text| {
            text.parse::<ipnet::IpNet>()
                .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| D::Error::custom(format!("\"{text}\" is not an IP address or a CIDR range")))
        })
        .collect()
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
        assert!(!s.seed_demo());
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
    fn production_is_reached_over_https_unless_on_this_machine() {
        let at = |url: &str| {
            Settings::from_sources(&vars(&[
                ("SHANLIAN__ENVIRONMENT", "production"),
                ("SHANLIAN__AUTH__JWT_SECRET", "0123456789abcdef0123456789abcdef"),
                ("SHANLIAN__SERVER__PUBLIC_URL", url),
            ]))
            .err()
            .map(|e| format!("{e:#}"))
        };
        let refused = at("http://shanlian.example.org");
        assert!(
            refused
                .as_deref()
                .is_some_and(|e| e.contains("SHANLIAN__SERVER__PUBLIC_URL")),
            "{refused:?}"
        );
        assert_eq!(at("https://shanlian.example.org"), None);
        assert_eq!(at("http://localhost:8080"), None);
        assert_eq!(at("http://[::1]:8080"), None);
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Settings::from_sources(&vars(&[("PORT", "eighty")]))
            .err()
            .map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("port")), "the error names the key");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges_separated_by_commas() {
        let s = Settings::from_sources(&vars(&[(
            "SHANLIAN__SERVER__TRUSTED_PROXIES",
            "10.0.0.0/8, 192.168.1.5",
        )]))
        .unwrap_or_else(|e| panic!("{e:#}"));
        let shown: Vec<String> = s.server.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.168.1.5/32"]);
        let none = Settings::from_sources(&vars(&[("SHANLIAN__SERVER__TRUSTED_PROXIES", "")]));
        assert!(none.is_ok_and(|s| s.server.trusted_proxies.is_empty()));
        let err = Settings::from_sources(&vars(&[("SHANLIAN__SERVER__TRUSTED_PROXIES", "10.0.0.0/8,the-proxy")]))
            .err()
            .map(|e| format!("{e:#}"));
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("trusted_proxies") && e.contains("\"the-proxy\"")),
            "{err:?}"
        );
    }
}
