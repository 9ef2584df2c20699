//! The district and county industry associations and chambers of commerce
//! of each demo city, beyond the city-level ones of the core register:
//! enough of them, named plausibly, for the region's 2023 self-inspection
//! (自查自纠) to be the seeds' 2,195 associations (see `fee_reductions.rs`).
//! Each is registered in its district's division (GB/T 2260).

use chrono::NaiveDate;
use entity::tenant;

use crate::error::{Error, Result};

/// A generated association: its name, its district's division code and when
/// it was registered.
pub(super) struct Association {
    pub name: String,
    pub division: &'static str,
    pub registered_on: NaiveDate,
}

/// How many each city gets besides the core register's eleven (the figures
/// in `fee_reductions::PLANS` count both).
pub(super) fn count(city: &tenant::Model) -> usize {
    match city.slug.as_str() {
        "nanning" => 1_011,
        "liuzhou" => 603,
        "guilin" => 555,
        _ => 0,
    }
}

fn districts(city: &tenant::Model) -> &'static [(&'static str, &'static str)] {
    match city.slug.as_str() {
        "nanning" => &[
            ("兴宁区", "450102"),
            ("青秀区", "450103"),
            ("江南区", "450105"),
            ("西乡塘区", "450107"),
            ("良庆区", "450108"),
            ("邕宁区", "450109"),
            ("武鸣区", "450110"),
            ("隆安县", "450123"),
            ("马山县", "450124"),
            ("上林县", "450125"),
            ("宾阳县", "450126"),
            ("横州市", "450181"),
        ],
        "liuzhou" => &[
            ("城中区", "450202"),
            ("鱼峰区", "450203"),
            ("柳南区", "450204"),
            ("柳北区", "450205"),
            ("柳江区", "450206"),
            ("柳城县", "450222"),
            ("鹿寨县", "450223"),
            ("融安县", "450224"),
            ("融水苗族自治县", "450225"),
            ("三江侗族自治县", "450226"),
        ],
        "guilin" => &[
            ("秀峰区", "450302"),
            ("叠彩区", "450303"),
            ("象山区", "450304"),
            ("七星区", "450305"),
            ("雁山区", "450311"),
            ("临桂区", "450312"),
            ("阳朔县", "450321"),
            ("灵川县", "450323"),
            ("全州县", "450324"),
            ("兴安县", "450325"),
            ("永福县", "450326"),
            ("灌阳县", "450327"),
            ("龙胜各族自治县", "450328"),
            ("资源县", "450329"),
            ("平乐县", "450330"),
            ("恭城瑶族自治县", "450332"),
            ("荔浦市", "450381"),
        ],
        _ => &[],
    }
}

const TRADES: [&str; 40] = [
    "餐饮",
    "美容美发",
    "汽车维修",
    "建材",
    "家政服务",
    "物业管理",
    "快递物流",
    "电子商务",
    "茶叶",
    "果蔬",
    "水产养殖",
    "畜牧",
    "林产",
    "中药材",
    "旅游",
    "酒店",
    "文化创意",
    "印刷包装",
    "广告",
    "装饰装修",
    "房地产",
    "建筑",
    "机械制造",
    "新能源",
    "纺织服装",
    "家具",
    "糖业",
    "粮油",
    "食品",
    "酒业",
    "医药",
    "养老服务",
    "教育培训",
    "人力资源服务",
    "软件和信息服务",
    "商贸流通",
    "小微企业",
    "农机",
    "花卉苗木",
    "水果",
];

const SUFFIXES: [&str; 3] = ["行业协会", "商会", "产业促进会"];

/// The city's generated associations, the same ones every time: district
/// by district through the trades, registered between 2001 and 2020.
pub(super) fn generated(city: &tenant::Model) -> Result<Vec<Association>> {
    let districts = districts(city);
    let n = count(city);
    if districts.len() * TRADES.len() * SUFFIXES.len() < n {
        return Err(Error::internal(anyhow::anyhow!(
            "{}: too few district, trade and suffix combinations for {n} associations",
            city.slug
        )));
    }
    (0..n)
        .map(|k| {
            let (district, division) = districts[k % districts.len()];
            let rest = k / districts.len();
            let trade = TRADES[rest % TRADES.len()];
            let suffix = SUFFIXES[rest / TRADES.len()];
            let registered_on = NaiveDate::from_ymd_opt(
                2001 + (k as i32 * 11) % 20,
                1 + (k as u32 * 7) % 12,
                1 + (k as u32 * 13) % 28,
            )
            .ok_or_else(|| Error::internal(anyhow::anyhow!("demo date")))?;
            Ok(Association {
                name: format!("{}{district}{trade}{suffix}", city.name),
                division,
                registered_on,
            })
        })
        .collect()
}

/// The first eight characters of the `k`th generated association's
/// organization code: apart from the core register's (which start with
/// the city's division code).
pub(super) fn code_body(city: &tenant::Model, k: usize) -> String {
    let city_number: usize = city.division_code.parse().unwrap_or(0);
    format!("{:08}", (city_number % 10_000) * 10_000 + 5_000 + k)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn city(slug: &str, name: &str, code: &str) -> tenant::Model {
        tenant::Model {
            id: uuid::Uuid::nil(),
            slug: slug.into(),
            name: name.into(),
            kind: tenant::TenantKind::City,
            division_code: code.into(),
            parent_id: None,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn names_and_codes_are_unique_within_each_city() {
        for c in [
            city("nanning", "南宁市", "450100"),
            city("liuzhou", "柳州市", "450200"),
            city("guilin", "桂林市", "450300"),
        ] {
            let all = generated(&c).unwrap_or_default();
            assert_eq!(all.len(), count(&c));
            let names: HashSet<_> = all.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(names.len(), all.len(), "{}", c.slug);
            let bodies: HashSet<_> = (0..all.len()).map(|k| code_body(&c, k)).collect();
            assert_eq!(bodies.len(), all.len());
            assert!(bodies.iter().all(|b| b.len() == 8));
        }
    }
}
