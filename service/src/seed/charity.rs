//! Demo charity data, reproducing the seeds' figures: Nanning's 76
//! community funds that raised exactly 956,100.00 yuan (each with
//! disbursements, so every trace page has content), Liuzhou's campaign
//! history under 慈善一日捐 and 99公益日 (with a matching sponsor), and
//! financial statements so the spending-rule check has results.
//!
//! Written with bulk inserts in the city's seed transaction; receipt
//! sequences, fund totals and allocations are computed here exactly as the
//! service would have left them.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, SubsecRound, TimeZone, Utc};
use entity::disbursement::{BeneficiaryKind, DisbursementStatus, Purpose};
use entity::donation::{Channel, DonationStatus, DonorKind, Entry, GiftKind};
use entity::{
    allocation, campaign, charity_fund, disbursement, donation, financial_statement, organization, receipt_sequence,
    tenant,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::db::WriteTx;
use crate::donations::receipts;
use crate::error::{Error, Result};
use crate::funds::allocation::{Unspent, allocate};

/// Every demo receipt opens its trace with this code.
pub const DEMO_VERIFICATION_CODE: &str = "DEMOCODE";
/// Nanning's funds and what they raised together (the seeds' figures).
pub const NANNING_FUNDS: usize = 76;
pub const NANNING_FUNDS_RAISED_FEN: i64 = 95_610_000;

const DISTRICTS: [(&str, [&str; 3]); 4] = [
    ("青秀区", ["新竹街道", "中山街道", "津头街道"]),
    ("兴宁区", ["民生街道", "朝阳街道", "兴东街道"]),
    ("西乡塘区", ["北湖街道", "衡阳街道", "华强街道"]),
    ("江南区", ["福建园街道", "江南街道", "沙井街道"]),
];
const COMMUNITIES: [&str; 19] = [
    "桃源",
    "民乐",
    "建政",
    "东葛",
    "古城",
    "南湖",
    "竹溪",
    "滨湖",
    "埌东",
    "仙葫",
    "五一",
    "友爱",
    "明秀",
    "秀灵",
    "北湖",
    "白沙",
    "亭子",
    "那洪",
    "石柱岭",
];
/// A donor: name, kind, and whether they may be named publicly.
type Donor = (&'static str, DonorKind, bool);

const DONORS: [Donor; 8] = [
    ("广西邕城建设有限公司", DonorKind::Enterprise, true),
    ("王建华", DonorKind::Individual, true),
    ("李秀英", DonorKind::Individual, false),
    ("匿名", DonorKind::Anonymous, false),
    ("南宁绿城物业服务有限公司", DonorKind::Enterprise, true),
    ("陈志明", DonorKind::Individual, false),
    ("黄丽娟", DonorKind::Individual, true),
    ("南宁东盟商贸有限公司", DonorKind::Enterprise, true),
];
const BENEFICIARIES: [(&str, BeneficiaryKind, Purpose); 6] = [
    ("张桂兰", BeneficiaryKind::Person, Purpose::LivingAid),
    ("刘德明", BeneficiaryKind::Household, Purpose::Medical),
    ("社区长者饭堂", BeneficiaryKind::Project, Purpose::ElderlyServices),
    ("覃小雨", BeneficiaryKind::Person, Purpose::Education),
    ("“四点半课堂”", BeneficiaryKind::Project, Purpose::Children),
    ("楼道适老化改造", BeneficiaryKind::Project, Purpose::CommunityProjects),
];

/// Builds the rows; receipt numbers are taken per organization and year.
struct Ledger {
    tenant_id: Uuid,
    organization_id: Uuid,
    organization_code: String,
    sequences: HashMap<i32, i32>,
    gifts: Vec<donation::Model>,
    code_hash: String,
}

impl Ledger {
    fn gift(&mut self, g: Gift) -> donation::Model {
        let year = g.received_on.year();
        let number = self.sequences.entry(year).or_insert(0);
        *number += 1;
        let at = Utc.from_utc_datetime(&g.received_on.and_hms_opt(2, 0, 0).unwrap_or_default());
        let gift = donation::Model {
            tenant_id: self.tenant_id,
            id: Uuid::now_v7(),
            organization_id: self.organization_id,
            entry: Entry::Gift,
            reverses_id: None,
            status: DonationStatus::Confirmed,
            gift_kind: g.kind,
            amount_fen: g.fen,
            channel: (g.kind == GiftKind::Money).then_some(g.channel),
            external_reference: String::new(),
            goods_description: g.goods.map(|(d, _, _)| d.to_owned()).unwrap_or_default(),
            goods_quantity: g.goods.map(|(_, q, _)| q.to_owned()).unwrap_or_default(),
            goods_unit: g.goods.map(|(_, _, u)| u.to_owned()).unwrap_or_default(),
            valuation_basis: if g.goods.is_some() {
                "捐赠方提供的发票".to_owned()
            } else {
                String::new()
            },
            donor_kind: g.donor.1,
            donor_name: g.donor.0.to_owned(),
            donor_email: None,
            donor_user_id: None,
            disclose: g.donor.2,
            campaign_id: g.campaign_id,
            fund_id: g.fund_id,
            project: None,
            restricted_purpose: None,
            matches_id: g.matches_id,
            receipt_number: Some(receipts::format_number(&self.organization_code, year, *number)),
            verification_hash: Some(self.code_hash.clone()),
            unallocated_fen: if g.fund_id.is_some() { g.fen } else { 0 },
            received_on: g.received_on,
            note: String::new(),
            recorded_by: None,
            confirmed_at: Some(at),
            created_at: at,
        };
        self.gifts.push(gift.clone());
        gift
    }
}

struct Gift {
    kind: GiftKind,
    fen: i64,
    channel: Channel,
    goods: Option<(&'static str, &'static str, &'static str)>,
    donor: (&'static str, DonorKind, bool),
    campaign_id: Option<Uuid>,
    fund_id: Option<Uuid>,
    matches_id: Option<Uuid>,
    received_on: NaiveDate,
}

fn money_gift(fen: i64, donor: (&'static str, DonorKind, bool), received_on: NaiveDate) -> Gift {
    Gift {
        kind: GiftKind::Money,
        fen,
        channel: Channel::BankTransfer,
        goods: None,
        donor,
        campaign_id: None,
        fund_id: None,
        matches_id: None,
        received_on,
    }
}

fn date(year: i32, month: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| Error::internal(anyhow::anyhow!("demo date")))
}

pub(super) async fn seed_charity(
    tx: &WriteTx<'_>,
    city: &tenant::Model,
    organizations: &[organization::Model],
) -> Result<()> {
    let Some(federation) = organizations.first() else {
        return Ok(());
    };
    let mut ledger = Ledger {
        tenant_id: city.id,
        organization_id: federation.id,
        organization_code: receipts::organization_code(&federation.credit_code).to_owned(),
        sequences: HashMap::new(),
        gifts: Vec::new(),
        code_hash: receipts::hash_code(DEMO_VERIFICATION_CODE),
    };
    let today = crate::clock::today();
    let mut funds = Vec::new();
    let mut disbursements = Vec::new();
    let mut allocations = Vec::new();
    let mut campaigns = Vec::new();
    match city.slug.as_str() {
        "nanning" => {
            nanning_funds(
                &mut ledger,
                federation,
                today,
                &mut funds,
                &mut disbursements,
                &mut allocations,
            )?;
            nanning_pilot_goods(&mut ledger, today)?;
        }
        "liuzhou" => liuzhou_campaigns(&mut ledger, federation, today, &mut campaigns)?,
        _ => {}
    }
    if !campaigns.is_empty() {
        campaign::Entity::insert_many(campaigns.into_iter().map(campaign::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    if !funds.is_empty() {
        charity_fund::Entity::insert_many(funds.into_iter().map(charity_fund::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    for chunk in ledger.gifts.chunks(200) {
        donation::Entity::insert_many(chunk.iter().cloned().map(donation::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    crate::donations::tally::add(tx.conn(), &ledger.gifts.iter().collect::<Vec<_>>()).await?;
    for chunk in disbursements.chunks(200) {
        disbursement::Entity::insert_many(chunk.iter().cloned().map(disbursement::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    for chunk in allocations.chunks(200) {
        allocation::Entity::insert_many(chunk.iter().cloned().map(allocation::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    if !ledger.sequences.is_empty() {
        receipt_sequence::Entity::insert_many(ledger.sequences.iter().map(|(year, last)| {
            receipt_sequence::ActiveModel::from(receipt_sequence::Model {
                tenant_id: city.id,
                organization_id: federation.id,
                year: *year,
                last_number: *last,
            })
        }))
        .exec_without_returning(tx.conn())
        .await?;
    }
    let statements = financial_statements(city, organizations, today);
    if !statements.is_empty() {
        financial_statement::Entity::insert_many(statements.into_iter().map(financial_statement::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    Ok(())
}

fn nanning_funds(
    ledger: &mut Ledger,
    federation: &organization::Model,
    today: NaiveDate,
    funds: &mut Vec<charity_fund::Model>,
    disbursements: &mut Vec<disbursement::Model>,
    allocations: &mut Vec<allocation::Model>,
) -> Result<()> {
    let now = Utc::now().trunc_subsecs(6);
    let base = NANNING_FUNDS_RAISED_FEN / NANNING_FUNDS as i64;
    // Spread around the average, then put the rounding and the spread's
    // remainder on the first fund so the total is exact.
    let mut raised: Vec<i64> = (0..NANNING_FUNDS)
        .map(|i| base + ((i % 5) as i64 - 2) * 300_000)
        .collect();
    let off = NANNING_FUNDS_RAISED_FEN - raised.iter().sum::<i64>();
    raised[0] += off;
    let start = (today - Duration::days(420)).max(date(2024, 1, 1)?);
    for (i, total) in raised.into_iter().enumerate() {
        let (district, streets) = DISTRICTS[i % DISTRICTS.len()];
        let community = format!("{}社区", COMMUNITIES[i % COMMUNITIES.len()]);
        let name = format!(
            "{}{}社区发展慈善基金",
            COMMUNITIES[i % COMMUNITIES.len()],
            ["", "二", "三", "四", "五"][i / COMMUNITIES.len()]
        );
        let fund_id = Uuid::now_v7();
        let first = total / 2 / 100 * 100;
        let second = total * 3 / 10 / 100 * 100;
        let amounts = [first, second, total - first - second];
        let mut unspent = Vec::new();
        for (k, fen) in amounts.into_iter().enumerate() {
            let received_on = (start + Duration::days((i * 5 + k * 90) as i64)).min(today);
            let gift = ledger.gift(Gift {
                fund_id: Some(fund_id),
                channel: [Channel::BankTransfer, Channel::WechatPay, Channel::Alipay][k],
                ..money_gift(fen, DONORS[(i + k * 3) % DONORS.len()], received_on)
            });
            unspent.push(Unspent {
                donation_id: gift.id,
                restricted_to: None,
                unallocated_fen: fen,
            });
        }
        // A paid disbursement of about 40%, and for every other fund an
        // approved one of about 20% more.
        let mut disbursed = 0;
        for (n, share) in [(0usize, 40i64), (1, 20)] {
            if n == 1 && i % 2 == 1 {
                continue;
            }
            let (who, kind, purpose) = BENEFICIARIES[(i + n * 2) % BENEFICIARIES.len()];
            let fen = total * share / 100 / 100 * 100;
            let shares = allocate(&unspent, purpose, fen)
                .map_err(|_| Error::internal(anyhow::anyhow!("demo fund cannot cover its disbursement")))?;
            let id = Uuid::now_v7();
            for (donation_id, part) in &shares {
                if let Some(u) = unspent.iter_mut().find(|u| u.donation_id == *donation_id) {
                    u.unallocated_fen -= part;
                }
                allocations.push(allocation::Model {
                    tenant_id: ledger.tenant_id,
                    disbursement_id: id,
                    donation_id: *donation_id,
                    amount_fen: *part,
                });
            }
            let decided_on = (start + Duration::days((i * 5 + 200 + n * 60) as i64)).min(today);
            let decided_at = Utc.from_utc_datetime(&decided_on.and_hms_opt(3, 0, 0).unwrap_or_default());
            disbursements.push(disbursement::Model {
                tenant_id: ledger.tenant_id,
                id,
                fund_id,
                organization_id: federation.id,
                purpose,
                beneficiary_kind: kind,
                beneficiary_name: who.to_owned(),
                description: format!("{community}{}", crate::funds::disbursements::purpose_label(purpose)),
                amount_fen: fen,
                status: if n == 0 {
                    DisbursementStatus::Paid
                } else {
                    DisbursementStatus::Approved
                },
                requested_by: Uuid::nil(),
                requested_at: decided_at - Duration::days(2),
                decided_by: Some(Uuid::nil()),
                decided_at: Some(decided_at),
                decision_note: None,
                paid_by: (n == 0).then_some(Uuid::nil()),
                paid_on: (n == 0).then_some(decided_on),
                payment_reference: (n == 0).then(|| format!("NN{:04}{:02}", i + 1, n + 1)),
            });
            disbursed += fen;
        }
        for gift in ledger.gifts.iter_mut().filter(|g| g.fund_id == Some(fund_id)) {
            if let Some(u) = unspent.iter().find(|u| u.donation_id == gift.id) {
                gift.unallocated_fen = u.unallocated_fen;
            }
        }
        funds.push(charity_fund::Model {
            tenant_id: ledger.tenant_id,
            id: fund_id,
            organization_id: federation.id,
            name,
            community,
            street: streets[i % streets.len()].to_owned(),
            district: district.to_owned(),
            raised_fen: total,
            disbursed_fen: disbursed,
            created_by: Uuid::nil(),
            created_at: now,
        });
    }
    Ok(())
}

/// The goods the 36 pilot communities received through the federation
/// (2,429,700.00 yuan at valuation), all of which went out as referral
/// assistance (see `relief.rs`).
fn nanning_pilot_goods(ledger: &mut Ledger, today: NaiveDate) -> Result<()> {
    const GOODS: [(&str, &str, &str, Donor); 4] = [
        (
            "大米、食用油",
            "500",
            "份",
            ("广西邕城建设有限公司", DonorKind::Enterprise, true),
        ),
        (
            "冬季棉被",
            "800",
            "床",
            ("南宁东盟商贸有限公司", DonorKind::Enterprise, true),
        ),
        (
            "助行器、轮椅",
            "120",
            "台",
            ("南宁绿城物业服务有限公司", DonorKind::Enterprise, true),
        ),
        ("学习用品", "1500", "套", ("匿名", DonorKind::Anonymous, false)),
    ];
    let parts = super::relief::split(
        super::relief::NANNING_GOODS_FEN / 100,
        super::relief::NANNING_PILOT_COMMUNITIES,
    );
    let start = today - Duration::days(320);
    for (n, yuan) in parts.into_iter().enumerate() {
        let (description, quantity, unit, donor) = GOODS[n % GOODS.len()];
        ledger.gift(Gift {
            kind: GiftKind::Goods,
            goods: Some((description, quantity, unit)),
            ..money_gift(yuan * 100, donor, (start + Duration::days(n as i64 * 6)).min(today))
        });
        if let Some(gift) = ledger.gifts.last_mut() {
            gift.project = Some("社区慈善帮扶试点".to_owned());
        }
    }
    Ok(())
}

fn liuzhou_campaigns(
    ledger: &mut Ledger,
    federation: &organization::Model,
    today: NaiveDate,
    campaigns: &mut Vec<campaign::Model>,
) -> Result<()> {
    let now = Utc::now().trunc_subsecs(6);
    const UNITS: [&str; 6] = [
        "柳州市民政局机关",
        "柳州螺蛳粉产业协会",
        "柳州市第一中学",
        "柳州银行",
        "柳州钢铁集团",
        "柳州市人民医院",
    ];
    const ONLINE: [(&str, DonorKind, bool); 4] = [
        ("覃海燕", DonorKind::Individual, true),
        ("韦志刚", DonorKind::Individual, false),
        ("匿名", DonorKind::Anonymous, false),
        ("莫晓丽", DonorKind::Individual, true),
    ];
    for year in [today.year() - 2, today.year() - 1] {
        let one_day = campaign::Model {
            tenant_id: ledger.tenant_id,
            id: Uuid::now_v7(),
            organization_id: federation.id,
            name: format!("{year}年慈善一日捐"),
            description: "倡导机关、企事业单位干部职工捐出一日收入，用于困难群众救助。".to_owned(),
            starts_on: date(year, 5, 1)?,
            ends_on: date(year, 6, 30)?,
            target_fen: Some(500_000_000),
            match_sponsor: None,
            match_percent: None,
            match_cap_fen: None,
            matched_fen: 0,
            created_by: Uuid::nil(),
            created_at: now,
        };
        for (k, unit) in UNITS.iter().enumerate() {
            let fen = (150_000 + (k as i64) * 37_500 + i64::from(year % 10) * 1_000) * 100;
            ledger.gift(Gift {
                campaign_id: Some(one_day.id),
                ..money_gift(
                    fen,
                    (unit, DonorKind::Enterprise, true),
                    date(year, 5, 6)? + Duration::days(k as i64 * 7),
                )
            });
        }
        ledger.gift(Gift {
            kind: GiftKind::Goods,
            goods: Some(("大米（5公斤装）", "2000", "袋")),
            campaign_id: Some(one_day.id),
            ..money_gift(
                12_000_000,
                ("柳州粮油集团", DonorKind::Enterprise, true),
                date(year, 6, 1)?,
            )
        });
        let mut ninety_nine = campaign::Model {
            id: Uuid::now_v7(),
            name: format!("{year}年99公益日"),
            description: "9月7日至9日网络募捐，配捐方按捐款的100%配捐。".to_owned(),
            starts_on: date(year, 9, 7)?,
            ends_on: date(year, 9, 9)?,
            target_fen: Some(100_000_000),
            match_sponsor: Some("柳州某汽车集团".to_owned()),
            match_percent: Some(100),
            match_cap_fen: Some(5_000_000),
            ..one_day.clone()
        };
        for n in 0..24usize {
            let fen = [9_900, 19_900, 50_000, 100_000, 5_200, 29_900][n % 6];
            let gift = ledger.gift(Gift {
                channel: if n % 2 == 0 {
                    Channel::WechatPay
                } else {
                    Channel::Alipay
                },
                campaign_id: Some(ninety_nine.id),
                ..money_gift(fen, ONLINE[n % ONLINE.len()], date(year, 9, 7 + (n % 3) as u32)?)
            });
            let share = crate::donations::match_amount(&ninety_nine, fen);
            if share > 0 {
                ninety_nine.matched_fen += share;
                ledger.gift(Gift {
                    campaign_id: Some(ninety_nine.id),
                    matches_id: Some(gift.id),
                    ..money_gift(share, ("柳州某汽车集团", DonorKind::Enterprise, true), gift.received_on)
                });
            }
        }
        campaigns.push(one_day);
        campaigns.push(ninety_nine);
    }
    Ok(())
}

/// Four years of figures for each charity; two of them miss a rule last
/// year so the officials' check has something to show.
fn financial_statements(
    city: &tenant::Model,
    organizations: &[organization::Model],
    today: NaiveDate,
) -> Vec<financial_statement::Model> {
    let now = Utc::now().trunc_subsecs(6);
    let last_year = today.year() - 1;
    let mut statements = Vec::new();
    for (i, org) in organizations
        .iter()
        .enumerate()
        .filter(|(_, o)| o.charity_recognized_on.is_some())
    {
        for year in last_year - 3..=last_year {
            let scale = 1_000_000 + (i as i64) * 250_000 + i64::from(year - last_year + 3) * 50_000;
            let income = scale * 100;
            let total_spending = income * 9 / 10;
            let (charitable, management) = match (i % 7, year == last_year) {
                (3, true) => (income * 3 / 10, total_spending / 4), // spends too little, costs too much
                (5, true) => (total_spending * 7 / 10, total_spending * 3 / 10),
                _ => (total_spending * 88 / 100, total_spending * 8 / 100),
            };
            statements.push(financial_statement::Model {
                tenant_id: city.id,
                organization_id: org.id,
                year,
                total_income_fen: income,
                charitable_spending_fen: charitable,
                management_cost_fen: management,
                total_spending_fen: total_spending,
                net_assets_fen: income * 3,
                submitted_by: Uuid::nil(),
                submitted_at: now,
            });
        }
    }
    statements
}
