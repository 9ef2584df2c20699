//! Which organizations were reminded of which year's annual report, so the
//! daily check sends each reminder once.

use sea_orm_migration::prelude::*;

use crate::citus::distribute_new_table;
use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tenant_table(
            manager,
            organization_year_table("annual_report_reminder").col(date(C::SentOn)),
        )
        .await?;
        distribute_new_table(manager, "annual_report_reminder").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["annual_report_reminder"]).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    SentOn,
}
