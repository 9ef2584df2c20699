//! The spending-rule check of charitable organizations in GraphQL.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use service::spending_rules::{self, Check, StatementInput};
use uuid::Uuid;

use super::error::ApiResult;
use super::object_from::{money, object_from};
use super::scalars::MoneyScalar;
use super::{db, tenant};

object_from! {
    pub struct FinancialStatement from entity::financial_statement::Model as s {
        organization_id: Uuid,
        year: i32,
        total_income: MoneyScalar = money(s.total_income_fen),
        charitable_spending: MoneyScalar = money(s.charitable_spending_fen),
        management_cost: MoneyScalar = money(s.management_cost_fen),
        total_spending: MoneyScalar = money(s.total_spending_fen),
        /// At the end of the year.
        net_assets: MoneyScalar = money(s.net_assets_fen),
        submitted_at: DateTime<Utc>,
    }
}

/// One charitable organization against the spending rules for a year.
#[derive(SimpleObject)]
pub struct SpendingRuleResult {
    pub organization_id: Uuid,
    pub organization_name: String,
    pub public_fundraising: bool,
    /// False when the year's or last year's statement is missing.
    pub evaluated: bool,
    pub within_bounds: bool,
    /// The row of the rules table that applies.
    pub rule: Option<String>,
    pub required_charitable_spending: Option<MoneyScalar>,
    pub charitable_spending: Option<MoneyScalar>,
    pub spending_ok: Option<bool>,
    /// Whether the three-year average was the more favourable base.
    pub used_three_year_average: Option<bool>,
    /// Charitable spending as a percentage of last year's income, e.g. "71.25".
    pub spending_percent_of_last_income: Option<String>,
    pub management_cost: Option<MoneyScalar>,
    pub management_cap: Option<MoneyScalar>,
    pub management_percent: Option<String>,
    pub management_cap_percent: Option<i32>,
    /// Management costs under 200,000.00 are exempt from the cap.
    pub management_exempt: Option<bool>,
    pub management_ok: Option<bool>,
    /// What is wrong, in words; empty when within bounds.
    pub findings: Vec<String>,
}

impl From<Check> for SpendingRuleResult {
    fn from(c: Check) -> Self {
        let within_bounds = c.within_bounds();
        let s = c.statement.as_ref();
        let v = c.verdict.as_ref();
        let mut findings = Vec::new();
        match (s, c.last_year, v) {
            (None, _, _) => findings.push("no financial statement filed for this year".to_owned()),
            (_, None, _) => {
                findings.push("no financial statement filed for last year, the base of the rule".to_owned())
            }
            (Some(s), _, Some(v)) => {
                if !v.spending_ok {
                    findings.push(format!(
                        "charitable spending {} is below the required {}",
                        service::Money::from_fen(s.charitable_spending_fen),
                        service::Money::from_fen(v.required_spending_fen)
                    ));
                }
                if !v.management_ok {
                    findings.push(format!(
                        "management costs {} exceed the cap of {} ({}% of total spending)",
                        service::Money::from_fen(s.management_cost_fen),
                        service::Money::from_fen(v.management_cap_fen),
                        v.rule.management_cap_percent
                    ));
                }
            }
            _ => {}
        }
        Self {
            organization_id: c.organization.id,
            organization_name: c.organization.name.clone(),
            public_fundraising: c.public_fundraising,
            evaluated: v.is_some(),
            within_bounds,
            rule: v.map(|v| v.rule.row.to_owned()),
            required_charitable_spending: v.map(|v| money(v.required_spending_fen)),
            charitable_spending: s.map(|s| money(s.charitable_spending_fen)),
            spending_ok: v.map(|v| v.spending_ok),
            used_three_year_average: v.map(|v| v.used_three_year_average),
            spending_percent_of_last_income: s
                .zip(c.last_year)
                .and_then(|(s, l)| spending_rules::percent(s.charitable_spending_fen, l.income_fen))
                .map(|p| format!("{p:.2}")),
            management_cost: s.map(|s| money(s.management_cost_fen)),
            management_cap: v.map(|v| money(v.management_cap_fen)),
            management_percent: s
                .and_then(|s| spending_rules::percent(s.management_cost_fen, s.total_spending_fen))
                .map(|p| format!("{p:.2}")),
            management_cap_percent: v.and_then(|v| i32::try_from(v.rule.management_cap_percent).ok()),
            management_exempt: v.map(|v| v.management_exempt),
            management_ok: v.map(|v| v.management_ok),
            findings,
        }
    }
}

#[derive(InputObject)]
pub struct FinancialStatementInput {
    pub total_income: MoneyScalar,
    /// 慈善活动支出.
    pub charitable_spending: MoneyScalar,
    /// 管理费用.
    pub management_cost: MoneyScalar,
    pub total_spending: MoneyScalar,
    /// Net assets at the end of the year (may be negative).
    pub net_assets: MoneyScalar,
}

#[derive(Default)]
pub struct SpendingRuleQuery;

#[Object]
impl SpendingRuleQuery {
    /// City officials: every charitable organization against the annual
    /// spending rules; with `outOfBoundsOnly`, those that miss one or have
    /// not filed.
    #[graphql(complexity = 200)]
    async fn spending_rule_check(
        &self,
        ctx: &Context<'_>,
        year: i32,
        #[graphql(default)] out_of_bounds_only: bool,
    ) -> ApiResult<Vec<SpendingRuleResult>> {
        Ok(spending_rules::check(db(ctx), tenant(ctx)?, year, out_of_bounds_only)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[derive(Default)]
pub struct SpendingRuleMutation;

#[Object]
impl SpendingRuleMutation {
    /// File (or correct) a charity's figures for a year.
    async fn submit_financial_statement(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        year: i32,
        input: FinancialStatementInput,
    ) -> ApiResult<FinancialStatement> {
        let input = StatementInput {
            total_income: input.total_income.0,
            charitable_spending: input.charitable_spending.0,
            management_cost: input.management_cost.0,
            total_spending: input.total_spending.0,
            net_assets: input.net_assets.0,
        };
        Ok(
            spending_rules::submit_statement(db(ctx), tenant(ctx)?, organization_id, year, input)
                .await?
                .into(),
        )
    }
}
