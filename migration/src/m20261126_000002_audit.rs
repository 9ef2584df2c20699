//! The audit trail: an append-only, per-tenant hash chain and its head.

use sea_orm_migration::prelude::*;

use crate::postgres::{APP_ROLE, enable_tenant_rls, is_postgres};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(ColumnDef::new(AuditLog::TenantId).uuid().not_null())
                    .col(ColumnDef::new(AuditLog::Seq).big_integer().not_null())
                    .col(ColumnDef::new(AuditLog::Id).uuid().not_null())
                    .col(
                        ColumnDef::new(AuditLog::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::ActorKind).string_len(16).not_null())
                    .col(ColumnDef::new(AuditLog::ActorUserId).uuid().null())
                    .col(ColumnDef::new(AuditLog::ActorRole).string_len(32).null())
                    .col(ColumnDef::new(AuditLog::OrganizationId).uuid().null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::EntityType).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::EntityId).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Changes).text().not_null())
                    .col(ColumnDef::new(AuditLog::RequestId).string_len(64).null())
                    .col(ColumnDef::new(AuditLog::ClientAddr).string_len(64).null())
                    .col(ColumnDef::new(AuditLog::PrevHash).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Hash).string_len(64).not_null())
                    .primary_key(Index::create().col(AuditLog::TenantId).col(AuditLog::Seq))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditLog::Table, AuditLog::TenantId)
                            .to(Alias::new("tenant"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("audit_log_tenant_id", vec![AuditLog::TenantId, AuditLog::Id]),
            (
                "audit_log_entity",
                vec![AuditLog::TenantId, AuditLog::EntityType, AuditLog::EntityId],
            ),
            ("audit_log_actor", vec![AuditLog::TenantId, AuditLog::ActorUserId]),
            ("audit_log_org", vec![AuditLog::TenantId, AuditLog::OrganizationId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditLog::Table);
            for col in cols {
                index.col(col);
            }
            if name == "audit_log_tenant_id" {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(ColumnDef::new(AuditHead::TenantId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AuditHead::Seq).big_integer().not_null())
                    .col(ColumnDef::new(AuditHead::Hash).string_len(64).not_null())
                    .col(
                        ColumnDef::new(AuditHead::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditHead::Table, AuditHead::TenantId)
                            .to(Alias::new("tenant"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;

        enable_tenant_rls(manager, "audit_log").await?;
        enable_tenant_rls(manager, "audit_head").await?;

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
        manager
            .drop_table(Table::drop().table(AuditHead::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
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
enum AuditLog {
    Table,
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
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    TenantId,
    Seq,
    Hash,
    UpdatedAt,
}
