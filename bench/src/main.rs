//! `bench-generate`: a large, realistic and deterministic dataset for the
//! benchmarks, loaded straight into a migrated PostgreSQL database (as its
//! owner) with COPY. The same seed gives the same rows.
//!
//! It adds to the three demo cities: organizations, community funds,
//! donations over five years with their receipts, disbursements with the
//! allocations that pay for them (so every fund's ledger adds up), relief
//! cases with their members, and audit records that extend each city's
//! hash chain (so `api audit verify` still passes).

mod audit;
mod gifts;
mod load;
mod register;
mod relief;

use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ConnectionTrait, Database, Statement};
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "Load the benchmark dataset into PostgreSQL")]
struct Args {
    /// The owner connection of a migrated, seeded database.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: String,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 20_000)]
    organizations: usize,
    #[arg(long, default_value_t = 2_000)]
    funds: usize,
    #[arg(long, default_value_t = 1_000_000)]
    donations: usize,
    #[arg(long, default_value_t = 200_000)]
    disbursements: usize,
    #[arg(long, default_value_t = 100_000)]
    cases: usize,
    #[arg(long, default_value_t = 500_000)]
    audit: usize,
}

/// A demo city the rows go into.
pub struct City {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub division_code: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let db = Database::connect(&args.database_url)
        .await
        .context("connecting to the benchmark database")?;
    let pool = db.get_postgres_connection_pool().clone();
    let cities = cities(&db).await?;
    anyhow::ensure!(!cities.is_empty(), "no cities: migrate and seed the database first");
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);

    let organizations = register::load(&pool, &mut rng, &cities, args.organizations).await?;
    let ledger = gifts::load(
        &pool,
        &mut rng,
        &cities,
        &organizations,
        gifts::Sizes {
            funds: args.funds,
            donations: args.donations,
            disbursements: args.disbursements,
        },
    )
    .await?;
    // COPY bypasses the service, which keeps the dashboards' running
    // tallies in each gift's transaction: recount them once.
    let tallied = Instant::now();
    migration::rebuild_donation_tally(&db).await?;
    println!(
        "{:<20} recounted in {:.1} s",
        "donation_tally",
        tallied.elapsed().as_secs_f64()
    );
    relief::load(&pool, &mut rng, &cities, args.cases).await?;
    audit::load(&db, &pool, &mut rng, &cities, &ledger, args.audit).await?;

    // Fresh statistics, so the planner sees the new sizes at once.
    db.execute_unprepared("ANALYZE").await?;
    println!("loaded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn cities(db: &sea_orm::DatabaseConnection) -> Result<Vec<City>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id, slug, name, division_code FROM tenant WHERE kind = 'city' ORDER BY slug",
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(City {
                id: r.try_get_by_index(0)?,
                slug: r.try_get_by_index(1)?,
                name: r.try_get_by_index(2)?,
                division_code: r.try_get_by_index(3)?,
            })
        })
        .collect()
}

/// A time-ordered id (UUID v7) for an instant, its random bits from `rng`,
/// as the application makes them: lists ordered by id are ordered by time.
pub fn id_at(rng: &mut ChaCha8Rng, at: chrono::DateTime<chrono::Utc>) -> Uuid {
    use rand::RngCore;
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}
