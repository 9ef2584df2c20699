//! The audit trail: one record per committed business event, chained per
//! tenant by SHA-256 so that rewriting any record breaks every later link.
//!
//! Records are appended only by [`crate::db::WriteTx::commit`], inside the
//! transaction of the change they describe: a change that rolls back leaves
//! no record, one that commits always has one.

use chrono::{DateTime, Utc};
use entity::app_user::Role;
use entity::{audit_head, audit_log};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock;
use crate::context::{Actor, TenantContext, role_name};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::page::{self, Order, Page, PageRequest};
use crate::scoped::TenantOwned;

/// The hash a chain starts from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a mutation tells the trail about itself.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub organization_id: Option<Uuid>,
    pub changes: Value,
}

impl AuditEvent {
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity_type,
            entity_id: entity_id.to_string(),
            organization_id: None,
            changes: json!({}),
        }
    }

    /// The organization the event concerns; its staff may read the record.
    pub fn organization(mut self, organization_id: Option<Uuid>) -> Self {
        self.organization_id = organization_id;
        self
    }

    /// A record that came into being: everything is "after".
    pub fn created(mut self, after: &impl Serialize) -> Self {
        self.changes = json!({ "before": Value::Null, "after": to_value(after) });
        self
    }

    /// A record that changed: only the fields that differ, before and after.
    pub fn changed(mut self, before: &impl Serialize, after: &impl Serialize) -> Self {
        let (before, after) = (to_value(before), to_value(after));
        let (mut old, mut new) = (Map::new(), Map::new());
        if let (Value::Object(b), Value::Object(a)) = (&before, &after) {
            for (key, value) in a {
                let previous = b.get(key).cloned().unwrap_or(Value::Null);
                if &previous != value {
                    old.insert(key.clone(), previous);
                    new.insert(key.clone(), value.clone());
                }
            }
        }
        self.changes = json!({ "before": old, "after": new });
        self
    }

    /// Free-form detail for events that are not a row change (a sign-in).
    pub fn detail(mut self, detail: Value) -> Self {
        self.changes = json!({ "before": Value::Null, "after": detail });
        self
    }
}

fn to_value(value: &impl Serialize) -> Value {
    // Serialising our own plain structs cannot fail; Null keeps the record
    // honest if it ever did rather than aborting the business event.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Append one record to the tenant's chain. Locks the chain head first, so
/// concurrent writers in one tenant queue here instead of forking.
pub(crate) async fn append(tx: &DatabaseTransaction, ctx: &TenantContext, event: AuditEvent) -> Result<()> {
    let head = lock_head(tx, ctx.tenant_id).await?;
    let (actor_kind, actor_user_id, actor_role) = actor_columns(&ctx.actor);
    let record = audit_log::Model {
        tenant_id: ctx.tenant_id,
        seq: head.seq + 1,
        id: Uuid::now_v7(),
        // Microseconds: what PostgreSQL stores, so the hash survives a round trip.
        occurred_at: clock::now(),
        actor_kind: actor_kind.to_owned(),
        actor_user_id,
        actor_role: actor_role.map(str::to_owned),
        organization_id: event.organization_id,
        action: event.action.to_owned(),
        entity_type: event.entity_type.to_owned(),
        entity_id: event.entity_id,
        changes: event.changes.to_string(),
        request_id: ctx.request.request_id.clone(),
        client_addr: ctx.request.client_addr.clone(),
        prev_hash: head.hash,
        hash: String::new(),
    };
    let hash = record_hash(&record);
    let record = audit_log::Model { hash, ..record };
    audit_head::Entity::update(audit_head::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        seq: Set(record.seq),
        hash: Set(record.hash.clone()),
        updated_at: Set(record.occurred_at),
    })
    .exec(tx)
    .await?;
    audit_log::Entity::insert(audit_log::ActiveModel::from(record))
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// Make sure the head row exists, then take its row lock (on SQLite the
/// `BEGIN IMMEDIATE` of every write transaction already serialises).
pub(crate) async fn lock_head(tx: &DatabaseTransaction, tenant_id: Uuid) -> Result<audit_head::Model> {
    audit_head::Entity::insert(audit_head::ActiveModel {
        tenant_id: Set(tenant_id),
        seq: Set(0),
        hash: Set(GENESIS_HASH.to_owned()),
        updated_at: Set(clock::now()),
    })
    .on_conflict(OnConflict::column(audit_head::Column::TenantId).do_nothing().to_owned())
    .exec_without_returning(tx)
    .await?;
    audit_head::Entity::scoped(tenant_id)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("audit head missing after insert")))
}

fn actor_columns(actor: &Actor) -> (&'static str, Option<Uuid>, Option<&'static str>) {
    match actor {
        Actor::Anonymous => ("anonymous", None, None),
        Actor::System => ("system", None, None),
        Actor::User { id, role, .. } => ("user", Some(*id), Some(role_name(*role))),
    }
}

/// SHA-256 over a canonical serialisation: a JSON array of every field but
/// the hash itself, in a fixed order.
pub fn record_hash(r: &audit_log::Model) -> String {
    let canonical = json!([
        r.tenant_id,
        r.seq,
        r.id,
        r.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        r.actor_kind,
        r.actor_user_id,
        r.actor_role,
        r.organization_id,
        r.action,
        r.entity_type,
        r.entity_id,
        r.changes,
        r.request_id,
        r.client_addr,
        r.prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The public head of a tenant's chain: whoever saved an earlier head can
/// later check that the chain still extends it.
#[derive(Clone, Debug, Serialize)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
    pub updated_at: Option<DateTime<Utc>>,
}

pub async fn head(db: &Db, ctx: &TenantContext) -> Result<ChainHead> {
    let tx = db.read(ctx).await?;
    let head = audit_head::Entity::scoped(ctx).one(&tx).await?;
    tx.commit().await?;
    Ok(match head {
        Some(h) => ChainHead {
            seq: h.seq,
            hash: h.hash,
            updated_at: Some(h.updated_at),
        },
        None => ChainHead {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
            updated_at: None,
        },
    })
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    pub records_checked: i64,
    pub head: ChainHead,
    /// The first record that does not verify, if any.
    pub first_broken: Option<BrokenLink>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BrokenLink {
    pub seq: i64,
    pub id: Uuid,
    pub reason: String,
}

/// Walk the tenant's chain from the start and report the first record whose
/// hash, link or position does not verify. Officials only (or the CLI, which
/// acts as the system).
pub async fn verify(db: &Db, ctx: &TenantContext) -> Result<VerifyReport> {
    if ctx.actor != Actor::System {
        ctx.require_role(&[Role::CityOfficial, Role::RegionOfficial, Role::PlatformAdmin])?;
    }
    const BATCH: u64 = 1000;
    let head = head(db, ctx).await?;
    let tx = db.read(ctx).await?;
    let (mut expected_seq, mut prev_hash, mut checked) = (1_i64, GENESIS_HASH.to_owned(), 0_i64);
    let mut first_broken = None;
    'walk: loop {
        let batch = audit_log::Entity::scoped(ctx)
            .filter(audit_log::Column::Seq.gte(expected_seq))
            // Records appended after the head was read are not this walk's.
            .filter(audit_log::Column::Seq.lte(head.seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(BATCH)
            .all(&tx)
            .await?;
        let done = (batch.len() as u64) < BATCH;
        for record in batch {
            checked += 1;
            let reason = if record.seq != expected_seq {
                Some(format!(
                    "expected position {expected_seq}, found {}: records are missing",
                    record.seq
                ))
            } else if record.prev_hash != prev_hash {
                Some("its link to the previous record does not match".to_owned())
            } else if record_hash(&record) != record.hash {
                Some("its content does not match its hash: the record was altered".to_owned())
            } else {
                None
            };
            if let Some(reason) = reason {
                first_broken = Some(BrokenLink {
                    seq: record.seq,
                    id: record.id,
                    reason,
                });
                break 'walk;
            }
            expected_seq += 1;
            prev_hash = record.hash;
        }
        if done {
            break;
        }
    }
    tx.commit().await?;
    if first_broken.is_none() && (head.seq != expected_seq - 1 || head.hash != prev_hash) {
        first_broken = Some(BrokenLink {
            seq: head.seq,
            id: Uuid::nil(),
            reason: format!(
                "the chain ends at position {} but the head says {}: records were removed or the head rewritten",
                expected_seq - 1,
                head.seq
            ),
        });
    }
    Ok(VerifyReport {
        records_checked: checked,
        head,
        first_broken,
    })
}

/// Filters for reading the trail. All optional; combined with AND.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<Uuid>,
    /// What concerned one organization: its own records and, say, the
    /// registration application that made it.
    pub organization_id: Option<Uuid>,
    pub action: Option<String>,
    /// Any of these actions (a search by words: every code whose name
    /// matched); an empty list matches nothing.
    pub actions: Option<Vec<String>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first. City officials read their tenant's whole trail; org staff
/// only the records about their own organization; everyone else nothing.
pub async fn search(
    db: &Db,
    ctx: &TenantContext,
    filter: AuditFilter,
    page: PageRequest<i64>,
) -> Result<Page<audit_log::Model>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff, Role::PlatformAdmin])?;
    let mut query = audit_log::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        let org = ctx
            .organization_id()
            .ok_or_else(|| Error::forbidden("this account is not attached to an organization"))?;
        query = query.filter(audit_log::Column::OrganizationId.eq(org));
    }
    if let Some(v) = filter.entity_type {
        query = query.filter(audit_log::Column::EntityType.eq(v));
    }
    if let Some(v) = filter.entity_id {
        query = query.filter(audit_log::Column::EntityId.eq(v));
    }
    if let Some(v) = filter.actor_user_id {
        query = query.filter(audit_log::Column::ActorUserId.eq(v));
    }
    if let Some(v) = filter.organization_id {
        query = query.filter(audit_log::Column::OrganizationId.eq(v));
    }
    if let Some(v) = filter.action {
        query = query.filter(audit_log::Column::Action.eq(v));
    }
    if let Some(v) = filter.actions {
        query = query.filter(audit_log::Column::Action.is_in(v));
    }
    if let Some(v) = filter.from {
        query = query.filter(audit_log::Column::OccurredAt.gte(v));
    }
    if let Some(v) = filter.to {
        query = query.filter(audit_log::Column::OccurredAt.lt(v));
    }
    let tx = db.read(ctx).await?;
    let page = page::fetch(&tx, query, audit_log::Column::Seq, Order::NewestFirst, page).await?;
    tx.commit().await?;
    Ok(page)
}
