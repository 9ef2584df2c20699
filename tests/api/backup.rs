//! Backup and restore as the deploy guide tells an operator to do it
//! (issue #10): on PostgreSQL `pg_dump --format=custom` and `pg_restore`
//! into a fresh database, on SQLite `VACUUM INTO`. The copy holds every row,
//! its audit chains verify, the application role still reads it through
//! row-level security, and a server started on it carries on where the
//! original stopped.

use std::path::Path;
use std::process::Command;

use api::cli::{AuditCommand, Cli, Command as CliCommand};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use secrecy::{ExposeSecret, SecretString};

use crate::donations::{money_gift, receipt_sequence, record};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_backup_restores_into_a_fresh_database_with_every_row_and_intact_audit_chains() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let before = record(&app, &staff, money_gift("88.00")).await;
    let receipt = before["donation"]["receiptNumber"].as_str().unwrap().to_owned();

    let backup = tempfile::tempdir().unwrap();
    let (app_url, owner_url) = if app.is_postgres() {
        dump_and_restore(&app, backup.path()).await
    } else {
        vacuum_into(&app, backup.path()).await
    };
    let copy = Database::connect(&owner_url).await.unwrap();

    let tables = table_names(&app.owner).await;
    assert!(tables.len() > 20, "{tables:?}");
    for table in &tables {
        assert_eq!(
            fingerprint(&copy, table).await,
            fingerprint(&app.owner, table).await,
            "{table} differs after the restore"
        );
    }

    // The chains verify, read as the application role through row-level
    // security, as `api audit verify` does.
    let mut settings = app.settings.clone();
    settings.database.url = SecretString::from(app_url.clone());
    settings.database.admin_url = Some(SecretString::from(owner_url.clone()));
    for tenant in ["platform", "guangxi", "nanning", "liuzhou", "guilin"] {
        let verify = Cli {
            command: Some(CliCommand::Audit {
                command: AuditCommand::Verify { tenant: tenant.into() },
            }),
        };
        api::cli::run(verify, settings.clone())
            .await
            .unwrap_or_else(|e| panic!("the audit chain of {tenant} after the restore: {e:#}"));
    }

    // A server on the copy carries on: the next gift takes the next number.
    let restored = spawn_app_with(&[
        ("SHANLIAN__DATABASE__URL", app_url),
        ("SHANLIAN__DATABASE__ADMIN_URL", owner_url),
    ])
    .await;
    let staff = restored.login("liuzhou.org_staff").await;
    let after = record(&restored, &staff, money_gift("66.00")).await;
    let next = after["donation"]["receiptNumber"].as_str().unwrap();
    assert_eq!(
        receipt_sequence(next),
        receipt_sequence(&receipt) + 1,
        "{receipt} then {next}"
    );
}

/// `pg_dump` of the test database as its owner, `pg_restore` into a new
/// database beside it; returns the copy's application and owner URLs.
async fn dump_and_restore(app: &TestApp, dir: &Path) -> (String, String) {
    let owner_url = app
        .settings
        .database
        .admin_url
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_owned();
    let file = dir.join("shanlian.dump");
    run(Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&file)
        .arg(&owner_url));
    let mut copy_owner = url::Url::parse(&owner_url).unwrap();
    let name = format!("{}_restored", copy_owner.path().trim_start_matches('/'));
    app.owner
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    copy_owner.set_path(&name);
    run(Command::new("pg_restore")
        .args(["--exit-on-error", "--dbname"])
        .arg(copy_owner.as_str())
        .arg(&file));
    let mut copy_app = url::Url::parse(&app.app_url).unwrap();
    copy_app.set_path(&name);
    (copy_app.to_string(), copy_owner.to_string())
}

/// SQLite's online backup into a new file; the same URL serves both roles.
async fn vacuum_into(app: &TestApp, dir: &Path) -> (String, String) {
    let file = dir.join("shanlian-backup.db");
    app.owner
        .execute_unprepared(&format!("VACUUM INTO '{}'", file.display()))
        .await
        .unwrap();
    let url = format!("sqlite://{}?mode=rw", file.display());
    (url.clone(), url)
}

fn run(command: &mut Command) {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn table_names(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

/// The row count and, on PostgreSQL, a hash of every row's text: equal
/// fingerprints mean equal contents.
async fn fingerprint(db: &DatabaseConnection, table: &str) -> (i64, String) {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            format!("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t")
        }
        _ => format!("SELECT count(*), '' FROM {table}"),
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap())
}
