//! The email outbox (rows written in the transaction of the event that
//! causes the mail, delivered later by the worker) and idempotency keys.

use sea_orm_migration::prelude::*;

use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tenant_table(
            manager,
            tenant_table("email_outbox")
                .col(string(C::Recipient, 254))
                .col(string(C::Language, 8))
                .col(string(C::Template, 64))
                .col(string(C::Subject, 255))
                .col(text(C::TextBody))
                .col(text(C::HtmlBody))
                .col(string(C::Status, 16))
                .col(integer(C::Attempts))
                .col(timestamp(C::NextAttemptAt))
                .col(timestamp(C::LeaseUntil).null())
                .col(string(C::LastError, 500).null())
                .col(timestamp(C::CreatedAt))
                .col(timestamp(C::SentAt).null()),
        )
        .await?;
        manager
            .create_index(tenant_index(
                "email_outbox_due",
                "email_outbox",
                &[C::Status, C::NextAttemptAt],
            ))
            .await?;

        // A key is the client's, per user: two users may send the same one.
        create_tenant_table(
            manager,
            tenant_owned_table("idempotency_key")
                .col(uuid(C::UserId))
                .col(string(C::Key, 128))
                .col(string(C::Operation, 64))
                .col(string(C::RequestHash, 64))
                .col(string(C::EntityId, 64).null())
                .col(timestamp(C::CreatedAt))
                .primary_key(&mut tenant_key(&[C::UserId, C::Key])),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["idempotency_key", "email_outbox"]).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
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
    UserId,
    Key,
    Operation,
    RequestHash,
    EntityId,
}
