//! The database handle. It hands out transactions bound to a tenant: on
//! PostgreSQL each one starts by setting the transaction-local
//! `app.tenant_id` that the row-level-security policies read, so a pooled
//! connection never carries one tenant's setting to the next request.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use uuid::Uuid;

use serde::Serialize;

use crate::audit::{self, AuditEvent};
use crate::context::TenantContext;
use crate::error::Result;
use crate::idempotency::{self, Claim, ClaimedKey};
use crate::outbox::{self, Email};
use crate::tenants::TenantCache;
use crate::throttle::Bursts;

#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    /// Where people reach this deployment, for links in emails. From
    /// configuration, never from a request's Host header (which a caller
    /// could point at a phishing site).
    public_url: String,
    tenants: Arc<TenantCache>,
    /// Guesses from one address, per process (see [`crate::throttle`]).
    bursts: Arc<Bursts>,
}

/// How the pool behaves when the database is slow or gone.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a request waits for a connection (the pool is busy, or the
    /// database is down and every connection attempt fails) before it gets
    /// an `Unavailable` error instead of hanging.
    pub acquire_timeout: Duration,
    /// PostgreSQL aborts any statement that runs longer (none if `None`).
    pub statement_timeout: Option<Duration>,
}

impl PoolSettings {
    pub fn with_max_connections(max_connections: u32) -> Self {
        Self {
            max_connections,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: None,
        }
    }
}

impl Db {
    /// Connect a pool with default timeouts.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbErr> {
        Self::connect_with(url, PoolSettings::with_max_connections(max_connections)).await
    }

    /// Connect a pool. SQLite files are opened in WAL mode with a busy
    /// timeout so readers never block the single writer.
    ///
    /// A pooled connection is pinged before reuse only once it has been idle
    /// for a few seconds: pinging on every checkout cost a round trip per
    /// request (issue #9), and a connection that broke while busy (the
    /// database restarted) fails its request with `Unavailable` and is
    /// dropped, so the next one gets a fresh connection.
    pub async fn connect_with(url: &str, pool: PoolSettings) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            .connect_timeout(pool.acquire_timeout)
            .test_before_acquire_if_idle_for(Duration::from_secs(5))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
            });
        if let Some(timeout) = pool.statement_timeout {
            options.statement_timeout(timeout);
        }
        Ok(Self {
            conn: Database::connect(options).await?,
            public_url: "http://127.0.0.1:8080".into(),
            tenants: Arc::default(),
            bursts: Arc::default(),
        })
    }

    /// Set the public base URL used in email links.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = url.trim_end_matches('/').to_owned();
        self
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub(crate) fn tenant_cache(&self) -> &TenantCache {
        &self.tenants
    }

    pub(crate) fn bursts(&self) -> &Bursts {
        &self.bursts
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// The raw pool, for the tenant registry (not tenant-owned) and for
    /// health checks. Tenant-owned tables are reached only through
    /// [`Db::read`] and [`Db::write`].
    pub(crate) fn pool(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Apply every pending migration. Run with the owner connection: on
    /// PostgreSQL the application role may not change the schema.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        use migration::MigratorTrait;
        migration::Migrator::up(&self.conn, None).await
    }

    /// Recount the dashboards' running totals from the donation ledger, in
    /// one transaction (see `migration::rebuild_donation_tally`). Run with
    /// the owner connection, which sees every tenant.
    pub async fn recount_donation_tallies(&self) -> Result<(), DbErr> {
        let tx = self.conn.begin().await?;
        migration::rebuild_donation_tally(&tx).await?;
        tx.commit().await
    }

    /// What is wrong with the role this pool connects as, for serving: on
    /// PostgreSQL a superuser, a role with `BYPASSRLS` or the owner of a
    /// tenant-owned table is not held by row-level security, so one city's
    /// request could read another's. Empty when the wall stands (and on
    /// SQLite, which has no roles).
    pub async fn role_problems(&self) -> Result<Vec<String>, DbErr> {
        if self.backend() != DatabaseBackend::Postgres {
            return Ok(Vec::new());
        }
        let role = self
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT current_user::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
            ))
            .await?;
        let mut problems = Vec::new();
        if let Some(row) = role {
            let name: String = row.try_get_by_index(0)?;
            if row.try_get_by_index::<bool>(1)? {
                problems.push(format!("{name} is a superuser"));
            }
            if row.try_get_by_index::<bool>(2)? {
                problems.push(format!("{name} has BYPASSRLS"));
            }
        }
        let owned = self
            .conn
            .query_all_raw(sea_orm::Statement::from_string(
                DatabaseBackend::Postgres,
                r#"
                SELECT c.relname::text
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                  AND pg_get_userbyid(c.relowner) = current_user
                  AND EXISTS (SELECT 1 FROM pg_attribute a
                              WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                ORDER BY 1
                "#,
            ))
            .await?;
        if !owned.is_empty() {
            let tables: Vec<String> = owned.iter().map(|r| r.try_get_by_index(0)).collect::<Result<_, _>>()?;
            problems.push(format!("it owns the tables {}", tables.join(", ")));
        }
        Ok(problems)
    }

    /// A round trip to the database, for `/readyz`.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.conn.close().await
    }

    /// A read transaction scoped to the context's tenant.
    pub async fn read(&self, ctx: &TenantContext) -> Result<DatabaseTransaction> {
        self.begin_for(ctx.tenant_id, false).await
    }

    /// A write transaction scoped to the context's tenant. It can only be
    /// committed together with the audit record of the change (see
    /// [`WriteTx::commit`]).
    pub async fn write<'c>(&self, ctx: &'c TenantContext) -> Result<WriteTx<'c>> {
        let tx = self.begin_for(ctx.tenant_id, true).await?;
        Ok(WriteTx {
            tx,
            ctx,
            claimed_key: None,
        })
    }

    /// A write transaction bound to one tenant for bookkeeping that is no
    /// business event of its own and so has no audit record: the outbox
    /// worker's leases and delivery outcomes. Business changes go through
    /// [`Db::write`].
    pub(crate) async fn write_bookkeeping(&self, tenant_id: Uuid) -> Result<DatabaseTransaction> {
        self.begin_for(tenant_id, true).await
    }

    /// Begin a transaction and bind it to `tenant_id`. Writes on SQLite take
    /// the write lock up front (`BEGIN IMMEDIATE`): SQLite ignores
    /// `FOR UPDATE`, and a deferred transaction that reads then writes fails
    /// with SQLITE_BUSY under concurrency.
    async fn begin_for(&self, tenant_id: Uuid, write: bool) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: write.then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let tx = self.conn.begin_with_options(options).await?;
        bind_tenant(&tx, tenant_id).await?;
        Ok(tx)
    }
}

/// Point the transaction's row-level-security setting at another tenant.
/// Used when one business event spans two tenants' rows (creating a tenant
/// and its first official).
///
/// It is `SET LOCAL`, not `set_config()`: on Citus only `SET LOCAL` reaches
/// the worker nodes that evaluate the policies (with
/// `citus.propagate_set_commands = 'local'`, see the deploy guide). A `SET`
/// takes no parameters; the value is a formatted UUID, which holds only hex
/// digits and dashes.
pub(crate) async fn bind_tenant(tx: &DatabaseTransaction, tenant_id: Uuid) -> Result<(), DbErr> {
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        tx.execute_unprepared(&format!("SET LOCAL app.tenant_id = '{}'", tenant_id.hyphenated()))
            .await?;
    }
    Ok(())
}

/// One business event: a write transaction that can only be committed with
/// its audit record, so no mutation can forget one, and that carries the
/// event's outbox rows and idempotency key. Dropping it uncommitted rolls
/// everything back.
pub struct WriteTx<'c> {
    tx: DatabaseTransaction,
    ctx: &'c TenantContext,
    claimed_key: Option<ClaimedKey>,
}

impl WriteTx<'_> {
    /// The connection to run this transaction's statements on.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Claim the request's idempotency key, if it has one. `Some(id)` means
    /// the same request already succeeded and created `id`: the caller
    /// returns that and drops this transaction, writing nothing.
    pub async fn idempotent(
        &mut self,
        key: Option<&str>,
        operation: &'static str,
        input: &impl Serialize,
    ) -> Result<Option<String>> {
        let Some(key) = key else { return Ok(None) };
        match idempotency::claim(&self.tx, self.ctx, key, operation, input).await? {
            Claim::Replay(id) => Ok(Some(id)),
            Claim::Fresh(claimed) => {
                self.claimed_key = Some(claimed);
                Ok(None)
            }
        }
    }

    /// [`WriteTx::idempotent`] for a request that creates one row: the id
    /// the earlier request created, if this one repeats it.
    pub async fn replayed(
        &mut self,
        key: Option<&str>,
        operation: &'static str,
        input: &impl Serialize,
    ) -> Result<Option<Uuid>> {
        match self.idempotent(key, operation, input).await? {
            // Written by us, so an unreadable one is internal.
            Some(id) => Uuid::parse_str(&id).map(Some).map_err(crate::error::Error::internal),
            None => Ok(None),
        }
    }

    /// Queue an email; it leaves only if this transaction commits.
    pub async fn send_email<C: Serialize>(&self, email: Email<C>) -> Result<()> {
        outbox::enqueue(&self.tx, self.ctx, email).await.map(drop)
    }

    /// Append the audit record for this business event, complete the
    /// idempotency key with the entity it names, and commit.
    pub async fn commit(self, event: AuditEvent) -> Result<()> {
        if let Some(claimed) = self.claimed_key {
            idempotency::complete(&self.tx, claimed, &event.entity_id).await?;
        }
        audit::append(&self.tx, self.ctx, event).await?;
        self.tx.commit().await?;
        Ok(())
    }
}
