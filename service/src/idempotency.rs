//! Idempotency keys. A creating mutation may carry a key; the same key from
//! the same user within 24 hours replays the first result and writes
//! nothing, and the same key with different input is a CONFLICT. The key is
//! claimed inside the mutation's own transaction and completed at its
//! commit (see [`crate::db::WriteTx::idempotent`]), so a rolled-back
//! mutation leaves no claim behind.

use chrono::Duration;
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock;
use crate::context::TenantContext;
use crate::error::{Error, Result, is_unique_violation};
use crate::scoped::TenantOwned;

/// How long a key is remembered.
pub const KEY_LIFETIME_HOURS: i64 = 24;
const MAX_KEY_LEN: usize = 128;

/// A key this transaction claimed; completed with the created entity's id.
pub(crate) struct ClaimedKey {
    tenant_id: Uuid,
    user_id: Uuid,
    key: String,
}

pub(crate) enum Claim {
    Fresh(ClaimedKey),
    /// The id of what the first request created.
    Replay(String),
}

pub(crate) async fn claim(
    tx: &DatabaseTransaction,
    ctx: &TenantContext,
    key: &str,
    operation: &'static str,
    input: &impl Serialize,
) -> Result<Claim> {
    let key = key.trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::validation(
            "idempotencyKey",
            format!("idempotencyKey must be 1 to {MAX_KEY_LEN} printable ASCII characters, like a UUID"),
            format!("幂等键须为 1 至 {MAX_KEY_LEN} 个可打印 ASCII 字符（如 UUID）；请刷新页面后重新提交"),
        ));
    }
    // A public form (applying without an account) claims its key as nobody:
    // the key is a random token that only that form's reader holds.
    let user_id = ctx.user_id().unwrap_or(Uuid::nil());
    let request_hash = request_hash(operation, input);
    let now = clock::now();
    let this_key = Condition::all()
        .add(idempotency_key::Column::UserId.eq(user_id))
        .add(idempotency_key::Column::Key.eq(key));
    let existing = idempotency_key::Entity::scoped(ctx)
        .filter(this_key.clone())
        .one(tx)
        .await?;
    if let Some(existing) = existing {
        if existing.created_at > now - Duration::hours(KEY_LIFETIME_HOURS) {
            return match existing.entity_id {
                Some(id) if existing.request_hash == request_hash => Ok(Claim::Replay(id)),
                Some(_) => Err(Error::conflict(
                    "this idempotencyKey was already used for a different request: use a new key for a new request",
                    "该幂等键已用于另一个不同的请求；新的请求请使用新的键（网页上请刷新后重新填写）",
                )),
                None => Err(Error::conflict(
                    "a request with this idempotencyKey is still in progress: retry shortly",
                    "使用该幂等键的请求正在处理中，请稍后再试",
                )),
            };
        }
        // Expired: the key may be used afresh.
        idempotency_key::Entity::scoped_delete(ctx)
            .filter(this_key)
            .exec(tx)
            .await?;
    }
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        user_id: Set(user_id),
        key: Set(key.to_owned()),
        operation: Set(operation.to_owned()),
        request_hash: Set(request_hash),
        entity_id: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            // A concurrent request with the same key committed first.
            Error::conflict(
                "a request with this idempotencyKey was just made: retry to receive its result",
                "使用该幂等键的请求刚刚已提交，请重试以取得其结果",
            )
        } else {
            e.into()
        }
    })?;
    Ok(Claim::Fresh(ClaimedKey {
        tenant_id: ctx.tenant_id,
        user_id,
        key: key.to_owned(),
    }))
}

/// Record what the request created, in the same transaction.
pub(crate) async fn complete(tx: &DatabaseTransaction, claimed: ClaimedKey, entity_id: &str) -> Result<()> {
    idempotency_key::Entity::update(idempotency_key::ActiveModel {
        tenant_id: Set(claimed.tenant_id),
        user_id: Set(claimed.user_id),
        key: Set(claimed.key),
        entity_id: Set(Some(entity_id.to_owned())),
        ..Default::default()
    })
    .exec(tx)
    .await?;
    Ok(())
}

fn request_hash(operation: &str, input: &impl Serialize) -> String {
    let body = serde_json::to_string(input).unwrap_or_default();
    hex::encode(Sha256::digest(format!("{operation}\n{body}").as_bytes()))
}
