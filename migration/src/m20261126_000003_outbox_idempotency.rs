//! The email outbox (rows written in the transaction of the event that
//! causes the mail, delivered later by the worker) and idempotency keys.

use sea_orm_migration::prelude::*;

use crate::postgres::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailOutbox::Table)
                    .col(ColumnDef::new(EmailOutbox::TenantId).uuid().not_null())
                    .col(ColumnDef::new(EmailOutbox::Id).uuid().not_null())
                    .col(ColumnDef::new(EmailOutbox::Recipient).string_len(254).not_null())
                    .col(ColumnDef::new(EmailOutbox::Language).string_len(8).not_null())
                    .col(ColumnDef::new(EmailOutbox::Template).string_len(64).not_null())
                    .col(ColumnDef::new(EmailOutbox::Subject).string_len(255).not_null())
                    .col(ColumnDef::new(EmailOutbox::TextBody).text().not_null())
                    .col(ColumnDef::new(EmailOutbox::HtmlBody).text().not_null())
                    .col(ColumnDef::new(EmailOutbox::Status).string_len(16).not_null())
                    .col(ColumnDef::new(EmailOutbox::Attempts).integer().not_null())
                    .col(
                        ColumnDef::new(EmailOutbox::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EmailOutbox::LeaseUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(EmailOutbox::LastError).string_len(500).null())
                    .col(
                        ColumnDef::new(EmailOutbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(EmailOutbox::SentAt).timestamp_with_time_zone().null())
                    .primary_key(Index::create().col(EmailOutbox::TenantId).col(EmailOutbox::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailOutbox::Table, EmailOutbox::TenantId)
                            .to(Alias::new("tenant"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("email_outbox_due")
                    .table(EmailOutbox::Table)
                    .col(EmailOutbox::TenantId)
                    .col(EmailOutbox::Status)
                    .col(EmailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(ColumnDef::new(IdempotencyKey::TenantId).uuid().not_null())
                    .col(ColumnDef::new(IdempotencyKey::UserId).uuid().not_null())
                    .col(ColumnDef::new(IdempotencyKey::Key).string_len(128).not_null())
                    .col(ColumnDef::new(IdempotencyKey::Operation).string_len(64).not_null())
                    .col(ColumnDef::new(IdempotencyKey::RequestHash).string_len(64).not_null())
                    .col(ColumnDef::new(IdempotencyKey::EntityId).string_len(64).null())
                    .col(
                        ColumnDef::new(IdempotencyKey::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKey::TenantId)
                            .col(IdempotencyKey::UserId)
                            .col(IdempotencyKey::Key),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdempotencyKey::Table, IdempotencyKey::TenantId)
                            .to(Alias::new("tenant"), Alias::new("id")),
                    )
                    .to_owned(),
            )
            .await?;

        enable_tenant_rls(manager, "email_outbox").await?;
        enable_tenant_rls(manager, "idempotency_key").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKey::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EmailOutbox::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    TenantId,
    Id,
    Recipient,
    Language,
    Template,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    TenantId,
    UserId,
    Key,
    Operation,
    RequestHash,
    EntityId,
    CreatedAt,
}
