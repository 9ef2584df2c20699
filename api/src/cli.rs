//! The command line: serve (the default), run migrations, seed, verify the
//! audit chain, print the schema.

use anyhow::Context;
use clap::{Parser, Subcommand};
use service::{Actor, RequestMeta};

use crate::config::{DatabaseSettings, Settings};
use crate::startup::{self, Application};

#[derive(Parser)]
#[command(name = "api", about = "善联 Shanlian: civil-affairs charity platform server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit (a one-shot job in production).
    Migrate,
    /// Insert the demo tenants and users where missing, and exit.
    Seed,
    /// Deliver the email outbox, without serving HTTP (several may run).
    /// SIGTERM lets the email being sent finish, then stops.
    Worker,
    /// Run the daily supervision check of every city once and exit.
    Supervise {
        /// The date to check as of (default: today), like 2026-06-01.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Create the platform's first administrator on a new deployment (one
    /// without the demo) and exit; does nothing if there is one already.
    /// The administrator then opens the region and the cities.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "平台管理员")]
        display_name: String,
        /// Better given in the environment (or, when neither is given, as
        /// one line on standard input) than on the command line, where other
        /// users of the machine can see it.
        #[arg(long, env = "SHANLIAN_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Recount the dashboards' running donation totals from the ledger, as
    /// the owner, and exit: after gifts were loaded in bulk outside the
    /// server (a restore from another system, the benchmark's COPY).
    RecountTallies,
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk a tenant's hash chain and report the first broken record.
    Verify {
        #[arg(long)]
        tenant: String,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            app.run().await?;
        }
        Command::Migrate => {
            startup::migrate(&settings).await?;
            println!("migrations applied");
        }
        Command::Seed => {
            let settings = Settings {
                database: DatabaseSettings {
                    seed_demo: Some(true),
                    ..settings.database
                },
                ..settings
            };
            startup::prepare_database(&settings).await?;
            println!("demo data present");
        }
        Command::CreateAdmin {
            username,
            email,
            display_name,
            password,
        } => {
            let password = match password {
                Some(password) => password,
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("reading the password from standard input")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let db = startup::prepare_database(&without_demo(settings)).await?;
            let admin = service::users::NewUser {
                username,
                display_name,
                email,
                password: password.into(),
                role: service::Role::PlatformAdmin,
                organization_id: None,
                language: None,
            };
            match service::bootstrap::first_admin(&db, admin).await {
                Ok(service::bootstrap::FirstAdmin::Created { username }) => {
                    println!("platform administrator {username} created: sign in to the tenant \"platform\"");
                }
                Ok(service::bootstrap::FirstAdmin::AlreadyThere { username }) => {
                    println!("the platform already has an administrator ({username}): nothing changed");
                }
                Err(e @ (service::Error::Validation { .. } | service::Error::Conflict { .. })) => anyhow::bail!("{e}"),
                Err(e) => anyhow::bail!("creating the administrator failed: {e:?}"),
            }
        }
        Command::RecountTallies => {
            startup::recount_tallies(&settings).await?;
            println!("donation tallies recounted");
        }
        Command::Worker => {
            let db = startup::prepare_database(&without_start_up_writes(settings.clone())).await?;
            let poll = std::time::Duration::from_millis(settings.mail.poll_interval_ms);
            let stop = tokio_util::sync::CancellationToken::new();
            let on_signal = stop.clone();
            tokio::spawn(async move {
                startup::shutdown_signal().await;
                on_signal.cancel();
            });
            startup::outbox_worker(&settings, db)?.run(poll, stop).await;
        }
        Command::Supervise { as_of } => {
            let db = startup::prepare_database(&without_start_up_writes(settings)).await?;
            let as_of = as_of.unwrap_or_else(service::clock::today);
            service::organizations::supervision::daily_check_all(&db, as_of)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
        Command::Audit {
            command: AuditCommand::Verify { tenant },
        } => {
            let db = startup::prepare_database(&without_start_up_writes(settings)).await?;
            let t = service::tenants::find_by_slug(&db, &tenant)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let ctx = service::tenants::context_for(&t, Actor::System, RequestMeta::default());
            let report = service::audit::verify(&db, &ctx)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&report).context("printing the report")?
            );
            if let Some(broken) = report.first_broken {
                anyhow::bail!(
                    "audit chain of {tenant} is broken at record {}: {}",
                    broken.seq,
                    broken.reason
                );
            }
        }
        Command::Schema => println!("{}", crate::graphql::sdl()),
    }
    Ok(())
}

/// Migrations as configured, but never the demo.
fn without_demo(settings: Settings) -> Settings {
    Settings {
        database: DatabaseSettings {
            seed_demo: Some(false),
            ..settings.database
        },
        ..settings
    }
}

/// Tools that only read or deliver neither migrate nor seed.
fn without_start_up_writes(settings: Settings) -> Settings {
    Settings {
        database: DatabaseSettings {
            seed_demo: Some(false),
            migrate_on_start: false,
            ..settings.database
        },
        ..settings
    }
}
