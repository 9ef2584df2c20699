//! Charity donation stations (社会慈善捐助站) and the station a gift was
//! handed in at.

use sea_orm_migration::prelude::*;

use crate::citus::distribute_new_table;
use crate::postgres::add_tenant_foreign_key;
use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tenant_table(
            manager,
            organization_table("donation_station")
                .col(string(C::Name, 200))
                .col(string(C::District, 100))
                .col(string(C::Address, 300))
                .col(string(C::Hours, 200))
                .col(date(C::OpenedOn))
                .col(date(C::ClosedOn).null())
                .col(uuid(C::CreatedBy))
                .col(timestamp(C::CreatedAt)),
        )
        .await?;
        manager
            .create_index(tenant_unique("donation_station_name", "donation_station", &[C::Name]))
            .await?;
        distribute_new_table(manager, "donation_station").await?;

        add_column(manager, "donation", uuid(C::StationId).null()).await?;
        // SQLite cannot add a foreign key to an existing table; there the
        // service checks the station (as it does on PostgreSQL, first).
        add_tenant_foreign_key(manager, "donation", "station_id", "donation_station").await?;
        manager
            .create_index(tenant_index("donation_station_gifts", "donation", &[C::StationId]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("donation_station_gifts")
                    .table(Alias::new("donation"))
                    .to_owned(),
            )
            .await?;
        drop_column(manager, "donation", C::StationId).await?;
        drop_tables(manager, &["donation_station"]).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    Name,
    District,
    Address,
    Hours,
    OpenedOn,
    ClosedOn,
    CreatedBy,
    CreatedAt,
    StationId,
}
