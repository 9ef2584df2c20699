//! The organization register (社会组织登记管理): organizations and their
//! history, registration of pre-platform organizations, recognitions,
//! deregistration and the public register. The workflows live in the
//! submodules.

pub mod annual_reports;
pub mod changes;
pub mod public;
pub mod registration;
pub mod supervision;
pub mod workflow;

use chrono::NaiveDate;
use entity::app_user::Role;
use entity::organization::{self, OrganizationKind, OrganizationStatus};
use entity::supervision_listing::{self, SupervisionList};
use entity::{organization_version, tenant};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::credit_code::{self, CreditCode};
use crate::db::Db;
use crate::error::{Error, OrConflict, Result};
use crate::page::{self, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::tenants;
use crate::validate;
use workflow::OrganizationAction;

/// The registered items an applicant or an official types.
#[derive(Clone, Debug)]
pub struct Particulars {
    pub name: String,
    pub kind: OrganizationKind,
    pub is_industry_association: bool,
    pub business_scope: String,
    pub registered_address: String,
    pub legal_representative: String,
    pub supervising_unit: String,
    pub contact_email: String,
}

impl Particulars {
    /// Trim and check every field; the error names the one to fix.
    pub fn parse(self) -> Result<Self> {
        if self.is_industry_association && self.kind != OrganizationKind::SocialGroup {
            return Err(Error::validation(
                "isIndustryAssociation",
                "industry associations and chambers of commerce are social groups (社会团体)",
                "行业协会商会须登记为社会团体",
            ));
        }
        Ok(Self {
            name: validate::required_text("name", &self.name, 200)?,
            kind: self.kind,
            is_industry_association: self.is_industry_association,
            business_scope: validate::required_text("businessScope", &self.business_scope, 2000)?,
            registered_address: validate::required_text("registeredAddress", &self.registered_address, 300)?,
            legal_representative: validate::required_text("legalRepresentative", &self.legal_representative, 100)?,
            supervising_unit: validate::optional_text("supervisingUnit", Some(&self.supervising_unit), 200)?
                .unwrap_or_default(),
            contact_email: validate::email("contactEmail", &self.contact_email)?,
        })
    }
}

/// What the history keeps of each version (the registered items).
#[derive(Serialize)]
pub(crate) struct Snapshot<'a> {
    name: &'a str,
    kind: OrganizationKind,
    is_industry_association: bool,
    credit_code: &'a str,
    business_scope: &'a str,
    registered_address: &'a str,
    legal_representative: &'a str,
    contact_email: &'a str,
    supervising_unit: &'a str,
    status: OrganizationStatus,
    charity_recognized_on: Option<NaiveDate>,
    public_fundraising_on: Option<NaiveDate>,
    deregistered_on: Option<NaiveDate>,
}

impl<'a> From<&'a organization::Model> for Snapshot<'a> {
    fn from(o: &'a organization::Model) -> Self {
        Self {
            name: &o.name,
            kind: o.kind,
            is_industry_association: o.is_industry_association,
            credit_code: &o.credit_code,
            business_scope: &o.business_scope,
            registered_address: &o.registered_address,
            legal_representative: &o.legal_representative,
            contact_email: &o.contact_email,
            supervising_unit: &o.supervising_unit,
            status: o.status,
            charity_recognized_on: o.charity_recognized_on,
            public_fundraising_on: o.public_fundraising_on,
            deregistered_on: o.deregistered_on,
        }
    }
}

/// Insert a new organization as version 1.
pub(crate) async fn insert_new(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    p: Particulars,
    code: &CreditCode,
    registered_on: NaiveDate,
    cause: &str,
) -> Result<organization::Model> {
    let now = clock::now();
    let org = organization::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        name: p.name,
        kind: p.kind,
        is_industry_association: p.is_industry_association,
        credit_code: code.to_string(),
        business_scope: p.business_scope,
        registered_address: p.registered_address,
        legal_representative: p.legal_representative,
        contact_email: p.contact_email,
        supervising_unit: p.supervising_unit,
        status: OrganizationStatus::Active,
        registered_on,
        charity_recognized_on: None,
        charity_recognized_by: None,
        public_fundraising_on: None,
        public_fundraising_by: None,
        deregistered_on: None,
        deregistration_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    organization::Entity::insert(organization::ActiveModel::from(org.clone()))
        .exec_without_returning(tx)
        .await
        .or_conflict(|| {
            Error::conflict(
                format!("an organization with the credit code {code} is already registered"),
                format!("统一社会信用代码 {code} 已登记，请勿重复登记"),
            )
        })?;
    record_version(tx, ctx, &org, cause, None).await?;
    Ok(org)
}

/// Save the organization as it now is, with its version bumped, and keep
/// that version in the history.
pub(crate) async fn save_version(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    before: &organization::Model,
    after: organization::Model,
    cause: &str,
    change_application_id: Option<Uuid>,
) -> Result<organization::Model> {
    let after = organization::Model {
        version: before.version + 1,
        updated_at: clock::now(),
        ..after
    };
    organization::Entity::save_owned(tx, after.clone()).await?;
    record_version(tx, ctx, &after, cause, change_application_id).await?;
    Ok(after)
}

async fn record_version(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    org: &organization::Model,
    cause: &str,
    change_application_id: Option<Uuid>,
) -> Result<()> {
    organization_version::Entity::insert(organization_version::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        organization_id: Set(org.id),
        version: Set(org.version),
        snapshot: Set(serde_json::to_string(&Snapshot::from(org)).map_err(Error::internal)?),
        cause: Set(cause.to_owned()),
        change_application_id: Set(change_application_id),
        created_by: Set(ctx.user_id()),
        created_at: Set(org.updated_at),
    })
    .exec_without_returning(tx)
    .await?;
    Ok(())
}

/// Refuse a name another active organization of the city already has.
pub(crate) async fn ensure_name_free(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    name: &str,
    except: Option<Uuid>,
) -> Result<()> {
    let mut query = organization::Entity::scoped(ctx)
        .filter(organization::Column::Name.eq(name))
        .filter(organization::Column::Status.eq(OrganizationStatus::Active));
    if let Some(id) = except {
        query = query.filter(organization::Column::Id.ne(id));
    }
    if query.one(tx).await?.is_some() {
        return Err(Error::validation(
            "name",
            format!("an organization named {name} is already registered here"),
            format!("本市已登记名为“{name}”的社会组织"),
        ));
    }
    Ok(())
}

/// Load an organization of the caller's tenant for a change, locked, and
/// refuse when it is deregistered (read-only).
pub(crate) async fn load_for_update(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<organization::Model> {
    let org = organization::Entity::lock_owned(tx, ctx, id).await?;
    workflow::organization(org.status, OrganizationAction::Modify)?;
    Ok(org)
}

/// Org staff act only for their own organization; to them any other is
/// NOT_FOUND. Officials act for all of their city's.
pub(crate) fn require_access(ctx: &TenantContext, organization_id: Uuid) -> Result<Role> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    if role == Role::OrgStaff && ctx.organization_id() != Some(organization_id) {
        return Err(Error::NotFound("organization"));
    }
    Ok(role)
}

pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<organization::Model> {
    require_access(ctx, id)?;
    let tx = db.read(ctx).await?;
    let org = organization::Entity::find_owned(&tx, ctx, id).await?;
    tx.commit().await?;
    Ok(org)
}

/// Filters for the officials' list and the public register.
#[derive(Clone, Debug, Default)]
pub struct OrganizationFilter {
    /// A substring of the name (Chinese works) or a credit code prefix.
    pub search: Option<String>,
    pub kind: Option<OrganizationKind>,
    pub status: Option<OrganizationStatus>,
    pub industry_associations_only: bool,
    /// Recognized charitable organizations (慈善组织) only.
    pub charities_only: bool,
    /// Those holding public fundraising qualification only.
    pub fundraising_only: bool,
}

pub(crate) fn apply_filter(
    mut query: sea_orm::Select<organization::Entity>,
    filter: &OrganizationFilter,
) -> sea_orm::Select<organization::Entity> {
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // LIKE with the wildcards of the input escaped: a search for "100%"
        // means the characters, not a pattern.
        let escaped: String = search
            .chars()
            .flat_map(|c| {
                if matches!(c, '%' | '_' | '\\') {
                    vec!['\\', c]
                } else {
                    vec![c]
                }
            })
            .collect();
        // The business scope too, and what an organization is called by its
        // standing: "慈善" finds every recognized charity (慈善组织), also
        // those whose names do not say so; "基金会" every foundation.
        let mut designations = Condition::any();
        if "慈善组织".contains(search) {
            designations = designations.add(organization::Column::CharityRecognizedOn.is_not_null());
        }
        if "公开募捐资格".contains(search) {
            designations = designations.add(organization::Column::PublicFundraisingOn.is_not_null());
        }
        for kind in [
            OrganizationKind::SocialGroup,
            OrganizationKind::SocialServiceInstitution,
            OrganizationKind::Foundation,
        ] {
            if crate::labels::Label::zh(kind).contains(search) {
                designations = designations.add(organization::Column::Kind.eq(kind));
            }
        }
        query = query.filter(
            Condition::any()
                .add(designations)
                .add(Expr::col(organization::Column::Name).like(LikeExpr::new(format!("%{escaped}%")).escape('\\')))
                .add(
                    Expr::col(organization::Column::BusinessScope)
                        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
                )
                .add(
                    Expr::col(organization::Column::CreditCode)
                        .like(LikeExpr::new(format!("{}%", escaped.to_ascii_uppercase())).escape('\\')),
                ),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(organization::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(organization::Column::Status.eq(status));
    }
    if filter.industry_associations_only {
        query = query.filter(organization::Column::IsIndustryAssociation.eq(true));
    }
    if filter.charities_only {
        query = query.filter(organization::Column::CharityRecognizedOn.is_not_null());
    }
    if filter.fundraising_only {
        query = query.filter(organization::Column::PublicFundraisingOn.is_not_null());
    }
    query
}

/// Officials: the city's organizations; staff: their own.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    filter: OrganizationFilter,
    page: PageRequest<Uuid>,
) -> Result<Page<organization::Model>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = apply_filter(organization::Entity::scoped(ctx), &filter);
    if role == Role::OrgStaff {
        query = query.filter(organization::Column::Id.eq(ctx.organization_id()));
    }
    page::fetch_by_id(db, ctx, query, organization::Column::Id, page).await
}

/// The open listings of some organizations, in one query.
pub(crate) async fn current_listings<C: ConnectionTrait>(
    conn: &C,
    tenant_id: Uuid,
    organization_ids: &[Uuid],
) -> Result<Vec<supervision_listing::Model>> {
    if organization_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(supervision_listing::Entity::scoped(tenant_id)
        .filter(supervision_listing::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .filter(supervision_listing::Column::RemovedOn.is_null())
        .all(conn)
        .await?)
}

/// Every version of an organization, oldest first.
pub async fn history(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<Vec<organization_version::Model>> {
    require_access(ctx, id)?;
    let tx = db.read(ctx).await?;
    let rows = organization_version::Entity::scoped(ctx)
        .filter(organization_version::Column::OrganizationId.eq(id))
        .order_by_asc(organization_version::Column::Version)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// An organization registered before the platform, entered with its
/// existing credit code.
pub async fn register_existing(
    db: &Db,
    ctx: &TenantContext,
    particulars: Particulars,
    credit_code: &str,
    registered_on: NaiveDate,
    idempotency_key: Option<&str>,
) -> Result<organization::Model> {
    ctx.require_role(&[Role::CityOfficial])?;
    let p = particulars.parse()?;
    let code = CreditCode::parse(credit_code)?;
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    check_code_fits(&code, &p, &city)?;
    if registered_on > crate::clock::today() {
        return Err(Error::validation(
            "registeredOn",
            "the registration date cannot be in the future",
            "登记日期不能晚于今天",
        ));
    }
    let fingerprint = json!({"name": p.name, "code": code.as_str(), "on": registered_on});
    let mut tx = db.write(ctx).await?;
    if let Some(id) = tx
        .replayed(idempotency_key, "organization.register_existing", &fingerprint)
        .await?
    {
        drop(tx);
        return get(db, ctx, id).await;
    }
    ensure_name_free(tx.conn(), ctx, &p.name, None).await?;
    let org = insert_new(tx.conn(), ctx, p, &code, registered_on, "registration").await?;
    tx.commit(
        AuditEvent::new("organization.register_existing", "organization", org.id)
            .organization(Some(org.id))
            .created(&Snapshot::from(&org)),
    )
    .await?;
    Ok(org)
}

/// A code fits an organization of this city: registered by civil affairs,
/// of the same kind, in this city's division.
fn check_code_fits(code: &CreditCode, p: &Particulars, city: &tenant::Model) -> Result<()> {
    if code.authority() != credit_code::CIVIL_AFFAIRS {
        return Err(Error::validation(
            "creditCode",
            format!("{code} was not issued by civil affairs (its first character must be 5)"),
            format!("{code} 不是民政部门登记的代码（第 1 位应为 5）"),
        ));
    }
    if code.kind_char() != credit_code::kind_char(p.kind) {
        return Err(Error::validation(
            "creditCode",
            format!(
                "{code} is the code of another kind of organization (character 2 is {})",
                code.kind_char()
            ),
            format!("{code} 是其他类型组织的代码（第 2 位为 {}）", code.kind_char()),
        ));
    }
    if !code.belongs_to_city(&city.division_code) {
        return Err(Error::validation(
            "creditCode",
            format!(
                "{code} was registered in division {}, not in {} ({})",
                code.division(),
                city.name,
                city.division_code
            ),
            format!(
                "{code} 的登记地行政区划代码为 {}，不属于{}（{}）",
                code.division(),
                city.name,
                city.division_code
            ),
        ));
    }
    Ok(())
}

/// Which recognition an official records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recognition {
    /// 慈善组织认定.
    Charity,
    /// 公开募捐资格; requires charity recognition first.
    PublicFundraising,
}

pub async fn recognize(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    recognition: Recognition,
    on: NaiveDate,
) -> Result<organization::Model> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.write(ctx).await?;
    let before = load_for_update(tx.conn(), ctx, id).await?;
    if on < before.registered_on || on > crate::clock::today() {
        return Err(Error::validation(
            "on",
            "the date must be between registration and today",
            "日期须在登记日期至今天之间",
        ));
    }
    let after = match recognition {
        Recognition::Charity if before.charity_recognized_on.is_some() => {
            return Err(Error::conflict(
                "the organization is already recognised as a charitable organization",
                "该社会组织已认定为慈善组织",
            ));
        }
        Recognition::Charity => organization::Model {
            charity_recognized_on: Some(on),
            charity_recognized_by: Some(official),
            ..before.clone()
        },
        Recognition::PublicFundraising if before.charity_recognized_on.is_none() => {
            return Err(Error::conflict(
                "only a recognised charitable organization can hold public fundraising qualification",
                "只有已认定的慈善组织才能取得公开募捐资格",
            ));
        }
        Recognition::PublicFundraising if before.charity_recognized_on.is_some_and(|c| on < c) => {
            return Err(Error::validation(
                "on",
                "public fundraising qualification cannot predate charity recognition",
                "取得公开募捐资格的日期不能早于认定为慈善组织的日期",
            ));
        }
        Recognition::PublicFundraising if before.public_fundraising_on.is_some() => {
            return Err(Error::conflict(
                "the organization already holds public fundraising qualification",
                "该慈善组织已取得公开募捐资格",
            ));
        }
        Recognition::PublicFundraising => organization::Model {
            public_fundraising_on: Some(on),
            public_fundraising_by: Some(official),
            ..before.clone()
        },
    };
    let (action, cause) = match recognition {
        Recognition::Charity => ("organization.recognize_charity", "charity_recognition"),
        Recognition::PublicFundraising => ("organization.grant_public_fundraising", "public_fundraising"),
    };
    let after = save_version(tx.conn(), ctx, &before, after, cause, None).await?;
    tx.commit(
        AuditEvent::new(action, "organization", id)
            .organization(Some(id))
            .changed(&Snapshot::from(&before), &Snapshot::from(&after)),
    )
    .await?;
    Ok(after)
}

/// 注销: the organization becomes read-only.
pub async fn deregister(db: &Db, ctx: &TenantContext, id: Uuid, reason: &str) -> Result<organization::Model> {
    ctx.require_role(&[Role::CityOfficial])?;
    let reason = validate::required_text("reason", reason, 500)?;
    let tx = db.write(ctx).await?;
    let before = organization::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let status = workflow::organization(before.status, OrganizationAction::Deregister)?;
    let after = organization::Model {
        status,
        deregistered_on: Some(crate::clock::today()),
        deregistration_reason: Some(reason),
        ..before.clone()
    };
    let after = save_version(tx.conn(), ctx, &before, after, "deregistration", None).await?;
    // Its listings end with it: a deregistered organization is on no list.
    supervision_listing::Entity::scoped_update(ctx)
        .col_expr(
            supervision_listing::Column::RemovedOn,
            Expr::value(after.deregistered_on),
        )
        .col_expr(supervision_listing::Column::RemovalReason, Expr::value("注销登记"))
        .filter(supervision_listing::Column::OrganizationId.eq(id))
        .filter(supervision_listing::Column::RemovedOn.is_null())
        .exec(tx.conn())
        .await?;
    tx.commit(
        AuditEvent::new("organization.deregister", "organization", id)
            .organization(Some(id))
            .changed(&Snapshot::from(&before), &Snapshot::from(&after)),
    )
    .await?;
    Ok(after)
}

/// Counts for the region's roll-up, read inside a city's transaction.
pub(crate) struct CityCounts {
    pub by_kind: Vec<(OrganizationKind, u64)>,
    pub active: u64,
    pub deregistered: u64,
    pub industry_associations: u64,
    pub charities: u64,
    pub public_fundraising: u64,
    pub abnormal: u64,
    pub serious: u64,
}

/// What the roll-up needs of one organization.
type Facts = (
    OrganizationKind,
    OrganizationStatus,
    bool,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

pub(crate) async fn city_counts<C: ConnectionTrait>(conn: &C, tenant_id: Uuid) -> Result<CityCounts> {
    // One pass over the city's organizations (a few thousand rows at most,
    // five narrow columns) instead of a query per figure.
    let rows: Vec<Facts> = organization::Entity::scoped(tenant_id)
        .select_only()
        .column(organization::Column::Kind)
        .column(organization::Column::Status)
        .column(organization::Column::IsIndustryAssociation)
        .column(organization::Column::CharityRecognizedOn)
        .column(organization::Column::PublicFundraisingOn)
        .into_tuple()
        .all(conn)
        .await?;
    let listings: Vec<SupervisionList> = supervision_listing::Entity::scoped(tenant_id)
        .select_only()
        .column(supervision_listing::Column::List)
        .filter(supervision_listing::Column::RemovedOn.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    let (active, deregistered): (Vec<&Facts>, Vec<&Facts>) =
        rows.iter().partition(|r| r.1 == OrganizationStatus::Active);
    let count = |f: fn(&Facts) -> bool| active.iter().filter(|r| f(r)).count() as u64;
    let listed = |list: SupervisionList| listings.iter().filter(|l| **l == list).count() as u64;
    Ok(CityCounts {
        by_kind: [
            OrganizationKind::SocialGroup,
            OrganizationKind::SocialServiceInstitution,
            OrganizationKind::Foundation,
        ]
        .into_iter()
        .map(|k| (k, active.iter().filter(|r| r.0 == k).count() as u64))
        .collect(),
        active: active.len() as u64,
        deregistered: deregistered.len() as u64,
        industry_associations: count(|r| r.2),
        charities: count(|r| r.3.is_some()),
        public_fundraising: count(|r| r.4.is_some()),
        abnormal: listed(SupervisionList::Abnormal),
        serious: listed(SupervisionList::Serious),
    })
}
