//! Tenants, organizations and users. Every tenant-owned table keys on
//! `(tenant_id, id)` with `tenant_id` first in every key, so it distributes by
//! tenant on Citus unchanged.

use sea_orm_migration::prelude::*;

use crate::postgres::{create_app_role, enable_tenant_rls};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_app_role(manager).await?;

        manager
            .create_table(
                Table::create()
                    .table(Tenant::Table)
                    .col(ColumnDef::new(Tenant::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Tenant::Slug).string_len(32).not_null().unique_key())
                    .col(ColumnDef::new(Tenant::Name).string_len(100).not_null())
                    .col(ColumnDef::new(Tenant::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Tenant::DivisionCode).string_len(6).not_null())
                    .col(ColumnDef::new(Tenant::ParentId).uuid().null())
                    .col(ColumnDef::new(Tenant::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tenant::Table, Tenant::ParentId)
                            .to(Tenant::Table, Tenant::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .col(ColumnDef::new(Organization::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Organization::Id).uuid().not_null())
                    .col(ColumnDef::new(Organization::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Organization::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(Organization::IsIndustryAssociation).boolean().not_null())
                    .col(ColumnDef::new(Organization::CreditCode).string_len(18).not_null())
                    .col(ColumnDef::new(Organization::BusinessScope).text().not_null())
                    .col(
                        ColumnDef::new(Organization::RegisteredAddress)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organization::LegalRepresentative)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Organization::ContactEmail).string_len(254).not_null())
                    .col(ColumnDef::new(Organization::SupervisingUnit).string_len(200).not_null())
                    .col(ColumnDef::new(Organization::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Organization::RegisteredOn).date().not_null())
                    .col(ColumnDef::new(Organization::CharityRecognizedOn).date().null())
                    .col(ColumnDef::new(Organization::CharityRecognizedBy).uuid().null())
                    .col(ColumnDef::new(Organization::PublicFundraisingOn).date().null())
                    .col(ColumnDef::new(Organization::PublicFundraisingBy).uuid().null())
                    .col(ColumnDef::new(Organization::DeregisteredOn).date().null())
                    .col(
                        ColumnDef::new(Organization::DeregistrationReason)
                            .string_len(500)
                            .null(),
                    )
                    .col(ColumnDef::new(Organization::Version).integer().not_null())
                    .col(
                        ColumnDef::new(Organization::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organization::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(Organization::TenantId).col(Organization::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organization::Table, Organization::TenantId)
                            .to(Tenant::Table, Tenant::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(ColumnDef::new(AppUser::TenantId).uuid().not_null())
                    .col(ColumnDef::new(AppUser::Id).uuid().not_null())
                    .col(ColumnDef::new(AppUser::Username).string_len(64).not_null())
                    .col(ColumnDef::new(AppUser::DisplayName).string_len(100).not_null())
                    .col(ColumnDef::new(AppUser::Email).string_len(254).not_null())
                    .col(ColumnDef::new(AppUser::Role).string_len(32).not_null())
                    .col(ColumnDef::new(AppUser::OrganizationId).uuid().null())
                    .col(ColumnDef::new(AppUser::PasswordHash).string_len(255).not_null())
                    .col(ColumnDef::new(AppUser::Language).string_len(8).not_null())
                    .col(ColumnDef::new(AppUser::Active).boolean().not_null())
                    .col(ColumnDef::new(AppUser::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AppUser::UpdatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AppUser::SessionVersion).integer().not_null())
                    .primary_key(Index::create().col(AppUser::TenantId).col(AppUser::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppUser::Table, AppUser::TenantId)
                            .to(Tenant::Table, Tenant::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppUser::Table, (AppUser::TenantId, AppUser::OrganizationId))
                            .to(Organization::Table, (Organization::TenantId, Organization::Id)),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("organization_tenant_credit_code")
                    .table(Organization::Table)
                    .col(Organization::TenantId)
                    .col(Organization::CreditCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("app_user_tenant_username")
                    .table(AppUser::Table)
                    .col(AppUser::TenantId)
                    .col(AppUser::Username)
                    .unique()
                    .to_owned(),
            )
            .await?;

        enable_tenant_rls(manager, "organization").await?;
        enable_tenant_rls(manager, "app_user").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["app_user", "organization", "tenant"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    DivisionCode,
    ParentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    TenantId,
    Id,
    Name,
    Kind,
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
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    TenantId,
    Id,
    Username,
    DisplayName,
    Email,
    Role,
    OrganizationId,
    PasswordHash,
    Language,
    Active,
    CreatedAt,
    UpdatedAt,
    SessionVersion,
}
