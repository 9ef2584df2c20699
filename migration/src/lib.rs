//! Schema migrations. The same migrations run on SQLite and PostgreSQL; the
//! PostgreSQL-only parts (the application role, grants, row-level security)
//! live in [`postgres`] and are skipped on SQLite.

pub use sea_orm_migration::prelude::*;

pub mod citus;
mod m20261126_000001_foundation;
mod m20261126_000002_audit;
mod m20261126_000003_outbox_idempotency;
mod m20261126_000004_organizations;
mod m20261126_000005_fee_reductions;
mod m20261126_000006_donations;
mod m20261126_000007_relief;
mod m20261126_000008_donation_tally;
mod m20261126_000009_fund_page_indexes;
mod m20261126_000010_citus;
mod m20261202_000011_donation_stations;
mod m20261202_000012_special_funds;
mod m20261202_000013_annual_report_reminders;
mod m20261202_000014_the_wall;
mod m20261203_000015_enterprises_benefited;
pub mod postgres;
mod shapes;

pub use m20261126_000008_donation_tally::rebuild_donation_tally;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_foundation::Migration),
            Box::new(m20261126_000002_audit::Migration),
            Box::new(m20261126_000003_outbox_idempotency::Migration),
            Box::new(m20261126_000004_organizations::Migration),
            Box::new(m20261126_000005_fee_reductions::Migration),
            Box::new(m20261126_000006_donations::Migration),
            Box::new(m20261126_000007_relief::Migration),
            Box::new(m20261126_000008_donation_tally::Migration),
            Box::new(m20261126_000009_fund_page_indexes::Migration),
            Box::new(m20261126_000010_citus::Migration),
            Box::new(m20261202_000011_donation_stations::Migration),
            Box::new(m20261202_000012_special_funds::Migration),
            Box::new(m20261202_000013_annual_report_reminders::Migration),
            Box::new(m20261202_000014_the_wall::Migration),
            Box::new(m20261203_000015_enterprises_benefited::Migration),
        ]
    }
}
