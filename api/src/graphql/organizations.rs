//! The organization register in GraphQL: registration, changes, annual
//! reports, supervision and the public register.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{ComplexObject, Context, Enum, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    change_application, complaint, organization, organization_version, registration_application, supervision_listing,
};
use service::organizations::workflow::{
    ChangeAction, ComplaintAction as ServiceComplaintAction, RegistrationAction, ReportAction,
};
use service::organizations::{self as orgs, OrganizationFilter, Particulars, Recognition};
use uuid::Uuid;

use super::error::ApiResult;
use super::loaders::{OrganizationAnnualReports, OrganizationHistory, OrganizationListings, nested};
use super::object_from::{json, object_from};
use super::types::Paging;
use super::{db, request_meta, tenant};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::organization::OrganizationKind", rename_items = "snake_case")]
pub enum OrganizationKind {
    SocialGroup,
    SocialServiceInstitution,
    Foundation,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::organization::OrganizationStatus", rename_items = "snake_case")]
pub enum OrganizationStatus {
    Active,
    Deregistered,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "entity::registration_application::ApplicationStatus",
    rename_items = "snake_case"
)]
pub enum ApplicationStatus {
    Submitted,
    Accepted,
    Approved,
    Rejected,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::change_application::ChangeStatus", rename_items = "snake_case")]
pub enum ChangeStatus {
    Submitted,
    Approved,
    Returned,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::annual_report::ReportStatus", rename_items = "snake_case")]
pub enum ReportStatus {
    Submitted,
    Passed,
    PassedWithIssues,
    Failed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::supervision_listing::SupervisionList", rename_items = "snake_case")]
pub enum SupervisionList {
    Abnormal,
    Serious,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::complaint::ComplaintStatus", rename_items = "snake_case")]
pub enum ComplaintStatus {
    Received,
    Investigating,
    Closed,
}

/// An official's verdict on an annual report.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(rename_items = "snake_case")]
pub enum ReviewOutcome {
    Pass,
    PassWithIssues,
    Fail,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(rename_items = "snake_case")]
pub enum ComplaintAction {
    Investigate,
    Close,
}

object_from! {
    #[graphql(complex)]
    pub struct Organization from organization::Model as m {
        id: Uuid,
        name: String,
        kind: OrganizationKind,
        /// 行业协会商会.
        is_industry_association: bool,
        /// 统一社会信用代码 (GB 32100-2015).
        credit_code: String,
        business_scope: String,
        registered_address: String,
        legal_representative: String,
        contact_email: String,
        supervising_unit: String,
        status: OrganizationStatus,
        registered_on: NaiveDate,
        /// 慈善组织认定 date, with the deciding official.
        charity_recognized_on: Option<NaiveDate>,
        charity_recognized_by: Option<Uuid>,
        /// 公开募捐资格 date, with the deciding official.
        public_fundraising_on: Option<NaiveDate>,
        public_fundraising_by: Option<Uuid>,
        deregistered_on: Option<NaiveDate>,
        deregistration_reason: Option<String>,
        version: i32,
    }
}

// The nested lists, read for all the organizations of a page at once.
#[ComplexObject]
impl Organization {
    /// Every version of the registered items, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<OrganizationVersion>> {
        nested(ctx, OrganizationHistory(self.id)).await
    }
    /// Supervision listings, current and past.
    async fn listings(&self, ctx: &Context<'_>) -> ApiResult<Vec<SupervisionListing>> {
        nested(ctx, OrganizationListings(self.id)).await
    }
    async fn annual_reports(&self, ctx: &Context<'_>) -> ApiResult<Vec<AnnualReport>> {
        nested(ctx, OrganizationAnnualReports(self.id)).await
    }
}

object_from! {
    pub struct OrganizationVersion from organization_version::Model as m {
        version: i32,
        /// What made this version: registration, change, charity_recognition…
        cause: String,
        /// The registered items at this version.
        snapshot: Json<serde_json::Value> = json(&m.snapshot),
        change_application_id: Option<Uuid>,
        created_at: DateTime<Utc>,
    }
}

object_from! {
    pub struct RegistrationApplication from registration_application::Model as m {
        id: Uuid,
        status: ApplicationStatus,
        name: String,
        kind: OrganizationKind,
        is_industry_association: bool,
        business_scope: String,
        registered_address: String,
        legal_representative: String,
        supervising_unit: String,
        contact_email: String,
        decision_reason: Option<String>,
        /// The organization an approval registered.
        organization_id: Option<Uuid>,
        submitted_at: DateTime<Utc>,
        accepted_at: Option<DateTime<Utc>>,
        decided_at: Option<DateTime<Utc>>,
    }
}

object_from! {
    pub struct ChangeApplication from change_application::Model as m {
        id: Uuid,
        organization_id: Uuid,
        status: ChangeStatus,
        /// The proposed items.
        changes: Json<serde_json::Value> = json(&m.changes),
        comment: Option<String>,
        submitted_at: DateTime<Utc>,
        decided_at: Option<DateTime<Utc>>,
    }
}

object_from! {
    pub struct AnnualReport from orgs::annual_reports::ReportWithDue as r in (r.report) {
        id: Uuid,
        organization_id: Uuid,
        year: i32,
        /// Due by 31 March of the next year for a foundation, by 31 May for
        /// the other kinds.
        due_on: Option<NaiveDate> = r.due_on,
        status: ReportStatus,
        summary: String,
        submitted_at: DateTime<Utc>,
        review_comment: Option<String>,
        reviewed_at: Option<DateTime<Utc>>,
    }
}

object_from! {
    pub struct SupervisionListing from supervision_listing::Model as m {
        id: Uuid,
        organization_id: Uuid,
        list: SupervisionList,
        reason: String,
        listed_on: NaiveDate,
        removed_on: Option<NaiveDate>,
        removal_reason: Option<String>,
    }
}

object_from! {
    pub struct Complaint from complaint::Model as m {
        id: Uuid,
        subject_name: String,
        description: String,
        reporter: String,
        status: ComplaintStatus,
        handling: Option<String>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
}

object_from! {
    // An entry of the public register: no contact details.
    pub struct PublicOrganization from orgs::public::PublicEntry as e in (e.organization) {
        id: Uuid,
        name: String,
        kind: OrganizationKind,
        is_industry_association: bool,
        credit_code: String,
        registered_on: NaiveDate,
        status: OrganizationStatus,
        is_charity: bool = e.organization.charity_recognized_on.is_some(),
        has_public_fundraising: bool = e.organization.public_fundraising_on.is_some(),
        /// The supervision lists it is on now.
        lists: Vec<SupervisionList> = e.lists.iter().map(|&l| l.into()).collect(),
    }
}

#[derive(SimpleObject)]
pub struct KindCount {
    pub kind: OrganizationKind,
    pub count: u64,
}

#[derive(SimpleObject)]
pub struct SupervisionCheck {
    pub listed_abnormal: Vec<Uuid>,
    pub listed_serious: Vec<Uuid>,
    pub overdue_applications: Vec<Uuid>,
}

/// The registered items, as an applicant or official types them.
#[derive(InputObject)]
pub struct ParticularsInput {
    pub name: String,
    pub kind: OrganizationKind,
    #[graphql(default)]
    pub is_industry_association: bool,
    pub business_scope: String,
    pub registered_address: String,
    pub legal_representative: String,
    #[graphql(default)]
    pub supervising_unit: String,
    /// Where notices go.
    pub contact_email: String,
}

impl From<ParticularsInput> for Particulars {
    fn from(i: ParticularsInput) -> Self {
        Self {
            name: i.name,
            kind: i.kind.into(),
            is_industry_association: i.is_industry_association,
            business_scope: i.business_scope,
            registered_address: i.registered_address,
            legal_representative: i.legal_representative,
            supervising_unit: i.supervising_unit,
            contact_email: i.contact_email,
        }
    }
}

/// The items one change application changes; leave out what stays.
#[derive(InputObject)]
pub struct ChangeItemsInput {
    pub name: Option<String>,
    pub registered_address: Option<String>,
    pub legal_representative: Option<String>,
    pub business_scope: Option<String>,
}

#[derive(InputObject, Default)]
pub struct OrganizationFilterInput {
    /// A part of the name (Chinese works) or the start of a credit code.
    pub search: Option<String>,
    pub kind: Option<OrganizationKind>,
    pub status: Option<OrganizationStatus>,
    #[graphql(default)]
    pub industry_associations_only: bool,
    /// Recognized charitable organizations only.
    #[graphql(default)]
    pub charities_only: bool,
    /// Organizations holding public fundraising qualification only.
    #[graphql(default)]
    pub fundraising_only: bool,
}

impl From<OrganizationFilterInput> for OrganizationFilter {
    fn from(f: OrganizationFilterInput) -> Self {
        Self {
            search: f.search,
            kind: f.kind.map(Into::into),
            status: f.status.map(Into::into),
            industry_associations_only: f.industry_associations_only,
            charities_only: f.charities_only,
            fundraising_only: f.fundraising_only,
        }
    }
}

type Page<N> = Connection<OpaqueCursor<Uuid>, N>;

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The organizations of the caller's city (staff see their own).
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<Organization>> {
        let paging = Paging::new(first, after)?;
        let result = orgs::list(db(ctx), tenant(ctx)?, filter.unwrap_or_default().into(), paging.request).await?;
        Ok(paging.connection(result, |o| o.id, Organization::from))
    }

    async fn organization(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Organization> {
        Ok(Organization::from(orgs::get(db(ctx), tenant(ctx)?, id).await?))
    }

    /// The public register of a city (anyone): active organizations with
    /// their kind, credit code, date and supervision lists.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn public_organizations(
        &self,
        ctx: &Context<'_>,
        tenant: String,
        filter: Option<OrganizationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<PublicOrganization>> {
        let paging = Paging::new(first, after)?;
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        let result =
            orgs::public::register(db(ctx), &public, filter.unwrap_or_default().into(), paging.request).await?;
        Ok(paging.connection(result, |e| e.organization.id, PublicOrganization::from))
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn registration_applications(
        &self,
        ctx: &Context<'_>,
        status: Option<ApplicationStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<RegistrationApplication>> {
        let paging = Paging::new(first, after)?;
        let result = orgs::registration::list(db(ctx), tenant(ctx)?, status.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |a| a.id, RegistrationApplication::from))
    }

    async fn registration_application(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<RegistrationApplication> {
        Ok(RegistrationApplication::from(
            orgs::registration::get(db(ctx), tenant(ctx)?, id).await?,
        ))
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn change_applications(
        &self,
        ctx: &Context<'_>,
        status: Option<ChangeStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<ChangeApplication>> {
        let paging = Paging::new(first, after)?;
        let result = orgs::changes::list(db(ctx), tenant(ctx)?, status.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |a| a.id, ChangeApplication::from))
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn annual_reports(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<Uuid>,
        year: Option<i32>,
        status: Option<ReportStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<AnnualReport>> {
        let paging = Paging::new(first, after)?;
        let result = orgs::annual_reports::list(
            db(ctx),
            tenant(ctx)?,
            organization_id,
            year,
            status.map(Into::into),
            paging.request,
        )
        .await?;
        Ok(paging.connection(result, |r| r.report.id, AnnualReport::from))
    }

    /// Supervision listings of the city (current only by default).
    async fn supervision_listings(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<Uuid>,
        #[graphql(default = true)] current_only: bool,
    ) -> ApiResult<Vec<SupervisionListing>> {
        let rows = orgs::supervision::listings(db(ctx), tenant(ctx)?, organization_id, current_only).await?;
        Ok(rows.into_iter().map(SupervisionListing::from).collect())
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn complaints(
        &self,
        ctx: &Context<'_>,
        status: Option<ComplaintStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<Complaint>> {
        let paging = Paging::new(first, after)?;
        let result =
            orgs::supervision::complaints(db(ctx), tenant(ctx)?, status.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |c| c.id, Complaint::from))
    }
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Apply to register a new organization (org staff, or an official on
    /// the applicant's behalf).
    async fn submit_registration_application(
        &self,
        ctx: &Context<'_>,
        input: ParticularsInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<RegistrationApplication> {
        let a = orgs::registration::submit(db(ctx), tenant(ctx)?, input.into(), idempotency_key.as_deref()).await?;
        Ok(RegistrationApplication::from(a))
    }

    /// 受理.
    async fn accept_registration_application(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<RegistrationApplication> {
        let a = orgs::registration::decide(db(ctx), tenant(ctx)?, id, RegistrationAction::Accept, None).await?;
        Ok(RegistrationApplication::from(a))
    }

    /// 准予登记: registers the organization with a new credit code.
    async fn approve_registration_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> ApiResult<RegistrationApplication> {
        let a = orgs::registration::decide(db(ctx), tenant(ctx)?, id, RegistrationAction::Approve, None).await?;
        Ok(RegistrationApplication::from(a))
    }

    async fn reject_registration_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        reason: String,
    ) -> ApiResult<RegistrationApplication> {
        let a =
            orgs::registration::decide(db(ctx), tenant(ctx)?, id, RegistrationAction::Reject, Some(&reason)).await?;
        Ok(RegistrationApplication::from(a))
    }

    /// Enter an organization registered before the platform, with its code.
    async fn register_existing_organization(
        &self,
        ctx: &Context<'_>,
        input: ParticularsInput,
        credit_code: String,
        registered_on: NaiveDate,
        idempotency_key: Option<String>,
    ) -> ApiResult<Organization> {
        let o = orgs::register_existing(
            db(ctx),
            tenant(ctx)?,
            input.into(),
            &credit_code,
            registered_on,
            idempotency_key.as_deref(),
        )
        .await?;
        Ok(Organization::from(o))
    }

    /// One application for every item that changes (名称、住所、法定代表人、业务范围).
    async fn submit_change_application(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        changes: ChangeItemsInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<ChangeApplication> {
        let items = orgs::changes::ChangeItems {
            name: changes.name,
            registered_address: changes.registered_address,
            legal_representative: changes.legal_representative,
            business_scope: changes.business_scope,
        };
        let a = orgs::changes::submit(
            db(ctx),
            tenant(ctx)?,
            organization_id,
            items,
            idempotency_key.as_deref(),
        )
        .await?;
        Ok(ChangeApplication::from(a))
    }

    async fn approve_change_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        comment: Option<String>,
    ) -> ApiResult<ChangeApplication> {
        let a = orgs::changes::decide(db(ctx), tenant(ctx)?, id, ChangeAction::Approve, comment.as_deref()).await?;
        Ok(ChangeApplication::from(a))
    }

    /// 退回 with a comment saying what to correct.
    async fn return_change_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        comment: String,
    ) -> ApiResult<ChangeApplication> {
        let a = orgs::changes::decide(db(ctx), tenant(ctx)?, id, ChangeAction::Return, Some(&comment)).await?;
        Ok(ChangeApplication::from(a))
    }

    /// Submit (or, after a fail, resubmit) the annual work report.
    async fn submit_annual_report(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        year: i32,
        summary: String,
    ) -> ApiResult<AnnualReport> {
        let r = orgs::annual_reports::submit(db(ctx), tenant(ctx)?, organization_id, year, &summary).await?;
        Ok(AnnualReport::from(r))
    }

    async fn review_annual_report(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        outcome: ReviewOutcome,
        comment: Option<String>,
    ) -> ApiResult<AnnualReport> {
        let action = match outcome {
            ReviewOutcome::Pass => ReportAction::Pass,
            ReviewOutcome::PassWithIssues => ReportAction::PassWithIssues,
            ReviewOutcome::Fail => ReportAction::Fail,
        };
        let r = orgs::annual_reports::review(db(ctx), tenant(ctx)?, id, action, comment.as_deref()).await?;
        Ok(AnnualReport::from(r))
    }

    /// 慈善组织认定.
    async fn recognize_charity(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        on: NaiveDate,
    ) -> ApiResult<Organization> {
        let o = orgs::recognize(db(ctx), tenant(ctx)?, organization_id, Recognition::Charity, on).await?;
        Ok(Organization::from(o))
    }

    /// 公开募捐资格 (charitable organizations only).
    async fn grant_public_fundraising(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        on: NaiveDate,
    ) -> ApiResult<Organization> {
        let o = orgs::recognize(
            db(ctx),
            tenant(ctx)?,
            organization_id,
            Recognition::PublicFundraising,
            on,
        )
        .await?;
        Ok(Organization::from(o))
    }

    /// 注销: the record becomes read-only.
    async fn deregister_organization(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> ApiResult<Organization> {
        Ok(Organization::from(
            orgs::deregister(db(ctx), tenant(ctx)?, id, &reason).await?,
        ))
    }

    /// Put an organization on the abnormal-activity list by hand.
    async fn list_organization_abnormal(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        reason: String,
    ) -> ApiResult<SupervisionListing> {
        let l = orgs::supervision::list_abnormal(db(ctx), tenant(ctx)?, organization_id, &reason).await?;
        Ok(SupervisionListing::from(l))
    }

    /// Remove a listing once the organization has made good.
    async fn remove_supervision_listing(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        reason: String,
    ) -> ApiResult<SupervisionListing> {
        Ok(SupervisionListing::from(
            orgs::supervision::remove(db(ctx), tenant(ctx)?, id, &reason).await?,
        ))
    }

    /// Run today's supervision check for the official's city now, instead
    /// of waiting for the daily job.
    async fn run_supervision_check(&self, ctx: &Context<'_>) -> ApiResult<SupervisionCheck> {
        let r = orgs::supervision::daily_check(db(ctx), tenant(ctx)?, service::clock::today()).await?;
        Ok(SupervisionCheck {
            listed_abnormal: r.listed_abnormal,
            listed_serious: r.listed_serious,
            overdue_applications: r.overdue_applications,
        })
    }

    /// Record a complaint about an illegal (unregistered) organization.
    async fn record_complaint(
        &self,
        ctx: &Context<'_>,
        subject_name: String,
        description: String,
        reporter: Option<String>,
        idempotency_key: Option<String>,
    ) -> ApiResult<Complaint> {
        let c = orgs::supervision::record_complaint(
            db(ctx),
            tenant(ctx)?,
            &subject_name,
            &description,
            reporter.as_deref(),
            idempotency_key.as_deref(),
        )
        .await?;
        Ok(Complaint::from(c))
    }

    async fn handle_complaint(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        action: ComplaintAction,
        handling: String,
    ) -> ApiResult<Complaint> {
        let action = match action {
            ComplaintAction::Investigate => ServiceComplaintAction::Investigate,
            ComplaintAction::Close => ServiceComplaintAction::Close,
        };
        Ok(Complaint::from(
            orgs::supervision::handle_complaint(db(ctx), tenant(ctx)?, id, action, &handling).await?,
        ))
    }
}
