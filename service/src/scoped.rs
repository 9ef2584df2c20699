//! Tenancy by construction. Every table a city owns carries `tenant_id`;
//! service code reaches those tables only through [`TenantOwned::scoped`]
//! (selects), [`TenantOwned::scoped_update`] and [`TenantOwned::scoped_delete`],
//! which add the tenant filter themselves, and [`OwnedById`] for one row by
//! its id. On PostgreSQL row-level security stands behind this as a second
//! wall; on SQLite (the default) this is the only one, so a test below reads
//! the service's source and fails on a query that bypasses it.
//!
//! A query that must see across tenants (the outbox worker's claim, the
//! owner's recount) says so with a `// unscoped: <why>` comment on the line
//! or the line before.

use entity::tenant;
use sea_orm::sea_query::IntoCondition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DeleteMany, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
    Select, UpdateMany,
};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::error::{Error, Result};

/// Whatever names one tenant: the caller's context, a city being rolled
/// up, or an id a helper was handed.
pub(crate) trait TenantKey {
    fn tenant_id(&self) -> Uuid;
}

impl TenantKey for &TenantContext {
    fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }
}

impl TenantKey for &tenant::Model {
    fn tenant_id(&self) -> Uuid {
        self.id
    }
}

impl TenantKey for Uuid {
    fn tenant_id(&self) -> Uuid {
        *self
    }
}

/// An entity whose rows belong to one tenant.
pub(crate) trait TenantOwned: EntityTrait {
    fn tenant_column() -> Self::Column;

    /// The tenant's rows only.
    fn owned_by(tenant: impl TenantKey) -> sea_orm::Condition {
        Self::tenant_column().eq(tenant.tenant_id()).into_condition()
    }

    /// `SELECT … WHERE tenant_id = $tenant`.
    fn scoped(tenant: impl TenantKey) -> Select<Self> {
        Self::find().filter(Self::owned_by(tenant))
    }

    /// `UPDATE … WHERE tenant_id = $tenant`.
    fn scoped_update(tenant: impl TenantKey) -> UpdateMany<Self> {
        Self::update_many().filter(Self::owned_by(tenant))
    }

    /// `DELETE … WHERE tenant_id = $tenant`.
    fn scoped_delete(tenant: impl TenantKey) -> DeleteMany<Self> {
        Self::delete_many().filter(Self::owned_by(tenant))
    }

    /// Write back every column of a row read through the scoped API. Its
    /// primary key holds its tenant, so the row cannot land in another city.
    async fn save_owned<C: ConnectionTrait>(conn: &C, row: Self::Model) -> Result<Self::Model>
    where
        Self::ActiveModel: From<Self::Model> + Send,
        Self::Model: IntoActiveModel<Self::ActiveModel>,
    {
        Ok(Self::update(Self::ActiveModel::from(row).reset_all())
            .exec(conn)
            .await?)
    }
}

/// A tenant-owned entity whose rows have an `id` of their own, named in a
/// NOT_FOUND error as [`OwnedById::NAME`].
pub(crate) trait OwnedById: TenantOwned {
    const NAME: &'static str;
    fn id_column() -> Self::Column;

    /// The tenant's row with this id, if any.
    async fn find_owned_opt<C: ConnectionTrait>(
        conn: &C,
        tenant: impl TenantKey,
        id: Uuid,
    ) -> Result<Option<Self::Model>> {
        Ok(Self::scoped(tenant).filter(Self::id_column().eq(id)).one(conn).await?)
    }

    /// The tenant's row with this id, or NOT_FOUND.
    async fn find_owned<C: ConnectionTrait>(conn: &C, tenant: impl TenantKey, id: Uuid) -> Result<Self::Model> {
        Self::find_owned_opt(conn, tenant, id)
            .await?
            .ok_or(Error::NotFound(Self::NAME))
    }

    /// The tenant's row with this id, if any, locked for the rest of the
    /// transaction (`FOR UPDATE` on PostgreSQL; a SQLite write transaction
    /// already holds the database's write lock).
    async fn lock_owned_opt<C: ConnectionTrait>(
        conn: &C,
        tenant: impl TenantKey,
        id: Uuid,
    ) -> Result<Option<Self::Model>> {
        Ok(Self::scoped(tenant)
            .filter(Self::id_column().eq(id))
            .lock_exclusive()
            .one(conn)
            .await?)
    }

    /// The tenant's row with this id, locked, or NOT_FOUND.
    async fn lock_owned<C: ConnectionTrait>(conn: &C, tenant: impl TenantKey, id: Uuid) -> Result<Self::Model> {
        Self::lock_owned_opt(conn, tenant, id)
            .await?
            .ok_or(Error::NotFound(Self::NAME))
    }
}

/// Declares which entities are tenant-owned: implements the traits above
/// and lists the modules for the source check.
macro_rules! tenant_owned {
    (
        by id: $($module:ident => $name:literal),* $(,)?;
        by other keys: $($other:ident),* $(,)?
    ) => {
        $(
            impl TenantOwned for entity::$module::Entity {
                fn tenant_column() -> Self::Column {
                    entity::$module::Column::TenantId
                }
            }
            impl OwnedById for entity::$module::Entity {
                const NAME: &'static str = $name;
                fn id_column() -> Self::Column {
                    entity::$module::Column::Id
                }
            }
        )*
        $(
            impl TenantOwned for entity::$other::Entity {
                fn tenant_column() -> Self::Column {
                    entity::$other::Column::TenantId
                }
            }
        )*
        /// Every tenant-owned entity module, for the source check.
        #[cfg(test)]
        const TENANT_OWNED: &[&str] = &[$(stringify!($module),)* $(stringify!($other),)*];
    };
}

tenant_owned! {
    by id:
        annual_report => "annual report",
        app_user => "user",
        assistance => "assistance",
        campaign => "campaign",
        change_application => "change application",
        charity_fund => "fund",
        complaint => "complaint",
        disbursement => "disbursement",
        donation => "donation",
        donation_station => "donation station",
        email_outbox => "email",
        fee_reduction_line => "fee-reduction line",
        fee_reduction_period => "fee-reduction period",
        fee_reduction_report => "fee-reduction report",
        organization => "organization",
        referral => "referral",
        referral_need => "referral need",
        referral_target => "referral target",
        registration_application => "registration application",
        relief_case => "relief case",
        relief_person => "relief person",
        supervision_listing => "listing";
    by other keys:
        allocation,
        annual_report_reminder,
        audit_head,
        audit_log,
        donation_tally,
        fee_reduction_report_version,
        financial_statement,
        idempotency_key,
        organization_version,
        receipt_sequence,
        relief_benefit,
        relief_standard,
}

#[cfg(test)]
mod tests {
    use super::TENANT_OWNED;
    use std::path::{Path, PathBuf};

    /// Entity calls that reach a table without the tenant filter.
    /// (`Entity::update(active_model)` and `insert` are left out: they name
    /// the whole primary key, whose first part is the tenant.)
    const BYPASSES: &[&str] = &[
        "Entity::find()",
        "Entity::find_by_id(",
        "Entity::update_many()",
        "Entity::delete_many()",
        "Entity::delete_by_id(",
    ];

    /// Lines of `source` that query a tenant-owned entity without the
    /// scoped API and without an `// unscoped:` reason.
    fn unscoped_queries(source: &str) -> Vec<String> {
        let lines: Vec<&str> = source.lines().collect();
        let mut found = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let excused = |l: &str| l.contains("// unscoped:");
            if excused(line) || (i > 0 && excused(lines[i - 1])) {
                continue;
            }
            for module in TENANT_OWNED {
                let hit = BYPASSES.iter().any(|call| {
                    line.match_indices(&format!("{module}::{call}")).any(|(at, _)| {
                        // `donation::` must not be the tail of `x_donation::`.
                        at == 0 || !line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                });
                if hit {
                    found.push(format!("{}: {}", i + 1, line.trim()));
                }
            }
        }
        found
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn service_code_reaches_tenant_tables_only_through_the_scoped_api() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut offenders = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("scoped.rs")) {
            let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for line in unscoped_queries(&source) {
                offenders.push(format!("{}:{line}", file.strip_prefix(&src).unwrap_or(file).display()));
            }
        }
        assert!(
            offenders.is_empty(),
            "tenant-owned tables queried without the tenant filter; use `E::scoped(ctx)`, \
             `E::find_owned(conn, ctx, id)` (service/src/scoped.rs) or say why with `// unscoped:`\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn a_planted_unscoped_query_is_caught() {
        let planted = r#"
            let all = donation::Entity::find().all(&tx).await?;
            let one = relief_case::Entity::find_by_id((other, id)).one(&tx).await?;
            let fine = donation::Entity::scoped(ctx).all(&tx).await?;
            // unscoped: the worker claims every city's due emails
            let due = email_outbox::Entity::find().all(&tx).await?;
            let tenants = tenant::Entity::find().all(&tx).await?;
        "#;
        let found = unscoped_queries(planted);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with("2: let all = donation::Entity::find()"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("3: let one = relief_case::Entity::find_by_id"),
            "{found:#?}"
        );
    }

    /// The list above is complete: every entity with a `tenant_id` column
    /// is in it, so a new table cannot slip past the check.
    #[test]
    fn every_entity_with_a_tenant_column_is_declared_tenant_owned() {
        let entities = Path::new(env!("CARGO_MANIFEST_DIR")).join("../entity/src");
        let mut files = Vec::new();
        rust_files(&entities, &mut files);
        let mut missing = Vec::new();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let module = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            let has_tenant_column = source
                .lines()
                .map(str::trim)
                .any(|l| !l.starts_with("//") && (l.starts_with("pub tenant_id:") || l.contains("key(tenant_id:")));
            if has_tenant_column && !TENANT_OWNED.contains(&module.as_str()) {
                missing.push(module);
            }
        }
        assert!(missing.is_empty(), "add to tenant_owned! in scoped.rs: {missing:?}");
    }
}
