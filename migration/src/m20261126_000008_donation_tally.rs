//! Running totals of the confirmed donation ledger by organization,
//! campaign, channel and month of each year (see the entity
//! `donation_tally`). The service keeps them in each gift's transaction;
//! this migration fills them from the gifts already recorded.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::shapes::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tenant_table(
            manager,
            tenant_owned_table("donation_tally")
                .col(integer(C::Year))
                .col(integer(C::Month))
                .col(uuid(C::OrganizationId))
                .col(uuid(C::CampaignId))
                .col(string(C::Channel, 16))
                .col(string(C::GiftKind, 16))
                .col(fen(C::Fen))
                .col(big_integer(C::Gifts))
                .primary_key(&mut tenant_key(&[
                    C::Year,
                    C::Month,
                    C::OrganizationId,
                    C::CampaignId,
                    C::Channel,
                    C::GiftKind,
                ])),
        )
        .await?;
        rebuild_donation_tally(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["donation_tally"]).await
    }
}

/// Recount every tenant's tallies from the ledger. For this migration, and
/// after loading gifts in bulk outside the service (the benchmark's COPY, a
/// restore from another system). Run with the schema owner's connection,
/// in a transaction: tenant by tenant, each named with `SET LOCAL
/// app.tenant_id`, because row-level security is forced on the owner too.
pub async fn rebuild_donation_tally<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let (year, month, nil, tenant) = match backend {
        DatabaseBackend::Postgres => (
            "CAST(EXTRACT(YEAR FROM received_on) AS INTEGER)",
            "CAST(EXTRACT(MONTH FROM received_on) AS INTEGER)",
            "'00000000-0000-0000-0000-000000000000'::uuid",
            "$1",
        ),
        _ => (
            "CAST(strftime('%Y', received_on) AS INTEGER)",
            "CAST(strftime('%m', received_on) AS INTEGER)",
            "zeroblob(16)",
            "?",
        ),
    };
    // (month, organization, campaign, channel, which gifts): one statement
    // per dimension, as the service adds a gift to each.
    let dimensions = [
        ("0", "organization_id", nil, "''", "TRUE"),
        ("0", nil, "campaign_id", "''", "campaign_id IS NOT NULL"),
        ("0", nil, nil, "channel", "gift_kind = 'money' AND channel IS NOT NULL"),
        (month, nil, nil, "''", "TRUE"),
    ];
    let tenants = conn
        .query_all_raw(Statement::from_string(backend, "SELECT id FROM tenant"))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<uuid::Uuid>(0))
        .collect::<Result<Vec<_>, _>>()?;
    for id in tenants {
        if backend == DatabaseBackend::Postgres {
            conn.execute_unprepared(&format!("SET LOCAL app.tenant_id = '{id}'"))
                .await?;
        }
        let run = |sql: String| Statement::from_sql_and_values(backend, sql, [id.into()]);
        conn.execute_raw(run(format!("DELETE FROM donation_tally WHERE tenant_id = {tenant}")))
            .await?;
        for (month, organization, campaign, channel, which) in dimensions {
            // Group by the dimension's own column only: SQLite reads a
            // constant in GROUP BY as a column position.
            let constants = ["0", nil, "''"];
            let group_by: Vec<&str> = [year, month, organization, campaign, channel, "gift_kind"]
                .into_iter()
                .filter(|term| !constants.contains(term))
                .collect();
            let group_by = group_by.join(", ");
            conn.execute_raw(run(format!(
                "INSERT INTO donation_tally
                     (tenant_id, year, month, organization_id, campaign_id, channel, gift_kind, fen, gifts)
                 SELECT tenant_id, {year}, {month}, {organization}, {campaign}, {channel}, gift_kind,
                        CAST(SUM(amount_fen) AS BIGINT),
                        CAST(SUM(CASE WHEN entry = 'gift' THEN 1 ELSE -1 END) AS BIGINT)
                 FROM donation
                 WHERE tenant_id = {tenant} AND status = 'confirmed' AND {which}
                 GROUP BY tenant_id, {group_by}"
            )))
            .await?;
        }
    }
    Ok(())
}

#[derive(DeriveIden, Clone, Copy)]
enum C {
    Year,
    Month,
    OrganizationId,
    CampaignId,
    Channel,
    GiftKind,
    Fen,
    Gifts,
}
