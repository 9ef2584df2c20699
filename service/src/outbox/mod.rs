//! The email outbox. A business event that tells someone by mail inserts a
//! rendered message here, in its own transaction ([`crate::db::WriteTx::send_email`]);
//! the [`worker`] delivers it later, with retries, and nothing ever sends
//! mail inline.

pub mod mailer;
mod templates;
pub mod worker;

use entity::app_user::Role;
use entity::email_outbox::{self, EmailStatus};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::page::{self, Order, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};

pub use templates::Template;

/// A message to send: who, in which language, which template with what.
pub struct Email<C: Serialize> {
    pub to: String,
    /// `zh-CN` or `en`; anything else falls back to `zh-CN`.
    pub language: String,
    pub template: Template,
    pub context: C,
}

/// Render and queue a message in the caller's transaction.
pub(crate) async fn enqueue<C: Serialize>(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    email: Email<C>,
) -> Result<Uuid> {
    let language = templates::language(&email.language);
    let rendered = templates::render(email.template, language, &email.context)?;
    let now = clock::now();
    let id = Uuid::now_v7();
    email_outbox::Entity::insert(email_outbox::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        recipient: Set(email.to),
        language: Set(language.to_owned()),
        template: Set(email.template.name().to_owned()),
        subject: Set(rendered.subject),
        text_body: Set(rendered.text),
        html_body: Set(rendered.html),
        status: Set(EmailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    })
    .exec_without_returning(tx)
    .await?;
    Ok(id)
}

/// The tenant's outbox, newest first, optionally of one status: officials
/// watch for dead letters here.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    status: Option<EmailStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<email_outbox::Model>> {
    ctx.require_role(&[Role::CityOfficial, Role::PlatformAdmin])?;
    let mut query = email_outbox::Entity::scoped(ctx);
    if let Some(status) = status {
        query = query.filter(email_outbox::Column::Status.eq(status));
    }
    let tx = db.read(ctx).await?;
    let page = page::fetch(&tx, query, email_outbox::Column::Id, Order::NewestFirst, page).await?;
    tx.commit().await?;
    Ok(page)
}

/// Send a dead letter back to the queue for a fresh round of attempts.
pub async fn retry(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<email_outbox::Model> {
    ctx.require_role(&[Role::CityOfficial, Role::PlatformAdmin])?;
    let tx = db.write(ctx).await?;
    let before = email_outbox::Entity::lock_owned(tx.conn(), ctx, id).await?;
    if before.status != EmailStatus::Dead {
        return Err(Error::conflict(
            "only an email that gave up (status dead) can be retried",
            "只有发送失败的邮件才能重新发送",
        ));
    }
    let now = clock::now();
    let after = email_outbox::Model {
        status: EmailStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        lease_until: None,
        ..before.clone()
    };
    email_outbox::Entity::update(email_outbox::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        status: Set(after.status),
        attempts: Set(after.attempts),
        next_attempt_at: Set(after.next_attempt_at),
        lease_until: Set(None),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    tx.commit(AuditEvent::new("email.retry", "email", id).changed(&Snapshot::from(&before), &Snapshot::from(&after)))
        .await?;
    Ok(after)
}

#[derive(Serialize)]
struct Snapshot {
    status: EmailStatus,
    attempts: i32,
}

impl From<&email_outbox::Model> for Snapshot {
    fn from(m: &email_outbox::Model) -> Self {
        Self {
            status: m.status,
            attempts: m.attempts,
        }
    }
}
