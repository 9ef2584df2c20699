//! Government relief linked with charity assistance: the city's relief
//! standards, relief cases with their household members and the relief
//! they hold, referrals to charity with their needs and the organizations
//! they were sent to, and the assistance recorded against them.

use sea_orm_migration::prelude::*;

use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The monthly amount the city pays, per category and area.
        create_tenant_table(
            manager,
            tenant_owned_table("relief_standard")
                .col(string(C::Category, 24))
                .col(string(C::Area, 8))
                .col(fen(C::AmountFen))
                .col(string(C::Period, 8))
                .col(uuid(C::UpdatedBy).null())
                .col(timestamp(C::UpdatedAt))
                .check(Expr::col(C::AmountFen).gte(0))
                .primary_key(&mut tenant_key(&[C::Category, C::Area])),
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("relief_case")
                .col(string(C::District, 100))
                .col(string(C::Street, 100))
                .col(string(C::Community, 100))
                .col(string(C::Address, 300))
                .col(string(C::Status, 16))
                .col(string(C::Outcome, 2000).null())
                .col(uuid(C::RegisteredBy))
                .col(timestamp(C::CreatedAt))
                .col(uuid(C::ClosedBy).null())
                .col(timestamp(C::ClosedAt).null()),
        )
        .await?;
        manager
            .create_index(tenant_index(
                "relief_case_district",
                "relief_case",
                &[C::District, C::Status],
            ))
            .await?;

        create_tenant_table(
            manager,
            tenant_table("relief_person")
                .col(uuid(C::CaseId))
                .col(integer(C::Position))
                .col(string(C::Name, 50))
                .col(string(C::IdNumber, 18))
                .col(string(C::Relationship, 16))
                .col(string(C::Disability, 100))
                .col(string(C::Health, 200))
                .foreign_key(&mut tenant_fk("relief_person", C::CaseId, "relief_case")),
        )
        .await?;
        create_indexes(
            manager,
            [
                tenant_unique("relief_person_case", "relief_person", &[C::CaseId, C::Position]),
                // Finding a person's other households (duplicate registrations).
                tenant_index("relief_person_identity", "relief_person", &[C::IdNumber]),
            ],
        )
        .await?;

        // The relief a case's household holds, one row per category.
        create_tenant_table(
            manager,
            tenant_owned_table("relief_benefit")
                .col(uuid(C::CaseId))
                .col(string(C::Category, 24))
                .col(fen(C::AmountFen))
                .col(date(C::Since))
                .check(Expr::col(C::AmountFen).gte(0))
                .primary_key(&mut tenant_key(&[C::CaseId, C::Category]))
                .foreign_key(&mut tenant_fk("relief_benefit", C::CaseId, "relief_case")),
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("referral")
                .col(uuid(C::CaseId))
                .col(string(C::Urgency, 16))
                .col(date(C::Deadline))
                .col(string(C::Note, 2000))
                .col(string(C::Status, 16))
                .col(uuid(C::CreatedBy))
                .col(timestamp(C::CreatedAt))
                .col(date(C::FirstAssistedOn).null())
                .col(timestamp(C::ClosedAt).null())
                .foreign_key(&mut tenant_fk("referral", C::CaseId, "relief_case")),
        )
        .await?;
        manager
            .create_index(tenant_index("referral_case", "referral", &[C::CaseId]))
            .await?;

        create_tenant_table(
            manager,
            tenant_table("referral_need")
                .col(uuid(C::ReferralId))
                .col(string(C::Kind, 16))
                .col(fen(C::AmountFen).null())
                .col(string(C::Service, 24).null())
                .col(string(C::Description, 500))
                .foreign_key(&mut tenant_fk("referral_need", C::ReferralId, "referral")),
        )
        .await?;
        manager
            .create_index(tenant_index(
                "referral_need_referral",
                "referral_need",
                &[C::ReferralId],
            ))
            .await?;

        create_tenant_table(
            manager,
            tenant_table("referral_target")
                .col(uuid(C::ReferralId))
                .col(uuid(C::OrganizationId))
                .col(uuid(C::FundId).null())
                .col(string(C::Status, 16))
                .col(string(C::Reason, 1000).null())
                .col(uuid(C::DecidedBy).null())
                .col(timestamp(C::DecidedAt).null())
                .col(timestamp(C::EscalatedAt).null())
                .col(timestamp(C::CreatedAt))
                .foreign_key(&mut tenant_fk("referral_target", C::ReferralId, "referral"))
                .foreign_key(&mut tenant_fk("referral_target", C::OrganizationId, "organization"))
                .foreign_key(&mut tenant_fk("referral_target", C::FundId, "charity_fund")),
        )
        .await?;
        create_indexes(
            manager,
            [
                tenant_unique(
                    "referral_target_once",
                    "referral_target",
                    &[C::ReferralId, C::OrganizationId],
                ),
                tenant_index(
                    "referral_target_inbox",
                    "referral_target",
                    &[C::OrganizationId, C::Status],
                ),
            ],
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("assistance")
                .col(uuid(C::TargetId))
                .col(uuid(C::ReferralId))
                .col(uuid(C::CaseId))
                .col(uuid(C::OrganizationId))
                .col(string(C::Kind, 16))
                .col(fen(C::AmountFen))
                .col(string(C::Description, 500))
                .col(string(C::Service, 24).null())
                .col(integer(C::PersonTimes))
                .col(big_integer(C::HoursCenti))
                .col(date(C::DeliveredOn))
                .col(uuid(C::DisbursementId).null())
                .col(uuid(C::DuplicateOf).null())
                .col(uuid(C::RecordedBy))
                .col(timestamp(C::CreatedAt))
                .check(Expr::col(C::AmountFen).gte(0))
                .check(Expr::col(C::PersonTimes).gte(0))
                .check(Expr::col(C::HoursCenti).gte(0))
                .foreign_key(&mut tenant_fk("assistance", C::TargetId, "referral_target"))
                .foreign_key(&mut tenant_fk("assistance", C::CaseId, "relief_case"))
                .foreign_key(&mut tenant_fk("assistance", C::OrganizationId, "organization"))
                .foreign_key(&mut tenant_fk("assistance", C::DisbursementId, "disbursement")),
        )
        .await?;
        create_indexes(
            manager,
            [
                tenant_index("assistance_case", "assistance", &[C::CaseId, C::DeliveredOn]),
                tenant_index("assistance_referral", "assistance", &[C::ReferralId]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "assistance",
                "referral_target",
                "referral_need",
                "referral",
                "relief_benefit",
                "relief_person",
                "relief_case",
                "relief_standard",
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    Category,
    Area,
    AmountFen,
    Period,
    UpdatedBy,
    UpdatedAt,
    District,
    Street,
    Community,
    Address,
    Status,
    Outcome,
    RegisteredBy,
    CreatedAt,
    ClosedBy,
    ClosedAt,
    CaseId,
    Position,
    Name,
    IdNumber,
    Relationship,
    Disability,
    Health,
    Since,
    Urgency,
    Deadline,
    Note,
    CreatedBy,
    FirstAssistedOn,
    ReferralId,
    Kind,
    Service,
    Description,
    OrganizationId,
    FundId,
    Reason,
    DecidedBy,
    DecidedAt,
    EscalatedAt,
    TargetId,
    PersonTimes,
    HoursCenti,
    DeliveredOn,
    DisbursementId,
    DuplicateOf,
    RecordedBy,
}
