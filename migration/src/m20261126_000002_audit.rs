//! The audit trail: an append-only, per-tenant hash chain and its head.

use sea_orm_migration::prelude::*;

use crate::postgres::{APP_ROLE, is_postgres};
use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Keyed by its place in the city's chain; `id` names a record to the
        // outside.
        create_tenant_table(
            manager,
            tenant_owned_table("audit_log")
                .col(big_integer(C::Seq))
                .col(uuid(C::Id))
                .col(timestamp(C::OccurredAt))
                .col(string(C::ActorKind, 16))
                .col(uuid(C::ActorUserId).null())
                .col(string(C::ActorRole, 32).null())
                .col(uuid(C::OrganizationId).null())
                .col(string(C::Action, 64))
                .col(string(C::EntityType, 64))
                .col(string(C::EntityId, 64))
                .col(text(C::Changes))
                .col(string(C::RequestId, 64).null())
                .col(string(C::ClientAddr, 64).null())
                .col(string(C::PrevHash, 64))
                .col(string(C::Hash, 64))
                .primary_key(&mut tenant_key(&[C::Seq])),
        )
        .await?;
        create_indexes(
            manager,
            [
                tenant_unique("audit_log_tenant_id", "audit_log", &[C::Id]),
                tenant_index("audit_log_entity", "audit_log", &[C::EntityType, C::EntityId]),
                tenant_index("audit_log_actor", "audit_log", &[C::ActorUserId]),
                tenant_index("audit_log_org", "audit_log", &[C::OrganizationId]),
            ],
        )
        .await?;

        // One row a city: the key is the tenant itself.
        create_tenant_table(
            manager,
            Table::create()
                .table(Alias::new("audit_head"))
                .col(uuid(C::TenantId).primary_key())
                .col(big_integer(C::Seq))
                .col(string(C::Hash, 64))
                .col(timestamp(C::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("audit_head"), C::TenantId)
                        .to(Alias::new("tenant"), Alias::new("id")),
                ),
        )
        .await?;

        if is_postgres(manager) {
            // Append-only twice over: the application role lacks the grants,
            // and a trigger refuses even the owner.
            let sql = format!(
                r#"
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {APP_ROLE};
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only';
                END $$;
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
                "#
            );
            manager.get_connection().execute_unprepared(&sql).await?;
        } else {
            manager
                .get_connection()
                .execute_unprepared(
                    r#"
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    "#,
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_head", "audit_log"]).await?;
        if is_postgres(manager) {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only()")
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    TenantId,
    Seq,
    Id,
    OccurredAt,
    ActorKind,
    ActorUserId,
    ActorRole,
    OrganizationId,
    Action,
    EntityType,
    EntityId,
    Changes,
    RequestId,
    ClientAddr,
    PrevHash,
    Hash,
    UpdatedAt,
}
