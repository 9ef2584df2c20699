//! Community funds, donations over five years with their receipts, and
//! disbursements with the allocations that pay for them. Built in memory
//! first, because a gift's unallocated amount and a fund's totals depend on
//! the disbursements, then loaded; every ledger adds up as the
//! application's own would.

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::disbursement::Purpose;
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::sqlx::postgres::PgPool;
use service::funds::allocation::{Unspent, allocate};
use uuid::Uuid;

use crate::load::{Copy, opt};
use crate::register::Organization;
use crate::{City, id_at};

pub struct Sizes {
    pub funds: usize,
    pub donations: usize,
    pub disbursements: usize,
}

/// What the audit records point at.
pub struct Ledger {
    /// Donation ids by city, with their organizations.
    pub gifts: Vec<Vec<(Uuid, Uuid)>>,
}

struct Fund {
    id: Uuid,
    city: usize,
    organization: usize,
    name: String,
    district: &'static str,
    raised: i64,
    disbursed: i64,
}

struct Gift {
    id: Uuid,
    city: usize,
    organization: usize,
    fund: Option<usize>,
    amount: i64,
    unallocated: i64,
    received_on: NaiveDate,
    at: DateTime<Utc>,
    donor: usize,
    disclose: bool,
    channel: &'static str,
}

const DISTRICTS: [&str; 4] = ["城中区", "青秀区", "秀峰区", "柳北区"];
const CHANNELS: [&str; 4] = ["bank_transfer", "wechat_pay", "alipay", "cash"];
const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "黄", "韦", "覃", "蒙"];
const PURPOSES: [(Purpose, &str); 5] = [
    (Purpose::LivingAid, "living_aid"),
    (Purpose::Medical, "medical"),
    (Purpose::Education, "education"),
    (Purpose::ElderlyServices, "elderly_services"),
    (Purpose::CommunityProjects, "community_projects"),
];
/// Every demo receipt opens with this code, as the seeded demo's do.
const CODE: &str = "DEMOCODE";

pub async fn load(
    pool: &PgPool,
    rng: &mut ChaCha8Rng,
    cities: &[City],
    organizations: &[Organization],
    sizes: Sizes,
) -> Result<Ledger> {
    let charities: Vec<Vec<usize>> = (0..cities.len())
        .map(|c| {
            organizations
                .iter()
                .enumerate()
                .filter(|(_, o)| o.charity && o.city == c)
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    anyhow::ensure!(
        charities.iter().all(|c| !c.is_empty()),
        "every city needs a charity: generate more organizations"
    );
    let now = Utc::now();
    let today = now.date_naive();
    let first_day = today - Duration::days(5 * 365);

    let mut funds: Vec<Fund> = (0..sizes.funds)
        .map(|n| {
            let city = n % cities.len();
            let organization = charities[city][(n / cities.len()) % charities[city].len()];
            let district = DISTRICTS[n % DISTRICTS.len()];
            Fund {
                id: id_at(rng, now),
                city,
                organization,
                name: format!("{}{district}第{n}社区慈善基金", cities[city].name),
                district,
                raised: 0,
                disbursed: 0,
            }
        })
        .collect();
    let funds_of: Vec<Vec<usize>> = (0..cities.len())
        .map(|c| (0..funds.len()).filter(|f| funds[*f].city == c).collect())
        .collect();

    // Gifts, oldest first, so receipt numbers and ids follow time.
    let mut days: Vec<i64> = (0..sizes.donations)
        .map(|_| rng.random_range(0..=(today - first_day).num_days()))
        .collect();
    days.sort_unstable();
    let mut gifts: Vec<Gift> = Vec::with_capacity(sizes.donations);
    for (n, day) in days.into_iter().enumerate() {
        let city = n % cities.len();
        // Half the gifts go to a community fund, the rest to a charity.
        let fund =
            (rng.random_bool(0.5) && !funds_of[city].is_empty()).then(|| *funds_of[city].choose(rng).unwrap_or(&0));
        let organization = match fund {
            Some(f) => funds[f].organization,
            None => *charities[city].choose(rng).unwrap_or(&0),
        };
        let received_on = first_day + Duration::days(day);
        let at = received_on.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc()
            + Duration::seconds(rng.random_range(0..30_000));
        let amount = rng.random_range(1..=2_000) * 100
            + if rng.random_bool(0.1) {
                rng.random_range(1..100)
            } else {
                0
            };
        if let Some(f) = fund {
            funds[f].raised += amount;
        }
        gifts.push(Gift {
            id: id_at(rng, at),
            city,
            organization,
            fund,
            amount,
            unallocated: if fund.is_some() { amount } else { 0 },
            received_on,
            at,
            donor: rng.random_range(0..100_000),
            disclose: rng.random_bool(0.3),
            channel: CHANNELS[rng.random_range(0..CHANNELS.len())],
        });
    }

    // Disbursements, each fund's in turn, paid from its oldest gifts.
    let mut gifts_of: Vec<Vec<usize>> = vec![Vec::new(); funds.len()];
    for (i, g) in gifts.iter().enumerate() {
        if let Some(f) = g.fund {
            gifts_of[f].push(i);
        }
    }
    let mut disbursements: Vec<[String; 18]> = Vec::with_capacity(sizes.disbursements);
    let mut allocations = Vec::new();
    let per_fund = sizes.disbursements.div_ceil(funds.len().max(1));
    let mut made = 0;
    for (f, fund) in funds.iter_mut().enumerate() {
        let mut unspent: Vec<Unspent> = gifts_of[f]
            .iter()
            .map(|&g| Unspent {
                donation_id: gifts[g].id,
                restricted_to: None,
                unallocated_fen: gifts[g].amount,
            })
            .collect();
        let index_of: HashMap<Uuid, usize> = gifts_of[f].iter().map(|&g| (gifts[g].id, g)).collect();
        // Spend about 70% of what the fund raised.
        let budget = fund.raised * 7 / 10;
        for k in 0..per_fund {
            if made == sizes.disbursements {
                break;
            }
            let left = budget - fund.disbursed;
            let amount = (left / (per_fund - k) as i64).max(1);
            if left <= 0 {
                break;
            }
            let (purpose, purpose_key) = PURPOSES[k % PURPOSES.len()];
            let Ok(shares) = allocate(&unspent, purpose, amount) else {
                break;
            };
            let mut latest = fund_start(&gifts, &gifts_of[f]);
            for (donation, share) in &shares {
                if let Some(&g) = index_of.get(donation) {
                    gifts[g].unallocated -= share;
                    latest = latest.max(gifts[g].at);
                }
                if let Some(u) = unspent.iter_mut().find(|u| u.donation_id == *donation) {
                    u.unallocated_fen -= share;
                }
            }
            unspent.retain(|u| u.unallocated_fen > 0);
            let decided = (latest + Duration::days(rng.random_range(1..30))).min(now);
            let id = id_at(rng, decided);
            let paid = rng.random_bool(0.7);
            let beneficiary = format!("{}某某", SURNAMES[rng.random_range(0..SURNAMES.len())]);
            disbursements.push([
                cities[fund.city].id.to_string(),
                id.to_string(),
                fund.id.to_string(),
                organizations[fund.organization].id.to_string(),
                purpose_key.to_owned(),
                "person".to_owned(),
                beneficiary,
                "基准测试生成".to_owned(),
                amount.to_string(),
                if paid { "paid" } else { "approved" }.to_owned(),
                Uuid::nil().to_string(),
                (decided - Duration::days(1)).to_rfc3339(),
                Uuid::nil().to_string(),
                decided.to_rfc3339(),
                opt(None::<String>),
                opt(paid.then(Uuid::nil)),
                opt(paid.then(|| decided.date_naive())),
                opt(paid.then(|| format!("BENCH-{made}"))),
            ]);
            fund.disbursed += amount;
            allocations.extend(shares.into_iter().map(|(d, s)| (fund.city, id, d, s)));
            made += 1;
        }
    }
    // Loaded in the order the foreign keys need: funds, gifts, then what
    // points at them.
    let columns = "tenant_id, id, organization_id, name, community, street, district, raised_fen, disbursed_fen, \
                   created_by, created_at";
    let mut copy = Copy::begin(pool, "charity_fund", columns).await?;
    for (n, fund) in funds.iter().enumerate() {
        copy.row([
            cities[fund.city].id.to_string(),
            fund.id.to_string(),
            organizations[fund.organization].id.to_string(),
            fund.name.clone(),
            format!("第{}社区", n % 50 + 1),
            format!("第{}街道", n % 12 + 1),
            fund.district.to_owned(),
            fund.raised.to_string(),
            fund.disbursed.to_string(),
            Uuid::nil().to_string(),
            now.to_rfc3339(),
        ])
        .await?;
    }
    copy.finish().await?;

    // Receipts: ORGCODE-YEAR-NNNNNN, numbered per organization and year.
    let hash = service::donations::receipts::hash_code(CODE);
    let mut numbers: HashMap<(usize, i32), i32> = HashMap::new();
    let columns = "tenant_id, id, organization_id, entry, reverses_id, status, gift_kind, amount_fen, channel, \
                   external_reference, goods_description, goods_quantity, goods_unit, valuation_basis, donor_kind, \
                   donor_name, donor_email, donor_user_id, disclose, campaign_id, fund_id, project, restricted_purpose, \
                   matches_id, receipt_number, verification_hash, unallocated_fen, received_on, note, recorded_by, \
                   confirmed_at, created_at";
    let mut copy = Copy::begin(pool, "donation", columns).await?;
    let mut ledger = Ledger {
        gifts: vec![Vec::new(); cities.len()],
    };
    for g in &gifts {
        use chrono::Datelike;
        let year = g.received_on.year();
        let number = numbers.entry((g.organization, year)).or_insert(0);
        *number += 1;
        let org = &organizations[g.organization];
        let receipt = format!("{}-{year}-{:06}", &org.code[8..17], number);
        let donor = format!("{}{}", SURNAMES[g.donor % SURNAMES.len()], g.donor);
        copy.row([
            cities[g.city].id.to_string(),
            g.id.to_string(),
            org.id.to_string(),
            "gift".to_owned(),
            opt(None::<Uuid>),
            "confirmed".to_owned(),
            "money".to_owned(),
            g.amount.to_string(),
            g.channel.to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "individual".to_owned(),
            donor,
            opt(None::<String>),
            opt(None::<Uuid>),
            g.disclose.to_string(),
            opt(None::<Uuid>),
            opt(g.fund.map(|f| funds[f].id)),
            opt(None::<String>),
            opt(None::<String>),
            opt(None::<Uuid>),
            receipt,
            hash.clone(),
            g.unallocated.to_string(),
            g.received_on.to_string(),
            String::new(),
            Uuid::nil().to_string(),
            g.at.to_rfc3339(),
            g.at.to_rfc3339(),
        ])
        .await?;
        ledger.gifts[g.city].push((g.id, org.id));
    }
    copy.finish().await?;

    let columns = "tenant_id, id, fund_id, organization_id, purpose, beneficiary_kind, beneficiary_name, description, \
                   amount_fen, status, requested_by, requested_at, decided_by, decided_at, decision_note, paid_by, \
                   paid_on, payment_reference";
    let mut copy = Copy::begin(pool, "disbursement", columns).await?;
    for row in &disbursements {
        copy.row(row).await?;
    }
    copy.finish().await?;

    let mut copy = Copy::begin(
        pool,
        "allocation",
        "tenant_id, disbursement_id, donation_id, amount_fen",
    )
    .await?;
    for (city, disbursement, donation, share) in &allocations {
        copy.row([
            cities[*city].id.to_string(),
            disbursement.to_string(),
            donation.to_string(),
            share.to_string(),
        ])
        .await?;
    }
    copy.finish().await?;

    let mut copy = Copy::begin(
        pool,
        "receipt_sequence",
        "tenant_id, organization_id, year, last_number",
    )
    .await?;
    for ((organization, year), last) in &numbers {
        let org = &organizations[*organization];
        copy.row([
            cities[org.city].id.to_string(),
            org.id.to_string(),
            year.to_string(),
            last.to_string(),
        ])
        .await?;
    }
    copy.finish().await?;
    Ok(ledger)
}

/// When a fund's first gift arrived.
fn fund_start(gifts: &[Gift], of_fund: &[usize]) -> DateTime<Utc> {
    of_fund.first().map_or_else(Utc::now, |&g| gifts[g].at)
}
