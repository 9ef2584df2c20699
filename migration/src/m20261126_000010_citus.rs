//! On a database with the `citus` extension, distribute the tenant-owned
//! tables by `tenant_id` and make the shared ones reference tables (see
//! [`crate::citus`]). On plain PostgreSQL and on SQLite it does nothing, so
//! the same migrations serve a single server and a cluster; a database that
//! gains Citus later is laid out by running [`crate::citus::plan`]'s
//! statements by hand (the deploy guide shows how).

use sea_orm_migration::prelude::*;

use crate::citus;
use crate::postgres::is_postgres;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        if !is_postgres(manager) || !citus::is_installed(conn).await? {
            return Ok(());
        }
        for statement in citus::plan(conn).await?.statements() {
            conn.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Gathering a cluster back onto one node (`undistribute_table`) is
        // an operator's decision with its own downtime, not a rollback step.
        Ok(())
    }
}
