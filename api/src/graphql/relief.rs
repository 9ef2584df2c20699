//! Government relief and charity referrals in GraphQL. Personal fields
//! come from the service already masked or not: the resolver cannot show
//! more than the service decided.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{assistance, referral_need, referral_target, relief_benefit, relief_standard};
use service::relief::dashboard::{self, Dashboard, Delivered};
use service::relief::referrals::{self, AssistanceInput as ServiceAssistanceInput, NeedInput, ReferralView};
use service::relief::{self, BenefitInput, CaseInput, CaseView, PersonInput, PersonView};
use uuid::Uuid;

use super::error::ApiResult;
use super::object_from::{money, object_from};
use super::scalars::MoneyScalar;
use super::types::Paging;
use super::{db, tenant};

/// Hundredths of an hour as a decimal string, e.g. `382.00`.
pub(super) fn hours(centi: i64) -> String {
    service::Money::from_fen(centi).to_string()
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::relief_standard::ReliefCategory", rename_items = "snake_case")]
pub enum ReliefCategory {
    MinimumLiving,
    ExtremePoverty,
    Temporary,
    NearPoverty,
    EssentialExpense,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::relief_standard::Area", rename_items = "snake_case")]
pub enum Area {
    Urban,
    Rural,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::relief_standard::Period", rename_items = "snake_case")]
pub enum StandardPeriod {
    Month,
    Year,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::relief_case::CaseStatus", rename_items = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::referral::Urgency", rename_items = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
    Critical,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::referral::ReferralStatus", rename_items = "snake_case")]
pub enum ReferralStatus {
    Open,
    Closed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::referral_need::NeedKind", rename_items = "snake_case")]
pub enum NeedKind {
    Money,
    Goods,
    Service,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::referral_need::Service", rename_items = "snake_case")]
pub enum CareService {
    DailyCare,
    MealDelivery,
    MedicalEscort,
    Bathing,
    PsychologicalCare,
    EducationSupport,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::referral_target::TargetStatus", rename_items = "snake_case")]
pub enum TargetStatus {
    Sent,
    Accepted,
    Declined,
    Completed,
}

object_from! {
    pub struct ReliefStandard from relief_standard::Model as s {
        category: ReliefCategory,
        area: Area,
        /// Per person, per period.
        amount: MoneyScalar = money(s.amount_fen),
        period: StandardPeriod,
        updated_at: DateTime<Utc>,
    }
}

object_from! {
    pub struct HouseholdMember from PersonView as p {
        position: i32,
        /// Masked (张*) except for the city's officials.
        name: String,
        /// Masked to the first 6 and last 4 except for the city's officials.
        id_number: String,
        relationship: String,
        /// From the identity number's birth date.
        age: Option<i32>,
        disability: String,
        health: String,
    }
}

object_from! {
    pub struct ReliefBenefit from relief_benefit::Model as b {
        category: ReliefCategory,
        monthly: MoneyScalar = money(b.amount_fen),
        since: NaiveDate,
    }
}

object_from! {
    // A relief household. Personal fields are masked unless `unmasked`.
    pub struct ReliefCase from CaseView as v in (v.case) {
        id: Uuid,
        district: String,
        street: String,
        community: String,
        /// The rest of the address; 已隐藏 unless unmasked.
        address: String = v.address().to_owned(),
        head_name: String = v.head_name().to_owned(),
        /// Whether personal data is shown in full (the city's officials only;
        /// each such read is an audit record).
        unmasked: bool = v.unmasked,
        status: CaseStatus,
        outcome: Option<String>,
        created_at: DateTime<Utc>,
        closed_at: Option<DateTime<Utc>>,
        members: Vec<HouseholdMember> = v.people.iter().map(Into::into).collect(),
        benefits: Vec<ReliefBenefit> = v.benefits.iter().map(Into::into).collect(),
    }
}

object_from! {
    pub struct ReferralNeed from referral_need::Model as n {
        id: Uuid,
        kind: NeedKind,
        amount: Option<MoneyScalar> = n.amount_fen.map(money),
        service: Option<CareService> = n.service.map(Into::into),
        description: String,
    }
}

object_from! {
    pub struct ReferralTarget from referral_target::Model as t {
        id: Uuid,
        organization_id: Uuid,
        fund_id: Option<Uuid>,
        status: TargetStatus,
        reason: Option<String>,
        decided_at: Option<DateTime<Utc>>,
        /// When the official was told it passed its deadline unanswered.
        escalated_at: Option<DateTime<Utc>>,
    }
}

object_from! {
    pub struct Assistance from assistance::Model as a {
        id: Uuid,
        target_id: Uuid,
        organization_id: Uuid,
        kind: NeedKind,
        /// Money, or the valuation of goods.
        amount: MoneyScalar = money(a.amount_fen),
        description: String,
        service: Option<CareService> = a.service.map(Into::into),
        person_times: i32,
        /// e.g. "2.50".
        hours: String = hours(a.hours_centi),
        delivered_on: NaiveDate,
        /// Money paid out of a community fund: its disbursement request, which
        /// counts once a second member approves it.
        disbursement_id: Option<Uuid>,
        /// Set when another organization gave the same help this month.
        duplicate_of: Option<Uuid>,
    }
}

object_from! {
    /// A referral; org staff see only their own organization's answer and help.
    pub struct Referral from ReferralView as v in (v.referral) {
        id: Uuid,
        case_id: Uuid,
        district: String = v.district.clone(),
        community: String = v.community.clone(),
        urgency: Urgency,
        deadline: NaiveDate,
        note: String,
        status: ReferralStatus,
        created_at: DateTime<Utc>,
        first_assisted_on: Option<NaiveDate>,
        needs: Vec<ReferralNeed> = v.needs.iter().map(Into::into).collect(),
        targets: Vec<ReferralTarget> = v.targets.iter().map(Into::into).collect(),
        assistance: Vec<Assistance> = v.assistance.iter().map(Into::into).collect(),
    }
}

#[derive(SimpleObject)]
pub struct ReferralSuggestion {
    pub organization_id: Uuid,
    pub organization_name: String,
    pub fund_id: Option<Uuid>,
    pub fund_name: Option<String>,
    pub fund_balance: Option<MoneyScalar>,
    pub score: i32,
    /// Why it is suggested, in words.
    pub reasons: Vec<String>,
}

#[derive(SimpleObject)]
pub struct RecordedAssistance {
    pub assistance: Assistance,
    /// Another organization gave the same help this month: recorded, and
    /// the official is told.
    pub duplicate_warning: bool,
}

#[derive(SimpleObject)]
pub struct DuplicateWarning {
    pub assistance: Assistance,
    pub earlier: Assistance,
}

object_from! {
    pub struct DeliveredFigures from Delivered as d {
        money: MoneyScalar = money(d.money_fen),
        /// The valuation of goods.
        goods: MoneyScalar = money(d.goods_fen),
        person_times: i64,
        hours: String = hours(d.hours_centi),
    }
}

#[derive(SimpleObject)]
pub struct ServiceFigures {
    pub service: CareService,
    pub figures: DeliveredFigures,
}

#[derive(SimpleObject)]
pub struct DistrictFigures {
    pub district: String,
    pub figures: DeliveredFigures,
}

#[derive(SimpleObject)]
pub struct CategoryFigures {
    pub category: ReliefCategory,
    pub figures: DeliveredFigures,
}

/// Counts and sums only: no person appears here.
#[derive(SimpleObject)]
pub struct ReliefDashboard {
    pub referrals_open: i64,
    pub referrals_closed: i64,
    pub targets_waiting: i64,
    pub targets_accepted: i64,
    pub targets_declined: i64,
    pub targets_overdue: i64,
    /// Median days from referral to the first help, e.g. "3" or "3.5".
    pub median_days_to_first_help: Option<String>,
    pub delivered: DeliveredFigures,
    pub by_service: Vec<ServiceFigures>,
    pub by_district: Vec<DistrictFigures>,
    /// Help to households holding each relief category (a household with
    /// two categories counts under both).
    pub by_relief_category: Vec<CategoryFigures>,
}

impl From<Dashboard> for ReliefDashboard {
    fn from(d: Dashboard) -> Self {
        Self {
            referrals_open: d.referrals_open,
            referrals_closed: d.referrals_closed,
            targets_waiting: d.targets_waiting,
            targets_accepted: d.targets_accepted,
            targets_declined: d.targets_declined,
            targets_overdue: d.targets_overdue,
            median_days_to_first_help: d.median_half_days_to_first_help.map(|h| {
                if h % 2 == 0 {
                    (h / 2).to_string()
                } else {
                    format!("{}.5", h / 2)
                }
            }),
            delivered: d.delivered.into(),
            by_service: d
                .by_service
                .into_iter()
                .map(|(s, f)| ServiceFigures {
                    service: s.into(),
                    figures: f.into(),
                })
                .collect(),
            by_district: d
                .by_district
                .into_iter()
                .map(|(district, f)| DistrictFigures {
                    district,
                    figures: f.into(),
                })
                .collect(),
            by_relief_category: d
                .by_relief_category
                .into_iter()
                .map(|(c, f)| CategoryFigures {
                    category: c.into(),
                    figures: f.into(),
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject)]
pub struct CityReliefDashboard {
    pub city_slug: String,
    pub city_name: String,
    pub dashboard: ReliefDashboard,
}

#[derive(Default)]
pub struct ReliefQuery;

#[Object]
impl ReliefQuery {
    /// The city's relief standards (officials and charity staff).
    async fn relief_standards(&self, ctx: &Context<'_>) -> ApiResult<Vec<ReliefStandard>> {
        Ok(relief::standards(db(ctx), tenant(ctx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Officials: the city's cases, newest first (an audited, unmasked read).
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn relief_cases(
        &self,
        ctx: &Context<'_>,
        status: Option<CaseStatus>,
        district: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, ReliefCase>> {
        let paging = Paging::new(first, after)?;
        let result = relief::list_cases(
            db(ctx),
            tenant(ctx)?,
            status.map(Into::into),
            district.as_deref(),
            paging.request,
        )
        .await?;
        Ok(paging.connection(result, |v| v.case.id, ReliefCase::from))
    }

    /// One case: unmasked (and audited) for the city's officials, masked
    /// for staff of an organization it was referred to.
    async fn relief_case(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<ReliefCase> {
        Ok(ReliefCase::from(relief::get_case(db(ctx), tenant(ctx)?, id).await?))
    }

    /// Referrals: officials see the city's, org staff their inbox; `status`
    /// keeps those with an answer in that state.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        case_id: Option<Uuid>,
        status: Option<TargetStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, Referral>> {
        let paging = Paging::new(first, after)?;
        let status = status.map(Into::into);
        let result = referrals::list(db(ctx), tenant(ctx)?, case_id, status, paging.request).await?;
        Ok(paging.connection(result, |v| v.referral.id, Referral::from))
    }

    /// Organizations and funds that could meet a referral's needs, best
    /// first, with the reasons.
    #[graphql(complexity = 100)]
    async fn referral_suggestions(&self, ctx: &Context<'_>, referral_id: Uuid) -> ApiResult<Vec<ReferralSuggestion>> {
        Ok(referrals::suggestions(db(ctx), tenant(ctx)?, referral_id)
            .await?
            .into_iter()
            .map(|s| ReferralSuggestion {
                organization_id: s.organization.id,
                organization_name: s.organization.name,
                fund_id: s.fund.as_ref().map(|f| f.id),
                fund_name: s.fund.as_ref().map(|f| f.name.clone()),
                fund_balance: s.fund.as_ref().map(|f| money(f.raised_fen - f.disbursed_fen)),
                score: s.score,
                reasons: s.reasons,
            })
            .collect())
    }

    /// Officials: the same help from two organizations in one month.
    async fn duplicate_assistance_warnings(&self, ctx: &Context<'_>) -> ApiResult<Vec<DuplicateWarning>> {
        Ok(referrals::duplicate_warnings(db(ctx), tenant(ctx)?)
            .await?
            .into_iter()
            .map(|(a, earlier)| DuplicateWarning {
                assistance: a.into(),
                earlier: earlier.into(),
            })
            .collect())
    }

    /// Officials: referrals and what charity delivered; all years when
    /// `year` is left out.
    #[graphql(complexity = 200)]
    async fn relief_dashboard(&self, ctx: &Context<'_>, year: Option<i32>) -> ApiResult<ReliefDashboard> {
        Ok(dashboard::city(db(ctx), tenant(ctx)?, year).await?.into())
    }

    /// Region officials: each city's dashboard, without personal data.
    #[graphql(complexity = 200)]
    async fn region_relief_dashboard(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> ApiResult<Vec<CityReliefDashboard>> {
        Ok(dashboard::region(db(ctx), tenant(ctx)?, year)
            .await?
            .into_iter()
            .map(|(city_slug, city_name, d)| CityReliefDashboard {
                city_slug,
                city_name,
                dashboard: d.into(),
            })
            .collect())
    }
}

#[derive(InputObject)]
pub struct HouseholdMemberInput {
    pub name: String,
    /// 18 characters, GB 11643, check character verified.
    pub id_number: String,
    /// To the head; ignored for the head (本人).
    #[graphql(default)]
    pub relationship: String,
    pub disability: Option<String>,
    pub health: Option<String>,
}

#[derive(InputObject)]
pub struct ReliefBenefitInput {
    pub category: ReliefCategory,
    pub monthly: MoneyScalar,
    pub since: NaiveDate,
}

#[derive(InputObject)]
pub struct ReliefCaseInput {
    pub district: String,
    pub street: String,
    pub community: String,
    pub address: String,
    /// The head first.
    pub members: Vec<HouseholdMemberInput>,
    #[graphql(default)]
    pub benefits: Vec<ReliefBenefitInput>,
}

#[derive(InputObject)]
pub struct ReferralNeedInput {
    pub kind: NeedKind,
    /// Required for money.
    pub amount: Option<MoneyScalar>,
    /// Required for a service.
    pub service: Option<CareService>,
    /// Required for goods.
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct ReferralInput {
    pub case_id: Uuid,
    pub needs: Vec<ReferralNeedInput>,
    pub urgency: Urgency,
    pub deadline: NaiveDate,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ReferralTargetInput {
    pub organization_id: Uuid,
    /// One of the organization's community funds, for money needs.
    pub fund_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct AssistanceInput {
    pub kind: NeedKind,
    /// Money, or the goods' valuation.
    pub amount: Option<MoneyScalar>,
    /// Pay the money out of this fund of yours: a disbursement request a
    /// second member approves.
    pub fund_id: Option<Uuid>,
    pub description: Option<String>,
    pub service: Option<CareService>,
    pub person_times: Option<i32>,
    /// Hours of service, e.g. "2.5".
    pub hours: Option<String>,
    /// Defaults to today.
    pub delivered_on: Option<NaiveDate>,
}

#[derive(Default)]
pub struct ReliefMutation;

#[Object]
impl ReliefMutation {
    /// Officials keep the city's relief standards current.
    async fn set_relief_standard(
        &self,
        ctx: &Context<'_>,
        category: ReliefCategory,
        area: Area,
        amount: MoneyScalar,
        period: StandardPeriod,
    ) -> ApiResult<ReliefStandard> {
        Ok(relief::set_standard(
            db(ctx),
            tenant(ctx)?,
            category.into(),
            area.into(),
            amount.0,
            period.into(),
        )
        .await?
        .into())
    }

    async fn register_relief_case(
        &self,
        ctx: &Context<'_>,
        input: ReliefCaseInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<ReliefCase> {
        let input = CaseInput {
            district: input.district,
            street: input.street,
            community: input.community,
            address: input.address,
            members: input
                .members
                .into_iter()
                .map(|m| PersonInput {
                    name: m.name,
                    id_number: m.id_number,
                    relationship: m.relationship,
                    disability: m.disability,
                    health: m.health,
                })
                .collect(),
            benefits: input
                .benefits
                .into_iter()
                .map(|b| BenefitInput {
                    category: b.category.into(),
                    monthly: b.monthly.0,
                    since: b.since,
                })
                .collect(),
        };
        Ok(ReliefCase::from(
            relief::register_case(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?,
        ))
    }

    /// Close a case with its outcome; its open referrals close with it.
    async fn close_relief_case(&self, ctx: &Context<'_>, id: Uuid, outcome: String) -> ApiResult<ReliefCase> {
        Ok(ReliefCase::from(
            relief::close_case(db(ctx), tenant(ctx)?, id, &outcome).await?,
        ))
    }

    /// Refer a case to charity with its needs; send it with `sendReferral`.
    async fn create_referral(
        &self,
        ctx: &Context<'_>,
        input: ReferralInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<Referral> {
        let input = referrals::ReferralInput {
            case_id: input.case_id,
            needs: input
                .needs
                .into_iter()
                .map(|n| NeedInput {
                    kind: n.kind.into(),
                    amount: n.amount.map(|m| m.0),
                    service: n.service.map(Into::into),
                    description: n.description,
                })
                .collect(),
            urgency: input.urgency.into(),
            deadline: input.deadline,
            note: input.note,
        };
        let (referral, needs) = referrals::create(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?;
        Ok(Referral::from(ReferralView {
            referral,
            needs,
            targets: Vec::new(),
            assistance: Vec::new(),
            district: String::new(),
            community: String::new(),
            household: None,
        }))
    }

    /// Send a referral to organizations (by email); returns what was sent.
    async fn send_referral(
        &self,
        ctx: &Context<'_>,
        referral_id: Uuid,
        targets: Vec<ReferralTargetInput>,
    ) -> ApiResult<Vec<ReferralTarget>> {
        let targets = targets.into_iter().map(|t| (t.organization_id, t.fund_id)).collect();
        Ok(referrals::send(db(ctx), tenant(ctx)?, referral_id, targets)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn accept_referral(&self, ctx: &Context<'_>, target_id: Uuid) -> ApiResult<ReferralTarget> {
        Ok(referrals::accept(db(ctx), tenant(ctx)?, target_id).await?.into())
    }

    async fn decline_referral(&self, ctx: &Context<'_>, target_id: Uuid, reason: String) -> ApiResult<ReferralTarget> {
        Ok(referrals::decline(db(ctx), tenant(ctx)?, target_id, &reason)
            .await?
            .into())
    }

    /// Say the help taken on is done (after recording it); the referring
    /// official is told.
    async fn complete_referral(&self, ctx: &Context<'_>, target_id: Uuid) -> ApiResult<ReferralTarget> {
        Ok(referrals::complete(db(ctx), tenant(ctx)?, target_id).await?.into())
    }

    /// Record help delivered on an accepted referral.
    async fn record_assistance(
        &self,
        ctx: &Context<'_>,
        target_id: Uuid,
        input: AssistanceInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<RecordedAssistance> {
        let input = ServiceAssistanceInput {
            kind: input.kind.into(),
            amount: input.amount.map(|m| m.0),
            fund_id: input.fund_id,
            description: input.description,
            service: input.service.map(Into::into),
            person_times: input.person_times,
            hours: input.hours,
            delivered_on: input.delivered_on,
        };
        let recorded =
            referrals::record_assistance(db(ctx), tenant(ctx)?, target_id, input, idempotency_key.as_deref()).await?;
        Ok(RecordedAssistance {
            duplicate_warning: recorded.assistance.duplicate_of.is_some(),
            assistance: recorded.assistance.into(),
        })
    }

    /// Officials: tell yourselves about referrals unanswered past their
    /// deadline (the daily job does this for every city); returns how many.
    async fn escalate_overdue_referrals(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let n = referrals::escalate_overdue(db(ctx), tenant(ctx)?, service::clock::today()).await?;
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
}
