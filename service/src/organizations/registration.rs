//! Registration applications (登记申请): submitted by an organization's
//! applicant or an official on their behalf, accepted (受理), then approved
//! with a new unified social credit code (准予登记) or rejected with a reason.

use entity::app_user::{self, Role};
use entity::organization;
use entity::registration_application::{self, ApplicationStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::SecretString;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::workflow::{self, RegistrationAction};
use super::{Particulars, Snapshot, insert_new};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::credit_code::CreditCode;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::outbox::{Email, Template};
use crate::page::{self, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;
use crate::{tenants, throttle, users};

#[derive(Serialize)]
struct ApplicationSnapshot {
    status: ApplicationStatus,
    decision_reason: Option<String>,
    organization_id: Option<Uuid>,
}

impl From<&registration_application::Model> for ApplicationSnapshot {
    fn from(a: &registration_application::Model) -> Self {
        Self {
            status: a.status,
            decision_reason: a.decision_reason.clone(),
            organization_id: a.organization_id,
        }
    }
}

pub async fn submit(
    db: &Db,
    ctx: &TenantContext,
    particulars: Particulars,
    idempotency_key: Option<&str>,
) -> Result<registration_application::Model> {
    let (applicant, _) = ctx.require_role(&[Role::OrgStaff, Role::CityOfficial])?;
    let application = new_application(ctx, particulars.parse()?, applicant);
    let fingerprint = json!({
        "name": application.name, "kind": application.kind, "scope": application.business_scope,
        "address": application.registered_address, "legal": application.legal_representative,
        "unit": application.supervising_unit, "email": application.contact_email,
        "association": application.is_industry_association,
    });
    let mut tx = db.write(ctx).await?;
    if let Some(id) = tx
        .replayed(idempotency_key, "registration.submit", &fingerprint)
        .await?
    {
        drop(tx);
        return get(db, ctx, id).await;
    }
    super::ensure_name_free(tx.conn(), ctx, &application.name, None).await?;
    registration_application::Entity::insert(registration_application::ActiveModel::from(application.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.commit(
        AuditEvent::new("registration.submit", "registration_application", application.id).created(&json!({
            "name": application.name, "kind": application.kind, "status": application.status,
        })),
    )
    .await?;
    Ok(application)
}

/// A founder applying without an account: the account they will sign in
/// with to follow the application.
pub struct Applicant {
    pub username: String,
    pub display_name: String,
    pub password: SecretString,
    /// zh-CN or en: the emails' language.
    pub language: Option<String>,
}

/// Apply to register an organization without an account (a founder, from
/// the city's public pages): the application and the applicant's account,
/// staff of no organization until approval, in one transaction. The
/// applicant is told by email; applications from one address are
/// throttled, since each opens an account.
pub async fn apply(
    db: &Db,
    ctx: &TenantContext,
    particulars: Particulars,
    applicant: Applicant,
    idempotency_key: Option<&str>,
) -> Result<registration_application::Model> {
    if ctx.user_id().is_some() {
        return Err(Error::forbidden(
            "you are signed in: apply from your own organization's page",
        ));
    }
    let address = throttle::Key::address(&throttle::APPLY_ADDRESS, ctx.request.client_addr.as_deref());
    throttle::check(db, &[&address]).await?;
    let p = particulars.parse()?;
    let account = users::parse_applicant(users::NewUser {
        username: applicant.username,
        display_name: applicant.display_name,
        email: p.contact_email.clone(),
        password: applicant.password,
        role: Role::OrgStaff,
        organization_id: None,
        language: applicant.language,
    })?;
    let fingerprint = json!({
        "name": p.name, "kind": p.kind, "scope": p.business_scope, "address": p.registered_address,
        "legal": p.legal_representative, "unit": p.supervising_unit, "email": p.contact_email,
        "association": p.is_industry_association, "account": account.fingerprint(),
    });
    let account = users::hash_new_user(account).await?;
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let mut tx = db.write(ctx).await?;
    if let Some(id) = tx.replayed(idempotency_key, "registration.apply", &fingerprint).await? {
        drop(tx);
        let read = db.read(ctx).await?;
        let application = registration_application::Entity::find_owned(&read, ctx, id).await?;
        read.commit().await?;
        return Ok(application);
    }
    super::ensure_name_free(tx.conn(), ctx, &p.name, None).await?;
    let user = users::insert(tx.conn(), ctx.tenant_id, account).await?;
    let application = new_application(ctx, p, user.id);
    registration_application::Entity::insert(registration_application::ActiveModel::from(application.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.send_email(Email {
        to: application.contact_email.clone(),
        language: user.language.clone(),
        template: Template::ApplicationReceived,
        context: json!({
            "name": application.name, "display_name": user.display_name, "username": user.username,
            "tenant_name": city.name, "application_id": application.id,
            "date": clock::china_date(application.submitted_at).to_string(),
            "login_url": format!("{}/login", db.public_url()),
        }),
    })
    .await?;
    tx.commit(
        AuditEvent::new("registration.apply", "registration_application", application.id).created(&json!({
            "name": application.name, "kind": application.kind, "status": application.status,
            "applicant": user.username,
        })),
    )
    .await?;
    // Counted once it is made: a refused form costs the address nothing.
    throttle::failed(db, &[&address]).await?;
    Ok(application)
}

/// A submitted application of `applicant` with checked particulars.
fn new_application(ctx: &TenantContext, p: Particulars, applicant: Uuid) -> registration_application::Model {
    registration_application::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        status: ApplicationStatus::Submitted,
        applicant_user_id: applicant,
        contact_email: p.contact_email,
        name: p.name,
        kind: p.kind,
        is_industry_association: p.is_industry_association,
        business_scope: p.business_scope,
        registered_address: p.registered_address,
        legal_representative: p.legal_representative,
        supervising_unit: p.supervising_unit,
        decision_reason: None,
        decided_by: None,
        organization_id: None,
        submitted_at: clock::now(),
        accepted_at: None,
        decided_at: None,
        overdue_notified_at: None,
    }
}

/// Officials see every application of their city; applicants their own.
pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<registration_application::Model> {
    let (me, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let tx = db.read(ctx).await?;
    let application = registration_application::Entity::find_owned_opt(&tx, ctx, id)
        .await?
        .filter(|a| role == Role::CityOfficial || a.applicant_user_id == me)
        .ok_or(Error::NotFound("registration application"))?;
    tx.commit().await?;
    Ok(application)
}

pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    status: Option<ApplicationStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<registration_application::Model>> {
    let (me, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = registration_application::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        query = query.filter(registration_application::Column::ApplicantUserId.eq(me));
    }
    if let Some(status) = status {
        query = query.filter(registration_application::Column::Status.eq(status));
    }
    page::fetch_by_id(db, ctx, query, registration_application::Column::Id, page).await
}

/// Accept, approve or reject. Approval registers the organization with a
/// new credit code in the same transaction.
pub async fn decide(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    action: RegistrationAction,
    reason: Option<&str>,
) -> Result<registration_application::Model> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    let reason = match action {
        RegistrationAction::Reject => Some(validate::required_text("reason", reason.unwrap_or_default(), 1000)?),
        _ => None,
    };
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    let before = registration_application::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let status = workflow::registration(before.status, action)?;
    let now = clock::now();
    let today = crate::clock::today();
    let mut after = registration_application::Model {
        status,
        ..before.clone()
    };
    let (event, template, mut context) = match action {
        RegistrationAction::Accept => {
            after.accepted_at = Some(now);
            ("registration.accept", Template::ApplicationAccepted, json!({}))
        }
        RegistrationAction::Reject => {
            after.decision_reason = reason.clone();
            after.decided_by = Some(official);
            after.decided_at = Some(now);
            (
                "registration.reject",
                Template::ApplicationRejected,
                json!({ "reason": reason }),
            )
        }
        RegistrationAction::Approve => {
            super::ensure_name_free(tx.conn(), ctx, &before.name, None).await?;
            let code = new_credit_code(tx.conn(), ctx, &before, &city.division_code).await?;
            let particulars = Particulars {
                name: before.name.clone(),
                kind: before.kind,
                is_industry_association: before.is_industry_association,
                business_scope: before.business_scope.clone(),
                registered_address: before.registered_address.clone(),
                legal_representative: before.legal_representative.clone(),
                supervising_unit: before.supervising_unit.clone(),
                contact_email: before.contact_email.clone(),
            };
            let org = insert_new(tx.conn(), ctx, particulars, &code, today, "registration").await?;
            let account = attach_applicant(tx.conn(), ctx, before.applicant_user_id, org.id).await?;
            after.organization_id = Some(org.id);
            after.decided_by = Some(official);
            after.decided_at = Some(now);
            let snapshot = serde_json::to_value(Snapshot::from(&org)).map_err(Error::internal)?;
            (
                "registration.approve",
                Template::ApplicationApproved,
                json!({
                    "credit_code": code.as_str(), "organization": snapshot, "account": account,
                    "report_rule": super::annual_reports::due_rule(org.kind).0,
                    "report_rule_en": super::annual_reports::due_rule(org.kind).1,
                }),
            )
        }
    };
    registration_application::Entity::save_owned(tx.conn(), after.clone()).await?;
    if let serde_json::Value::Object(map) = &mut context {
        map.insert("name".into(), json!(after.name));
        map.insert("date".into(), json!(today.to_string()));
        map.insert("application_id".into(), json!(after.id));
        map.insert("tenant_name".into(), json!(city.name));
    }
    tx.send_email(Email {
        to: after.contact_email.clone(),
        language: "zh-CN".into(),
        template,
        context,
    })
    .await?;
    tx.commit(
        AuditEvent::new(event, "registration_application", id)
            .organization(after.organization_id)
            .changed(&ApplicationSnapshot::from(&before), &ApplicationSnapshot::from(&after)),
    )
    .await?;
    Ok(after)
}

/// An applicant who applied without an organization (a founder) becomes
/// staff of the one just registered; their username, for the email. An
/// official's or another organization's staff member stays as they are.
async fn attach_applicant(
    tx: &sea_orm::DatabaseTransaction,
    ctx: &TenantContext,
    applicant: Uuid,
    organization: Uuid,
) -> Result<Option<String>> {
    // (Applications entered for the demo name no account.)
    let Some(user) = app_user::Entity::lock_owned_opt(tx, ctx, applicant).await? else {
        return Ok(None);
    };
    if user.role != Role::OrgStaff || user.organization_id.is_some() {
        return Ok(None);
    }
    let username = user.username.clone();
    app_user::Entity::save_owned(
        tx,
        app_user::Model {
            organization_id: Some(organization),
            updated_at: clock::now(),
            ..user
        },
    )
    .await?;
    Ok(Some(username))
}

/// A fresh code in the city's division: an organization code body drawn
/// from the id's random bits, redrawn on the (rare) clash.
async fn new_credit_code(
    tx: &sea_orm::DatabaseTransaction,
    ctx: &TenantContext,
    application: &registration_application::Model,
    division_code: &str,
) -> Result<CreditCode> {
    const BODY_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    for _ in 0..8 {
        let bits = Uuid::now_v7().as_u128() ^ application.id.as_u128().rotate_left(64);
        let body: String = (0..8)
            .map(|i| BODY_ALPHABET[((bits >> (i * 5)) % 31) as usize] as char)
            .collect();
        let code = CreditCode::assemble(application.kind, division_code, &body)?;
        let taken = organization::Entity::scoped(ctx)
            .filter(organization::Column::CreditCode.eq(code.as_str()))
            .count(tx)
            .await?;
        if taken == 0 {
            return Ok(code);
        }
    }
    Err(Error::internal(anyhow::anyhow!("no free credit code after 8 draws")))
}
