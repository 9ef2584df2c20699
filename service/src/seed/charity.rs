//! Demo charity data, reproducing the seeds' figures: Nanning's 76
//! community funds that raised exactly 956,100.00 yuan (each with
//! disbursements, so every trace page has content); Liuzhou's campaign
//! history under 慈善一日捐 and 99公益日 (with a matching sponsor) and its
//! named special fund, 柳州市社会救助和慈善帮扶公益基金; Guilin's 六一
//! campaign for about a thousand children in hardship (more than 600,000
//! yuan, through a special fund that paid each child), its charity donation
//! stations (社会慈善捐助站) and a community fund; and financial statements
//! so the spending-rule check has results.
//!
//! Written with bulk inserts in the city's seed transaction; receipt
//! sequences, fund totals and allocations are computed here exactly as the
//! service would have left them.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use entity::charity_fund::FundKind;
use entity::disbursement::{BeneficiaryKind, DisbursementStatus, Purpose};
use entity::donation::{Channel, DonationStatus, DonorKind, Entry, GiftKind};
use entity::{
    allocation, campaign, charity_fund, disbursement, donation, donation_station, financial_statement, organization,
    receipt_sequence, tenant,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::clock;
use crate::db::WriteTx;
use crate::donations::receipts;
use crate::error::{Error, Result};
use crate::funds::allocation::{Unspent, allocate};

/// Liuzhou's named special fund (the seeds' 社会救助和慈善帮扶公益基金).
pub const LIUZHOU_ELDERS_FUND: &str = "柳州市社会救助和慈善帮扶公益基金";
/// Guilin's 六一 campaign and the fund its money went into.
pub const GUILIN_CHILDREN_CAMPAIGN: &str = "2023年“六一”资助千名困境儿童公益活动";
pub const GUILIN_CHILDREN_FUND: &str = "桂林市“六一”困境儿童关爱基金";
/// Children in hardship the 六一 fund paid, 600.00 yuan each.
pub const GUILIN_CHILDREN_HELPED: usize = 1_012;
const CHILD_SURNAMES: [&str; 12] = ["唐", "秦", "阳", "蒋", "莫", "廖", "粟", "龙", "邓", "文", "全", "潘"];
const CHILD_GIVEN: [&str; 16] = [
    "子涵", "欣怡", "浩然", "梓轩", "雨桐", "俊杰", "思琪", "宇航", "佳怡", "明轩", "诗雨", "嘉豪", "一诺", "语桐",
    "睿哲", "可馨",
];

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
            station_id: g.station_id,
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
    station_id: Option<Uuid>,
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
        station_id: None,
        fund_id: None,
        matches_id: None,
        received_on,
    }
}

/// The funds the relief seed refers cases to.
#[derive(Default)]
pub(super) struct DemoFunds {
    /// Liuzhou's 柳州市社会救助和慈善帮扶公益基金.
    pub elders: Option<Uuid>,
    /// Guilin's 六一 fund for children in hardship.
    pub children: Option<Uuid>,
}

/// A fund being filled and spent: its gifts' unspent amounts, as approvals
/// would leave them.
struct FundBook {
    fund: charity_fund::Model,
    unspent: Vec<Unspent>,
}

/// A disbursement approval would have written: paid when it has a
/// payment reference.
struct Payout {
    purpose: Purpose,
    beneficiary: (String, BeneficiaryKind),
    description: String,
    fen: i64,
    decided_on: NaiveDate,
    reference: Option<String>,
}

impl FundBook {
    fn new(ledger: &Ledger, name: &str, kind: FundKind, place: (&str, &str, &str)) -> Self {
        Self {
            fund: charity_fund::Model {
                tenant_id: ledger.tenant_id,
                id: Uuid::now_v7(),
                organization_id: ledger.organization_id,
                name: name.to_owned(),
                kind,
                community: place.0.to_owned(),
                street: place.1.to_owned(),
                district: place.2.to_owned(),
                raised_fen: 0,
                disbursed_fen: 0,
                created_by: Uuid::nil(),
                created_at: clock::now(),
            },
            unspent: Vec::new(),
        }
    }

    /// Record a gift designated to the fund.
    fn receive(&mut self, ledger: &mut Ledger, g: Gift) -> donation::Model {
        let gift = ledger.gift(Gift {
            fund_id: Some(self.fund.id),
            ..g
        });
        self.fund.raised_fen += gift.amount_fen;
        self.unspent.push(Unspent {
            donation_id: gift.id,
            restricted_to: None,
            unallocated_fen: gift.amount_fen,
        });
        gift
    }

    /// Approve (and pay) a disbursement out of the fund's unspent gifts.
    fn pay(&mut self, out: &mut Spending, p: Payout) -> Result<()> {
        let shares = allocate(&self.unspent, p.purpose, p.fen).map_err(|_| {
            Error::internal(anyhow::anyhow!(
                "demo fund {} cannot cover its disbursement",
                self.fund.name
            ))
        })?;
        let id = Uuid::now_v7();
        for (donation_id, part) in &shares {
            if let Some(u) = self.unspent.iter_mut().find(|u| u.donation_id == *donation_id) {
                u.unallocated_fen -= part;
            }
            out.allocations.push(allocation::Model {
                tenant_id: self.fund.tenant_id,
                disbursement_id: id,
                donation_id: *donation_id,
                amount_fen: *part,
            });
        }
        let decided_at = Utc.from_utc_datetime(&p.decided_on.and_hms_opt(3, 0, 0).unwrap_or_default());
        let paid = p.reference.is_some();
        out.disbursements.push(disbursement::Model {
            tenant_id: self.fund.tenant_id,
            id,
            fund_id: self.fund.id,
            organization_id: self.fund.organization_id,
            purpose: p.purpose,
            beneficiary_kind: p.beneficiary.1,
            beneficiary_name: p.beneficiary.0,
            description: p.description,
            amount_fen: p.fen,
            status: if paid {
                DisbursementStatus::Paid
            } else {
                DisbursementStatus::Approved
            },
            requested_by: Uuid::nil(),
            requested_at: decided_at - Duration::days(2),
            decided_by: Some(Uuid::nil()),
            decided_at: Some(decided_at),
            decision_note: None,
            paid_by: paid.then_some(Uuid::nil()),
            paid_on: paid.then_some(p.decided_on),
            payment_reference: p.reference,
        });
        self.fund.disbursed_fen += p.fen;
        Ok(())
    }

    /// The fund as it stands; its gifts in the ledger get what is left of
    /// them unspent.
    fn close(self, ledger: &mut Ledger) -> charity_fund::Model {
        for gift in ledger.gifts.iter_mut().filter(|g| g.fund_id == Some(self.fund.id)) {
            if let Some(u) = self.unspent.iter().find(|u| u.donation_id == gift.id) {
                gift.unallocated_fen = u.unallocated_fen;
            }
        }
        self.fund
    }
}

/// The disbursements and allocations of the city's funds.
#[derive(Default)]
struct Spending {
    disbursements: Vec<disbursement::Model>,
    allocations: Vec<allocation::Model>,
}

fn date(year: i32, month: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| Error::internal(anyhow::anyhow!("demo date")))
}

pub(super) async fn seed_charity(
    tx: &WriteTx<'_>,
    city: &tenant::Model,
    organizations: &[organization::Model],
) -> Result<DemoFunds> {
    let Some(federation) = organizations.first() else {
        return Ok(DemoFunds::default());
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
    let mut spending = Spending::default();
    let mut campaigns = Vec::new();
    let mut stations = Vec::new();
    let mut demo = DemoFunds::default();
    match city.slug.as_str() {
        "nanning" => {
            nanning_funds(&mut ledger, today, &mut funds, &mut spending)?;
            nanning_pilot_goods(&mut ledger, today)?;
        }
        "liuzhou" => {
            liuzhou_campaigns(&mut ledger, federation, today, &mut campaigns)?;
            let fund = liuzhou_elders_fund(&mut ledger, today, &mut spending)?;
            demo.elders = Some(fund.id);
            funds.push(fund);
        }
        "guilin" => {
            stations = guilin_stations(&ledger)?;
            let (campaign, children) = guilin_children(&mut ledger, &stations, &mut spending)?;
            demo.children = Some(children.id);
            campaigns.push(campaign);
            funds.push(children);
            funds.push(guilin_community_fund(&mut ledger, &stations, today, &mut spending)?);
            guilin_station_gifts(&mut ledger, &stations, today)?;
        }
        _ => {}
    }
    if !stations.is_empty() {
        donation_station::Entity::insert_many(stations.into_iter().map(donation_station::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
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
    for chunk in ledger.gifts.chunks(500) {
        donation::Entity::insert_many(chunk.iter().cloned().map(donation::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    crate::donations::tally::add(tx.conn(), &ledger.gifts.iter().collect::<Vec<_>>()).await?;
    for chunk in spending.disbursements.chunks(500) {
        disbursement::Entity::insert_many(chunk.iter().cloned().map(disbursement::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    super::analyze(tx, &["donation", "disbursement"]).await?;
    for chunk in spending.allocations.chunks(1000) {
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
    Ok(demo)
}

fn nanning_funds(
    ledger: &mut Ledger,
    today: NaiveDate,
    funds: &mut Vec<charity_fund::Model>,
    spending: &mut Spending,
) -> Result<()> {
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
        let mut book = FundBook::new(
            ledger,
            &name,
            FundKind::Community,
            (&community, streets[i % streets.len()], district),
        );
        let first = total / 2 / 100 * 100;
        let second = total * 3 / 10 / 100 * 100;
        for (k, fen) in [first, second, total - first - second].into_iter().enumerate() {
            let received_on = (start + Duration::days((i * 5 + k * 90) as i64)).min(today);
            book.receive(
                ledger,
                Gift {
                    channel: [Channel::BankTransfer, Channel::WechatPay, Channel::Alipay][k],
                    ..money_gift(fen, DONORS[(i + k * 3) % DONORS.len()], received_on)
                },
            );
        }
        // A paid disbursement of about 40%, and for every other fund an
        // approved one of about 20% more.
        for (n, share) in [(0usize, 40i64), (1, 20)] {
            if n == 1 && i % 2 == 1 {
                continue;
            }
            let (who, kind, purpose) = BENEFICIARIES[(i + n * 2) % BENEFICIARIES.len()];
            book.pay(
                spending,
                Payout {
                    purpose,
                    beneficiary: (who.to_owned(), kind),
                    description: format!("{community}{}", crate::labels::Label::zh(purpose)),
                    fen: total * share / 100 / 100 * 100,
                    decided_on: (start + Duration::days((i * 5 + 200 + n * 60) as i64)).min(today),
                    reference: (n == 0).then(|| format!("NN{:04}{:02}", i + 1, n + 1)),
                },
            )?;
        }
        funds.push(book.close(ledger));
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
    let now = clock::now();
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

/// Liuzhou's named special fund for dispersed-support elders in special
/// hardship aged 75 and over: enterprise gifts in, the care services paid
/// out. The services themselves (195 person-times, 382 hours) are the
/// referrals' help, attributed to the fund in `relief.rs`.
fn liuzhou_elders_fund(ledger: &mut Ledger, today: NaiveDate, spending: &mut Spending) -> Result<charity_fund::Model> {
    const GIFTS: [(&str, i64); 6] = [
        ("柳州钢铁集团", 50_000_000),
        ("上汽通用五菱汽车股份有限公司", 30_000_000),
        ("柳州银行", 20_000_000),
        ("柳州螺蛳粉产业协会", 15_000_000),
        ("广西柳工机械股份有限公司", 8_000_000),
        ("柳州市第一中学", 5_000_000),
    ];
    let mut book = FundBook::new(ledger, LIUZHOU_ELDERS_FUND, FundKind::Special, ("", "", ""));
    let start = today - Duration::days(330);
    for (k, (donor, fen)) in GIFTS.into_iter().enumerate() {
        book.receive(
            ledger,
            money_gift(
                fen,
                (donor, DonorKind::Enterprise, true),
                start + Duration::days(k as i64 * 11),
            ),
        );
    }
    let services = [
        ("城中区、鱼峰区分散供养特困老人生活照料和助浴服务", 18_600_000),
        ("柳南区、柳北区分散供养特困老人助餐送餐服务", 17_200_000),
        ("特困老人就医陪护服务", 6_400_000),
    ];
    for (k, (what, fen)) in services.into_iter().enumerate() {
        book.pay(
            spending,
            Payout {
                purpose: Purpose::ElderlyServices,
                beneficiary: ("柳州市分散供养特困老人照护项目".to_owned(), BeneficiaryKind::Project),
                description: what.to_owned(),
                fen,
                decided_on: (start + Duration::days(90 + k as i64 * 60)).min(today),
                reference: Some(format!("LZJZ{:04}", k + 1)),
            },
        )?;
    }
    Ok(book.close(ledger))
}

/// Guilin's charity donation stations (社会慈善捐助站, of its "五社三站"),
/// run by the city's charity federation; one has moved and is closed.
fn guilin_stations(ledger: &Ledger) -> Result<Vec<donation_station::Model>> {
    let now = clock::now();
    let stations = [
        (
            "秀峰区丽狮社区社会慈善捐助站",
            "秀峰区",
            "桂林市秀峰区丽君路丽狮社区服务中心一楼",
            date(2022, 7, 7)?,
            None,
        ),
        (
            "叠彩区北门街道社会慈善捐助站",
            "叠彩区",
            "桂林市叠彩区中山北路北门街道办事处",
            date(2022, 9, 1)?,
            None,
        ),
        (
            "七星区七星街道社会慈善捐助站",
            "七星区",
            "桂林市七星区七星路七星街道社工站",
            date(2022, 10, 15)?,
            None,
        ),
        (
            "临桂区临桂镇社会慈善捐助站",
            "临桂区",
            "桂林市临桂区人民路临桂镇民政服务中心",
            date(2023, 3, 1)?,
            None,
        ),
        (
            "象山区南门街道社会慈善捐助站",
            "象山区",
            "桂林市象山区文明路南门街道（原址）",
            date(2022, 8, 1)?,
            Some(date(2024, 6, 30)?),
        ),
    ];
    Ok(stations
        .into_iter()
        .map(
            |(name, district, address, opened_on, closed_on)| donation_station::Model {
                tenant_id: ledger.tenant_id,
                id: Uuid::now_v7(),
                organization_id: ledger.organization_id,
                name: name.to_owned(),
                district: district.to_owned(),
                address: address.to_owned(),
                hours: "周一至周五 8:30—17:30".to_owned(),
                opened_on,
                closed_on,
                created_by: Uuid::nil(),
                created_at: now,
            },
        )
        .collect())
}

/// The 六一 campaign of 2023: 612,800.00 yuan into the children's fund
/// (enterprises by transfer, residents online and at the stations), school
/// supplies at the stations, and 600.00 yuan paid to each of 1,012
/// children in hardship.
fn guilin_children(
    ledger: &mut Ledger,
    stations: &[donation_station::Model],
    spending: &mut Spending,
) -> Result<(campaign::Model, charity_fund::Model)> {
    const ENTERPRISES: [(&str, i64); 6] = [
        ("桂林银行股份有限公司", 10_000_000),
        ("桂林三花酒股份有限公司", 8_000_000),
        ("桂林市城市投资建设有限公司", 7_000_000),
        ("桂林旅游股份有限公司", 6_000_000),
        ("桂林福达股份有限公司", 5_000_000),
        ("桂林理工大学教职工", 3_680_000),
    ];
    const RESIDENTS: [(&str, DonorKind, bool); 5] = [
        ("唐晓红", DonorKind::Individual, true),
        ("秦志远", DonorKind::Individual, false),
        ("匿名", DonorKind::Anonymous, false),
        ("阳丽萍", DonorKind::Individual, true),
        ("蒋国庆", DonorKind::Individual, false),
    ];
    let campaign = campaign::Model {
        tenant_id: ledger.tenant_id,
        id: Uuid::now_v7(),
        organization_id: ledger.organization_id,
        name: GUILIN_CHILDREN_CAMPAIGN.to_owned(),
        description: "“点亮六一 共护未来”：筹措资金为全市约一千名困境儿童发放六一助学慰问金，捐助站同步接收学习用品。"
            .to_owned(),
        starts_on: date(2023, 5, 10)?,
        ends_on: date(2023, 6, 1)?,
        target_fen: Some(60_000_000),
        match_sponsor: None,
        match_percent: None,
        match_cap_fen: None,
        matched_fen: 0,
        created_by: Uuid::nil(),
        created_at: clock::now(),
    };
    let mut book = FundBook::new(ledger, GUILIN_CHILDREN_FUND, FundKind::Special, ("", "", ""));
    for (k, (donor, fen)) in ENTERPRISES.into_iter().enumerate() {
        book.receive(
            ledger,
            Gift {
                campaign_id: Some(campaign.id),
                ..money_gift(
                    fen,
                    (donor, DonorKind::Enterprise, true),
                    date(2023, 5, 12)? + Duration::days(k as i64 * 2),
                )
            },
        );
    }
    let open = stations.iter().filter(|s| s.closed_on.is_none()).collect::<Vec<_>>();
    for n in 0..72usize {
        // Every third resident brought cash to a station.
        let at_station = n % 3 == 0;
        book.receive(
            ledger,
            Gift {
                channel: if at_station {
                    Channel::Cash
                } else if n % 2 == 0 {
                    Channel::WechatPay
                } else {
                    Channel::Alipay
                },
                campaign_id: Some(campaign.id),
                station_id: if at_station {
                    open.get(n / 3 % open.len().max(1)).map(|s| s.id)
                } else {
                    None
                },
                ..money_gift(
                    300_000,
                    RESIDENTS[n % RESIDENTS.len()],
                    date(2023, 5, 10)? + Duration::days((n % 20) as i64),
                )
            },
        );
    }
    for (k, (what, quantity, unit, fen)) in [
        ("书包、文具套装", "1000", "套", 4_500_000),
        ("课外读物", "2400", "册", 1_680_000),
    ]
    .into_iter()
    .enumerate()
    {
        ledger.gift(Gift {
            kind: GiftKind::Goods,
            goods: Some((what, quantity, unit)),
            campaign_id: Some(campaign.id),
            station_id: open.get(k).map(|s| s.id),
            ..money_gift(
                fen,
                ("桂林市新华书店有限公司", DonorKind::Enterprise, true),
                date(2023, 5, 25)? + Duration::days(k as i64),
            )
        });
    }
    const DISTRICTS: [&str; 8] = [
        "秀峰区",
        "叠彩区",
        "象山区",
        "七星区",
        "雁山区",
        "临桂区",
        "灵川县",
        "阳朔县",
    ];
    for n in 0..GUILIN_CHILDREN_HELPED {
        let district = DISTRICTS[n % DISTRICTS.len()];
        let name = format!(
            "{}{}",
            CHILD_SURNAMES[n % CHILD_SURNAMES.len()],
            CHILD_GIVEN[(n / CHILD_SURNAMES.len() + n * 7) % CHILD_GIVEN.len()]
        );
        book.pay(
            spending,
            Payout {
                purpose: Purpose::Children,
                beneficiary: (name, BeneficiaryKind::Person),
                description: format!("“六一”困境儿童助学慰问金（{district}）"),
                fen: 60_000,
                decided_on: date(2023, 5, 29)? + Duration::days((n % 4) as i64),
                reference: Some(format!("GL61-{:04}", n + 1)),
            },
        )?;
    }
    Ok((campaign, book.close(ledger)))
}

/// A community fund of Guilin's 丽狮社区, one of its gifts handed in at the
/// community's station.
fn guilin_community_fund(
    ledger: &mut Ledger,
    stations: &[donation_station::Model],
    today: NaiveDate,
    spending: &mut Spending,
) -> Result<charity_fund::Model> {
    let mut book = FundBook::new(
        ledger,
        "丽狮社区发展慈善基金",
        FundKind::Community,
        ("丽狮社区", "丽君街道", "秀峰区"),
    );
    let start = today - Duration::days(200);
    let gifts: [(i64, Donor, Channel, bool); 5] = [
        (
            2_000_000,
            ("桂林丽君物业服务有限公司", DonorKind::Enterprise, true),
            Channel::BankTransfer,
            false,
        ),
        (
            1_200_000,
            ("秀峰区个体劳动者协会", DonorKind::Enterprise, true),
            Channel::BankTransfer,
            false,
        ),
        (
            860_000,
            ("唐晓红", DonorKind::Individual, true),
            Channel::WechatPay,
            false,
        ),
        (500_000, ("匿名", DonorKind::Anonymous, false), Channel::Cash, true),
        (
            300_000,
            ("蒋国庆", DonorKind::Individual, false),
            Channel::Alipay,
            false,
        ),
    ];
    for (k, (fen, donor, channel, at_station)) in gifts.into_iter().enumerate() {
        book.receive(
            ledger,
            Gift {
                channel,
                station_id: if at_station {
                    stations.first().map(|s| s.id)
                } else {
                    None
                },
                ..money_gift(fen, donor, start + Duration::days(k as i64 * 15))
            },
        );
    }
    book.pay(
        spending,
        Payout {
            purpose: Purpose::ElderlyServices,
            beneficiary: ("丽狮社区长者饭堂".to_owned(), BeneficiaryKind::Project),
            description: "长者饭堂困难老人助餐补贴".to_owned(),
            fen: 1_200_000,
            decided_on: (start + Duration::days(100)).min(today),
            reference: Some("GLLS0001".to_owned()),
        },
    )?;
    book.pay(
        spending,
        Payout {
            purpose: Purpose::Children,
            beneficiary: ("丽狮社区“四点半课堂”".to_owned(), BeneficiaryKind::Project),
            description: "“四点半课堂”课后托管志愿服务物资".to_owned(),
            fen: 600_000,
            decided_on: (start + Duration::days(140)).min(today),
            reference: None,
        },
    )?;
    Ok(book.close(ledger))
}

/// What the stations took outside the campaign: winter clothing and cash
/// for the federation's general relief.
fn guilin_station_gifts(ledger: &mut Ledger, stations: &[donation_station::Model], today: NaiveDate) -> Result<()> {
    let start = (today - Duration::days(120)).max(date(2024, 1, 1)?);
    for (k, station) in stations.iter().filter(|s| s.closed_on.is_none()).enumerate() {
        ledger.gift(Gift {
            kind: GiftKind::Goods,
            goods: Some(("冬衣、棉被", "120", "件")),
            station_id: Some(station.id),
            ..money_gift(
                960_000 + k as i64 * 120_000,
                ("匿名", DonorKind::Anonymous, false),
                start + Duration::days(k as i64 * 9),
            )
        });
        ledger.gift(Gift {
            channel: Channel::Cash,
            station_id: Some(station.id),
            ..money_gift(
                150_000 + k as i64 * 35_000,
                ("热心居民", DonorKind::Individual, false),
                start + Duration::days(k as i64 * 9 + 3),
            )
        });
    }
    // The closed station's gifts stay its own.
    if let Some(closed) = stations.iter().find(|s| s.closed_on.is_some()) {
        ledger.gift(Gift {
            channel: Channel::Cash,
            station_id: Some(closed.id),
            ..money_gift(280_000, ("热心居民", DonorKind::Individual, false), date(2024, 1, 20)?)
        });
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
    let now = clock::now();
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
