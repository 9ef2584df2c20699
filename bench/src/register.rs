//! Organizations: every third city's share of them, a fifth of them
//! recognized charities (those receive donations), with valid unified
//! social credit codes.

use anyhow::Result;
use chrono::{Duration, NaiveDate, Utc};
use entity::organization::OrganizationKind;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::sqlx::postgres::PgPool;
use service::credit_code::CreditCode;
use uuid::Uuid;

use crate::load::{Copy, opt};
use crate::{City, id_at};

/// What the later tables need to know of an organization.
pub struct Organization {
    pub id: Uuid,
    pub city: usize,
    pub code: String,
    pub charity: bool,
}

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WORDS: [&str; 8] = ["助老", "助学", "扶贫", "环保", "助残", "社区服务", "医疗救助", "青少年"];

/// The 8-character organization-code body of the n-th generated code
/// (base 31 over the code alphabet, after a "9" that demo codes never use).
fn body(n: usize) -> String {
    let mut digits = Vec::with_capacity(8);
    let mut rest = n;
    for _ in 0..7 {
        digits.push(ALPHABET[rest % 31]);
        rest /= 31;
    }
    digits.push(b'9');
    digits.reverse();
    String::from_utf8_lossy(&digits).into_owned()
}

pub async fn load(pool: &PgPool, rng: &mut ChaCha8Rng, cities: &[City], count: usize) -> Result<Vec<Organization>> {
    let columns = "tenant_id, id, name, kind, is_industry_association, credit_code, business_scope, registered_address, \
                   legal_representative, contact_email, supervising_unit, status, registered_on, charity_recognized_on, \
                   charity_recognized_by, public_fundraising_on, public_fundraising_by, deregistered_on, \
                   deregistration_reason, version, created_at, updated_at";
    let mut copy = Copy::begin(pool, "organization", columns).await?;
    let now = Utc::now();
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let city_index = n % cities.len();
        let city = &cities[city_index];
        let kind = match rng.random_range(0..10) {
            0..6 => OrganizationKind::SocialGroup,
            6..9 => OrganizationKind::SocialServiceInstitution,
            _ => OrganizationKind::Foundation,
        };
        let code = CreditCode::assemble(kind, &city.division_code, &body(n))?;
        let registered_on = start + Duration::days(rng.random_range(0..9000));
        let charity = n % 5 == 0;
        let recognized_on = charity.then(|| registered_on + Duration::days(rng.random_range(30..800)));
        let fundraising_on = (n % 25 == 0).then(|| recognized_on.unwrap_or(registered_on) + Duration::days(400));
        let word = WORDS[n % WORDS.len()];
        let (kind_name, kind_key) = match kind {
            OrganizationKind::SocialGroup => ("协会", "social_group"),
            OrganizationKind::SocialServiceInstitution => ("服务中心", "social_service_institution"),
            OrganizationKind::Foundation => ("基金会", "foundation"),
        };
        let id = id_at(rng, now);
        copy.row([
            city.id.to_string(),
            id.to_string(),
            format!("{}{word}{kind_name}第{n}号", city.name),
            kind_key.to_owned(),
            "false".to_owned(),
            code.as_str().to_owned(),
            format!("{word}、志愿服务"),
            format!("{}某街道{}号", city.name, n % 500 + 1),
            format!("负责人{n}"),
            format!("org{n}@bench.example.org"),
            String::new(),
            "active".to_owned(),
            registered_on.to_string(),
            opt(recognized_on),
            opt(None::<Uuid>),
            opt(fundraising_on),
            opt(None::<Uuid>),
            opt(None::<NaiveDate>),
            opt(None::<String>),
            "1".to_owned(),
            now.to_rfc3339(),
            now.to_rfc3339(),
        ])
        .await?;
        out.push(Organization {
            id,
            city: city_index,
            code: code.as_str().to_owned(),
            charity,
        });
    }
    copy.finish().await?;
    Ok(out)
}
