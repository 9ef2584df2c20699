//! Community charity funds and their disbursements in GraphQL. `Fund` is
//! public: its nested lists show beneficiaries masked and donors as the
//! public may see them. `Disbursement` (names in full) is for the managing
//! organization and the city's officials only.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Value};
use chrono::{DateTime, NaiveDate, Utc};
use entity::disbursement;
use service::funds::disbursements::{self, DisbursementInput as ServiceDisbursementInput};
use service::funds::{self, FundInput as ServiceFundInput, public_beneficiary};
use service::page::PageRequest;
use uuid::Uuid;

use super::donations::PublicGift;
use super::error::ApiResult;
use super::relief::CareService;
use super::scalars::MoneyScalar;
use super::types::{connection, decode_after};
use super::{db, request_meta, tenant};

fn money(fen: i64) -> MoneyScalar {
    MoneyScalar(service::Money::from_fen(fen))
}

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

/// A fund, as the public sees it. Its reader carries the tenant
/// context it was read with, so its nested lists stay in that city; for one
/// fund's page it also holds the parts the query asks for, read with the
/// fund in one transaction (see [`page_parts`]).
pub struct Fund(funds::FundReader);

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

#[Object]
impl Fund {
    async fn id(&self) -> Uuid {
        self.0.fund().id
    }
    /// The managing charitable organization.
    async fn organization_id(&self) -> Uuid {
        self.0.fund().organization_id
    }
    async fn name(&self) -> &str {
        &self.0.fund().name
    }
    async fn kind(&self) -> FundKind {
        self.0.fund().kind.into()
    }
    /// Empty for a special fund, as are street and district.
    async fn community(&self) -> &str {
        &self.0.fund().community
    }
    async fn street(&self) -> &str {
        &self.0.fund().street
    }
    async fn district(&self) -> &str {
        &self.0.fund().district
    }
    /// Confirmed gifts in, voids deducted.
    async fn raised(&self) -> MoneyScalar {
        money(self.0.fund().raised_fen)
    }
    /// Approved disbursements out.
    async fn disbursed(&self) -> MoneyScalar {
        money(self.0.fund().disbursed_fen)
    }
    async fn balance(&self) -> MoneyScalar {
        money(self.0.fund().raised_fen - self.0.fund().disbursed_fen)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.fund().created_at
    }
    /// Spending by purpose and month, oldest first.
    async fn spending(&self) -> ApiResult<Vec<SpendingPoint>> {
        Ok(self
            .0
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
            .0
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = self.0.disbursements(page).await?;
        Ok(connection(result, has_previous, |d| d.id, PublicDisbursement))
    }
    /// Confirmed gifts, newest first; undisclosed donors show as 爱心人士.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn gifts(
        &self,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, PublicGift>> {
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = self.0.gifts(page).await?;
        Ok(connection(result, has_previous, |g| g.gift.id, PublicGift))
    }
}

/// A disbursement as the public sees it.
pub struct PublicDisbursement(disbursement::Model);

#[Object]
impl PublicDisbursement {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn purpose(&self) -> Purpose {
        self.0.purpose.into()
    }
    async fn beneficiary_kind(&self) -> BeneficiaryKind {
        self.0.beneficiary_kind.into()
    }
    /// People and households masked (张*, 张*户); projects by name.
    async fn beneficiary(&self) -> String {
        public_beneficiary(&self.0)
    }
    async fn amount(&self) -> MoneyScalar {
        money(self.0.amount_fen)
    }
    async fn status(&self) -> DisbursementStatus {
        self.0.status.into()
    }
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    async fn paid_on(&self) -> Option<NaiveDate> {
        self.0.paid_on
    }
}

/// A disbursement in full, for the managing organization and officials.
pub struct Disbursement(disbursement::Model);

#[Object]
impl Disbursement {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn fund_id(&self) -> Uuid {
        self.0.fund_id
    }
    async fn organization_id(&self) -> Uuid {
        self.0.organization_id
    }
    async fn purpose(&self) -> Purpose {
        self.0.purpose.into()
    }
    async fn beneficiary_kind(&self) -> BeneficiaryKind {
        self.0.beneficiary_kind.into()
    }
    async fn beneficiary_name(&self) -> &str {
        &self.0.beneficiary_name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn amount(&self) -> MoneyScalar {
        money(self.0.amount_fen)
    }
    async fn status(&self) -> DisbursementStatus {
        self.0.status.into()
    }
    async fn requested_by(&self) -> Uuid {
        self.0.requested_by
    }
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }
    async fn decided_by(&self) -> Option<Uuid> {
        self.0.decided_by
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    async fn paid_on(&self) -> Option<NaiveDate> {
        self.0.paid_on
    }
    async fn payment_reference(&self) -> Option<&str> {
        self.0.payment_reference.as_deref()
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        let result = funds::list(db(ctx), &public, district.as_deref(), page).await?;
        Ok(connection(
            result,
            has_previous,
            |f| f.id,
            |fund| Fund(funds::FundReader::of(db(ctx), &public, fund)),
        ))
    }

    /// Public: one fund with its spending, disbursements and gifts.
    async fn fund(&self, ctx: &Context<'_>, tenant: String, id: Uuid) -> ApiResult<Fund> {
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        let parts = page_parts(ctx);
        Ok(Fund(funds::FundReader::open(db(ctx), &public, id, parts).await?))
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = disbursements::list(db(ctx), tenant(ctx)?, fund_id, status.map(Into::into), page).await?;
        Ok(connection(result, has_previous, |d| d.id, Disbursement))
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
            Some(Value::String(cursor)) => decode_after(Some(cursor.clone())).ok()?,
            Some(_) => return None,
        };
        PageRequest::new(first, after).ok()
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
        Ok(Fund(funds::FundReader::of(db(ctx), ctx_, fund)))
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
        Ok(Disbursement(d))
    }

    /// Four eyes: approved by someone other than the requester, only while
    /// the fund's balance covers it.
    async fn approve_disbursement(&self, ctx: &Context<'_>, id: Uuid, note: Option<String>) -> ApiResult<Disbursement> {
        Ok(Disbursement(
            disbursements::approve(db(ctx), tenant(ctx)?, id, note.as_deref()).await?,
        ))
    }

    async fn reject_disbursement(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> ApiResult<Disbursement> {
        Ok(Disbursement(
            disbursements::reject(db(ctx), tenant(ctx)?, id, &reason).await?,
        ))
    }

    /// The approved money was paid out.
    async fn record_disbursement_payment(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        paid_on: Option<NaiveDate>,
        payment_reference: String,
    ) -> ApiResult<Disbursement> {
        Ok(Disbursement(
            disbursements::record_payment(db(ctx), tenant(ctx)?, id, paid_on, &payment_reference).await?,
        ))
    }
}
