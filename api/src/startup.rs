//! Building and running the application. `main` and the end-to-end tests
//! both go through [`Application::build`], so the tests exercise the real
//! wiring on a real TCP port.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use service::Db;
use service::outbox::mailer::{Mailer, Sender, SmtpSettings};
use service::outbox::worker::{Worker, WorkerSettings};
use service::token::TokenKeys;
use tokio_util::sync::CancellationToken;
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::graphql::{self, Schemas};
use crate::http;

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    worker: Option<Worker>,
    poll: Duration,
    supervision: bool,
}

impl Application {
    /// Prepare the database (migrate, seed, as configured), build the schema
    /// and bind the listener. Nothing is served until [`Application::run`].
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        if settings.auth.ephemeral_secret {
            tracing::warn!(
                "auth.jwt_secret is not set: tokens are signed with a random key of this process, so sessions end when it stops and no other server accepts them; set SHANLIAN__AUTH__JWT_SECRET"
            );
        }
        tracing::info!(
            environment = ?settings.environment, graphiql = settings.graphiql(), introspection = settings.introspection(),
            seed_demo = settings.seed_demo(), "starting"
        );
        let db = prepare_database(&settings).await?;
        let keys = TokenKeys::new(
            settings.jwt_secret(),
            chrono::Duration::minutes(settings.auth.token_ttl_minutes),
            &settings.server.public_url,
        );
        let schema = graphql::build_schema(db.clone(), keys.clone(), &settings.graphql, settings.introspection());
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .with_context(|| format!("binding {}:{}", settings.server.host, settings.server.port))?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, db.clone(), keys, schema, &settings)?;
        let worker = settings
            .mail
            .worker_enabled
            .then(|| outbox_worker(&settings, db.clone()))
            .transpose()?;
        tracing::info!(port, "listening");
        Ok(Self {
            port,
            server,
            db,
            worker,
            poll: Duration::from_millis(settings.mail.poll_interval_ms),
            supervision: settings.jobs.supervision_enabled,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serve until stopped; the outbox worker runs beside the server.
    ///
    /// On SIGTERM or SIGINT actix-web stops accepting connections and lets
    /// the requests in flight finish (up to `server.shutdown_timeout_secs`).
    /// Then the worker is told to stop and awaited, so the email it is
    /// sending is sent and recorded before the process exits.
    pub async fn run(self) -> std::io::Result<()> {
        let stop = CancellationToken::new();
        let worker = self
            .worker
            .map(|worker| tokio::spawn(worker.run(self.poll, stop.clone())));
        // The daily check is one transaction at a time: cutting it short
        // rolls that transaction back, and tomorrow's run catches up.
        let supervision = self
            .supervision
            .then(|| tokio::spawn(daily_supervision(self.db.clone())));
        let served = self.server.await;
        tracing::info!("server stopped; stopping the outbox worker");
        stop.cancel();
        if let Some(supervision) = supervision {
            supervision.abort();
        }
        if let Some(worker) = worker
            && let Err(e) = worker.await
        {
            tracing::error!(error = %e, "the outbox worker did not stop cleanly");
        }
        served
    }
}

/// Resolves on SIGTERM (what Kubernetes and Docker send to stop a
/// container) or SIGINT (Ctrl-C), for the commands that run until stopped
/// without actix-web's own signal handling (`api worker`).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = terminate => tracing::info!("SIGTERM received"),
        result = tokio::signal::ctrl_c() => match result {
            Ok(()) => tracing::info!("SIGINT received"),
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGINT");
                std::future::pending::<()>().await;
            }
        },
    }
}

/// The daily supervision check of every city: now, then every 24 hours.
async fn daily_supervision(db: Db) {
    let mut every_day = tokio::time::interval(Duration::from_secs(24 * 60 * 60));
    loop {
        every_day.tick().await;
        let today = service::clock::today();
        if let Err(e) = service::organizations::supervision::daily_check_all(&db, today).await {
            tracing::error!(error = ?e, "daily supervision check failed");
        }
    }
}

/// The outbox worker as configured: SMTP when a host is set, otherwise
/// `.eml` files in `mail.file_dir`.
pub fn outbox_worker(settings: &Settings, db: Db) -> anyhow::Result<Worker> {
    let mail = &settings.mail;
    let fail = |e: service::Error| anyhow::anyhow!("mail configuration: {e}");
    let sender = Sender::new(&mail.from, &mail.message_id_domain).map_err(fail)?;
    let mailer = if mail.smtp.host.trim().is_empty() {
        tracing::info!(dir = %mail.file_dir, "no SMTP host configured: writing emails as .eml files");
        Mailer::file(PathBuf::from(&mail.file_dir)).map_err(fail)?
    } else {
        Mailer::smtp(&SmtpSettings {
            host: mail.smtp.host.clone(),
            port: mail.smtp.port,
            tls: mail.smtp.tls,
            username: mail.smtp.username.clone(),
            password: mail.smtp.password.clone(),
            timeout: Duration::from_secs(mail.smtp.timeout_secs),
        })
        .map_err(fail)?
    };
    let worker_settings = WorkerSettings {
        max_attempts: mail.max_attempts,
        backoff_base: chrono::Duration::seconds(mail.retry_after_secs),
        ..WorkerSettings::default()
    };
    Ok(Worker::new(db, Arc::new(mailer), sender, worker_settings))
}

/// Connect, migrate (with the owner connection when one is configured) and
/// seed the demo data if asked.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database.url.expose_secret();
    ensure_sqlite_folder(url)?;
    if settings.database.migrate_on_start {
        migrate(settings).await?;
    }
    let db = Db::connect_with(url, settings.database.pool())
        .await
        .context("connecting to the database (database.url)")?
        .with_public_url(&settings.server.public_url);
    let problems = db.role_problems().await.context("checking the database role")?;
    if !problems.is_empty() {
        let message = format!(
            "the server's database role is not held by row-level security ({}): connect with database.url as the application role (shanlian_app, which migrations create) and give migrations the owner's connection in database.admin_url",
            problems.join("; ")
        );
        if settings.is_production() {
            anyhow::bail!(message);
        }
        tracing::warn!("{message} (development: serving anyway)");
    }
    if settings.seed_demo() {
        if settings.is_production() {
            anyhow::bail!("production never seeds the demo data: its accounts' password is published");
        }
        // As the schema owner when one is configured: the seed refreshes the
        // planner's statistics between a city's bulk inserts, which only
        // the owner may (see `service::seed`).
        let owner = Db::connect(owner_url(settings), 1)
            .await
            .context("connecting to seed the demo data")?;
        service::seed::seed_demo(&owner)
            .await
            .map_err(|e| anyhow::anyhow!("seeding demo data: {e:?}"))?;
        owner.close().await?;
    }
    Ok(db)
}

/// The schema owner's connection string: the admin URL when set (on
/// PostgreSQL the server's own role may neither change the schema nor see
/// more than one city at a time), else the server's.
fn owner_url(settings: &Settings) -> &str {
    settings
        .database
        .admin_url
        .as_ref()
        .unwrap_or(&settings.database.url)
        .expose_secret()
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let url = owner_url(settings);
    ensure_sqlite_folder(url)?;
    let admin = Db::connect(url, 1).await.context("connecting to run migrations")?;
    admin.migrate().await.context("running migrations")?;
    admin.close().await?;
    Ok(())
}

/// Recount the running donation totals, with the owner connection.
pub async fn recount_tallies(settings: &Settings) -> anyhow::Result<()> {
    let admin = Db::connect(owner_url(settings), 1)
        .await
        .context("connecting to recount the tallies")?;
    admin
        .recount_donation_tallies()
        .await
        .context("recounting the donation tallies")?;
    admin.close().await?;
    Ok(())
}

/// `sqlite://data/shanlian.db` needs `data/` to exist.
fn ensure_sqlite_folder(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or_default();
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
    }
    Ok(())
}

fn serve(
    listener: TcpListener,
    db: Db,
    keys: TokenKeys,
    schemas: Schemas,
    settings: &Settings,
) -> anyhow::Result<Server> {
    let state = web::Data::new(http::AppState {
        db: db.clone(),
        keys: keys.clone(),
        schemas,
        body_limit: settings.server.body_limit_bytes,
        graphiql: settings.graphiql(),
    });
    let proxies = web::Data::new(::web::client::TrustedProxies::new(
        settings.server.trusted_proxies.clone(),
    ));
    let site = web::Data::new(::web::Site {
        contact: settings.site.contact.clone(),
        icp_record: settings.site.icp_record.clone(),
    });
    let https = settings.server.public_url.starts_with("https://");
    let server = HttpServer::new(move || {
        let mut headers = DefaultHeaders::new()
            .add(("x-content-type-options", "nosniff"))
            .add(("referrer-policy", "same-origin"))
            .add(("x-frame-options", "DENY"));
        if https {
            headers = headers.add(("strict-transport-security", "max-age=31536000; includeSubDomains"));
        }
        App::new()
            .wrap(actix_web::middleware::from_fn(::web::errors_in_readers_language))
            .wrap(headers)
            .wrap(TracingLogger::<crate::telemetry::RequestSpans>::new())
            .app_data(proxies.clone())
            .app_data(state.clone())
            .app_data(web::Data::new(db.clone()))
            .app_data(web::Data::new(keys.clone()))
            .app_data(site.clone())
            .configure(http::routes)
            .configure(::web::routes)
    })
    .shutdown_timeout(settings.server.shutdown_timeout_secs)
    .listen(listener)?
    .run();
    Ok(server)
}
