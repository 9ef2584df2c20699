//! Tenants, organizations and users. Every tenant-owned table keys on
//! `(tenant_id, id)` with `tenant_id` first in every key, so it distributes by
//! tenant on Citus unchanged.

use sea_orm_migration::prelude::*;

use crate::postgres::create_app_role;
use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_app_role(manager).await?;

        // The cities themselves: not tenant-owned, so no wall of their own.
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("tenant"))
                    .col(uuid(C::Id).primary_key())
                    .col(string(C::Slug, 32).unique_key())
                    .col(string(C::Name, 100))
                    .col(string(C::Kind, 16))
                    .col(string(C::DivisionCode, 6))
                    .col(uuid(C::ParentId).null())
                    .col(timestamp(C::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Alias::new("tenant"), C::ParentId)
                            .to(Alias::new("tenant"), C::Id),
                    )
                    .to_owned(),
            )
            .await?;

        create_tenant_table(
            manager,
            tenant_table("organization")
                .col(string(C::Name, 200))
                .col(string(C::Kind, 32))
                .col(boolean(C::IsIndustryAssociation))
                .col(string(C::CreditCode, 18))
                .col(text(C::BusinessScope))
                .col(string(C::RegisteredAddress, 300))
                .col(string(C::LegalRepresentative, 100))
                .col(string(C::ContactEmail, 254))
                .col(string(C::SupervisingUnit, 200))
                .col(string(C::Status, 16))
                .col(date(C::RegisteredOn))
                .col(date(C::CharityRecognizedOn).null())
                .col(uuid(C::CharityRecognizedBy).null())
                .col(date(C::PublicFundraisingOn).null())
                .col(uuid(C::PublicFundraisingBy).null())
                .col(date(C::DeregisteredOn).null())
                .col(string(C::DeregistrationReason, 500).null())
                .col(integer(C::Version))
                .col(timestamp(C::CreatedAt))
                .col(timestamp(C::UpdatedAt)),
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("app_user")
                .col(string(C::Username, 64))
                .col(string(C::DisplayName, 100))
                .col(string(C::Email, 254))
                .col(string(C::Role, 32))
                .col(uuid(C::OrganizationId).null())
                .col(string(C::PasswordHash, 255))
                .col(string(C::Language, 8))
                .col(boolean(C::Active))
                .col(timestamp(C::CreatedAt))
                .col(timestamp(C::UpdatedAt))
                .col(integer(C::SessionVersion))
                .foreign_key(&mut tenant_fk("app_user", C::OrganizationId, "organization")),
        )
        .await?;

        create_indexes(
            manager,
            [
                tenant_unique("organization_tenant_credit_code", "organization", &[C::CreditCode]),
                tenant_unique("app_user_tenant_username", "app_user", &[C::Username]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["app_user", "organization", "tenant"]).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    Id,
    Slug,
    Name,
    Kind,
    DivisionCode,
    ParentId,
    CreatedAt,
    IsIndustryAssociation,
    CreditCode,
    BusinessScope,
    RegisteredAddress,
    LegalRepresentative,
    ContactEmail,
    SupervisingUnit,
    Status,
    RegisteredOn,
    CharityRecognizedOn,
    CharityRecognizedBy,
    PublicFundraisingOn,
    PublicFundraisingBy,
    DeregisteredOn,
    DeregistrationReason,
    Version,
    UpdatedAt,
    Username,
    DisplayName,
    Email,
    Role,
    OrganizationId,
    PasswordHash,
    Language,
    Active,
    SessionVersion,
}
