//! The annual spending rules for charitable organizations (关于慈善组织开展
//! 慈善活动年度支出和管理费用的规定, 2016): how much a charity must spend on
//! charitable activities each year, and how much of its spending may go to
//! management, by kind, public-fundraising qualification and net assets.
//!
//! Every comparison is exact integer arithmetic on fen: "at least 70% of
//! income" is `spending * 100 >= income * 70`, never a rounded ratio.

use chrono::{Datelike, NaiveDate};
use entity::app_user::Role;
use entity::financial_statement;
use entity::organization::{self, OrganizationKind, OrganizationStatus};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::organizations::{load_for_update, require_access};
use crate::scoped::TenantOwned;

const YUAN: i64 = 100;
const MILLION: i64 = 1_000_000 * YUAN;
/// Management costs under this are exempt from the cap.
pub const MANAGEMENT_EXEMPT_BELOW_FEN: i64 = 200_000 * YUAN;

/// One row of the table: the minimum charitable spending, as percentages of
/// last year's income and/or of net assets at the end of last year (both
/// must be met when both are set), and the management-cost cap as a
/// percentage of this year's total spending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Which row of the table applies, for people: e.g. "foundation without
    /// public fundraising, net assets 8M to 60M".
    pub row: &'static str,
    pub income_percent: Option<i64>,
    pub net_assets_percent: Option<i64>,
    pub management_cap_percent: i64,
}

/// The rule for an organization, given its qualification and its net
/// assets at the end of last year.
pub fn rule_for(kind: OrganizationKind, public_fundraising: bool, net_assets_fen: i64) -> Rule {
    let rule = |row, income_percent, net_assets_percent, management_cap_percent| Rule {
        row,
        income_percent,
        net_assets_percent,
        management_cap_percent,
    };
    match (kind, public_fundraising) {
        (OrganizationKind::Foundation, true) => rule("foundation with public fundraising", Some(70), None, 10),
        (_, true) => rule(
            "social group or service institution with public fundraising",
            Some(70),
            None,
            13,
        ),
        (OrganizationKind::Foundation, false) => match net_assets_fen {
            n if n >= 60 * MILLION => rule(
                "foundation without public fundraising, net assets >= 60M",
                None,
                Some(6),
                12,
            ),
            n if n >= 8 * MILLION => rule(
                "foundation without public fundraising, net assets 8M-60M",
                None,
                Some(6),
                13,
            ),
            n if n >= 4 * MILLION => rule(
                "foundation without public fundraising, net assets 4M-8M",
                None,
                Some(7),
                15,
            ),
            _ => rule(
                "foundation without public fundraising, net assets < 4M",
                None,
                Some(8),
                20,
            ),
        },
        (_, false) => match net_assets_fen {
            n if n >= 10 * MILLION => rule(
                "group or institution without public fundraising, net assets >= 10M",
                None,
                Some(6),
                13,
            ),
            n if n >= 5 * MILLION => rule(
                "group or institution without public fundraising, net assets 5M-10M",
                None,
                Some(7),
                14,
            ),
            n if n >= MILLION => rule(
                "group or institution without public fundraising, net assets 1M-5M",
                None,
                Some(8),
                15,
            ),
            _ => rule(
                "group or institution without public fundraising, net assets < 1M",
                Some(50),
                Some(8),
                20,
            ),
        },
    }
}

/// The bases the minimum is computed on: last year's, and the average of
/// the last three years where all three are known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bases {
    pub income_fen: i64,
    pub net_assets_fen: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearFigures {
    pub charitable_spending_fen: i64,
    pub management_cost_fen: i64,
    pub total_spending_fen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub rule: Rule,
    /// The smallest charitable spending that meets the rule: on last year's
    /// bases, or on the three-year averages where that asks less.
    pub required_spending_fen: i64,
    pub used_three_year_average: bool,
    pub spending_ok: bool,
    pub management_cap_fen: i64,
    pub management_exempt: bool,
    pub management_ok: bool,
}

impl Verdict {
    pub fn within_bounds(&self) -> bool {
        self.spending_ok && self.management_ok
    }
}

/// `base * percent / 100`, rounded up to the fen: the least amount that is
/// at least that share.
fn share_ceil(base_fen: i64, percent: i64) -> i64 {
    let product = i128::from(base_fen.max(0)) * i128::from(percent);
    i64::try_from((product + 99) / 100).unwrap_or(i64::MAX)
}

/// `base * percent / 100`, rounded down: the most that is at most that share.
fn share_floor(base_fen: i64, percent: i64) -> i64 {
    i64::try_from(i128::from(base_fen.max(0)) * i128::from(percent) / 100).unwrap_or(i64::MAX)
}

fn required(rule: &Rule, bases: Bases) -> i64 {
    let by_income = rule.income_percent.map_or(0, |p| share_ceil(bases.income_fen, p));
    let by_assets = rule
        .net_assets_percent
        .map_or(0, |p| share_ceil(bases.net_assets_fen, p));
    by_income.max(by_assets)
}

pub fn evaluate(rule: Rule, last_year: Bases, three_year_average: Option<Bases>, year: YearFigures) -> Verdict {
    let on_last_year = required(&rule, last_year);
    let on_average = three_year_average.map(|b| required(&rule, b));
    let (required_spending_fen, used_three_year_average) = match on_average {
        Some(avg) if avg < on_last_year => (avg, true),
        _ => (on_last_year, false),
    };
    let management_cap_fen = share_floor(year.total_spending_fen, rule.management_cap_percent);
    let management_exempt = year.management_cost_fen < MANAGEMENT_EXEMPT_BELOW_FEN;
    Verdict {
        rule,
        required_spending_fen,
        used_three_year_average,
        spending_ok: year.charitable_spending_fen >= required_spending_fen,
        management_cap_fen,
        management_exempt,
        management_ok: management_exempt
            || i128::from(year.management_cost_fen) * 100
                <= i128::from(year.total_spending_fen) * i128::from(rule.management_cap_percent),
    }
}

/// A ratio as a percentage with two decimals, for display only.
pub fn percent(part_fen: i64, whole_fen: i64) -> Option<Decimal> {
    (whole_fen > 0).then(|| (Decimal::from(part_fen) * Decimal::ONE_HUNDRED / Decimal::from(whole_fen)).round_dp(2))
}

/// The figures an organization files for one year.
#[derive(Clone, Copy, Debug)]
pub struct StatementInput {
    pub total_income: Money,
    pub charitable_spending: Money,
    pub management_cost: Money,
    pub total_spending: Money,
    pub net_assets: Money,
}

/// File (or correct) a charitable organization's figures for a year.
pub async fn submit_statement(
    db: &Db,
    ctx: &TenantContext,
    organization_id: Uuid,
    year: i32,
    input: StatementInput,
) -> Result<financial_statement::Model> {
    require_access(ctx, organization_id)?;
    let (user, _) = ctx.require_user()?;
    let this_year = crate::clock::today().year();
    if !(2000..=this_year).contains(&year) {
        return Err(Error::validation(
            "year",
            format!("the year must be between 2000 and {this_year}"),
            format!("年度须在 2000 至 {this_year} 之间"),
        ));
    }
    for (field, label, value) in [
        ("totalIncome", "总收入", input.total_income),
        ("charitableSpending", "慈善活动支出", input.charitable_spending),
        ("managementCost", "管理费用", input.management_cost),
        ("totalSpending", "总支出", input.total_spending),
    ] {
        if value.is_negative() || value.fen() > crate::donations::MAX_AMOUNT_FEN {
            return Err(Error::validation(
                field,
                format!("{field} must be between 0 and 100,000,000,000.00"),
                format!("{label}须在 0 至 1000 亿元之间"),
            ));
        }
    }
    if input.net_assets.fen().abs() > crate::donations::MAX_AMOUNT_FEN {
        return Err(Error::validation(
            "netAssets",
            "netAssets is out of range",
            "净资产超出允许范围",
        ));
    }
    let parts = input.charitable_spending.fen() + input.management_cost.fen();
    if parts > input.total_spending.fen() {
        return Err(Error::validation(
            "totalSpending",
            "total spending must include charitable spending and management costs, so it cannot be smaller than their sum",
            "总支出包含慈善活动支出和管理费用，不能小于两者之和",
        ));
    }
    let tx = db.write(ctx).await?;
    let org = load_for_update(tx.conn(), ctx, organization_id).await?;
    if org.charity_recognized_on.is_none() {
        return Err(Error::conflict(
            format!(
                "{} is not recognized as a charitable organization (慈善组织); the spending rules do not apply to it",
                org.name
            ),
            format!("{}尚未认定为慈善组织，不适用慈善组织支出规定", org.name),
        ));
    }
    let before = financial_statement::Entity::scoped(ctx)
        .filter(financial_statement::Column::OrganizationId.eq(organization_id))
        .filter(financial_statement::Column::Year.eq(year))
        .one(tx.conn())
        .await?;
    let statement = financial_statement::Model {
        tenant_id: ctx.tenant_id,
        organization_id,
        year,
        total_income_fen: input.total_income.fen(),
        charitable_spending_fen: input.charitable_spending.fen(),
        management_cost_fen: input.management_cost.fen(),
        total_spending_fen: input.total_spending.fen(),
        net_assets_fen: input.net_assets.fen(),
        submitted_by: user,
        submitted_at: clock::now(),
    };
    let figures = |s: &financial_statement::Model| {
        json!({
            "year": s.year, "total_income_fen": s.total_income_fen, "charitable_spending_fen": s.charitable_spending_fen,
            "management_cost_fen": s.management_cost_fen, "total_spending_fen": s.total_spending_fen,
            "net_assets_fen": s.net_assets_fen,
        })
    };
    let event = AuditEvent::new(
        "financial_statement.submit",
        "financial_statement",
        format!("{organization_id}/{year}"),
    )
    .organization(Some(organization_id));
    let event = match &before {
        Some(old) => {
            financial_statement::ActiveModel::from(statement.clone())
                .reset_all()
                .update(tx.conn())
                .await?;
            event.changed(&figures(old), &figures(&statement))
        }
        None => {
            financial_statement::Entity::insert(financial_statement::ActiveModel::from(statement.clone()))
                .exec_without_returning(tx.conn())
                .await?;
            event.created(&figures(&statement))
        }
    };
    tx.commit(event).await?;
    Ok(statement)
}

/// One charitable organization's result for a year.
pub struct Check {
    pub organization: organization::Model,
    pub public_fundraising: bool,
    pub statement: Option<financial_statement::Model>,
    /// `None` when this year's or last year's statement is missing.
    pub verdict: Option<Verdict>,
    pub last_year: Option<Bases>,
}

impl Check {
    pub fn within_bounds(&self) -> bool {
        self.verdict.as_ref().is_some_and(Verdict::within_bounds)
    }
}

/// The spending-rule check of every active charitable organization of the
/// city for `year`; with `out_of_bounds_only`, those that miss a rule or
/// have not filed the figures it needs.
pub async fn check(db: &Db, ctx: &TenantContext, year: i32, out_of_bounds_only: bool) -> Result<Vec<Check>> {
    ctx.require_role(&[Role::CityOfficial])?;
    // The rule reads the three years before: a year near the integers'
    // ends (found by the fuzzing run) must not overflow.
    if !(2000..=9999).contains(&year) {
        return Err(Error::validation(
            "year",
            "the year must be between 2000 and 9999",
            "年度须在 2000 至 9999 之间",
        ));
    }
    let tx = db.read(ctx).await?;
    let charities = organization::Entity::scoped(ctx)
        .filter(organization::Column::Status.eq(OrganizationStatus::Active))
        .filter(organization::Column::CharityRecognizedOn.is_not_null())
        .order_by_asc(organization::Column::Name)
        .all(&tx)
        .await?;
    let statements = financial_statement::Entity::scoped(ctx)
        .filter(financial_statement::Column::Year.between(year - 3, year))
        .all(&tx)
        .await?;
    tx.commit().await?;
    let end_of_year = NaiveDate::from_ymd_opt(year, 12, 31);
    let mut checks = Vec::new();
    for org in charities {
        let of = |y: i32| statements.iter().find(|s| s.organization_id == org.id && s.year == y);
        let bases = |s: &financial_statement::Model| Bases {
            income_fen: s.total_income_fen,
            net_assets_fen: s.net_assets_fen,
        };
        let public_fundraising = org
            .public_fundraising_on
            .zip(end_of_year)
            .is_some_and(|(on, end)| on <= end);
        let statement = of(year).cloned();
        let last_year = of(year - 1).map(bases);
        let average = match (of(year - 1), of(year - 2), of(year - 3)) {
            (Some(a), Some(b), Some(c)) => Some(Bases {
                income_fen: (a.total_income_fen + b.total_income_fen + c.total_income_fen) / 3,
                net_assets_fen: (a.net_assets_fen + b.net_assets_fen + c.net_assets_fen) / 3,
            }),
            _ => None,
        };
        let verdict = statement.as_ref().zip(last_year).map(|(s, last)| {
            let rule = rule_for(org.kind, public_fundraising, last.net_assets_fen);
            evaluate(
                rule,
                last,
                average,
                YearFigures {
                    charitable_spending_fen: s.charitable_spending_fen,
                    management_cost_fen: s.management_cost_fen,
                    total_spending_fen: s.total_spending_fen,
                },
            )
        });
        let check = Check {
            organization: org,
            public_fundraising,
            statement,
            verdict,
            last_year,
        };
        if !out_of_bounds_only || !check.within_bounds() {
            checks.push(check);
        }
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganizationKind::{Foundation, SocialGroup, SocialServiceInstitution};

    const M: i64 = MILLION;

    #[test]
    fn each_row_of_the_table_applies_from_its_lower_bound() {
        // (kind, public fundraising, net assets, income %, assets %, cap %)
        let rows = [
            (Foundation, true, 0, Some(70), None, 10),
            (SocialGroup, true, 0, Some(70), None, 13),
            (SocialServiceInstitution, true, 100 * M, Some(70), None, 13),
            (Foundation, false, 60 * M, None, Some(6), 12),
            (Foundation, false, 60 * M - 1, None, Some(6), 13),
            (Foundation, false, 8 * M, None, Some(6), 13),
            (Foundation, false, 8 * M - 1, None, Some(7), 15),
            (Foundation, false, 4 * M, None, Some(7), 15),
            (Foundation, false, 4 * M - 1, None, Some(8), 20),
            (SocialGroup, false, 10 * M, None, Some(6), 13),
            (SocialGroup, false, 10 * M - 1, None, Some(7), 14),
            (SocialServiceInstitution, false, 5 * M, None, Some(7), 14),
            (SocialServiceInstitution, false, 5 * M - 1, None, Some(8), 15),
            (SocialGroup, false, M, None, Some(8), 15),
            (SocialGroup, false, M - 1, Some(50), Some(8), 20),
        ];
        for (kind, fundraising, assets, income_percent, net_assets_percent, cap) in rows {
            let rule = rule_for(kind, fundraising, assets);
            assert_eq!(
                (
                    rule.income_percent,
                    rule.net_assets_percent,
                    rule.management_cap_percent
                ),
                (income_percent, net_assets_percent, cap),
                "{kind:?} fundraising={fundraising} net assets={assets} fen got {}",
                rule.row
            );
        }
    }

    fn year(spending: i64, management: i64, total: i64) -> YearFigures {
        YearFigures {
            charitable_spending_fen: spending,
            management_cost_fen: management,
            total_spending_fen: total,
        }
    }

    #[test]
    fn spending_exactly_at_the_minimum_passes_and_a_fen_less_fails() {
        // Public-fundraising foundation, income 10,000,000.01: 70% is
        // 7,000,000.007, so the minimum is 7,000,000.01.
        let rule = rule_for(Foundation, true, 0);
        let last = Bases {
            income_fen: 1_000_000_001,
            net_assets_fen: 0,
        };
        let at = evaluate(rule, last, None, year(700_000_001, 0, 800_000_000));
        assert_eq!(at.required_spending_fen, 700_000_001);
        assert!(at.spending_ok);
        let below = evaluate(rule, last, None, year(700_000_000, 0, 800_000_000));
        assert!(!below.spending_ok);
    }

    #[test]
    fn each_net_assets_row_requires_its_percentage() {
        for (kind, assets, percent) in [
            (Foundation, 60 * M, 6),
            (Foundation, 8 * M, 6),
            (Foundation, 4 * M, 7),
            (Foundation, 4 * M - 1, 8),
            (SocialGroup, 10 * M, 6),
            (SocialGroup, 5 * M, 7),
            (SocialGroup, M, 8),
        ] {
            let rule = rule_for(kind, false, assets);
            let last = Bases {
                income_fen: 0,
                net_assets_fen: assets,
            };
            let needed = share_ceil(assets, percent);
            assert!(
                evaluate(rule, last, None, year(needed, 0, needed)).spending_ok,
                "{}",
                rule.row
            );
            assert!(
                !evaluate(rule, last, None, year(needed - 1, 0, needed)).spending_ok,
                "{}",
                rule.row
            );
        }
    }

    #[test]
    fn small_groups_must_meet_both_the_assets_and_the_income_share() {
        let rule = rule_for(SocialServiceInstitution, false, 500_000 * YUAN);
        let last = Bases {
            income_fen: 300_000 * YUAN,
            net_assets_fen: 500_000 * YUAN,
        };
        // 8% of assets is 40,000; 50% of income is 150,000: the larger binds.
        let verdict = evaluate(rule, last, None, year(150_000 * YUAN, 0, 200_000 * YUAN));
        assert_eq!(verdict.required_spending_fen, 150_000 * YUAN);
        assert!(verdict.spending_ok);
        assert!(!evaluate(rule, last, None, year(150_000 * YUAN - 1, 0, 200_000 * YUAN)).spending_ok);
    }

    #[test]
    fn the_three_year_average_may_replace_last_year() {
        let rule = rule_for(SocialGroup, true, 0);
        let last = Bases {
            income_fen: 1_000 * M,
            net_assets_fen: 0,
        };
        let average = Bases {
            income_fen: 600 * M,
            net_assets_fen: 0,
        };
        let verdict = evaluate(rule, last, Some(average), year(420 * M, 0, 500 * M));
        assert!(verdict.used_three_year_average);
        assert!(verdict.spending_ok);
        // An average that asks more is not used.
        let verdict = evaluate(rule, average, Some(last), year(420 * M, 0, 500 * M));
        assert!(!verdict.used_three_year_average);
        assert_eq!(verdict.required_spending_fen, 420 * M);
    }

    #[test]
    fn management_costs_at_the_cap_pass_a_fen_over_fails_and_small_ones_are_exempt() {
        let rule = rule_for(Foundation, true, 0); // cap 10%
        let last = Bases::default();
        let total = 5 * M; // 5,000,000.00: cap 500,000.00
        assert!(evaluate(rule, last, None, year(0, total / 10, total)).management_ok);
        let over = evaluate(rule, last, None, year(0, total / 10 + 1, total));
        assert!(!over.management_ok && !over.management_exempt);
        // 199,999.99 is exempt even at 100% of spending; 200,000.00 is not.
        let exempt = evaluate(
            rule,
            last,
            None,
            year(0, MANAGEMENT_EXEMPT_BELOW_FEN - 1, MANAGEMENT_EXEMPT_BELOW_FEN - 1),
        );
        assert!(exempt.management_exempt && exempt.management_ok);
        let not_exempt = evaluate(
            rule,
            last,
            None,
            year(0, MANAGEMENT_EXEMPT_BELOW_FEN, MANAGEMENT_EXEMPT_BELOW_FEN),
        );
        assert!(!not_exempt.management_exempt && !not_exempt.management_ok);
    }

    #[test]
    fn each_row_caps_management_at_its_percentage() {
        for (kind, fundraising, assets, cap) in [
            (Foundation, true, 0, 10),
            (SocialGroup, true, 0, 13),
            (Foundation, false, 60 * M, 12),
            (Foundation, false, 8 * M, 13),
            (Foundation, false, 4 * M, 15),
            (Foundation, false, 0, 20),
            (SocialGroup, false, 10 * M, 13),
            (SocialGroup, false, 5 * M, 14),
            (SocialGroup, false, M, 15),
            (SocialGroup, false, 0, 20),
        ] {
            let rule = rule_for(kind, fundraising, assets);
            let total = 100 * M;
            let at_cap = total / 100 * cap;
            let last = Bases::default();
            assert!(
                evaluate(rule, last, None, year(0, at_cap, total)).management_ok,
                "{}",
                rule.row
            );
            assert!(
                !evaluate(rule, last, None, year(0, at_cap + 1, total)).management_ok,
                "{}",
                rule.row
            );
        }
    }
}
