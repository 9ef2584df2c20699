//! The organization register's workflow tables: versions, registration and
//! change applications, annual reports, supervision lists, complaints.

use sea_orm_migration::prelude::*;

use crate::postgres::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns every tenant-owned table here starts with, and its keys.
fn tenant_table(table: impl IntoIden + Clone) -> TableCreateStatement {
    Table::create()
        .table(table.clone())
        .col(ColumnDef::new(Common::TenantId).uuid().not_null())
        .col(ColumnDef::new(Common::Id).uuid().not_null())
        .primary_key(Index::create().col(Common::TenantId).col(Common::Id))
        .foreign_key(
            ForeignKey::create()
                .from(table, Common::TenantId)
                .to(Alias::new("tenant"), Alias::new("id")),
        )
        .to_owned()
}

/// `(tenant_id, organization_id)` referencing the organization.
fn organization_fk(table: impl IntoIden + Clone) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, (Common::TenantId, Common::OrganizationId))
        .to(Alias::new("organization"), (Alias::new("tenant_id"), Alias::new("id")))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrganizationVersion::Table)
                    .col(ColumnDef::new(Common::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Common::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(OrganizationVersion::Version).integer().not_null())
                    .col(ColumnDef::new(OrganizationVersion::Snapshot).text().not_null())
                    .col(ColumnDef::new(OrganizationVersion::Cause).string_len(32).not_null())
                    .col(ColumnDef::new(OrganizationVersion::ChangeApplicationId).uuid().null())
                    .col(ColumnDef::new(OrganizationVersion::CreatedBy).uuid().null())
                    .col(ColumnDef::new(Common::CreatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(
                        Index::create()
                            .col(Common::TenantId)
                            .col(Common::OrganizationId)
                            .col(OrganizationVersion::Version),
                    )
                    .foreign_key(&mut organization_fk(OrganizationVersion::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                tenant_table(RegistrationApplication::Table)
                    .col(ColumnDef::new(Common::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(RegistrationApplication::ApplicantUserId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::ContactEmail)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RegistrationApplication::Name).string_len(200).not_null())
                    .col(ColumnDef::new(RegistrationApplication::Kind).string_len(32).not_null())
                    .col(
                        ColumnDef::new(RegistrationApplication::IsIndustryAssociation)
                            .boolean()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RegistrationApplication::BusinessScope).text().not_null())
                    .col(
                        ColumnDef::new(RegistrationApplication::RegisteredAddress)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::LegalRepresentative)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::SupervisingUnit)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::DecisionReason)
                            .string_len(1000)
                            .null(),
                    )
                    .col(ColumnDef::new(RegistrationApplication::DecidedBy).uuid().null())
                    .col(ColumnDef::new(Common::OrganizationId).uuid().null())
                    .col(
                        ColumnDef::new(RegistrationApplication::SubmittedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::AcceptedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RegistrationApplication::OverdueNotifiedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut organization_fk(RegistrationApplication::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                tenant_table(ChangeApplication::Table)
                    .col(ColumnDef::new(Common::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Common::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ChangeApplication::SubmittedBy).uuid().not_null())
                    .col(ColumnDef::new(ChangeApplication::Changes).text().not_null())
                    .col(ColumnDef::new(ChangeApplication::Comment).string_len(1000).null())
                    .col(ColumnDef::new(ChangeApplication::DecidedBy).uuid().null())
                    .col(
                        ColumnDef::new(ChangeApplication::SubmittedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ChangeApplication::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut organization_fk(ChangeApplication::Table))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                tenant_table(AnnualReport::Table)
                    .col(ColumnDef::new(Common::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(AnnualReport::Year).integer().not_null())
                    .col(ColumnDef::new(Common::Status).string_len(24).not_null())
                    .col(ColumnDef::new(AnnualReport::Summary).text().not_null())
                    .col(ColumnDef::new(AnnualReport::SubmittedBy).uuid().not_null())
                    .col(
                        ColumnDef::new(AnnualReport::SubmittedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AnnualReport::ReviewedBy).uuid().null())
                    .col(ColumnDef::new(AnnualReport::ReviewComment).string_len(1000).null())
                    .col(
                        ColumnDef::new(AnnualReport::ReviewedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut organization_fk(AnnualReport::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("annual_report_once_a_year")
                    .table(AnnualReport::Table)
                    .col(Common::TenantId)
                    .col(Common::OrganizationId)
                    .col(AnnualReport::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                tenant_table(SupervisionListing::Table)
                    .col(ColumnDef::new(Common::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(SupervisionListing::List).string_len(16).not_null())
                    .col(ColumnDef::new(SupervisionListing::Reason).string_len(500).not_null())
                    .col(ColumnDef::new(SupervisionListing::ListedOn).date().not_null())
                    .col(ColumnDef::new(SupervisionListing::ListedBy).uuid().null())
                    .col(ColumnDef::new(SupervisionListing::RemovedOn).date().null())
                    .col(ColumnDef::new(SupervisionListing::RemovalReason).string_len(500).null())
                    .col(ColumnDef::new(SupervisionListing::RemovedBy).uuid().null())
                    .foreign_key(&mut organization_fk(SupervisionListing::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("supervision_listing_org")
                    .table(SupervisionListing::Table)
                    .col(Common::TenantId)
                    .col(Common::OrganizationId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                tenant_table(Complaint::Table)
                    .col(ColumnDef::new(Complaint::SubjectName).string_len(200).not_null())
                    .col(ColumnDef::new(Complaint::Description).text().not_null())
                    .col(ColumnDef::new(Complaint::Reporter).string_len(200).not_null())
                    .col(ColumnDef::new(Common::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Complaint::Handling).text().null())
                    .col(ColumnDef::new(Complaint::RecordedBy).uuid().not_null())
                    .col(ColumnDef::new(Common::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(
                        ColumnDef::new(Complaint::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        for table in [
            "organization_version",
            "registration_application",
            "change_application",
            "annual_report",
            "supervision_listing",
            "complaint",
        ] {
            enable_tenant_rls(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "complaint",
            "supervision_listing",
            "annual_report",
            "change_application",
            "registration_application",
            "organization_version",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Common {
    TenantId,
    Id,
    OrganizationId,
    Status,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OrganizationVersion {
    Table,
    Version,
    Snapshot,
    Cause,
    ChangeApplicationId,
    CreatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum RegistrationApplication {
    Table,
    ApplicantUserId,
    ContactEmail,
    Name,
    Kind,
    IsIndustryAssociation,
    BusinessScope,
    RegisteredAddress,
    LegalRepresentative,
    SupervisingUnit,
    DecisionReason,
    DecidedBy,
    SubmittedAt,
    AcceptedAt,
    DecidedAt,
    OverdueNotifiedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeApplication {
    Table,
    SubmittedBy,
    Changes,
    Comment,
    DecidedBy,
    SubmittedAt,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AnnualReport {
    Table,
    Year,
    Summary,
    SubmittedBy,
    SubmittedAt,
    ReviewedBy,
    ReviewComment,
    ReviewedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupervisionListing {
    Table,
    List,
    Reason,
    ListedOn,
    ListedBy,
    RemovedOn,
    RemovalReason,
    RemovedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum Complaint {
    Table,
    SubjectName,
    Description,
    Reporter,
    Handling,
    RecordedBy,
    UpdatedAt,
}
