//! Relief cases: households of one to three people with valid identity
//! numbers (unique across the dataset), each on one relief category.

use anyhow::Result;
use chrono::{Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::sqlx::postgres::PgPool;
use service::relief::identity;
use uuid::Uuid;

use crate::load::{Copy, opt};
use crate::{City, id_at};

const CATEGORIES: [(&str, i64); 3] = [
    ("minimum_living", 77_000),
    ("extreme_poverty", 101_000),
    ("temporary", 65_000),
];
const SURNAMES: [&str; 8] = ["韦", "覃", "蒙", "黄", "陆", "梁", "廖", "卢"];

pub async fn load(pool: &PgPool, rng: &mut ChaCha8Rng, cities: &[City], count: usize) -> Result<()> {
    let now = Utc::now();
    let mut cases = Copy::begin(
        pool,
        "relief_case",
        "tenant_id, id, district, street, community, address, status, outcome, registered_by, created_at, closed_by, closed_at",
    )
    .await?;
    let mut people = Vec::with_capacity(count * 2);
    let mut benefits = Vec::with_capacity(count);
    // Identity numbers: a birth date per thousand people, so each is unique.
    let born = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap_or_default();
    let mut person = 0u32;
    for n in 0..count {
        let city = &cities[n % cities.len()];
        let id = id_at(rng, now);
        cases
            .row([
                city.id.to_string(),
                id.to_string(),
                format!("第{}区", n % 5 + 1),
                format!("第{}街道", n % 17 + 1),
                format!("第{}社区", n % 61 + 1),
                format!("{}号{}栋", n % 300 + 1, n % 9 + 1),
                "open".to_owned(),
                opt(None::<String>),
                Uuid::nil().to_string(),
                now.to_rfc3339(),
                opt(None::<Uuid>),
                opt(None::<String>),
            ])
            .await?;
        for position in 1..=rng.random_range(1..=3) {
            let birth = born + Duration::days(i64::from(person / 1000));
            let number = identity::assemble(&city.division_code, birth, person % 1000);
            person += 1;
            let name = format!("{}某{}", SURNAMES[n % SURNAMES.len()], person);
            people.push((city.id, id_at(rng, now), id, position, name, number));
        }
        let (category, amount) = CATEGORIES[n % CATEGORIES.len()];
        benefits.push((city.id, id, category, amount));
    }
    cases.finish().await?;

    let mut copy = Copy::begin(
        pool,
        "relief_person",
        "tenant_id, id, case_id, position, name, id_number, relationship, disability, health",
    )
    .await?;
    for (tenant, id, case, position, name, number) in people {
        copy.row([
            tenant.to_string(),
            id.to_string(),
            case.to_string(),
            position.to_string(),
            name,
            number,
            if position == 1 { "本人" } else { "家属" }.to_owned(),
            String::new(),
            String::new(),
        ])
        .await?;
    }
    copy.finish().await?;

    let mut copy = Copy::begin(
        pool,
        "relief_benefit",
        "tenant_id, case_id, category, amount_fen, since",
    )
    .await?;
    for (tenant, case, category, amount) in benefits {
        copy.row([
            tenant.to_string(),
            case.to_string(),
            category.to_owned(),
            amount.to_string(),
            "2024-01-01".to_owned(),
        ])
        .await?;
    }
    copy.finish().await?;
    Ok(())
}
