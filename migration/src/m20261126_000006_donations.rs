//! Charity donations and community charity funds: campaigns, funds, the
//! donation ledger (gifts and their reversing entries), receipt number
//! sequences, disbursements, the allocation of donations to disbursements,
//! and the yearly financial statements the spending-rule check reads.

use sea_orm_migration::prelude::*;

use crate::postgres::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 7] = [
    "campaign",
    "charity_fund",
    "donation",
    "receipt_sequence",
    "disbursement",
    "allocation",
    "financial_statement",
];

fn tenant_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), C::TenantId)
        .to(Alias::new("tenant"), Alias::new("id"))
        .to_owned()
}

/// A foreign key within the tenant: `(tenant_id, column)` to `(tenant_id, id)`.
fn tenant_ref(table: &str, column: impl IntoIden, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), (C::TenantId, column))
        .to(Alias::new(target), (C::TenantId, C::Id))
        .to_owned()
}

fn fen(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
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
                Table::create()
                    .table(Alias::new("campaign"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::Id).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Name).string_len(200).not_null())
                    .col(ColumnDef::new(C::Description).string_len(2000).not_null())
                    .col(ColumnDef::new(C::StartsOn).date().not_null())
                    .col(ColumnDef::new(C::EndsOn).date().not_null())
                    .col(ColumnDef::new(C::TargetFen).big_integer().null())
                    .col(ColumnDef::new(C::MatchSponsor).string_len(200).null())
                    .col(ColumnDef::new(C::MatchPercent).integer().null())
                    .col(ColumnDef::new(C::MatchCapFen).big_integer().null())
                    .col(fen(C::MatchedFen))
                    .col(ColumnDef::new(C::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(C::CreatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(C::EndsOn).gte(Expr::col(C::StartsOn)))
                    .check(Expr::col(C::MatchedFen).gte(0))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_fk("campaign"))
                    .foreign_key(&mut tenant_ref("campaign", C::OrganizationId, "organization"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("campaign_name", "campaign", &[C::OrganizationId, C::Name])
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("charity_fund"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::Id).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Name).string_len(200).not_null())
                    .col(ColumnDef::new(C::Community).string_len(100).not_null())
                    .col(ColumnDef::new(C::Street).string_len(100).not_null())
                    .col(ColumnDef::new(C::District).string_len(100).not_null())
                    .col(fen(C::RaisedFen))
                    .col(fen(C::DisbursedFen))
                    .col(ColumnDef::new(C::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(C::CreatedAt).timestamp_with_time_zone().not_null())
                    // The wall behind the service's conditional updates: the
                    // balance (raised minus disbursed) never goes below zero.
                    .check(Expr::col(C::DisbursedFen).gte(0))
                    .check(Expr::col(C::RaisedFen).gte(Expr::col(C::DisbursedFen)))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_fk("charity_fund"))
                    .foreign_key(&mut tenant_ref("charity_fund", C::OrganizationId, "organization"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("charity_fund_name", "charity_fund", &[C::Name])
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("donation"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::Id).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Entry).string_len(16).not_null())
                    .col(ColumnDef::new(C::ReversesId).uuid().null())
                    .col(ColumnDef::new(C::Status).string_len(16).not_null())
                    .col(ColumnDef::new(C::GiftKind).string_len(16).not_null())
                    .col(fen(C::AmountFen))
                    .col(ColumnDef::new(C::Channel).string_len(16).null())
                    .col(ColumnDef::new(C::ExternalReference).string_len(100).not_null())
                    .col(ColumnDef::new(C::GoodsDescription).string_len(500).not_null())
                    .col(ColumnDef::new(C::GoodsQuantity).string_len(32).not_null())
                    .col(ColumnDef::new(C::GoodsUnit).string_len(32).not_null())
                    .col(ColumnDef::new(C::ValuationBasis).string_len(500).not_null())
                    .col(ColumnDef::new(C::DonorKind).string_len(16).not_null())
                    .col(ColumnDef::new(C::DonorName).string_len(200).not_null())
                    .col(ColumnDef::new(C::DonorEmail).string_len(254).null())
                    .col(ColumnDef::new(C::DonorUserId).uuid().null())
                    .col(ColumnDef::new(C::Disclose).boolean().not_null())
                    .col(ColumnDef::new(C::CampaignId).uuid().null())
                    .col(ColumnDef::new(C::FundId).uuid().null())
                    .col(ColumnDef::new(C::Project).string_len(200).null())
                    .col(ColumnDef::new(C::RestrictedPurpose).string_len(24).null())
                    .col(ColumnDef::new(C::MatchesId).uuid().null())
                    .col(ColumnDef::new(C::ReceiptNumber).string_len(32).null())
                    .col(ColumnDef::new(C::VerificationHash).string_len(64).null())
                    .col(fen(C::UnallocatedFen))
                    .col(ColumnDef::new(C::ReceivedOn).date().not_null())
                    .col(ColumnDef::new(C::Note).string_len(1000).not_null())
                    .col(ColumnDef::new(C::RecordedBy).uuid().null())
                    .col(ColumnDef::new(C::ConfirmedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(C::CreatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(C::UnallocatedFen).gte(0))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_fk("donation"))
                    .foreign_key(&mut tenant_ref("donation", C::OrganizationId, "organization"))
                    .foreign_key(&mut tenant_ref("donation", C::CampaignId, "campaign"))
                    .foreign_key(&mut tenant_ref("donation", C::FundId, "charity_fund"))
                    .foreign_key(&mut tenant_ref("donation", C::ReversesId, "donation"))
                    .foreign_key(&mut tenant_ref("donation", C::MatchesId, "donation"))
                    .to_owned(),
            )
            .await?;
        // A receipt number is issued once; a gift is reversed at most once.
        manager
            .create_index(
                index("donation_receipt", "donation", &[C::ReceiptNumber])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("donation_reversal", "donation", &[C::ReversesId])
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("donation_organization", &[C::OrganizationId, C::ReceivedOn][..]),
            ("donation_fund", &[C::FundId, C::UnallocatedFen][..]),
            ("donation_campaign", &[C::CampaignId][..]),
            ("donation_donor", &[C::DonorUserId][..]),
            ("donation_received", &[C::ReceivedOn][..]),
        ] {
            manager.create_index(index(name, "donation", columns)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("receipt_sequence"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Year).integer().not_null())
                    .col(ColumnDef::new(C::LastNumber).integer().not_null())
                    .primary_key(Index::create().col(C::TenantId).col(C::OrganizationId).col(C::Year))
                    .foreign_key(&mut tenant_fk("receipt_sequence"))
                    .foreign_key(&mut tenant_ref("receipt_sequence", C::OrganizationId, "organization"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("disbursement"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::Id).uuid().not_null())
                    .col(ColumnDef::new(C::FundId).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Purpose).string_len(24).not_null())
                    .col(ColumnDef::new(C::BeneficiaryKind).string_len(16).not_null())
                    .col(ColumnDef::new(C::BeneficiaryName).string_len(200).not_null())
                    .col(ColumnDef::new(C::Description).string_len(2000).not_null())
                    .col(fen(C::AmountFen))
                    .col(ColumnDef::new(C::Status).string_len(16).not_null())
                    .col(ColumnDef::new(C::RequestedBy).uuid().not_null())
                    .col(ColumnDef::new(C::RequestedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(C::DecidedBy).uuid().null())
                    .col(ColumnDef::new(C::DecidedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(C::DecisionNote).string_len(1000).null())
                    .col(ColumnDef::new(C::PaidBy).uuid().null())
                    .col(ColumnDef::new(C::PaidOn).date().null())
                    .col(ColumnDef::new(C::PaymentReference).string_len(100).null())
                    .check(Expr::col(C::AmountFen).gt(0))
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(&mut tenant_fk("disbursement"))
                    .foreign_key(&mut tenant_ref("disbursement", C::FundId, "charity_fund"))
                    .foreign_key(&mut tenant_ref("disbursement", C::OrganizationId, "organization"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("disbursement_fund", "disbursement", &[C::FundId, C::Status]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("allocation"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::DisbursementId).uuid().not_null())
                    .col(ColumnDef::new(C::DonationId).uuid().not_null())
                    .col(fen(C::AmountFen))
                    .check(Expr::col(C::AmountFen).gt(0))
                    .primary_key(
                        Index::create()
                            .col(C::TenantId)
                            .col(C::DisbursementId)
                            .col(C::DonationId),
                    )
                    .foreign_key(&mut tenant_fk("allocation"))
                    .foreign_key(&mut tenant_ref("allocation", C::DisbursementId, "disbursement"))
                    .foreign_key(&mut tenant_ref("allocation", C::DonationId, "donation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("allocation_donation", "allocation", &[C::DonationId]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("financial_statement"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Year).integer().not_null())
                    .col(fen(C::TotalIncomeFen))
                    .col(fen(C::CharitableSpendingFen))
                    .col(fen(C::ManagementCostFen))
                    .col(fen(C::TotalSpendingFen))
                    .col(fen(C::NetAssetsFen))
                    .col(ColumnDef::new(C::SubmittedBy).uuid().not_null())
                    .col(ColumnDef::new(C::SubmittedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(C::TenantId).col(C::OrganizationId).col(C::Year))
                    .foreign_key(&mut tenant_fk("financial_statement"))
                    .foreign_key(&mut tenant_ref(
                        "financial_statement",
                        C::OrganizationId,
                        "organization",
                    ))
                    .to_owned(),
            )
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
    OrganizationId,
    Name,
    Description,
    StartsOn,
    EndsOn,
    TargetFen,
    MatchSponsor,
    MatchPercent,
    MatchCapFen,
    MatchedFen,
    CreatedBy,
    CreatedAt,
    Community,
    Street,
    District,
    RaisedFen,
    DisbursedFen,
    Entry,
    ReversesId,
    Status,
    GiftKind,
    AmountFen,
    Channel,
    ExternalReference,
    GoodsDescription,
    GoodsQuantity,
    GoodsUnit,
    ValuationBasis,
    DonorKind,
    DonorName,
    DonorEmail,
    DonorUserId,
    Disclose,
    CampaignId,
    FundId,
    Project,
    RestrictedPurpose,
    MatchesId,
    ReceiptNumber,
    VerificationHash,
    UnallocatedFen,
    ReceivedOn,
    Note,
    RecordedBy,
    ConfirmedAt,
    Year,
    LastNumber,
    Purpose,
    BeneficiaryKind,
    BeneficiaryName,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    PaidBy,
    PaidOn,
    PaymentReference,
    DisbursementId,
    DonationId,
    TotalIncomeFen,
    CharitableSpendingFen,
    ManagementCostFen,
    TotalSpendingFen,
    NetAssetsFen,
    SubmittedBy,
    SubmittedAt,
}
