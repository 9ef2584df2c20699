//! Row-level security on PostgreSQL holds even if the service layer were
//! bypassed: the application role, with no tenant set, sees nothing, and
//! cannot write another tenant's rows. (SQLite has no second wall; these
//! tests check the PostgreSQL deployment and are ignored elsewhere.)

use sea_orm::{ConnectionTrait, Database, DatabaseTransaction, DbBackend, Statement, TransactionTrait};

use crate::helpers::spawn_postgres_app;

const TENANT_TABLES: [&str; 4] = ["app_user", "organization", "audit_log", "audit_head"];

#[tokio::test]
#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set SHANLIAN_TEST_POSTGRES")]
async fn without_a_tenant_the_app_role_sees_no_rows() {
    let app = spawn_postgres_app().await;
    let conn = Database::connect(&app.app_url).await.unwrap();
    let whoami = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(
        !whoami.try_get_by_index::<bool>(0).unwrap(),
        "the app role is not a superuser"
    );
    assert!(
        !whoami.try_get_by_index::<bool>(1).unwrap(),
        "the app role does not bypass RLS"
    );
    for table in TENANT_TABLES {
        assert!(
            app.count(&format!("SELECT COUNT(*) FROM {table}")).await > 0,
            "the owner sees {table} rows"
        );
        let tx = conn.begin().await.unwrap();
        assert_eq!(count_in(&tx, table).await, 0, "{table} is invisible with no tenant set");
        tx.rollback().await.unwrap();
    }
}

#[tokio::test]
#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set SHANLIAN_TEST_POSTGRES")]
async fn one_tenant_cannot_write_or_read_another_tenants_rows() {
    let app = spawn_postgres_app().await;
    let conn = Database::connect(&app.app_url).await.unwrap();
    let tx = conn.begin().await.unwrap();
    set_tenant(&tx, "liuzhou").await;
    assert_eq!(
        count_in(&tx, "app_user").await,
        3,
        "only Liuzhou's three users are visible"
    );
    let insert = format!(
        "INSERT INTO organization (tenant_id, id, name, kind, created_at) VALUES ({}, gen_random_uuid(), 'x', 'foundation', now())",
        tenant("guilin")
    );
    let refused = tx.execute_unprepared(&insert).await;
    assert!(
        refused.is_err(),
        "inserting a Guilin row under Liuzhou's setting is refused"
    );
    tx.rollback().await.unwrap();

    // The audit trail is append-only for the app role.
    let tx = conn.begin().await.unwrap();
    set_tenant(&tx, "liuzhou").await;
    assert!(
        tx.execute_unprepared("DELETE FROM audit_log").await.is_err(),
        "no DELETE on audit_log"
    );
    tx.rollback().await.unwrap();
}

/// A city's id, as SQL.
fn tenant(slug: &str) -> String {
    format!("(SELECT id FROM tenant WHERE slug = '{slug}')")
}

/// Act for a city for the rest of the transaction, as the service does.
async fn set_tenant(tx: &DatabaseTransaction, slug: &str) {
    tx.execute_unprepared(&format!(
        "SELECT set_config('app.tenant_id', {}::text, true)",
        tenant(slug)
    ))
    .await
    .unwrap();
}

/// The rows of a table the transaction's role and tenant may see.
async fn count_in(tx: &DatabaseTransaction, table: &str) -> i64 {
    tx.query_one_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("SELECT COUNT(*) FROM {table}"),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}
