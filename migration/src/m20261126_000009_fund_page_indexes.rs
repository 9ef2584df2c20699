//! A fund's public page lists its latest gifts and disbursements, newest
//! first. Ordered by id within the fund, so the page reads the 21 rows it
//! shows however many the fund has received (found by the benchmark: at a
//! million gifts, a fund's page read every one of its ~250 gifts to sort
//! them).

use sea_orm_migration::prelude::*;

use crate::shapes::tenant_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 2] = [
    ("donation_fund_recent", "donation"),
    ("disbursement_fund_recent", "disbursement"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in INDEXES {
            manager
                .create_index(tenant_index(name, table, &[C::FundId, C::Id]))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    FundId,
    Id,
}
