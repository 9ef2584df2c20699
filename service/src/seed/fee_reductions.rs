//! Fee-reduction reports in the demo, reproducing the seeds' figures:
//!
//! - Guangxi's 2023 self-inspection (自查自纠): 2,195 associations cut
//!   41,139,900.00 yuan for 9,923 enterprises, here across the three cities'
//!   2023 periods (Nanning 1,020 / 24,360,000.00 / 4,610; Liuzhou 610 /
//!   2,046,500.00 / 2,850; Guilin 565 / 14,733,400.00 / 2,463);
//! - Liuzhou's five years, 2021 to 2025: 9,987,200.00 yuan ("over 9.98
//!   million"), its lines using the action's fourth measure, 为行业争取帮扶
//!   政策, as well as the other four.
//!
//! Every counted report is approved; some came in after the due date; one
//! association per city found irregular charges and refunded them; one
//! Liuzhou report of 2023 was returned with a comment on a line and not
//! yet resubmitted, and a few associations never reported, so the bureau's
//! pages show every state. Rows are computed here as the service would
//! have left them (each submission kept as version 1) and written in bulk.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::fee_reduction_line::{self, FeeItem, Measure};
use entity::fee_reduction_report::{self, FeeReportStatus};
use entity::{fee_reduction_period, fee_reduction_report_version, organization, tenant};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::db::WriteTx;
use crate::error::{Error, Result};

/// The region's 2023 figures, summed over its cities' approved reports.
pub const REGION_2023_ASSOCIATIONS: i64 = 2_195;
pub const REGION_2023_FEN: i64 = 4_113_990_000;
pub const REGION_2023_ENTERPRISES: i64 = 9_923;
/// Liuzhou's 2021 to 2025, in fen.
pub const LIUZHOU_FIVE_YEARS_FEN: i64 = 998_720_000;

/// One city's period for a year: how many associations report (the first
/// ones of the register), and what their approved lines add up to.
struct Year {
    year: i32,
    reporting: usize,
    fen: i64,
    enterprises: i64,
}

/// A city's years, and the association that refunded irregular charges in
/// 2023 (an index into its associations) with what it found and refunded.
struct Plan {
    years: &'static [Year],
    refund: (usize, i32, i64, i32),
}

fn plan(city: &tenant::Model) -> Option<Plan> {
    match city.slug.as_str() {
        "nanning" => Some(Plan {
            years: &[Year {
                year: 2023,
                reporting: 1_020,
                fen: 2_436_000_000,
                enterprises: 4_610,
            }],
            refund: (3, 3, 8_640_000, 36),
        }),
        "liuzhou" => Some(Plan {
            years: &[
                Year {
                    year: 2021,
                    reporting: 520,
                    fen: 172_000_000,
                    enterprises: 2_110,
                },
                Year {
                    year: 2022,
                    reporting: 575,
                    fen: 190_530_000,
                    enterprises: 2_480,
                },
                Year {
                    year: 2023,
                    reporting: 610,
                    fen: 204_650_000,
                    enterprises: 2_850,
                },
                Year {
                    year: 2024,
                    reporting: 605,
                    fen: 211_860_000,
                    enterprises: 2_910,
                },
                Year {
                    year: 2025,
                    reporting: 612,
                    fen: 219_680_000,
                    enterprises: 3_020,
                },
            ],
            refund: (8, 2, 2_350_000, 14),
        }),
        "guilin" => Some(Plan {
            years: &[Year {
                year: 2023,
                reporting: 565,
                fen: 1_473_340_000,
                enterprises: 2_463,
            }],
            refund: (1, 1, 1_200_000, 8),
        }),
        _ => None,
    }
}

/// Liuzhou's 2023 report that was returned: the association right after
/// those that reported.
const RETURNED: (&str, i32) = ("liuzhou", 2023);

const POLICIES: [&str; 5] = [
    "协助会员企业申领稳岗返还和吸纳就业补贴",
    "争取中小微企业融资担保降费政策",
    "推动落实小规模纳税人减税政策",
    "争取用电用气阶段性降价政策",
    "协调减免商户临街摊位租金",
];

/// `total` in parts by weight, each a whole multiple of `unit` but the
/// first, which takes what rounding left over: the parts add up exactly.
fn spread(total: i64, weights: &[i64], unit: i64) -> Vec<i64> {
    let sum: i64 = weights.iter().sum::<i64>().max(1);
    let mut parts: Vec<i64> = weights.iter().map(|w| total * w / sum / unit * unit).collect();
    let rest = total - parts.iter().sum::<i64>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    parts
}

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

fn date(year: i32, month: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| Error::internal(anyhow::anyhow!("demo date")))
}

#[derive(Default)]
struct Rows {
    periods: Vec<fee_reduction_period::Model>,
    reports: Vec<fee_reduction_report::Model>,
    lines: Vec<fee_reduction_line::Model>,
    versions: Vec<fee_reduction_report_version::Model>,
}

impl Rows {
    /// One association's report with its lines, submitted on `submitted`
    /// and reviewed (approved unless a return comment is given) ten days on.
    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        city: &tenant::Model,
        period: &fee_reduction_period::Model,
        org: &organization::Model,
        member_count: i32,
        refund: (i32, i64, i32),
        lines: Vec<fee_reduction_line::Model>,
        submitted: NaiveDate,
        returned: Option<&str>,
    ) {
        let report = fee_reduction_report::Model {
            tenant_id: city.id,
            id: lines.first().map_or_else(Uuid::now_v7, |l| l.report_id),
            period_id: period.id,
            organization_id: org.id,
            status: if returned.is_some() {
                FeeReportStatus::Returned
            } else {
                FeeReportStatus::Approved
            },
            member_count: Some(member_count),
            // The demo splits each association's reported reach among its
            // measures, so here the lines do add up to it (the region's
            // 9,923 enterprises of 2023).
            enterprises_benefited: Some(lines.iter().map(|l| l.enterprises).sum()),
            irregular_charges_found: refund.0,
            refunded_fen: refund.1,
            enterprises_refunded: refund.2,
            version: 1,
            review_comment: returned.map(|_| "请按第 2 行意见补充材料后重新报送".to_owned()),
            reviewed_by: Some(Uuid::nil()),
            submitted_at: Some(at(submitted, 2)),
            reviewed_at: Some(at(submitted + Duration::days(10), 3)),
            created_at: at(submitted - Duration::days(6), 1),
            updated_at: at(submitted + Duration::days(10), 3),
        };
        let snapshot = crate::fee_reductions::snapshot(&report, &lines);
        self.versions.push(fee_reduction_report_version::Model {
            tenant_id: city.id,
            report_id: report.id,
            version: 1,
            snapshot: snapshot.to_string(),
            submitted_by: Uuid::nil(),
            submitted_at: at(submitted, 2),
        });
        let mut lines = lines;
        if let (Some(comment), Some(line)) = (returned, lines.get_mut(1)) {
            line.return_comment = Some(comment.to_owned());
        }
        self.lines.extend(lines);
        self.reports.push(report);
    }
}

/// The lines of association `i`'s report: one to three fee lines sharing
/// its amount, and for every seventh association a support-policy line
/// with no amount; the enterprises spread over all of them.
fn lines_for(tenant_id: Uuid, i: usize, fen: i64, enterprises: i64, refunds: bool) -> Vec<fee_reduction_line::Model> {
    const ITEMS: [FeeItem; 5] = [
        FeeItem::Membership,
        FeeItem::Training,
        FeeItem::Appraisal,
        FeeItem::Consulting,
        FeeItem::Publication,
    ];
    const MEASURES: [Measure; 4] = [Measure::Lower, Measure::Waive, Measure::Cancel, Measure::Standardize];
    let money_weights: &[i64] = match i % 3 {
        0 => &[1],
        1 => &[7, 3],
        _ => &[5, 3, 2],
    };
    let support = i % 7 == 3;
    let amounts = spread(fen, money_weights, 100);
    let mut enterprise_weights = money_weights.to_vec();
    if support {
        enterprise_weights.push(2);
    }
    let firms = spread(enterprises, &enterprise_weights, 1);
    let report_id = Uuid::now_v7();
    let line = |position: usize| fee_reduction_line::Model {
        tenant_id,
        id: Uuid::now_v7(),
        report_id,
        position: position as i32 + 1,
        fee_item: ITEMS[(i + position) % ITEMS.len()],
        fee_item_detail: String::new(),
        measure: MEASURES[(i + 2 * position) % MEASURES.len()],
        standard_before_fen: None,
        standard_after_fen: None,
        amount_fen: amounts.get(position).copied().unwrap_or(0),
        enterprises: firms.get(position).copied().unwrap_or(0) as i32,
        note: String::new(),
        return_comment: None,
    };
    let mut lines: Vec<_> = (0..amounts.len())
        .map(|position| {
            let mut l = line(position);
            match l.measure {
                Measure::Lower => {
                    let before = 300_000 + (i as i64 % 5) * 50_000;
                    l.standard_before_fen = Some(before);
                    l.standard_after_fen = Some(before * 3 / 4);
                    l.note = "经会员大会表决通过".to_owned();
                }
                Measure::Cancel => {
                    l.standard_before_fen = Some(80_000);
                    l.standard_after_fen = Some(0);
                    l.note = "理事会决议取消该项收费".to_owned();
                }
                Measure::Waive => l.note = "对困难会员企业全额减免".to_owned(),
                _ => l.note = "规范收费行为，按标准执行".to_owned(),
            }
            l
        })
        .collect();
    if refunds && let Some(first) = lines.first_mut() {
        first.measure = Measure::Standardize;
        first.fee_item = FeeItem::Appraisal;
        first.standard_before_fen = None;
        first.standard_after_fen = None;
        first.note = "自查发现违规收取评比达标费用，已全额清退".to_owned();
    }
    if support {
        let mut l = line(amounts.len());
        l.fee_item = FeeItem::Other;
        l.fee_item_detail = POLICIES[i % POLICIES.len()].to_owned();
        l.measure = Measure::SupportPolicy;
        l.amount_fen = 0;
        l.note = "为行业争取帮扶政策，不涉及收费".to_owned();
        lines.push(l);
    }
    lines
}

/// The city's periods and reports, for the associations of its register
/// (the core register's first, then the district ones, in that order).
pub(super) async fn seed_fee_reductions(
    tx: &WriteTx<'_>,
    city: &tenant::Model,
    organizations: &[organization::Model],
) -> Result<()> {
    let Some(plan) = plan(city) else {
        return Ok(());
    };
    let associations: Vec<&organization::Model> = organizations.iter().filter(|o| o.is_industry_association).collect();
    let mut rows = Rows::default();
    for y in plan.years {
        if associations.len() < y.reporting + 1 {
            return Err(Error::internal(anyhow::anyhow!(
                "{} has {} associations, fewer than the {} reporting in {}",
                city.slug,
                associations.len(),
                y.reporting,
                y.year
            )));
        }
        let due_on = date(y.year + 1, 1, 31)?;
        let period = fee_reduction_period::Model {
            tenant_id: city.id,
            id: Uuid::now_v7(),
            title: format!("{}年度行业协会商会“我为企业减负担”自查自纠情况", y.year),
            year: y.year,
            half: None,
            due_on,
            opened_by: Uuid::nil(),
            reminded_at: Some(at(due_on - Duration::days(7), 1)),
            created_at: at(date(y.year, 11, 1)?, 1),
        };
        let weights: Vec<i64> = (0..y.reporting).map(|i| 3 + (i as i64 * 37) % 17).collect();
        let amounts = spread(y.fen, &weights, 100);
        // Every reporting association helped at least one enterprise.
        let mut firms = spread(y.enterprises - y.reporting as i64, &weights, 1);
        firms.iter_mut().for_each(|f| *f += 1);
        for (i, org) in associations.iter().take(y.reporting).enumerate() {
            let refund = if y.year == 2023 && i == plan.refund.0 {
                (plan.refund.1, plan.refund.2, plan.refund.3)
            } else {
                (0, 0, 0)
            };
            let lines = lines_for(city.id, i, amounts[i], firms[i], refund.0 > 0);
            // About one in thirty filed after the due date.
            let submitted = if i % 29 == 7 {
                due_on + Duration::days(1 + (i as i64 % 20))
            } else {
                due_on - Duration::days(1 + (i as i64 % 50))
            };
            let members = (firms[i] * 2).max(40 + (i as i64 % 160)) as i32;
            rows.report(city, &period, org, members, refund, lines, submitted, None);
        }
        if (city.slug.as_str(), y.year) == RETURNED {
            let org = associations[y.reporting];
            let report_id = Uuid::now_v7();
            let line = |position: i32, fee_item, measure, fen, enterprises| fee_reduction_line::Model {
                tenant_id: city.id,
                id: Uuid::now_v7(),
                report_id,
                position,
                fee_item,
                fee_item_detail: String::new(),
                measure,
                standard_before_fen: None,
                standard_after_fen: None,
                amount_fen: fen,
                enterprises,
                note: String::new(),
                return_comment: None,
            };
            let lines = vec![
                line(1, FeeItem::Membership, Measure::Lower, 3_000_000, 25),
                line(2, FeeItem::Training, Measure::Waive, 800_000, 12),
            ];
            rows.report(
                city,
                &period,
                org,
                60,
                (0, 0, 0),
                lines,
                due_on - Duration::days(3),
                Some("培训费减免未附理事会决议和收费公示，请补充后重新报送"),
            );
        }
        rows.periods.push(period);
    }
    fee_reduction_period::Entity::insert_many(rows.periods.into_iter().map(fee_reduction_period::ActiveModel::from))
        .exec_without_returning(tx.conn())
        .await?;
    for chunk in rows.reports.chunks(1000) {
        fee_reduction_report::Entity::insert_many(chunk.iter().cloned().map(fee_reduction_report::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    super::analyze(tx, &["fee_reduction_report"]).await?;
    for chunk in rows.lines.chunks(1000) {
        fee_reduction_line::Entity::insert_many(chunk.iter().cloned().map(fee_reduction_line::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    for chunk in rows.versions.chunks(1000) {
        fee_reduction_report_version::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(fee_reduction_report_version::ActiveModel::from),
        )
        .exec_without_returning(tx.conn())
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_add_up_exactly() {
        let parts = spread(2_436_000_000, &[3, 7, 19, 4], 100);
        assert_eq!(parts.iter().sum::<i64>(), 2_436_000_000);
        assert!(parts[1..].iter().all(|p| p % 100 == 0));
    }

    #[test]
    fn the_plans_are_the_seeds_figures() {
        let city = |slug: &str| tenant::Model {
            id: Uuid::nil(),
            slug: slug.into(),
            name: String::new(),
            kind: tenant::TenantKind::City,
            division_code: String::new(),
            parent_id: None,
            created_at: Utc::now(),
        };
        let plans: Vec<Plan> = ["nanning", "liuzhou", "guilin"]
            .into_iter()
            .filter_map(|s| plan(&city(s)))
            .collect();
        let of_2023 = || plans.iter().flat_map(|p| p.years).filter(|y| y.year == 2023);
        assert_eq!(
            of_2023().map(|y| y.reporting as i64).sum::<i64>(),
            REGION_2023_ASSOCIATIONS
        );
        assert_eq!(of_2023().map(|y| y.fen).sum::<i64>(), REGION_2023_FEN);
        assert_eq!(of_2023().map(|y| y.enterprises).sum::<i64>(), REGION_2023_ENTERPRISES);
        let liuzhou = plan(&city("liuzhou")).map(|p| p.years.iter().map(|y| y.fen).sum::<i64>());
        assert_eq!(liuzhou, Some(LIUZHOU_FIVE_YEARS_FEN));
    }

    #[test]
    fn lines_add_up_to_the_association_and_use_every_measure() {
        let mut measures = std::collections::HashSet::new();
        for i in 0..21 {
            let lines = lines_for(Uuid::nil(), i, 1_234_500, 17, i == 4);
            assert_eq!(lines.iter().map(|l| l.amount_fen).sum::<i64>(), 1_234_500);
            assert_eq!(lines.iter().map(|l| i64::from(l.enterprises)).sum::<i64>(), 17);
            measures.extend(lines.iter().map(|l| l.measure));
        }
        assert_eq!(measures.len(), 5);
    }
}
