//! The schema stays distributable by city (issue #10): on Citus a table is
//! split by `tenant_id`, which works only if every primary key, unique key
//! and foreign key of a tenant-owned table leads with `tenant_id`, and the
//! wall between cities needs row-level security on each of them. These
//! tests read the live catalogue of a migrated database, so a new table or
//! key that breaks the rule fails here, not in production.

use migration::citus;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::helpers::{spawn_app, spawn_postgres_app};

#[tokio::test]
async fn every_tenant_owned_table_leads_its_keys_with_tenant_id_and_has_row_level_security() {
    let app = spawn_app().await;
    let tables = tenant_owned_tables(&app.owner).await;
    for expected in [
        "organization",
        "donation",
        "allocation",
        "audit_log",
        "email_outbox",
        "relief_case",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "{expected} is not seen as tenant-owned: {tables:?}"
        );
    }
    let found = problems(&app.owner, &tables).await;
    assert!(
        found.is_empty(),
        "the schema is not distributable by tenant:\n{}",
        found.join("\n")
    );

    // The check itself: a table whose key does not lead with tenant_id, and
    // (on PostgreSQL) with no row-level security, is reported on both counts.
    app.owner
        .execute_unprepared(
            "CREATE TABLE careless (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (id, tenant_id));
             CREATE TABLE careless_child (tenant_id uuid NOT NULL, careless_id uuid NOT NULL,
                 FOREIGN KEY (careless_id, tenant_id) REFERENCES careless (id, tenant_id))",
        )
        .await
        .unwrap();
    let tables = tenant_owned_tables(&app.owner).await;
    let found = problems(&app.owner, &tables).await;
    let about = |table: &str| found.iter().filter(|p| p.starts_with(&format!("{table}:"))).count();
    assert!(about("careless") >= 1, "{found:?}");
    assert!(about("careless_child") >= 1, "{found:?}");
    if app.is_postgres() {
        assert!(
            found.iter().any(|p| p == "careless: no row-level security policy"),
            "{found:?}"
        );
    }
}

#[tokio::test]
#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set SHANLIAN_TEST_POSTGRES")]
async fn the_citus_layout_places_every_table_and_parents_before_children() {
    // Citus is PostgreSQL; SQLite has no layout to plan.
    let app = spawn_postgres_app().await;
    let plan = citus::plan(&app.owner).await.unwrap();
    let tenant_owned = tenant_owned_tables(&app.owner).await;
    let mut distributed = plan.distributed.clone();
    distributed.sort();
    assert_eq!(
        distributed, tenant_owned,
        "every tenant-owned table is distributed, once"
    );
    assert_eq!(
        plan.reference,
        ["attempt_counter", "tenant"],
        "the shared tables are copied to every node"
    );

    // Citus distributes a table only after the tables its keys point at.
    let position = |t: &str| plan.distributed.iter().position(|d| d == t).unwrap();
    for (child, parent) in foreign_keys(&app.owner).await {
        if child != parent && plan.distributed.contains(&parent) {
            assert!(
                position(&parent) < position(&child),
                "{parent} must come before {child}"
            );
        }
    }
    let statements = plan.statements();
    assert_eq!(
        statements[..2],
        [
            "SELECT create_reference_table('attempt_counter')",
            "SELECT create_reference_table('tenant')"
        ]
    );
    let colocated = statements.iter().filter(|s| s.contains("colocate_with")).count();
    assert_eq!(colocated, plan.distributed.len() - 1, "all co-located with the first");
    // Without the extension the migration left the tables alone.
    assert!(!citus::is_installed(&app.owner).await.unwrap());
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<Vec<Option<String>>> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| {
            (0..)
                .map_while(|i| row.try_get_by_index::<Option<String>>(i).ok())
                .collect()
        })
        .collect()
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// The tables with a `tenant_id` column, by name.
async fn tenant_owned_tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        }
        _ => {
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND c.name = 'tenant_id' ORDER BY 1"
        }
    };
    rows(db, sql).await.iter().map(|r| text(&r[0])).collect()
}

/// (child, parent) of every foreign key.
async fn foreign_keys(db: &DatabaseConnection) -> Vec<(String, String)> {
    let sql = "SELECT child.relname::text, parent.relname::text FROM pg_constraint k
               JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
               WHERE k.contype = 'f'";
    rows(db, sql).await.iter().map(|r| (text(&r[0]), text(&r[1]))).collect()
}

/// What keeps the schema from being distributed by tenant, one line each,
/// starting with the table's name.
async fn problems(db: &DatabaseConnection, tenant_owned: &[String]) -> Vec<String> {
    let owned = |t: &str| tenant_owned.iter().any(|o| o == t);
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let mut problems = Vec::new();

    // table, index, first column (NULL for an expression).
    let unique_sql = if postgres {
        "SELECT c.relname::text, i.relname::text, a.attname::text FROM pg_index x
         JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0]
         WHERE x.indisunique AND n.nspname = 'public'"
    } else {
        "SELECT m.name, l.name, (SELECT i.name FROM pragma_index_info(l.name) i WHERE i.seqno = 0)
         FROM sqlite_master m, pragma_index_list(m.name) l WHERE m.type = 'table' AND l.\"unique\" = 1"
    };
    for row in rows(db, unique_sql).await {
        let (table, index, first) = (text(&row[0]), text(&row[1]), text(&row[2]));
        if owned(&table) && first != "tenant_id" {
            problems.push(format!(
                "{table}: unique key {index} leads with {first:?}, not tenant_id"
            ));
        }
    }

    // table, constraint, first column, parent table, parent's first column.
    let foreign_sql = if postgres {
        "SELECT child.relname::text, k.conname::text, ca.attname::text, parent.relname::text, pa.attname::text
         FROM pg_constraint k
         JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = child.relnamespace
         JOIN pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = k.conkey[1]
         JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
         WHERE k.contype = 'f' AND n.nspname = 'public'"
    } else {
        "SELECT m.name, CAST(f.id AS TEXT), f.\"from\", f.\"table\", f.\"to\"
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.seq = 0"
    };
    for row in rows(db, foreign_sql).await {
        let (table, key, first, parent, parent_first) = (
            text(&row[0]),
            text(&row[1]),
            text(&row[2]),
            text(&row[3]),
            text(&row[4]),
        );
        if owned(&table) && first != "tenant_id" {
            problems.push(format!(
                "{table}: foreign key {key} to {parent} leads with {first:?}, not tenant_id"
            ));
        }
        if owned(&parent) && parent_first != "tenant_id" {
            problems.push(format!(
                "{table}: foreign key {key} points at {parent} by {parent_first:?}, not by tenant_id first"
            ));
        }
        if !owned(&table) && owned(&parent) {
            problems.push(format!("{table}: a shared table points at the tenant-owned {parent}"));
        }
    }

    if postgres {
        let rls_sql = "SELECT c.relname::text, c.relrowsecurity::text,
                              (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::text
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')";
        for row in rows(db, rls_sql).await {
            let (table, enabled, policies) = (text(&row[0]), text(&row[1]), text(&row[2]));
            if owned(&table) && (enabled != "true" || policies == "0") {
                problems.push(format!("{table}: no row-level security policy"));
            }
        }
    }
    problems.sort();
    problems
}
