//! Scale-out on Citus. Every tenant-owned table (one with a `tenant_id`
//! column) is distributed by `tenant_id`, all of them co-located, so that a
//! city's rows of every table live on the same node and each transaction of
//! the server (always one city, see `service::db`) is routed to that node
//! whole. Tables without a tenant, like `tenant` itself, become reference
//! tables, copied to every node.
//!
//! What makes this possible is checked by a test on the live catalogue
//! (`tests/api/distributable.rs`): every primary key, unique key and foreign
//! key of a tenant-owned table leads with `tenant_id`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

/// Tables that belong to the migrator, not to the application.
const NOT_DISTRIBUTED: [&str; 1] = ["seaql_migrations"];

/// How the schema is laid out on Citus, read from the catalogue.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Tables with no tenant: copied to every node.
    pub reference: Vec<String>,
    /// Tenant-owned tables, distributed by `tenant_id`; a table comes after
    /// every tenant-owned table its foreign keys point at, which Citus
    /// requires.
    pub distributed: Vec<String>,
}

impl Distribution {
    /// The Citus calls that lay the schema out, in order.
    pub fn statements(&self) -> Vec<String> {
        let reference = self
            .reference
            .iter()
            .map(|table| format!("SELECT create_reference_table('{table}')"));
        let colocate = self.distributed.first().cloned().unwrap_or_default();
        let distributed = self.distributed.iter().enumerate().map(|(i, table)| {
            if i == 0 {
                format!("SELECT create_distributed_table('{table}', 'tenant_id')")
            } else {
                format!("SELECT create_distributed_table('{table}', 'tenant_id', colocate_with => '{colocate}')")
            }
        });
        reference.chain(distributed).collect()
    }
}

/// True when the `citus` extension is installed in this database.
pub async fn is_installed<C: ConnectionTrait>(conn: &C) -> Result<bool, DbErr> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT count(*) FROM pg_extension WHERE extname = 'citus'",
        ))
        .await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0) > 0)
}

/// A tenant-owned table created after the schema was laid out: on Citus,
/// distributed by `tenant_id` beside the others (co-located with
/// `organization`); elsewhere nothing.
pub async fn distribute_new_table(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    if !crate::postgres::is_postgres(manager) || !is_installed(conn).await? {
        return Ok(());
    }
    conn.execute_unprepared(&format!(
        "SELECT create_distributed_table('{table}', 'tenant_id', colocate_with => 'organization')"
    ))
    .await?;
    Ok(())
}

/// Read the layout off PostgreSQL's catalogue (the public schema).
pub async fn plan<C: ConnectionTrait>(conn: &C) -> Result<Distribution, DbErr> {
    let backend = conn.get_database_backend();
    let tables = conn
        .query_all_raw(Statement::from_string(
            backend,
            r#"
            SELECT c.relname::text,
                   EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            ORDER BY c.relname
            "#,
        ))
        .await?;
    // (child, parent) for foreign keys between two different tables.
    let references = conn
        .query_all_raw(Statement::from_string(
            backend,
            r#"
            SELECT child.relname::text, parent.relname::text
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid
            JOIN pg_class parent ON parent.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE k.contype = 'f' AND n.nspname = 'public' AND k.conrelid <> k.confrelid
            "#,
        ))
        .await?;
    let mut references: Vec<(String, String)> = references
        .iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect::<Result<_, DbErr>>()?;
    let mut distribution = Distribution::default();
    let mut pending = Vec::new();
    for row in tables {
        let table: String = row.try_get_by_index(0)?;
        let tenant_owned: bool = row.try_get_by_index(1)?;
        if NOT_DISTRIBUTED.contains(&table.as_str()) {
            continue;
        }
        if tenant_owned {
            pending.push(table);
        } else {
            distribution.reference.push(table);
        }
    }
    references.retain(|(child, parent)| pending.contains(child) && pending.contains(parent));
    // Parents first: take, in name order, each table whose tenant-owned
    // parents are all placed. A cycle of foreign keys would never be placed
    // and is reported rather than looped on.
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|table| {
                references
                    .iter()
                    .all(|(child, parent)| child != table || distribution.distributed.contains(parent))
            })
            .ok_or_else(|| {
                DbErr::Migration(format!(
                    "these tables' foreign keys form a cycle, which Citus cannot distribute: {}",
                    pending.join(", ")
                ))
            })?;
        distribution.distributed.push(pending.remove(ready));
    }
    Ok(distribution)
}
