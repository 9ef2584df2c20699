//! Change applications, "one window" (社会组织变更一件事): one application
//! changes several registered items at once; the approved change applies
//! them all in one transaction as a new version.

use entity::app_user::Role;
use entity::change_application::{self, ChangeStatus};
use entity::organization;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::workflow::{self, ChangeAction};
use super::{Snapshot, load_for_update, require_access, save_version};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::outbox::{Email, Template};
use crate::page::{self, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::tenants;
use crate::validate;

/// The items one application may change. Absent items stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChangeItems {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_scope: Option<String>,
}

impl ChangeItems {
    fn parse(self) -> Result<Self> {
        let items = Self {
            name: validate::optional_text("name", self.name.as_deref(), 200)?,
            registered_address: validate::optional_text("registeredAddress", self.registered_address.as_deref(), 300)?,
            legal_representative: validate::optional_text(
                "legalRepresentative",
                self.legal_representative.as_deref(),
                100,
            )?,
            business_scope: validate::optional_text("businessScope", self.business_scope.as_deref(), 2000)?,
        };
        if items == Self::default() {
            return Err(Error::validation(
                "changes",
                "name at least one item to change",
                "请至少填写一项变更事项",
            ));
        }
        Ok(items)
    }

    /// The Chinese names of the items, for notices.
    pub fn labels(&self) -> String {
        [
            (self.name.is_some(), "名称"),
            (self.registered_address.is_some(), "住所"),
            (self.legal_representative.is_some(), "法定代表人"),
            (self.business_scope.is_some(), "业务范围"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, label)| *label)
        .collect::<Vec<_>>()
        .join("、")
    }

    fn apply(&self, org: &organization::Model) -> organization::Model {
        organization::Model {
            name: self.name.clone().unwrap_or_else(|| org.name.clone()),
            registered_address: self
                .registered_address
                .clone()
                .unwrap_or_else(|| org.registered_address.clone()),
            legal_representative: self
                .legal_representative
                .clone()
                .unwrap_or_else(|| org.legal_representative.clone()),
            business_scope: self
                .business_scope
                .clone()
                .unwrap_or_else(|| org.business_scope.clone()),
            ..org.clone()
        }
    }
}

pub fn items_of(application: &change_application::Model) -> Result<ChangeItems> {
    serde_json::from_str(&application.changes).map_err(Error::internal)
}

/// Staff of the organization (or an official) file a change.
pub async fn submit(
    db: &Db,
    ctx: &TenantContext,
    organization_id: Uuid,
    items: ChangeItems,
    idempotency_key: Option<&str>,
) -> Result<change_application::Model> {
    let (me, _) = ctx.require_user()?;
    require_access(ctx, organization_id)?;
    let items = items.parse()?;
    let changes = serde_json::to_string(&items).map_err(Error::internal)?;
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({ "organization": organization_id, "changes": items });
    if let Some(id) = tx.replayed(idempotency_key, "change.submit", &fingerprint).await? {
        drop(tx);
        return get(db, ctx, id).await;
    }
    load_for_update(tx.conn(), ctx, organization_id).await?;
    let pending = change_application::Entity::scoped(ctx)
        .filter(change_application::Column::OrganizationId.eq(organization_id))
        .filter(change_application::Column::Status.eq(ChangeStatus::Submitted))
        .one(tx.conn())
        .await?;
    if pending.is_some() {
        return Err(Error::conflict(
            "a change application of this organization is already waiting: put every item in that one",
            "本组织已有一份待审核的变更申请，请将所有变更事项填在该申请中",
        ));
    }
    let application = change_application::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id,
        status: ChangeStatus::Submitted,
        submitted_by: me,
        changes,
        comment: None,
        decided_by: None,
        submitted_at: clock::now(),
        decided_at: None,
    };
    change_application::Entity::insert(change_application::ActiveModel::from(application.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.commit(
        AuditEvent::new("change.submit", "change_application", application.id)
            .organization(Some(organization_id))
            .created(&json!({ "changes": items })),
    )
    .await?;
    Ok(application)
}

pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<change_application::Model> {
    ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let tx = db.read(ctx).await?;
    let application = change_application::Entity::find_owned_opt(&tx, ctx, id)
        .await?
        .filter(|a| require_access(ctx, a.organization_id).is_ok())
        .ok_or(Error::NotFound("change application"))?;
    tx.commit().await?;
    Ok(application)
}

pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    status: Option<ChangeStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<change_application::Model>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let mut query = change_application::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        query = query.filter(change_application::Column::OrganizationId.eq(ctx.organization_id()));
    }
    if let Some(status) = status {
        query = query.filter(change_application::Column::Status.eq(status));
    }
    page::fetch_by_id(db, ctx, query, change_application::Column::Id, page).await
}

/// Approve (apply every item as one new version) or return with a comment.
pub async fn decide(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    action: ChangeAction,
    comment: Option<&str>,
) -> Result<change_application::Model> {
    let (official, _) = ctx.require_role(&[Role::CityOfficial])?;
    let comment = match action {
        ChangeAction::Return => Some(validate::required_text("comment", comment.unwrap_or_default(), 1000)?),
        ChangeAction::Approve => validate::optional_text("comment", comment, 1000)?,
    };
    let city = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    let before = change_application::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let status = workflow::change(before.status, action)?;
    let org = load_for_update(tx.conn(), ctx, before.organization_id).await?;
    let items = items_of(&before)?;
    let now = clock::now();
    let after = change_application::Model {
        status,
        comment: comment.clone(),
        decided_by: Some(official),
        decided_at: Some(now),
        ..before.clone()
    };
    change_application::Entity::save_owned(tx.conn(), after.clone()).await?;
    let context = json!({
        "name": org.name, "date": crate::clock::today().to_string(), "items": items.labels(),
        "comment": comment, "tenant_name": city.name,
    });
    let (event, changes, template) = match action {
        ChangeAction::Approve => {
            if let Some(name) = &items.name {
                super::ensure_name_free(tx.conn(), ctx, name, Some(org.id)).await?;
            }
            let changed = save_version(tx.conn(), ctx, &org, items.apply(&org), "change", Some(id)).await?;
            let diff = AuditEvent::new("change.approve", "change_application", id)
                .changed(&Snapshot::from(&org), &Snapshot::from(&changed))
                .changes;
            ("change.approve", diff, Template::ChangeApproved)
        }
        ChangeAction::Return => (
            "change.return",
            json!({ "before": { "status": before.status }, "after": { "status": after.status, "comment": comment } }),
            Template::ChangeReturned,
        ),
    };
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template,
        context,
    })
    .await?;
    let mut event = AuditEvent::new(event, "change_application", id).organization(Some(org.id));
    event.changes = changes;
    tx.commit(event).await?;
    Ok(after)
}
