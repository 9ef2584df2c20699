//! Community charity funds and their disbursements in GraphQL. `Fund` is
//! public: its nested lists show beneficiaries masked and donors as the
//! public may see them. `Disbursement` (names in full) is for the managing
//! organization and the city's officials only.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, Value};
use chrono::{DateTime, NaiveDate, Utc};
use entity::disbursement;
use service::funds::disbursements::{self, DisbursementInput as ServiceDisbursementInput};
use service::funds::{self, FundInput as ServiceFundInput, public_beneficiary};
use service::page::PageRequest;
use uuid::Uuid;

use super::donations::PublicGift;
use super::error::ApiResult;
use super::object_from::{money, object_from};
use super::relief::CareService;
use super::scalars::MoneyScalar;
use super::types::Paging;
use super::{db, request_meta, tenant};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::disbursement::Purpose", rename_items = "snake_case")]
pub enum Purpose {
    LivingAid,
    Medical,
    Education,
    ElderlyServices,
    Children,
    Disaster,
    CommunityProjects,
    Administration,
}

/// 社区发展慈善基金 (one community) or 专项基金 (a cause across the city).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::charity_fund::FundKind", rename_items = "snake_case")]
pub enum FundKind {
    Community,
    Special,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::disbursement::BeneficiaryKind", rename_items = "snake_case")]
pub enum BeneficiaryKind {
    Person,
    Household,
    Project,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::disbursement::DisbursementStatus", rename_items = "snake_case")]
pub enum DisbursementStatus {
    Requested,
    Approved,
    Rejected,
    Paid,
}

/// One service delivered on a fund's referrals, in all.
#[derive(SimpleObject)]
pub struct ServiceDelivered {
    pub service: CareService,
    pub person_times: i64,
    /// Hours as a decimal string (e.g. "382.00").
    pub hours: String,
}

#[derive(SimpleObject)]
pub struct SpendingPoint {
    /// `YYYY-MM`, by the date of approval.
    pub month: String,
    pub purpose: Purpose,
    pub amount: MoneyScalar,
}

object_from! {
    // A fund, as the public sees it. Its reader carries the tenant context it
    // was read with, so its nested lists stay in that city; for one fund's
    // page it also holds the parts the query asks for, read with the fund in
    // one transaction (see [`page_parts`]).
    #[graphql(complex)]
    pub struct Fund from funds::FundReader as r in (r.fund()), keeping reader {
        id: Uuid,
        /// The managing charitable organization.
        organization_id: Uuid,
        name: String,
        kind: FundKind,
        /// Empty for a special fund, as are street and district.
        community: String,
        street: String,
        district: String,
        /// Confirmed gifts in, voids deducted.
        raised: MoneyScalar = money(r.fund().raised_fen),
        /// Approved disbursements out.
        disbursed: MoneyScalar = money(r.fund().disbursed_fen),
        balance: MoneyScalar = money(r.fund().raised_fen - r.fund().disbursed_fen),
        created_at: DateTime<Utc>,
    }
}

// The fund's lists, read by its reader.
#[ComplexObject]
impl Fund {
    /// Spending by purpose and month, oldest first.
    async fn spending(&self) -> ApiResult<Vec<SpendingPoint>> {
        Ok(self
            .reader
            .spending()
            .await?
            .into_iter()
            .map(|p| SpendingPoint {
                month: p.month,
                purpose: p.purpose.into(),
                amount: money(p.amount_fen),
            })
            .collect())
    }
    /// Services charities delivered on the bureau's referrals to this fund,
    /// by service.
    async fn services(&self) -> ApiResult<Vec<ServiceDelivered>> {
        Ok(self
            .reader
            .services()
            .await?
            .into_iter()
            .map(|s| ServiceDelivered {
                service: s.service.into(),
                person_times: s.person_times,
                hours: super::relief::hours(s.hours_centi),
            })
            .collect())
    }
    /// Approved and paid disbursements, newest first, beneficiaries masked.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn disbursements(
        &self,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, PublicDisbursement>> {
        let paging = Paging::new(first, after)?;
        let result = self.reader.disbursements(paging.request).await?;
        Ok(paging.connection(result, |d| d.id, PublicDisbursement::from))
    }
    /// Confirmed gifts, newest first; undisclosed donors show as 爱心人士.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn gifts(
        &self,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, PublicGift>> {
        let paging = Paging::new(first, after)?;
        let result = self.reader.gifts(paging.request).await?;
        Ok(paging.connection(result, |g| g.gift.id, PublicGift::from))
    }
}

object_from! {
    // A disbursement as the public sees it.
    pub struct PublicDisbursement from disbursement::Model as m {
        id: Uuid,
        purpose: Purpose,
        beneficiary_kind: BeneficiaryKind,
        /// People and households masked (张*, 张*户); projects by name.
        beneficiary: String = public_beneficiary(m),
        amount: MoneyScalar = money(m.amount_fen),
        status: DisbursementStatus,
        approved_at: Option<DateTime<Utc>> = m.decided_at,
        paid_on: Option<NaiveDate>,
    }
}

object_from! {
    // A disbursement in full, for the managing organization and officials.
    pub struct Disbursement from disbursement::Model as m {
        id: Uuid,
        fund_id: Uuid,
        organization_id: Uuid,
        purpose: Purpose,
        beneficiary_kind: BeneficiaryKind,
        beneficiary_name: String,
        description: String,
        amount: MoneyScalar = money(m.amount_fen),
        status: DisbursementStatus,
        requested_by: Uuid,
        requested_at: DateTime<Utc>,
        decided_by: Option<Uuid>,
        decided_at: Option<DateTime<Utc>>,
        decision_note: Option<String>,
        paid_on: Option<NaiveDate>,
        payment_reference: Option<String>,
    }
}

#[derive(Default)]
pub struct FundQuery;

#[Object]
impl FundQuery {
    /// Public: a city's community funds.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn funds(
        &self,
        ctx: &Context<'_>,
        tenant: String,
        district: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, Fund>> {
        let paging = Paging::new(first, after)?;
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        let result = funds::list(db(ctx), &public, district.as_deref(), paging.request).await?;
        Ok(paging.connection(
            result,
            |f| f.id,
            |fund| Fund::from(funds::FundReader::of(db(ctx), &public, fund)),
        ))
    }

    /// Public: one fund with its spending, disbursements and gifts.
    async fn fund(&self, ctx: &Context<'_>, tenant: String, id: Uuid) -> ApiResult<Fund> {
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        let parts = page_parts(ctx);
        Ok(Fund::from(funds::FundReader::open(db(ctx), &public, id, parts).await?))
    }

    /// Disbursements with beneficiaries in full: the managing organization's
    /// staff, and the city's officials.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn disbursements(
        &self,
        ctx: &Context<'_>,
        fund_id: Option<Uuid>,
        status: Option<DisbursementStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, Disbursement>> {
        let paging = Paging::new(first, after)?;
        let result =
            disbursements::list(db(ctx), tenant(ctx)?, fund_id, status.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |d| d.id, Disbursement::from))
    }
}

/// What the query asks of the fund's page, so that it is read with the
/// fund in one transaction. A list asked for twice (under two aliases), or
/// with arguments that do not parse, is left to its own resolver, which
/// reads it, or reports the error, as usual.
fn page_parts(ctx: &Context<'_>) -> funds::FundPageParts {
    let fund = ctx.look_ahead();
    let page = |name: &str| -> Option<PageRequest<Uuid>> {
        let fields = fund.field(name).selection_fields();
        let [field] = fields.as_slice() else { return None };
        let arguments = field.arguments().ok()?;
        let argument = |key: &str| arguments.iter().find(|(n, _)| n.as_str() == key).map(|(_, v)| v);
        let first = match argument("first") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(i32::try_from(n.as_i64()?).ok()?),
            Some(_) => return None,
        };
        let after = match argument("after") {
            None | Some(Value::Null) => None,
            Some(Value::String(cursor)) => Some(cursor.clone()),
            Some(_) => return None,
        };
        Paging::new(first, after).ok().map(|paging| paging.request)
    };
    funds::FundPageParts {
        spending: fund.field("spending").exists(),
        services: fund.field("services").exists(),
        disbursements: page("disbursements"),
        gifts: page("gifts"),
    }
}

#[derive(InputObject)]
pub struct FundInput {
    pub name: String,
    /// A community fund unless said otherwise.
    #[graphql(default_with = "FundKind::Community")]
    pub kind: FundKind,
    /// Required for a community fund, as are street and district.
    #[graphql(default)]
    pub community: String,
    #[graphql(default)]
    pub street: String,
    #[graphql(default)]
    pub district: String,
}

#[derive(InputObject)]
pub struct DisbursementInput {
    pub fund_id: Uuid,
    pub purpose: Purpose,
    pub beneficiary_kind: BeneficiaryKind,
    /// Kept in full for the organization; masked publicly.
    pub beneficiary_name: String,
    pub description: String,
    pub amount: MoneyScalar,
}

#[derive(Default)]
pub struct FundMutation;

#[Object]
impl FundMutation {
    /// Org staff of a charity open a fund it manages: a community fund, or
    /// a special fund for a cause (community, street and district left out).
    async fn create_fund(
        &self,
        ctx: &Context<'_>,
        input: FundInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<Fund> {
        let ctx_ = tenant(ctx)?;
        let input = ServiceFundInput {
            name: input.name,
            kind: input.kind.into(),
            community: input.community,
            street: input.street,
            district: input.district,
        };
        let fund = funds::create(db(ctx), ctx_, input, idempotency_key.as_deref()).await?;
        Ok(Fund::from(funds::FundReader::of(db(ctx), ctx_, fund)))
    }

    /// Ask for money out of a fund; another member must approve.
    async fn request_disbursement(
        &self,
        ctx: &Context<'_>,
        input: DisbursementInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<Disbursement> {
        let input = ServiceDisbursementInput {
            fund_id: input.fund_id,
            purpose: input.purpose.into(),
            beneficiary_kind: input.beneficiary_kind.into(),
            beneficiary_name: input.beneficiary_name,
            description: input.description,
            amount: input.amount.0,
        };
        let d = disbursements::request(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?;
        Ok(d.into())
    }

    /// Four eyes: approved by someone other than the requester, only while
    /// the fund's balance covers it.
    async fn approve_disbursement(&self, ctx: &Context<'_>, id: Uuid, note: Option<String>) -> ApiResult<Disbursement> {
        Ok(disbursements::approve(db(ctx), tenant(ctx)?, id, note.as_deref())
            .await?
            .into())
    }

    async fn reject_disbursement(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> ApiResult<Disbursement> {
        Ok(disbursements::reject(db(ctx), tenant(ctx)?, id, &reason).await?.into())
    }

    /// The approved money was paid out.
    async fn record_disbursement_payment(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        paid_on: Option<NaiveDate>,
        payment_reference: String,
    ) -> ApiResult<Disbursement> {
        Ok(
            disbursements::record_payment(db(ctx), tenant(ctx)?, id, paid_on, &payment_reference)
                .await?
                .into(),
        )
    }
}
