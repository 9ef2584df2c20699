//! PostgreSQL-only schema pieces: the non-owner application role and the
//! row-level-security wall on every tenant-owned table.

use sea_orm_migration::prelude::*;

/// The role the server connects as. It owns nothing and is not a superuser,
/// so row-level security applies to it. Created by the first migration when
/// missing; production sets its password out of band.
pub const APP_ROLE: &str = "shanlian_app";

/// The predicate every tenant-owned row must satisfy. An unset or empty
/// `app.tenant_id` yields NULL, so a connection with no tenant sees nothing.
const TENANT_PREDICATE: &str = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid";

pub(crate) fn is_postgres(manager: &SchemaManager) -> bool {
    manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres
}

/// Create the application role if missing and give it data access (not DDL)
/// to everything this migrator creates from now on.
pub(crate) async fn create_app_role(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    if !is_postgres(manager) {
        return Ok(());
    }
    // Roles are cluster-wide: several test databases may migrate at the same
    // moment, so a concurrent creation is expected and harmless.
    let sql = format!(
        r#"
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        GRANT USAGE ON SCHEMA public TO {APP_ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
        "#
    );
    manager.get_connection().execute_unprepared(&sql).await?;
    Ok(())
}

/// Turn on row-level security for a tenant-owned table, forced so that the
/// owner too sees only the tenant it names. A data migration that reads or
/// writes across cities therefore names them one by one with `SET LOCAL
/// app.tenant_id` (as `rebuild_donation_tally` does): otherwise it sees
/// no rows, and says nothing.
pub(crate) async fn enable_tenant_rls(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if !is_postgres(manager) {
        return Ok(());
    }
    let sql = format!(
        r#"
        ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON {table}
            USING ({TENANT_PREDICATE}) WITH CHECK ({TENANT_PREDICATE});
        "#
    );
    manager.get_connection().execute_unprepared(&sql).await?;
    Ok(())
}

/// A foreign key within the tenant, `(tenant_id, column)` to the target's
/// `(tenant_id, id)`, added to an existing table. PostgreSQL only: SQLite
/// cannot add a constraint to a table it has, so there the service's own
/// check is the only one.
pub(crate) async fn add_tenant_foreign_key(
    manager: &SchemaManager<'_>,
    table: &str,
    column: &str,
    target: &str,
) -> Result<(), DbErr> {
    if !is_postgres(manager) {
        return Ok(());
    }
    let sql = format!(
        "ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{column}
             FOREIGN KEY (tenant_id, {column}) REFERENCES {target} (tenant_id, id)"
    );
    manager.get_connection().execute_unprepared(&sql).await?;
    Ok(())
}
