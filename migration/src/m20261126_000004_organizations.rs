//! The organization register's workflow tables: versions, registration and
//! change applications, annual reports, supervision lists, complaints.

use sea_orm_migration::prelude::*;

use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Keyed by organization and version; it reaches its tenant through
        // the organization, with no foreign key of its own to `tenant`.
        create_tenant_table(
            manager,
            Table::create()
                .table(Alias::new("organization_version"))
                .col(uuid(C::TenantId))
                .col(uuid(C::OrganizationId))
                .col(integer(C::Version))
                .col(text(C::Snapshot))
                .col(string(C::Cause, 32))
                .col(uuid(C::ChangeApplicationId).null())
                .col(uuid(C::CreatedBy).null())
                .col(timestamp(C::CreatedAt))
                .primary_key(&mut tenant_key(&[C::OrganizationId, C::Version]))
                .foreign_key(&mut tenant_fk(
                    "organization_version",
                    C::OrganizationId,
                    "organization",
                )),
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("registration_application")
                .col(string(C::Status, 16))
                .col(uuid(C::ApplicantUserId))
                .col(string(C::ContactEmail, 254))
                .col(string(C::Name, 200))
                .col(string(C::Kind, 32))
                .col(boolean(C::IsIndustryAssociation))
                .col(text(C::BusinessScope))
                .col(string(C::RegisteredAddress, 300))
                .col(string(C::LegalRepresentative, 100))
                .col(string(C::SupervisingUnit, 200))
                .col(string(C::DecisionReason, 1000).null())
                .col(uuid(C::DecidedBy).null())
                .col(uuid(C::OrganizationId).null())
                .col(timestamp(C::SubmittedAt))
                .col(timestamp(C::AcceptedAt).null())
                .col(timestamp(C::DecidedAt).null())
                .col(timestamp(C::OverdueNotifiedAt).null())
                .foreign_key(&mut tenant_fk(
                    "registration_application",
                    C::OrganizationId,
                    "organization",
                )),
        )
        .await?;

        create_tenant_table(
            manager,
            organization_table("change_application")
                .col(string(C::Status, 16))
                .col(uuid(C::SubmittedBy))
                .col(text(C::Changes))
                .col(string(C::Comment, 1000).null())
                .col(uuid(C::DecidedBy).null())
                .col(timestamp(C::SubmittedAt))
                .col(timestamp(C::DecidedAt).null()),
        )
        .await?;

        create_tenant_table(
            manager,
            organization_table("annual_report")
                .col(integer(C::Year))
                .col(string(C::Status, 24))
                .col(text(C::Summary))
                .col(uuid(C::SubmittedBy))
                .col(timestamp(C::SubmittedAt))
                .col(uuid(C::ReviewedBy).null())
                .col(string(C::ReviewComment, 1000).null())
                .col(timestamp(C::ReviewedAt).null()),
        )
        .await?;
        manager
            .create_index(tenant_unique(
                "annual_report_once_a_year",
                "annual_report",
                &[C::OrganizationId, C::Year],
            ))
            .await?;

        create_tenant_table(
            manager,
            organization_table("supervision_listing")
                .col(string(C::List, 16))
                .col(string(C::Reason, 500))
                .col(date(C::ListedOn))
                .col(uuid(C::ListedBy).null())
                .col(date(C::RemovedOn).null())
                .col(string(C::RemovalReason, 500).null())
                .col(uuid(C::RemovedBy).null()),
        )
        .await?;
        manager
            .create_index(tenant_index(
                "supervision_listing_org",
                "supervision_listing",
                &[C::OrganizationId],
            ))
            .await?;

        create_tenant_table(
            manager,
            tenant_table("complaint")
                .col(string(C::SubjectName, 200))
                .col(text(C::Description))
                .col(string(C::Reporter, 200))
                .col(string(C::Status, 16))
                .col(text(C::Handling).null())
                .col(uuid(C::RecordedBy))
                .col(timestamp(C::CreatedAt))
                .col(timestamp(C::UpdatedAt)),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "complaint",
                "supervision_listing",
                "annual_report",
                "change_application",
                "registration_application",
                "organization_version",
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    TenantId,
    OrganizationId,
    Status,
    CreatedAt,
    UpdatedAt,
    Version,
    Snapshot,
    Cause,
    ChangeApplicationId,
    CreatedBy,
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
    SubmittedBy,
    Changes,
    Comment,
    Year,
    Summary,
    ReviewedBy,
    ReviewComment,
    ReviewedAt,
    List,
    Reason,
    ListedOn,
    ListedBy,
    RemovedOn,
    RemovalReason,
    RemovedBy,
    SubjectName,
    Description,
    Reporter,
    Handling,
    RecordedBy,
}
