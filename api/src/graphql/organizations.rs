//! The organization register in GraphQL: registration, changes, annual
//! reports, supervision and the public register.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    change_application, complaint, organization, organization_version, registration_application, supervision_listing,
};
use service::organizations::workflow::{
    ChangeAction, ComplaintAction as ServiceComplaintAction, RegistrationAction, ReportAction,
};
use service::organizations::{self as orgs, OrganizationFilter, Particulars, Recognition};
use service::page::PageRequest;
use uuid::Uuid;

use super::error::ApiResult;
use super::types::{connection, decode_after};
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

pub struct Organization(pub organization::Model);

#[Object]
impl Organization {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> OrganizationKind {
        self.0.kind.into()
    }
    /// 行业协会商会.
    async fn is_industry_association(&self) -> bool {
        self.0.is_industry_association
    }
    /// 统一社会信用代码 (GB 32100-2015).
    async fn credit_code(&self) -> &str {
        &self.0.credit_code
    }
    async fn business_scope(&self) -> &str {
        &self.0.business_scope
    }
    async fn registered_address(&self) -> &str {
        &self.0.registered_address
    }
    async fn legal_representative(&self) -> &str {
        &self.0.legal_representative
    }
    async fn contact_email(&self) -> &str {
        &self.0.contact_email
    }
    async fn supervising_unit(&self) -> &str {
        &self.0.supervising_unit
    }
    async fn status(&self) -> OrganizationStatus {
        self.0.status.into()
    }
    async fn registered_on(&self) -> NaiveDate {
        self.0.registered_on
    }
    /// 慈善组织认定 date, with the deciding official.
    async fn charity_recognized_on(&self) -> Option<NaiveDate> {
        self.0.charity_recognized_on
    }
    async fn charity_recognized_by(&self) -> Option<Uuid> {
        self.0.charity_recognized_by
    }
    /// 公开募捐资格 date, with the deciding official.
    async fn public_fundraising_on(&self) -> Option<NaiveDate> {
        self.0.public_fundraising_on
    }
    async fn public_fundraising_by(&self) -> Option<Uuid> {
        self.0.public_fundraising_by
    }
    async fn deregistered_on(&self) -> Option<NaiveDate> {
        self.0.deregistered_on
    }
    async fn deregistration_reason(&self) -> Option<&str> {
        self.0.deregistration_reason.as_deref()
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every version of the registered items, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<OrganizationVersion>> {
        let rows = orgs::history(db(ctx), tenant(ctx)?, self.0.id).await?;
        Ok(rows.into_iter().map(OrganizationVersion).collect())
    }
    /// Supervision listings, current and past.
    async fn listings(&self, ctx: &Context<'_>) -> ApiResult<Vec<SupervisionListing>> {
        let rows = orgs::supervision::listings(db(ctx), tenant(ctx)?, Some(self.0.id), false).await?;
        Ok(rows.into_iter().map(SupervisionListing).collect())
    }
    async fn annual_reports(&self, ctx: &Context<'_>) -> ApiResult<Vec<AnnualReport>> {
        let page = PageRequest::new(Some(100), None)?;
        let rows = orgs::annual_reports::list(db(ctx), tenant(ctx)?, Some(self.0.id), None, None, page).await?;
        Ok(rows.items.into_iter().map(AnnualReport).collect())
    }
}

pub struct OrganizationVersion(pub organization_version::Model);

#[Object]
impl OrganizationVersion {
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// What made this version: registration, change, charity_recognition…
    async fn cause(&self) -> &str {
        &self.0.cause
    }
    /// The registered items at this version.
    async fn snapshot(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(serde_json::from_str(&self.0.snapshot).unwrap_or(serde_json::Value::Null))
    }
    async fn change_application_id(&self) -> Option<Uuid> {
        self.0.change_application_id
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct RegistrationApplication(pub registration_application::Model);

#[Object]
impl RegistrationApplication {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> OrganizationKind {
        self.0.kind.into()
    }
    async fn is_industry_association(&self) -> bool {
        self.0.is_industry_association
    }
    async fn business_scope(&self) -> &str {
        &self.0.business_scope
    }
    async fn registered_address(&self) -> &str {
        &self.0.registered_address
    }
    async fn legal_representative(&self) -> &str {
        &self.0.legal_representative
    }
    async fn supervising_unit(&self) -> &str {
        &self.0.supervising_unit
    }
    async fn contact_email(&self) -> &str {
        &self.0.contact_email
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }
    /// The organization an approval registered.
    async fn organization_id(&self) -> Option<Uuid> {
        self.0.organization_id
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.0.accepted_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}

pub struct ChangeApplication(pub change_application::Model);

#[Object]
impl ChangeApplication {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn organization_id(&self) -> Uuid {
        self.0.organization_id
    }
    async fn status(&self) -> ChangeStatus {
        self.0.status.into()
    }
    /// The proposed items.
    async fn changes(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(serde_json::from_str(&self.0.changes).unwrap_or(serde_json::Value::Null))
    }
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}

pub struct AnnualReport(pub orgs::annual_reports::ReportWithDue);

#[Object]
impl AnnualReport {
    async fn id(&self) -> Uuid {
        self.0.report.id
    }
    async fn organization_id(&self) -> Uuid {
        self.0.report.organization_id
    }
    async fn year(&self) -> i32 {
        self.0.report.year
    }
    /// Due by 31 March of the next year for a foundation, by 31 May for
    /// the other kinds.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.0.due_on
    }
    async fn status(&self) -> ReportStatus {
        self.0.report.status.into()
    }
    async fn summary(&self) -> &str {
        &self.0.report.summary
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.report.submitted_at
    }
    async fn review_comment(&self) -> Option<&str> {
        self.0.report.review_comment.as_deref()
    }
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.report.reviewed_at
    }
}

pub struct SupervisionListing(pub supervision_listing::Model);

#[Object]
impl SupervisionListing {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn organization_id(&self) -> Uuid {
        self.0.organization_id
    }
    async fn list(&self) -> SupervisionList {
        self.0.list.into()
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn listed_on(&self) -> NaiveDate {
        self.0.listed_on
    }
    async fn removed_on(&self) -> Option<NaiveDate> {
        self.0.removed_on
    }
    async fn removal_reason(&self) -> Option<&str> {
        self.0.removal_reason.as_deref()
    }
}

pub struct Complaint(pub complaint::Model);

#[Object]
impl Complaint {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn subject_name(&self) -> &str {
        &self.0.subject_name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn reporter(&self) -> &str {
        &self.0.reporter
    }
    async fn status(&self) -> ComplaintStatus {
        self.0.status.into()
    }
    async fn handling(&self) -> Option<&str> {
        self.0.handling.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// An entry of the public register: no contact details.
pub struct PublicOrganization(pub orgs::PublicEntry);

#[Object]
impl PublicOrganization {
    async fn id(&self) -> Uuid {
        self.0.organization.id
    }
    async fn name(&self) -> &str {
        &self.0.organization.name
    }
    async fn kind(&self) -> OrganizationKind {
        self.0.organization.kind.into()
    }
    async fn is_industry_association(&self) -> bool {
        self.0.organization.is_industry_association
    }
    async fn credit_code(&self) -> &str {
        &self.0.organization.credit_code
    }
    async fn registered_on(&self) -> NaiveDate {
        self.0.organization.registered_on
    }
    async fn status(&self) -> OrganizationStatus {
        self.0.organization.status.into()
    }
    async fn is_charity(&self) -> bool {
        self.0.organization.charity_recognized_on.is_some()
    }
    async fn has_public_fundraising(&self) -> bool {
        self.0.organization.public_fundraising_on.is_some()
    }
    /// The supervision lists it is on now.
    async fn lists(&self) -> Vec<SupervisionList> {
        self.0.lists.iter().map(|l| (*l).into()).collect()
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
}

impl From<OrganizationFilterInput> for OrganizationFilter {
    fn from(f: OrganizationFilterInput) -> Self {
        Self {
            search: f.search,
            kind: f.kind.map(Into::into),
            status: f.status.map(Into::into),
            industry_associations_only: f.industry_associations_only,
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = orgs::list(db(ctx), tenant(ctx)?, filter.unwrap_or_default().into(), page).await?;
        Ok(connection(result, has_previous, |o| o.id, Organization))
    }

    async fn organization(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Organization> {
        Ok(Organization(orgs::get(db(ctx), tenant(ctx)?, id).await?))
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        let result = orgs::public_register(db(ctx), &public, filter.unwrap_or_default().into(), page).await?;
        Ok(connection(
            result,
            has_previous,
            |e| e.organization.id,
            PublicOrganization,
        ))
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn registration_applications(
        &self,
        ctx: &Context<'_>,
        status: Option<ApplicationStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<RegistrationApplication>> {
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = orgs::registration::list(db(ctx), tenant(ctx)?, status.map(Into::into), page).await?;
        Ok(connection(result, has_previous, |a| a.id, RegistrationApplication))
    }

    async fn registration_application(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<RegistrationApplication> {
        Ok(RegistrationApplication(
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = orgs::changes::list(db(ctx), tenant(ctx)?, status.map(Into::into), page).await?;
        Ok(connection(result, has_previous, |a| a.id, ChangeApplication))
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
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = orgs::annual_reports::list(
            db(ctx),
            tenant(ctx)?,
            organization_id,
            year,
            status.map(Into::into),
            page,
        )
        .await?;
        Ok(connection(result, has_previous, |r| r.report.id, AnnualReport))
    }

    /// Supervision listings of the city (current only by default).
    async fn supervision_listings(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<Uuid>,
        #[graphql(default = true)] current_only: bool,
    ) -> ApiResult<Vec<SupervisionListing>> {
        let rows = orgs::supervision::listings(db(ctx), tenant(ctx)?, organization_id, current_only).await?;
        Ok(rows.into_iter().map(SupervisionListing).collect())
    }

    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn complaints(
        &self,
        ctx: &Context<'_>,
        status: Option<ComplaintStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Page<Complaint>> {
        let has_previous = after.is_some();
        let page = PageRequest::new(first, decode_after(after)?)?;
        let result = orgs::supervision::complaints(db(ctx), tenant(ctx)?, status.map(Into::into), page).await?;
        Ok(connection(result, has_previous, |c| c.id, Complaint))
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
        Ok(RegistrationApplication(a))
    }

    /// 受理.
    async fn accept_registration_application(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<RegistrationApplication> {
        let a = orgs::registration::decide(db(ctx), tenant(ctx)?, id, RegistrationAction::Accept, None).await?;
        Ok(RegistrationApplication(a))
    }

    /// 准予登记: registers the organization with a new credit code.
    async fn approve_registration_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> ApiResult<RegistrationApplication> {
        let a = orgs::registration::decide(db(ctx), tenant(ctx)?, id, RegistrationAction::Approve, None).await?;
        Ok(RegistrationApplication(a))
    }

    async fn reject_registration_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        reason: String,
    ) -> ApiResult<RegistrationApplication> {
        let a =
            orgs::registration::decide(db(ctx), tenant(ctx)?, id, RegistrationAction::Reject, Some(&reason)).await?;
        Ok(RegistrationApplication(a))
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
        Ok(Organization(o))
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
        Ok(ChangeApplication(a))
    }

    async fn approve_change_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        comment: Option<String>,
    ) -> ApiResult<ChangeApplication> {
        let a = orgs::changes::decide(db(ctx), tenant(ctx)?, id, ChangeAction::Approve, comment.as_deref()).await?;
        Ok(ChangeApplication(a))
    }

    /// 退回 with a comment saying what to correct.
    async fn return_change_application(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        comment: String,
    ) -> ApiResult<ChangeApplication> {
        let a = orgs::changes::decide(db(ctx), tenant(ctx)?, id, ChangeAction::Return, Some(&comment)).await?;
        Ok(ChangeApplication(a))
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
        Ok(AnnualReport(r))
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
        Ok(AnnualReport(r))
    }

    /// 慈善组织认定.
    async fn recognize_charity(
        &self,
        ctx: &Context<'_>,
        organization_id: Uuid,
        on: NaiveDate,
    ) -> ApiResult<Organization> {
        let o = orgs::recognize(db(ctx), tenant(ctx)?, organization_id, Recognition::Charity, on).await?;
        Ok(Organization(o))
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
        Ok(Organization(o))
    }

    /// 注销: the record becomes read-only.
    async fn deregister_organization(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> ApiResult<Organization> {
        Ok(Organization(
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
        Ok(SupervisionListing(l))
    }

    /// Remove a listing once the organization has made good.
    async fn remove_supervision_listing(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        reason: String,
    ) -> ApiResult<SupervisionListing> {
        Ok(SupervisionListing(
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
        Ok(Complaint(c))
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
        Ok(Complaint(
            orgs::supervision::handle_complaint(db(ctx), tenant(ctx)?, id, action, &handling).await?,
        ))
    }
}
