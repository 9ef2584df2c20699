//! Charity donations and community charity funds: campaigns, funds, the
//! donation ledger (gifts and their reversing entries), receipt number
//! sequences, disbursements, the allocation of donations to disbursements,
//! and the yearly financial statements the spending-rule check reads.

use sea_orm_migration::prelude::*;

use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tenant_table(
            manager,
            organization_table("campaign")
                .col(string(C::Name, 200))
                .col(string(C::Description, 2000))
                .col(date(C::StartsOn))
                .col(date(C::EndsOn))
                .col(fen(C::TargetFen).null())
                .col(string(C::MatchSponsor, 200).null())
                .col(integer(C::MatchPercent).null())
                .col(fen(C::MatchCapFen).null())
                .col(fen(C::MatchedFen))
                .col(uuid(C::CreatedBy))
                .col(timestamp(C::CreatedAt))
                .check(Expr::col(C::EndsOn).gte(Expr::col(C::StartsOn)))
                .check(Expr::col(C::MatchedFen).gte(0)),
        )
        .await?;
        manager
            .create_index(tenant_unique(
                "campaign_name",
                "campaign",
                &[C::OrganizationId, C::Name],
            ))
            .await?;

        create_tenant_table(
            manager,
            organization_table("charity_fund")
                .col(string(C::Name, 200))
                .col(string(C::Community, 100))
                .col(string(C::Street, 100))
                .col(string(C::District, 100))
                .col(fen(C::RaisedFen))
                .col(fen(C::DisbursedFen))
                .col(uuid(C::CreatedBy))
                .col(timestamp(C::CreatedAt))
                // The wall behind the service's conditional updates: the
                // balance (raised minus disbursed) never goes below zero.
                .check(Expr::col(C::DisbursedFen).gte(0))
                .check(Expr::col(C::RaisedFen).gte(Expr::col(C::DisbursedFen))),
        )
        .await?;
        manager
            .create_index(tenant_unique("charity_fund_name", "charity_fund", &[C::Name]))
            .await?;

        create_tenant_table(
            manager,
            organization_table("donation")
                .col(string(C::Entry, 16))
                .col(uuid(C::ReversesId).null())
                .col(string(C::Status, 16))
                .col(string(C::GiftKind, 16))
                .col(fen(C::AmountFen))
                .col(string(C::Channel, 16).null())
                .col(string(C::ExternalReference, 100))
                .col(string(C::GoodsDescription, 500))
                .col(string(C::GoodsQuantity, 32))
                .col(string(C::GoodsUnit, 32))
                .col(string(C::ValuationBasis, 500))
                .col(string(C::DonorKind, 16))
                .col(string(C::DonorName, 200))
                .col(string(C::DonorEmail, 254).null())
                .col(uuid(C::DonorUserId).null())
                .col(boolean(C::Disclose))
                .col(uuid(C::CampaignId).null())
                .col(uuid(C::FundId).null())
                .col(string(C::Project, 200).null())
                .col(string(C::RestrictedPurpose, 24).null())
                .col(uuid(C::MatchesId).null())
                .col(string(C::ReceiptNumber, 32).null())
                .col(string(C::VerificationHash, 64).null())
                .col(fen(C::UnallocatedFen))
                .col(date(C::ReceivedOn))
                .col(string(C::Note, 1000))
                .col(uuid(C::RecordedBy).null())
                .col(timestamp(C::ConfirmedAt).null())
                .col(timestamp(C::CreatedAt))
                .check(Expr::col(C::UnallocatedFen).gte(0))
                .foreign_key(&mut tenant_fk("donation", C::CampaignId, "campaign"))
                .foreign_key(&mut tenant_fk("donation", C::FundId, "charity_fund"))
                .foreign_key(&mut tenant_fk("donation", C::ReversesId, "donation"))
                .foreign_key(&mut tenant_fk("donation", C::MatchesId, "donation")),
        )
        .await?;
        create_indexes(
            manager,
            [
                // A receipt number is issued once; a gift is reversed at most once.
                tenant_unique("donation_receipt", "donation", &[C::ReceiptNumber]),
                tenant_unique("donation_reversal", "donation", &[C::ReversesId]),
                tenant_index("donation_organization", "donation", &[C::OrganizationId, C::ReceivedOn]),
                tenant_index("donation_fund", "donation", &[C::FundId, C::UnallocatedFen]),
                tenant_index("donation_campaign", "donation", &[C::CampaignId]),
                tenant_index("donation_donor", "donation", &[C::DonorUserId]),
                tenant_index("donation_received", "donation", &[C::ReceivedOn]),
            ],
        )
        .await?;

        // The last receipt number issued, per organization and year.
        create_tenant_table(
            manager,
            organization_year_table("receipt_sequence").col(integer(C::LastNumber)),
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("disbursement")
                .col(uuid(C::FundId))
                .col(uuid(C::OrganizationId))
                .col(string(C::Purpose, 24))
                .col(string(C::BeneficiaryKind, 16))
                .col(string(C::BeneficiaryName, 200))
                .col(string(C::Description, 2000))
                .col(fen(C::AmountFen))
                .col(string(C::Status, 16))
                .col(uuid(C::RequestedBy))
                .col(timestamp(C::RequestedAt))
                .col(uuid(C::DecidedBy).null())
                .col(timestamp(C::DecidedAt).null())
                .col(string(C::DecisionNote, 1000).null())
                .col(uuid(C::PaidBy).null())
                .col(date(C::PaidOn).null())
                .col(string(C::PaymentReference, 100).null())
                .check(Expr::col(C::AmountFen).gt(0))
                .foreign_key(&mut tenant_fk("disbursement", C::FundId, "charity_fund"))
                .foreign_key(&mut tenant_fk("disbursement", C::OrganizationId, "organization")),
        )
        .await?;
        manager
            .create_index(tenant_index(
                "disbursement_fund",
                "disbursement",
                &[C::FundId, C::Status],
            ))
            .await?;

        // Which gifts paid for which disbursement, and how much of each.
        create_tenant_table(
            manager,
            tenant_owned_table("allocation")
                .col(uuid(C::DisbursementId))
                .col(uuid(C::DonationId))
                .col(fen(C::AmountFen))
                .check(Expr::col(C::AmountFen).gt(0))
                .primary_key(&mut tenant_key(&[C::DisbursementId, C::DonationId]))
                .foreign_key(&mut tenant_fk("allocation", C::DisbursementId, "disbursement"))
                .foreign_key(&mut tenant_fk("allocation", C::DonationId, "donation")),
        )
        .await?;
        manager
            .create_index(tenant_index("allocation_donation", "allocation", &[C::DonationId]))
            .await?;

        create_tenant_table(
            manager,
            organization_year_table("financial_statement")
                .col(fen(C::TotalIncomeFen))
                .col(fen(C::CharitableSpendingFen))
                .col(fen(C::ManagementCostFen))
                .col(fen(C::TotalSpendingFen))
                .col(fen(C::NetAssetsFen))
                .col(uuid(C::SubmittedBy))
                .col(timestamp(C::SubmittedAt)),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "financial_statement",
                "allocation",
                "disbursement",
                "receipt_sequence",
                "donation",
                "charity_fund",
                "campaign",
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
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
