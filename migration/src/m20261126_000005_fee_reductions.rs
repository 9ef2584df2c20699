//! Industry-association fee-reduction reports: periods, reports, line items
//! and the history of submitted versions.

use sea_orm_migration::prelude::*;

use crate::postgres::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tenant_fk = |table: Alias| {
            ForeignKey::create()
                .from(table, Common::TenantId)
                .to(Alias::new("tenant"), Alias::new("id"))
                .to_owned()
        };
        let period = Alias::new("fee_reduction_period");
        manager
            .create_table(
                Table::create()
                    .table(period.clone())
                    .col(ColumnDef::new(Common::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Common::Id).uuid().not_null())
                    .col(ColumnDef::new(Period::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Period::Year).integer().not_null())
                    .col(ColumnDef::new(Period::Half).integer().null())
                    .col(ColumnDef::new(Period::DueOn).date().not_null())
                    .col(ColumnDef::new(Period::OpenedBy).uuid().not_null())
                    .col(ColumnDef::new(Period::RemindedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Common::CreatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(Common::TenantId).col(Common::Id))
                    .foreign_key(&mut tenant_fk(period.clone()))
                    .to_owned(),
            )
            .await?;

        let report = Alias::new("fee_reduction_report");
        manager
            .create_table(
                Table::create()
                    .table(report.clone())
                    .col(ColumnDef::new(Common::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Common::Id).uuid().not_null())
                    .col(ColumnDef::new(Report::PeriodId).uuid().not_null())
                    .col(ColumnDef::new(Report::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Report::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Report::MemberCount).integer().null())
                    .col(ColumnDef::new(Report::IrregularChargesFound).integer().not_null())
                    .col(ColumnDef::new(Report::RefundedFen).big_integer().not_null())
                    .col(ColumnDef::new(Report::EnterprisesRefunded).integer().not_null())
                    .col(ColumnDef::new(Report::Version).integer().not_null())
                    .col(ColumnDef::new(Report::ReviewComment).string_len(2000).null())
                    .col(ColumnDef::new(Report::ReviewedBy).uuid().null())
                    .col(ColumnDef::new(Report::SubmittedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Report::ReviewedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Common::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Report::UpdatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(Report::RefundedFen).gte(0))
                    .primary_key(Index::create().col(Common::TenantId).col(Common::Id))
                    .foreign_key(&mut tenant_fk(report.clone()))
                    .foreign_key(
                        ForeignKey::create()
                            .from(report.clone(), (Common::TenantId, Report::PeriodId))
                            .to(period.clone(), (Common::TenantId, Common::Id)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(report.clone(), (Common::TenantId, Report::OrganizationId))
                            .to(Alias::new("organization"), (Alias::new("tenant_id"), Alias::new("id"))),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("fee_reduction_report_once_per_period")
                    .table(report.clone())
                    .col(Common::TenantId)
                    .col(Report::PeriodId)
                    .col(Report::OrganizationId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        let line = Alias::new("fee_reduction_line");
        manager
            .create_table(
                Table::create()
                    .table(line.clone())
                    .col(ColumnDef::new(Common::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Common::Id).uuid().not_null())
                    .col(ColumnDef::new(Line::ReportId).uuid().not_null())
                    .col(ColumnDef::new(Line::Position).integer().not_null())
                    .col(ColumnDef::new(Line::FeeItem).string_len(16).not_null())
                    .col(ColumnDef::new(Line::FeeItemDetail).string_len(200).not_null())
                    .col(ColumnDef::new(Line::Measure).string_len(16).not_null())
                    .col(ColumnDef::new(Line::StandardBeforeFen).big_integer().null())
                    .col(ColumnDef::new(Line::StandardAfterFen).big_integer().null())
                    .col(ColumnDef::new(Line::AmountFen).big_integer().not_null())
                    .col(ColumnDef::new(Line::Enterprises).integer().not_null())
                    .col(ColumnDef::new(Line::Note).string_len(1000).not_null())
                    .col(ColumnDef::new(Line::ReturnComment).string_len(1000).null())
                    .check(Expr::col(Line::AmountFen).gte(0))
                    .check(Expr::col(Line::Enterprises).gte(0))
                    .primary_key(Index::create().col(Common::TenantId).col(Common::Id))
                    .foreign_key(&mut tenant_fk(line.clone()))
                    .foreign_key(
                        ForeignKey::create()
                            .from(line.clone(), (Common::TenantId, Line::ReportId))
                            .to(report.clone(), (Common::TenantId, Common::Id)),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("fee_reduction_line_report")
                    .table(line.clone())
                    .col(Common::TenantId)
                    .col(Line::ReportId)
                    .to_owned(),
            )
            .await?;

        let version = Alias::new("fee_reduction_report_version");
        manager
            .create_table(
                Table::create()
                    .table(version.clone())
                    .col(ColumnDef::new(Common::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Line::ReportId).uuid().not_null())
                    .col(ColumnDef::new(Report::Version).integer().not_null())
                    .col(ColumnDef::new(Version::Snapshot).text().not_null())
                    .col(ColumnDef::new(Version::SubmittedBy).uuid().not_null())
                    .col(
                        ColumnDef::new(Report::SubmittedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(Common::TenantId)
                            .col(Line::ReportId)
                            .col(Report::Version),
                    )
                    .foreign_key(&mut tenant_fk(version.clone()))
                    .foreign_key(
                        ForeignKey::create()
                            .from(version.clone(), (Common::TenantId, Line::ReportId))
                            .to(report.clone(), (Common::TenantId, Common::Id)),
                    )
                    .to_owned(),
            )
            .await?;

        for table in [
            "fee_reduction_period",
            "fee_reduction_report",
            "fee_reduction_line",
            "fee_reduction_report_version",
        ] {
            enable_tenant_rls(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "fee_reduction_report_version",
            "fee_reduction_line",
            "fee_reduction_report",
            "fee_reduction_period",
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
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Period {
    Title,
    Year,
    Half,
    DueOn,
    OpenedBy,
    RemindedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Report {
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
}

#[derive(DeriveIden, Clone, Copy)]
enum Line {
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
}

#[derive(DeriveIden, Clone, Copy)]
enum Version {
    Snapshot,
    SubmittedBy,
}
