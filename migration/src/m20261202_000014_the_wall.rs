//! The database wall made firm, and failed attempts counted where every
//! server sees them:
//!
//! - `FORCE ROW LEVEL SECURITY` on every tenant-owned table, so not even
//!   the tables' owner reads across cities without naming one (only a
//!   superuser or a role with `BYPASSRLS` does, as backups need);
//! - the application role may add a tenant (the platform admin opens
//!   cities) but no longer change or remove one;
//! - `attempt_counter`: failed sign-ins, password checks and receipt-code
//!   guesses per account and per client address (see `service::throttle`).
//!   Not tenant-owned: an address guesses across cities.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

use crate::postgres::{APP_ROLE, is_postgres};
use crate::shapes::{drop_tables, integer, string, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("attempt_counter"))
                    .col(string(C::Kind, 24))
                    .col(string(C::Key, 200))
                    .col(integer(C::Failures))
                    .col(timestamp(C::LastFailureAt))
                    .primary_key(Index::create().col(C::Kind).col(C::Key))
                    .to_owned(),
            )
            .await?;
        if !is_postgres(manager) {
            return Ok(());
        }
        let conn = manager.get_connection();
        set_row_security_on_tenant_tables(conn, "FORCE").await?;
        conn.execute_unprepared(&format!("REVOKE UPDATE, DELETE, TRUNCATE ON tenant FROM {APP_ROLE}"))
            .await?;
        if crate::citus::is_installed(conn).await? {
            conn.execute_unprepared("SELECT create_reference_table('attempt_counter')")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if is_postgres(manager) {
            let conn = manager.get_connection();
            set_row_security_on_tenant_tables(conn, "NO FORCE").await?;
            conn.execute_unprepared(&format!("GRANT UPDATE, DELETE ON tenant TO {APP_ROLE}"))
                .await?;
        }
        drop_tables(manager, &["attempt_counter"]).await
    }
}

/// `ALTER TABLE … {how} ROW LEVEL SECURITY` on every tenant-owned table:
/// `FORCE` to hold the owner to the policy too, `NO FORCE` to undo it.
async fn set_row_security_on_tenant_tables<C: ConnectionTrait>(conn: &C, how: &str) -> Result<(), DbErr> {
    for table in tenant_tables(conn).await? {
        conn.execute_unprepared(&format!("ALTER TABLE {table} {how} ROW LEVEL SECURITY"))
            .await?;
    }
    Ok(())
}

/// The public schema's tables with a `tenant_id` column.
pub(crate) async fn tenant_tables<C: ConnectionTrait>(conn: &C) -> Result<Vec<String>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            r#"
            SELECT c.relname::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a
                          WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            ORDER BY 1
            "#,
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index(0)).collect()
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    Kind,
    Key,
    Failures,
    LastFailureAt,
}
