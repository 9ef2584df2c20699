//! Which organizations were reminded of which year's annual report, so the
//! daily check sends each reminder once.

use sea_orm_migration::prelude::*;

use crate::citus::distribute_new_table;
use crate::postgres::enable_tenant_rls;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("annual_report_reminder"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Year).integer().not_null())
                    .col(ColumnDef::new(C::SentOn).date().not_null())
                    .primary_key(Index::create().col(C::TenantId).col(C::OrganizationId).col(C::Year))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Alias::new("annual_report_reminder"), C::TenantId)
                            .to(Alias::new("tenant"), Alias::new("id")),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Alias::new("annual_report_reminder"), (C::TenantId, C::OrganizationId))
                            .to(Alias::new("organization"), (C::TenantId, C::Id)),
                    )
                    .to_owned(),
            )
            .await?;
        enable_tenant_rls(manager, "annual_report_reminder").await?;
        distribute_new_table(manager, "annual_report_reminder").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("annual_report_reminder")).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    TenantId,
    OrganizationId,
    Year,
    SentOn,
    Id,
}
