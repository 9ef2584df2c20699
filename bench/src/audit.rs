//! Audit records that extend each city's hash chain from its current head,
//! hashed exactly as the application hashes them, so the chain verifies.

use anyhow::Result;
use chrono::{Duration, Utc};
use entity::audit_log;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::sqlx::postgres::PgPool;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use service::audit::record_hash;

use crate::gifts::Ledger;
use crate::load::{Copy, opt};
use crate::{City, id_at};

pub async fn load(
    db: &DatabaseConnection,
    pool: &PgPool,
    rng: &mut ChaCha8Rng,
    cities: &[City],
    ledger: &Ledger,
    count: usize,
) -> Result<()> {
    let columns = "tenant_id, seq, id, occurred_at, actor_kind, actor_user_id, actor_role, organization_id, action, \
                   entity_type, entity_id, changes, request_id, client_addr, prev_hash, hash";
    let mut copy = Copy::begin(pool, "audit_log", columns).await?;
    let mut heads = Vec::new();
    for (c, city) in cities.iter().enumerate() {
        let head = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT seq, hash, updated_at FROM audit_head WHERE tenant_id = $1",
                [city.id.into()],
            ))
            .await?;
        let (mut seq, mut prev, start): (i64, String, chrono::DateTime<Utc>) = match head {
            Some(r) => (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?),
            None => (0, service::audit::GENESIS_HASH.to_owned(), Utc::now()),
        };
        let gifts = &ledger.gifts[c];
        let share = count / cities.len() + usize::from(c < count % cities.len());
        let mut at = start;
        for _ in 0..share {
            seq += 1;
            at += Duration::milliseconds(rng.random_range(1..50));
            let (donation, organization) = gifts[rng.random_range(0..gifts.len().max(1))];
            let mut record = audit_log::Model {
                tenant_id: city.id,
                seq,
                id: id_at(rng, at),
                occurred_at: at,
                actor_kind: "user".to_owned(),
                actor_user_id: Some(uuid::Uuid::nil()),
                actor_role: Some("org_staff".to_owned()),
                organization_id: Some(organization),
                action: "donation.record".to_owned(),
                entity_type: "donation".to_owned(),
                entity_id: donation.to_string(),
                changes: serde_json::json!({"after": {"generated": true}}).to_string(),
                request_id: None,
                client_addr: None,
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            record.hash = record_hash(&record);
            copy.row([
                record.tenant_id.to_string(),
                record.seq.to_string(),
                record.id.to_string(),
                record.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                record.actor_kind.clone(),
                opt(record.actor_user_id),
                opt(record.actor_role.clone()),
                opt(record.organization_id),
                record.action.clone(),
                record.entity_type.clone(),
                record.entity_id.clone(),
                record.changes.clone(),
                opt(record.request_id.clone()),
                opt(record.client_addr.clone()),
                record.prev_hash.clone(),
                record.hash.clone(),
            ])
            .await?;
            prev = record.hash;
        }
        heads.push((city.id, seq, prev, at));
    }
    copy.finish().await?;
    for (tenant, seq, hash, at) in heads {
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO audit_head (tenant_id, seq, hash, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at",
            [tenant.into(), seq.into(), hash.into(), at.into()],
        ))
        .await?;
    }
    Ok(())
}
