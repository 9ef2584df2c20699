//! Industry-association fee-reduction reports: periods, reports, line items
//! and the history of submitted versions.

use sea_orm_migration::prelude::*;

use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tenant_table(
            manager,
            tenant_table("fee_reduction_period")
                .col(string(C::Title, 200))
                .col(integer(C::Year))
                .col(integer(C::Half).null())
                .col(date(C::DueOn))
                .col(uuid(C::OpenedBy))
                .col(timestamp(C::RemindedAt).null())
                .col(timestamp(C::CreatedAt)),
        )
        .await?;

        create_tenant_table(
            manager,
            tenant_table("fee_reduction_report")
                .col(uuid(C::PeriodId))
                .col(uuid(C::OrganizationId))
                .col(string(C::Status, 16))
                .col(integer(C::MemberCount).null())
                .col(integer(C::IrregularChargesFound))
                .col(fen(C::RefundedFen))
                .col(integer(C::EnterprisesRefunded))
                .col(integer(C::Version))
                .col(string(C::ReviewComment, 2000).null())
                .col(uuid(C::ReviewedBy).null())
                .col(timestamp(C::SubmittedAt).null())
                .col(timestamp(C::ReviewedAt).null())
                .col(timestamp(C::CreatedAt))
                .col(timestamp(C::UpdatedAt))
                .check(Expr::col(C::RefundedFen).gte(0))
                .foreign_key(&mut tenant_fk(
                    "fee_reduction_report",
                    C::PeriodId,
                    "fee_reduction_period",
                ))
                .foreign_key(&mut tenant_fk(
                    "fee_reduction_report",
                    C::OrganizationId,
                    "organization",
                )),
        )
        .await?;
        manager
            .create_index(tenant_unique(
                "fee_reduction_report_once_per_period",
                "fee_reduction_report",
                &[C::PeriodId, C::OrganizationId],
            ))
            .await?;

        create_tenant_table(
            manager,
            tenant_table("fee_reduction_line")
                .col(uuid(C::ReportId))
                .col(integer(C::Position))
                .col(string(C::FeeItem, 16))
                .col(string(C::FeeItemDetail, 200))
                .col(string(C::Measure, 16))
                .col(fen(C::StandardBeforeFen).null())
                .col(fen(C::StandardAfterFen).null())
                .col(fen(C::AmountFen))
                .col(integer(C::Enterprises))
                .col(string(C::Note, 1000))
                .col(string(C::ReturnComment, 1000).null())
                .check(Expr::col(C::AmountFen).gte(0))
                .check(Expr::col(C::Enterprises).gte(0))
                .foreign_key(&mut tenant_fk(
                    "fee_reduction_line",
                    C::ReportId,
                    "fee_reduction_report",
                )),
        )
        .await?;
        manager
            .create_index(tenant_index(
                "fee_reduction_line_report",
                "fee_reduction_line",
                &[C::ReportId],
            ))
            .await?;

        // Each submission's snapshot, keyed by report and version.
        create_tenant_table(
            manager,
            tenant_owned_table("fee_reduction_report_version")
                .col(uuid(C::ReportId))
                .col(integer(C::Version))
                .col(text(C::Snapshot))
                .col(uuid(C::SubmittedBy))
                .col(timestamp(C::SubmittedAt))
                .primary_key(&mut tenant_key(&[C::ReportId, C::Version]))
                .foreign_key(&mut tenant_fk(
                    "fee_reduction_report_version",
                    C::ReportId,
                    "fee_reduction_report",
                )),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "fee_reduction_report_version",
                "fee_reduction_line",
                "fee_reduction_report",
                "fee_reduction_period",
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    CreatedAt,
    Title,
    Year,
    Half,
    DueOn,
    OpenedBy,
    RemindedAt,
    PeriodId,
    OrganizationId,
    Status,
    MemberCount,
    IrregularChargesFound,
    RefundedFen,
    EnterprisesRefunded,
    Version,
    ReviewComment,
    ReviewedBy,
    SubmittedAt,
    ReviewedAt,
    UpdatedAt,
    ReportId,
    Position,
    FeeItem,
    FeeItemDetail,
    Measure,
    StandardBeforeFen,
    StandardAfterFen,
    AmountFen,
    Enterprises,
    Note,
    ReturnComment,
    Snapshot,
    SubmittedBy,
}
