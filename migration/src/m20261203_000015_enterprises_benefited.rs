//! How many member enterprises a fee-reduction report's measures reached,
//! each counted once, as the association states it: the lines' own counts
//! overlap (one enterprise pays both membership and training fees), so
//! their sum overstates what was reached.

use sea_orm_migration::prelude::*;

use crate::shapes::{add_column, drop_column, integer};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "fee_reduction_report", integer(C::EnterprisesBenefited).null()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "fee_reduction_report", C::EnterprisesBenefited).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    EnterprisesBenefited,
}
