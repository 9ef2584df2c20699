//! Government relief linked with charity assistance: the city's relief
//! standards, relief cases with their household members and the relief
//! they hold, referrals to charity with their needs and the organizations
//! they were sent to, and the assistance recorded against them.

use sea_orm_migration::prelude::*;

use crate::postgres::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 8] = [
    "relief_standard",
    "relief_case",
    "relief_person",
    "relief_benefit",
    "referral",
    "referral_need",
    "referral_target",
    "assistance",
];

fn tenant_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), C::TenantId)
        .to(Alias::new("tenant"), Alias::new("id"))
        .to_owned()
}

fn tenant_ref(table: &str, column: C, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), (C::TenantId, column))
        .to(Alias::new(target), (C::TenantId, C::Id))
        .to_owned()
}

fn uuid(column: C) -> ColumnDef {
    ColumnDef::new(column).uuid().not_null().to_owned()
}

fn text(column: C, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).not_null().to_owned()
}

fn at(column: C) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().not_null().to_owned()
}

fn table(name: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .col(uuid(C::TenantId))
        .foreign_key(&mut tenant_fk(name))
        .to_owned()
}

fn index(name: &str, table: &str, columns: &[C]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table)).col(C::TenantId);
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("relief_standard")
                    .col(text(C::Category, 24))
                    .col(text(C::Area, 8))
                    .col(ColumnDef::new(C::AmountFen).big_integer().not_null())
                    .col(text(C::Period, 8))
                    .col(ColumnDef::new(C::UpdatedBy).uuid().null())
                    .col(at(C::UpdatedAt))
                    .check(Expr::col(C::AmountFen).gte(0))
                    .primary_key(Index::create().col(C::TenantId).col(C::Category).col(C::Area))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table("relief_case")
                    .col(uuid(C::Id))
                    .col(text(C::District, 100))
                    .col(text(C::Street, 100))
                    .col(text(C::Community, 100))
                    .col(text(C::Address, 300))
                    .col(text(C::Status, 16))
                    .col(ColumnDef::new(C::Outcome).string_len(2000).null())
                    .col(uuid(C::RegisteredBy))
                    .col(at(C::CreatedAt))
                    .col(ColumnDef::new(C::ClosedBy).uuid().null())
                    .col(ColumnDef::new(C::ClosedAt).timestamp_with_time_zone().null())
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("relief_case_district", "relief_case", &[C::District, C::Status]))
            .await?;

        manager
            .create_table(
                table("relief_person")
                    .col(uuid(C::Id))
                    .col(uuid(C::CaseId))
                    .col(ColumnDef::new(C::Position).integer().not_null())
                    .col(text(C::Name, 50))
                    .col(text(C::IdNumber, 18))
                    .col(text(C::Relationship, 16))
                    .col(text(C::Disability, 100))
                    .col(text(C::Health, 200))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_ref("relief_person", C::CaseId, "relief_case"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("relief_person_case", "relief_person", &[C::CaseId, C::Position])
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Finding a person's other households (duplicate registrations).
        manager
            .create_index(index("relief_person_identity", "relief_person", &[C::IdNumber]))
            .await?;

        manager
            .create_table(
                table("relief_benefit")
                    .col(uuid(C::CaseId))
                    .col(text(C::Category, 24))
                    .col(ColumnDef::new(C::AmountFen).big_integer().not_null())
                    .col(ColumnDef::new(C::Since).date().not_null())
                    .check(Expr::col(C::AmountFen).gte(0))
                    .primary_key(Index::create().col(C::TenantId).col(C::CaseId).col(C::Category))
                    .foreign_key(&mut tenant_ref("relief_benefit", C::CaseId, "relief_case"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                table("referral")
                    .col(uuid(C::Id))
                    .col(uuid(C::CaseId))
                    .col(text(C::Urgency, 16))
                    .col(ColumnDef::new(C::Deadline).date().not_null())
                    .col(text(C::Note, 2000))
                    .col(text(C::Status, 16))
                    .col(uuid(C::CreatedBy))
                    .col(at(C::CreatedAt))
                    .col(ColumnDef::new(C::FirstAssistedOn).date().null())
                    .col(ColumnDef::new(C::ClosedAt).timestamp_with_time_zone().null())
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_ref("referral", C::CaseId, "relief_case"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("referral_case", "referral", &[C::CaseId]))
            .await?;

        manager
            .create_table(
                table("referral_need")
                    .col(uuid(C::Id))
                    .col(uuid(C::ReferralId))
                    .col(text(C::Kind, 16))
                    .col(ColumnDef::new(C::AmountFen).big_integer().null())
                    .col(ColumnDef::new(C::Service).string_len(24).null())
                    .col(text(C::Description, 500))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_ref("referral_need", C::ReferralId, "referral"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("referral_need_referral", "referral_need", &[C::ReferralId]))
            .await?;

        manager
            .create_table(
                table("referral_target")
                    .col(uuid(C::Id))
                    .col(uuid(C::ReferralId))
                    .col(uuid(C::OrganizationId))
                    .col(ColumnDef::new(C::FundId).uuid().null())
                    .col(text(C::Status, 16))
                    .col(ColumnDef::new(C::Reason).string_len(1000).null())
                    .col(ColumnDef::new(C::DecidedBy).uuid().null())
                    .col(ColumnDef::new(C::DecidedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(C::EscalatedAt).timestamp_with_time_zone().null())
                    .col(at(C::CreatedAt))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_ref("referral_target", C::ReferralId, "referral"))
                    .foreign_key(&mut tenant_ref("referral_target", C::OrganizationId, "organization"))
                    .foreign_key(&mut tenant_ref("referral_target", C::FundId, "charity_fund"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "referral_target_once",
                    "referral_target",
                    &[C::ReferralId, C::OrganizationId],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "referral_target_inbox",
                "referral_target",
                &[C::OrganizationId, C::Status],
            ))
            .await?;

        manager
            .create_table(
                table("assistance")
                    .col(uuid(C::Id))
                    .col(uuid(C::TargetId))
                    .col(uuid(C::ReferralId))
                    .col(uuid(C::CaseId))
                    .col(uuid(C::OrganizationId))
                    .col(text(C::Kind, 16))
                    .col(ColumnDef::new(C::AmountFen).big_integer().not_null())
                    .col(text(C::Description, 500))
                    .col(ColumnDef::new(C::Service).string_len(24).null())
                    .col(ColumnDef::new(C::PersonTimes).integer().not_null())
                    .col(ColumnDef::new(C::HoursCenti).big_integer().not_null())
                    .col(ColumnDef::new(C::DeliveredOn).date().not_null())
                    .col(ColumnDef::new(C::DisbursementId).uuid().null())
                    .col(ColumnDef::new(C::DuplicateOf).uuid().null())
                    .col(uuid(C::RecordedBy))
                    .col(at(C::CreatedAt))
                    .check(Expr::col(C::AmountFen).gte(0))
                    .check(Expr::col(C::PersonTimes).gte(0))
                    .check(Expr::col(C::HoursCenti).gte(0))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_ref("assistance", C::TargetId, "referral_target"))
                    .foreign_key(&mut tenant_ref("assistance", C::CaseId, "relief_case"))
                    .foreign_key(&mut tenant_ref("assistance", C::OrganizationId, "organization"))
                    .foreign_key(&mut tenant_ref("assistance", C::DisbursementId, "disbursement"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("assistance_case", "assistance", &[C::CaseId, C::DeliveredOn]))
            .await?;
        manager
            .create_index(index("assistance_referral", "assistance", &[C::ReferralId]))
            .await?;

        for table in TABLES {
            enable_tenant_rls(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    TenantId,
    Id,
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
