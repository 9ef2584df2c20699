//! `spawn_app()` and the typed helpers every test uses.

use std::sync::LazyLock;

use api::config::Settings;
use api::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, QueryResult, Statement};
use serde_json::{Value, json};
use service::outbox::worker::Worker;
use uuid::Uuid;

/// The signing key of every test application, so tests can forge and
/// expire tokens on purpose.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const DEMO_PASSWORD: &str = "shanlian-demo";
pub const LOGIN: &str =
    "mutation($t: String!, $u: String!, $p: String!) { login(tenant: $t, username: $u, password: $p) { token } }";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    // Quiet unless TEST_LOG is set: the logs of 50 servers drown a failure.
    if std::env::var("TEST_LOG").is_ok() {
        let settings = api::config::LogSettings {
            format: "pretty".into(),
            filter: "info".into(),
        };
        api::telemetry::init(&settings);
    }
});

pub struct TestApp {
    pub address: String,
    pub settings: Settings,
    pub client: reqwest::Client,
    /// The owner connection (superuser on PostgreSQL): for raw checks that
    /// the application itself could never make.
    pub owner: DatabaseConnection,
    /// The URL the application connects with (the non-owner role on
    /// PostgreSQL).
    pub app_url: String,
    pub backend: DbBackend,
    /// The application's own connection pool, for [`TestApp::take_database_down`].
    db: service::Db,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The reason a PostgreSQL-only test gives when it is ignored; such a test
/// carries `#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set
/// SHANLIAN_TEST_POSTGRES")]` (see `tests/build.rs`) and starts with
/// `spawn_postgres_app()`.
pub async fn spawn_postgres_app() -> TestApp {
    let app = spawn_app().await;
    assert!(
        app.is_postgres(),
        "this test needs PostgreSQL: set SHANLIAN_TEST_POSTGRES (it is ignored without it)"
    );
    app
}

/// Start the application with extra configuration, as environment-style
/// pairs (`SHANLIAN__MAIL__SMTP__PORT`…). The in-process outbox worker is
/// off unless a test turns it on; tests drive delivery themselves.
pub async fn spawn_app_with(extra: &[(&str, String)]) -> TestApp {
    LazyLock::force(&TRACING);
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("mail").display().to_string();
    let (app_url, owner_url) = match tests::postgres::server() {
        Some(server) => tests::postgres::create_database(&server).await,
        None => {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (url.clone(), url)
        }
    };
    let vars: Vec<(String, String)> = [
        ("SHANLIAN__SERVER__PORT", "0"),
        ("SHANLIAN__DATABASE__URL", app_url.as_str()),
        ("SHANLIAN__DATABASE__ADMIN_URL", owner_url.as_str()),
        ("SHANLIAN__DATABASE__MAX_CONNECTIONS", "5"),
        ("SHANLIAN__AUTH__JWT_SECRET", TEST_JWT_SECRET),
        ("SHANLIAN__MAIL__WORKER_ENABLED", "false"),
        ("SHANLIAN__JOBS__SUPERVISION_ENABLED", "false"),
        ("SHANLIAN__MAIL__FILE_DIR", mail_dir.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
    .collect();
    let settings = Settings::from_sources(&vars).expect("test settings");
    let app = Application::build(settings.clone()).await.expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    tokio::spawn(app.run());
    let owner = Database::connect(&owner_url).await.expect("owner connection");
    TestApp {
        address,
        settings,
        client: reqwest::Client::new(),
        backend: owner.get_database_backend(),
        owner,
        app_url,
        db,
        _dir: dir,
    }
}

impl TestApp {
    pub fn is_postgres(&self) -> bool {
        self.backend == DbBackend::Postgres
    }

    /// An outbox worker as `api worker` would run it against this
    /// application's database, on its own connection pool.
    pub async fn worker(&self) -> Worker {
        let db = service::Db::connect(&self.app_url, 5).await.expect("worker connection");
        api::startup::outbox_worker(&self.settings, db).expect("worker")
    }

    /// Take the application's database away, for good, as an outage
    /// would: on PostgreSQL the application's role may no longer connect to
    /// the test database and its connections are terminated (waiting until
    /// each has ended; the server answers, but not for this database); on SQLite, whose file cannot be taken from open
    /// connections, the application's pool is closed. Either way every
    /// later database call of the application fails at once, no sleeping.
    pub async fn take_database_down(&self) {
        if self.is_postgres() {
            let url = url::Url::parse(&self.app_url).expect("database URL");
            let name = url.path().trim_start_matches('/').to_owned();
            let role = url.username().to_owned();
            for sql in [
                format!("REVOKE CONNECT ON DATABASE \"{name}\" FROM PUBLIC, \"{role}\""),
                format!(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity \
                     WHERE datname = current_database() AND usename = '{role}'"
                ),
            ] {
                self.owner
                    .execute_unprepared(&sql)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        } else {
            self.db.clone().close().await.expect("closing the application's pool");
        }
    }

    pub fn mail_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("mail")
    }

    /// POST a GraphQL operation; returns the whole JSON response.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        response.json().await.expect("JSON response")
    }

    /// POST an operation that must succeed: its response, with no errors.
    pub async fn graphql_ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.graphql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body
    }

    /// POST an operation that must be refused with the error `code` (and
    /// no data); returns the whole JSON response.
    pub async fn graphql_error(&self, token: Option<&str>, query: &str, variables: Value, code: &str) -> Value {
        let body = self.graphql(token, query, variables).await;
        assert_error(&body, code);
        body
    }

    /// The login mutation with the given password; returns the whole JSON
    /// response.
    pub async fn try_login(&self, tenant: &str, username: &str, password: &str) -> Value {
        self.graphql(None, LOGIN, json!({ "t": tenant, "u": username, "p": password }))
            .await
    }

    /// GET a path of the application, with a token or without.
    pub async fn get(&self, token: Option<&str>, path: &str) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// Sign in with a password; returns the token.
    pub async fn login_with(&self, tenant: &str, username: &str, password: &str) -> String {
        let body = self.try_login(tenant, username, password).await;
        body["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login as {username} failed: {body}"))
            .to_owned()
    }

    /// As `official` (a token), create a user of `tenant` from a
    /// `CreateUserInput` and sign in as them; returns the token.
    pub async fn new_user(&self, official: &str, tenant: &str, input: Value) -> String {
        let created = self
            .graphql(
                Some(official),
                "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                json!({ "i": input.clone() }),
            )
            .await;
        assert!(created["errors"].is_null(), "{created}");
        assert!(created["data"]["createUser"]["id"].is_string(), "{created}");
        let field = |name: &str| input[name].as_str().unwrap_or_else(|| panic!("no {name} in {input}"));
        self.login_with(tenant, field("username"), field("password")).await
    }

    /// Sign in as a demo user named `<tenant>.<role>`; returns the token.
    pub async fn login(&self, username: &str) -> String {
        let tenant = username.split('.').next().unwrap_or_default();
        self.login_with(tenant, username, DEMO_PASSWORD).await
    }

    /// The id of a user, read through the owner connection.
    pub async fn user_id(&self, username: &str) -> Uuid {
        self.scalar_uuid(&format!("SELECT id FROM app_user WHERE username = '{username}'"))
            .await
    }

    pub async fn organization_id(&self, name: &str) -> Uuid {
        self.scalar_uuid(&format!("SELECT id FROM organization WHERE name = '{name}'"))
            .await
    }

    async fn scalar_uuid(&self, sql: &str) -> Uuid {
        self.one_row(sql)
            .await
            .try_get_by_index::<Uuid>(0)
            .expect("uuid column")
    }

    pub async fn scalar_string(&self, sql: &str) -> String {
        let row = self.one_row(sql).await;
        row.try_get_by_index::<Uuid>(0)
            .map(|u| u.to_string())
            .or_else(|_| row.try_get_by_index::<String>(0))
            .expect("text")
    }

    /// The one row a query returns, through the owner connection.
    async fn one_row(&self, sql: &str) -> QueryResult {
        self.owner
            .query_one_raw(Statement::from_string(self.backend, sql.to_owned()))
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("no row for {sql}"))
    }

    /// An id as a SQL literal for raw checks: PostgreSQL compares uuid
    /// columns with text, SQLite keeps them as 16-byte blobs.
    pub fn sql_id(&self, id: &impl std::fmt::Display) -> String {
        let id = id.to_string();
        if self.is_postgres() {
            format!("'{id}'")
        } else {
            format!("X'{}'", id.replace('-', ""))
        }
    }

    /// Count rows through the owner connection.
    pub async fn count(&self, sql: &str) -> i64 {
        self.one_row(sql).await.try_get_by_index::<i64>(0).expect("count")
    }
}

/// The `extensions.code` of the first error, or `None` when there was none.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// Assert the first error's code, showing the whole body when it differs.
#[track_caller]
pub fn assert_error(body: &Value, code: &str) {
    assert_eq!(error_code(body), Some(code), "expected {code}: {body}");
    assert!(
        body["data"].is_null() || body["data"].as_object().is_none_or(|d| d.values().all(Value::is_null)),
        "no data must leak with an error: {body}"
    );
}

/// The claims of a token signed with the test key (its signature and expiry
/// checked; the audience is the deployment's URL, not checked here).
pub fn claims_of(token: &str) -> Value {
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.validate_exp = true;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        &validation,
    )
    .unwrap()
    .claims
}

/// A token with these claims, signed with `secret`.
pub fn sign_claims(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}
