//! Demo relief data reproducing the seeds' service figures:
//!
//! - Liuzhou: special-hardship (特困) elders over 75, helped by the city's
//!   charity federation with daily care, meal delivery, medical escort and
//!   bathing: 195 person-times and 382 hours in all.
//! - Nanning: 36 pilot communities, which received 311,500.00 yuan of money
//!   and goods worth 2,429,700.00 yuan (the goods came in as gifts to the
//!   federation, see `charity.rs`, and went out in full).
//!
//! - Guilin: children in hardship referred to the federation's 六一 fund,
//!   helped with tutoring, counselling and school supplies.
//!
//! Liuzhou's elders were referred to its named special fund and the
//! Guilin children to the 六一 fund, so the services show on those funds'
//! pages. Plus the city's relief standards (DOMAIN.md's figures) and one
//! fresh referral per city waiting in the federation's inbox.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use entity::referral::{ReferralStatus, Urgency};
use entity::referral_need::{NeedKind, Service};
use entity::referral_target::TargetStatus;
use entity::relief_case::CaseStatus;
use entity::relief_standard::{Area, Period, ReliefCategory};
use entity::{
    assistance, organization, referral, referral_need, referral_target, relief_benefit, relief_case, relief_person,
    relief_standard, tenant,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::charity::DemoFunds;
use crate::clock;
use crate::db::WriteTx;
use crate::error::Result;
use crate::relief::identity;

/// Liuzhou's services: (service, person-times, hours). 195 and 382 in all.
pub const LIUZHOU_SERVICES: [(Service, i64, i64); 4] = [
    (Service::DailyCare, 60, 150),
    (Service::MealDelivery, 80, 80),
    (Service::MedicalEscort, 30, 90),
    (Service::Bathing, 25, 62),
];
pub const LIUZHOU_ELDERS: usize = 12;
pub const NANNING_PILOT_COMMUNITIES: usize = 36;
pub const NANNING_MONEY_FEN: i64 = 31_150_000;
pub const NANNING_GOODS_FEN: i64 = 242_970_000;

const SURNAMES: [&str; 12] = ["韦", "覃", "黄", "莫", "蓝", "梁", "陆", "潘", "农", "卢", "廖", "蒙"];
const GIVEN: [&str; 12] = [
    "秀英", "桂兰", "德明", "金凤", "国华", "玉梅", "志强", "月娥", "建军", "春花", "永福", "美玲",
];

/// `total` in `n` whole parts as equal as possible, larger first.
pub fn split(total: i64, n: usize) -> Vec<i64> {
    let n = n.max(1) as i64;
    (0..n).map(|i| total / n + i64::from(i < total % n)).collect()
}

struct Rows {
    cases: Vec<relief_case::Model>,
    people: Vec<relief_person::Model>,
    benefits: Vec<relief_benefit::Model>,
    referrals: Vec<referral::Model>,
    needs: Vec<referral_need::Model>,
    targets: Vec<referral_target::Model>,
    help: Vec<assistance::Model>,
}

impl Rows {
    /// A one-referral case already answered by `org`; returns the ids of
    /// (case, referral, target).
    #[allow(clippy::too_many_arguments)]
    fn case(
        &mut self,
        tenant_id: Uuid,
        org: Uuid,
        n: usize,
        place: (&str, &str, &str, &str),
        birth: NaiveDate,
        category: (ReliefCategory, i64),
        referred_on: NaiveDate,
        needs: &[(NeedKind, Option<i64>, Option<Service>, &str)],
        target: (TargetStatus, Option<Uuid>),
    ) -> (Uuid, Uuid, Uuid) {
        let (target_status, fund_id) = target;
        let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(1, 30, 0).unwrap_or_default());
        let case_id = Uuid::now_v7();
        self.cases.push(relief_case::Model {
            tenant_id,
            id: case_id,
            district: place.0.to_owned(),
            street: place.1.to_owned(),
            community: place.2.to_owned(),
            address: format!("{}{}号{}栋", place.3, 10 + n, 1 + n % 6),
            status: CaseStatus::Open,
            outcome: None,
            registered_by: Uuid::nil(),
            created_at: at(referred_on - Duration::days(10)),
            closed_by: None,
            closed_at: None,
        });
        self.people.push(relief_person::Model {
            tenant_id,
            id: Uuid::now_v7(),
            case_id,
            position: 1,
            name: format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n * 5) % GIVEN.len()]),
            id_number: identity::assemble(division(place.0), birth, 100 + n as u32 * 2),
            relationship: "本人".to_owned(),
            disability: if n.is_multiple_of(4) {
                "肢体三级".to_owned()
            } else {
                String::new()
            },
            health: ["高血压", "糖尿病", "慢性支气管炎", "基本健康"][n % 4].to_owned(),
        });
        self.benefits.push(relief_benefit::Model {
            tenant_id,
            case_id,
            category: category.0,
            amount_fen: category.1,
            since: NaiveDate::from_ymd_opt(2023, 1 + (n % 12) as u32, 1).unwrap_or(referred_on),
        });
        let referral_id = Uuid::now_v7();
        self.referrals.push(referral::Model {
            tenant_id,
            id: referral_id,
            case_id,
            urgency: if n.is_multiple_of(5) {
                Urgency::Urgent
            } else {
                Urgency::Normal
            },
            deadline: referred_on + Duration::days(14),
            note: String::new(),
            status: ReferralStatus::Open,
            created_by: Uuid::nil(),
            created_at: at(referred_on),
            first_assisted_on: None,
            closed_at: None,
        });
        for (kind, amount_fen, service, description) in needs {
            self.needs.push(referral_need::Model {
                tenant_id,
                id: Uuid::now_v7(),
                referral_id,
                kind: *kind,
                amount_fen: *amount_fen,
                service: *service,
                description: (*description).to_owned(),
            });
        }
        let target_id = Uuid::now_v7();
        self.targets.push(referral_target::Model {
            tenant_id,
            id: target_id,
            referral_id,
            organization_id: org,
            fund_id,
            status: target_status,
            reason: None,
            decided_by: (target_status != TargetStatus::Sent).then_some(Uuid::nil()),
            decided_at: (target_status != TargetStatus::Sent).then(|| at(referred_on + Duration::days(1))),
            escalated_at: None,
            created_at: at(referred_on),
        });
        (case_id, referral_id, target_id)
    }

    #[allow(clippy::too_many_arguments)]
    fn help(
        &mut self,
        ids: (Uuid, Uuid, Uuid),
        tenant_id: Uuid,
        org: Uuid,
        kind: NeedKind,
        amount_fen: i64,
        service: Option<(Service, i64, i64)>,
        description: &str,
        on: NaiveDate,
    ) {
        let (case_id, referral_id, target_id) = ids;
        if let Some(r) = self.referrals.iter_mut().find(|r| r.id == referral_id) {
            r.first_assisted_on = Some(r.first_assisted_on.map_or(on, |f| f.min(on)));
        }
        self.help.push(assistance::Model {
            tenant_id,
            id: Uuid::now_v7(),
            target_id,
            referral_id,
            case_id,
            organization_id: org,
            kind,
            amount_fen,
            description: description.to_owned(),
            service: service.map(|s| s.0),
            person_times: service.map_or(0, |s| s.1 as i32),
            hours_centi: service.map_or(0, |s| s.2 * 100),
            delivered_on: on,
            disbursement_id: None,
            duplicate_of: None,
            recorded_by: Uuid::nil(),
            created_at: clock::now(),
        });
    }
}

fn division(district: &str) -> &'static str {
    match district {
        "城中区" => "450202",
        "鱼峰区" => "450203",
        "柳南区" => "450204",
        "柳北区" => "450205",
        "青秀区" => "450103",
        "兴宁区" => "450102",
        "西乡塘区" => "450107",
        "江南区" => "450105",
        "秀峰区" => "450302",
        "叠彩区" => "450303",
        "象山区" => "450304",
        "七星区" => "450305",
        "临桂区" => "450312",
        _ => "450100",
    }
}

fn standards(city: &tenant::Model) -> Vec<(ReliefCategory, Area, i64, Period)> {
    use ReliefCategory::{ExtremePoverty, MinimumLiving};
    match city.slug.as_str() {
        "liuzhou" => vec![
            (MinimumLiving, Area::Urban, 77_000, Period::Month),
            (MinimumLiving, Area::Rural, 600_000, Period::Year),
            (ExtremePoverty, Area::Urban, 101_000, Period::Month),
            (ExtremePoverty, Area::Rural, 65_000, Period::Month),
        ],
        "nanning" => vec![
            (MinimumLiving, Area::Urban, 81_000, Period::Month),
            (MinimumLiving, Area::Rural, 680_000, Period::Year),
        ],
        _ => Vec::new(),
    }
}

pub(super) async fn seed_relief(
    tx: &WriteTx<'_>,
    city: &tenant::Model,
    organizations: &[organization::Model],
    funds: &DemoFunds,
) -> Result<()> {
    let Some(federation) = organizations.first() else {
        return Ok(());
    };
    let now = clock::now();
    let standards: Vec<relief_standard::ActiveModel> = standards(city)
        .into_iter()
        .map(|(category, area, amount_fen, period)| {
            relief_standard::ActiveModel::from(relief_standard::Model {
                tenant_id: city.id,
                category,
                area,
                amount_fen,
                period,
                updated_by: None,
                updated_at: now,
            })
        })
        .collect();
    if !standards.is_empty() {
        relief_standard::Entity::insert_many(standards)
            .exec_without_returning(tx.conn())
            .await?;
    }
    let today = crate::clock::today();
    let start = today - Duration::days(300);
    let mut rows = Rows {
        cases: Vec::new(),
        people: Vec::new(),
        benefits: Vec::new(),
        referrals: Vec::new(),
        needs: Vec::new(),
        targets: Vec::new(),
        help: Vec::new(),
    };
    let org = federation.id;
    match city.slug.as_str() {
        "liuzhou" => {
            let districts = [
                ("城中区", "城中街道"),
                ("鱼峰区", "五里亭街道"),
                ("柳南区", "南站街道"),
                ("柳北区", "解放街道"),
            ];
            let parts: Vec<(Service, Vec<i64>, Vec<i64>)> = LIUZHOU_SERVICES
                .iter()
                .map(|(s, times, hours)| (*s, split(*times, LIUZHOU_ELDERS), split(*hours, LIUZHOU_ELDERS)))
                .collect();
            for n in 0..LIUZHOU_ELDERS {
                let (district, street) = districts[n % districts.len()];
                let birth =
                    NaiveDate::from_ymd_opt(1938 + (n as i32 % 11), 1 + (n as u32 * 7) % 12, 1 + (n as u32 * 3) % 27)
                        .unwrap_or(NaiveDate::MIN);
                let referred_on = start + Duration::days(n as i64 * 9);
                let needs: Vec<(NeedKind, Option<i64>, Option<Service>, &str)> = LIUZHOU_SERVICES
                    .iter()
                    .map(|(s, _, _)| (NeedKind::Service, None, Some(*s), ""))
                    .collect();
                let ids = rows.case(
                    city.id,
                    org,
                    n,
                    (
                        district,
                        street,
                        &format!("{}社区", ["河东", "白沙", "航五", "雀儿山"][n % 4]),
                        "柳州市",
                    ),
                    birth,
                    (ReliefCategory::ExtremePoverty, 101_000),
                    referred_on,
                    &needs,
                    (TargetStatus::Accepted, funds.elders),
                );
                for (k, (service, times, hours)) in parts.iter().enumerate() {
                    let on = (referred_on + Duration::days(3 + k as i64 * 5)).min(today);
                    rows.help(
                        ids,
                        city.id,
                        org,
                        NeedKind::Service,
                        0,
                        Some((*service, times[n], hours[n])),
                        "",
                        on,
                    );
                }
            }
        }
        "nanning" => {
            let money = split(NANNING_MONEY_FEN / 100, NANNING_PILOT_COMMUNITIES);
            let goods = split(NANNING_GOODS_FEN / 100, NANNING_PILOT_COMMUNITIES);
            let districts = [
                ("青秀区", "新竹街道"),
                ("兴宁区", "民生街道"),
                ("西乡塘区", "北湖街道"),
                ("江南区", "江南街道"),
            ];
            for n in 0..NANNING_PILOT_COMMUNITIES {
                let (district, street) = districts[n % districts.len()];
                let birth =
                    NaiveDate::from_ymd_opt(1950 + (n as i32 % 30), 1 + (n as u32 * 5) % 12, 1 + (n as u32 * 7) % 27)
                        .unwrap_or(NaiveDate::MIN);
                let referred_on = start + Duration::days(n as i64 * 6);
                let needs = [
                    (NeedKind::Money, Some(money[n] * 100), None, "生活困难补助"),
                    (NeedKind::Goods, None, None, "米、油、棉被等生活物资"),
                ];
                let community = format!("试点{}社区", n + 1);
                let ids = rows.case(
                    city.id,
                    org,
                    n,
                    (district, street, &community, "南宁市"),
                    birth,
                    (ReliefCategory::MinimumLiving, 81_000),
                    referred_on,
                    &needs,
                    (TargetStatus::Accepted, None),
                );
                let on = (referred_on + Duration::days(2 + (n % 5) as i64)).min(today);
                rows.help(
                    ids,
                    city.id,
                    org,
                    NeedKind::Money,
                    money[n] * 100,
                    None,
                    "生活困难补助",
                    on,
                );
                rows.help(
                    ids,
                    city.id,
                    org,
                    NeedKind::Goods,
                    goods[n] * 100,
                    None,
                    "米、油、棉被等生活物资",
                    on,
                );
            }
        }
        "guilin" => {
            let homes = [
                ("秀峰区", "丽君街道", "丽狮社区"),
                ("叠彩区", "北门街道", "东镇社区"),
                ("七星区", "七星街道", "龙隐社区"),
                ("临桂区", "临桂镇", "世纪社区"),
            ];
            for (n, (district, street, community)) in homes.into_iter().enumerate() {
                let birth =
                    NaiveDate::from_ymd_opt(2012 + n as i32, 3 + n as u32, 9 + n as u32 * 4).unwrap_or(NaiveDate::MIN);
                let referred_on = start + Duration::days(40 + n as i64 * 25);
                let category = if n % 2 == 0 {
                    (ReliefCategory::MinimumLiving, 81_000)
                } else {
                    (ReliefCategory::Temporary, 150_000)
                };
                let ids = rows.case(
                    city.id,
                    org,
                    n,
                    (district, street, community, "桂林市"),
                    birth,
                    category,
                    referred_on,
                    &[
                        (NeedKind::Service, None, Some(Service::EducationSupport), "课业辅导"),
                        (NeedKind::Service, None, Some(Service::PsychologicalCare), "心理关爱"),
                        (NeedKind::Goods, None, None, "学习用品"),
                    ],
                    (TargetStatus::Accepted, funds.children),
                );
                let on = |days: i64| (referred_on + Duration::days(days)).min(today);
                rows.help(
                    ids,
                    city.id,
                    org,
                    NeedKind::Service,
                    0,
                    Some((Service::EducationSupport, 8, 16)),
                    "志愿者每周课业辅导",
                    on(7),
                );
                rows.help(
                    ids,
                    city.id,
                    org,
                    NeedKind::Service,
                    0,
                    Some((Service::PsychologicalCare, 4, 6)),
                    "社工心理疏导",
                    on(10),
                );
                rows.help(
                    ids,
                    city.id,
                    org,
                    NeedKind::Goods,
                    38_000,
                    None,
                    "书包、文具和课外读物",
                    on(3),
                );
            }
        }
        _ => {}
    }
    {
        // One fresh referral in the federation's inbox, waiting for an answer.
        let n = rows.cases.len();
        let district = match city.slug.as_str() {
            "liuzhou" => ("城中区", "潭中街道"),
            "guilin" => ("象山区", "南门街道"),
            _ => ("青秀区", "中山街道"),
        };
        rows.case(
            city.id,
            org,
            n,
            (district.0, district.1, "新建社区", &city.name),
            NaiveDate::from_ymd_opt(1968, 4, 12).unwrap_or(NaiveDate::MIN),
            (ReliefCategory::EssentialExpense, 50_000),
            today,
            &[
                (NeedKind::Money, Some(300_000), None, "住院自付费用"),
                (NeedKind::Service, None, Some(Service::MedicalEscort), "出院后复诊陪同"),
            ],
            (TargetStatus::Sent, None),
        );
    }
    macro_rules! insert {
        ($entity:ident, $rows:expr) => {
            for chunk in $rows.chunks(200) {
                $entity::Entity::insert_many(chunk.iter().cloned().map($entity::ActiveModel::from))
                    .exec_without_returning(tx.conn())
                    .await?;
            }
        };
    }
    insert!(relief_case, rows.cases);
    insert!(relief_person, rows.people);
    insert!(relief_benefit, rows.benefits);
    insert!(referral, rows.referrals);
    insert!(referral_need, rows.needs);
    insert!(referral_target, rows.targets);
    insert!(assistance, rows.help);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_exact_and_even() {
        assert_eq!(split(25, 12).iter().sum::<i64>(), 25);
        assert_eq!(split(25, 12)[0], 3);
        assert_eq!(split(25, 12)[11], 2);
        assert_eq!(LIUZHOU_SERVICES.iter().map(|s| s.1).sum::<i64>(), 195);
        assert_eq!(LIUZHOU_SERVICES.iter().map(|s| s.2).sum::<i64>(), 382);
    }
}
