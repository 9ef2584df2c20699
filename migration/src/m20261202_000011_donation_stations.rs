//! Charity donation stations (社会慈善捐助站) and the station a gift was
//! handed in at.

use sea_orm_migration::prelude::*;

use crate::citus::distribute_new_table;
use crate::postgres::{add_tenant_foreign_key, enable_tenant_rls};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("donation_station"))
                    .col(ColumnDef::new(C::TenantId).uuid().not_null())
                    .col(ColumnDef::new(C::Id).uuid().not_null())
                    .col(ColumnDef::new(C::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(C::Name).string_len(200).not_null())
                    .col(ColumnDef::new(C::District).string_len(100).not_null())
                    .col(ColumnDef::new(C::Address).string_len(300).not_null())
                    .col(ColumnDef::new(C::Hours).string_len(200).not_null())
                    .col(ColumnDef::new(C::OpenedOn).date().not_null())
                    .col(ColumnDef::new(C::ClosedOn).date().null())
                    .col(ColumnDef::new(C::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(C::CreatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(C::TenantId).col(C::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Alias::new("donation_station"), C::TenantId)
                            .to(Alias::new("tenant"), Alias::new("id")),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Alias::new("donation_station"), (C::TenantId, C::OrganizationId))
                            .to(Alias::new("organization"), (C::TenantId, C::Id)),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("donation_station_name")
                    .table(Alias::new("donation_station"))
                    .col(C::TenantId)
                    .col(C::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        enable_tenant_rls(manager, "donation_station").await?;
        distribute_new_table(manager, "donation_station").await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("donation"))
                    .add_column(ColumnDef::new(C::StationId).uuid().null())
                    .to_owned(),
            )
            .await?;
        // SQLite cannot add a foreign key to an existing table; there the
        // service checks the station (as it does on PostgreSQL, first).
        add_tenant_foreign_key(manager, "donation", "station_id", "donation_station").await?;
        manager
            .create_index(
                Index::create()
                    .name("donation_station_gifts")
                    .table(Alias::new("donation"))
                    .col(C::TenantId)
                    .col(C::StationId)
                    .to_owned(),
            )
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
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("donation"))
                    .drop_column(C::StationId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Alias::new("donation_station")).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    TenantId,
    Id,
    OrganizationId,
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
