//! Funds of two kinds: the community funds there were, and special funds
//! (专项基金) named for a cause rather than a community.

use sea_orm_migration::prelude::*;

use crate::shapes::{add_column, drop_column, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "charity_fund", string(C::Kind, 16).default("community")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "charity_fund", C::Kind).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    Kind,
}
