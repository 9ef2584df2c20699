//! The outbox worker: claims due rows, sends them, records the outcome.
//!
//! Claiming takes a lease (`status = sending`, `lease_until`) in a short
//! transaction, with `FOR UPDATE SKIP LOCKED` on PostgreSQL so several
//! workers never claim the same row; SQLite's single writer serialises
//! claims. The send happens outside any transaction. A worker that dies
//! mid-batch leaves its rows leased; when the lease runs out another worker
//! takes them over, so nothing committed is lost (delivery is at least
//! once, and the stable Message-ID lets receivers drop a repeat).

use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::email_outbox::{self, EmailStatus};
use entity::tenant;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use tokio_util::sync::CancellationToken;

use super::mailer::{Mailer, Sender};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::scoped::TenantOwned;

#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// Attempts before a row is dead-lettered.
    pub max_attempts: i32,
    /// Rows claimed per tenant per pass.
    pub batch_size: u64,
    /// How long a claim holds before another worker may take the row.
    pub lease: Duration,
    /// First retry delay; doubles with each attempt up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            // Small enough that a batch sent at the SMTP timeout (15 s a
            // message) finishes well inside the lease.
            batch_size: 10,
            lease: Duration::minutes(5),
            backoff_base: Duration::seconds(30),
            backoff_max: Duration::hours(2),
        }
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

pub struct Worker {
    db: Db,
    mailer: Arc<Mailer>,
    sender: Sender,
    settings: WorkerSettings,
}

impl Worker {
    pub fn new(db: Db, mailer: Arc<Mailer>, sender: Sender, settings: WorkerSettings) -> Self {
        Self {
            db,
            mailer,
            sender,
            settings,
        }
    }

    /// Deliver a pass every `poll` until `stop` is cancelled. A stop lets
    /// the email being sent finish and be recorded; the rest of its batch
    /// is handed back at once rather than left leased (see [`Self::deliver_until`]).
    pub async fn run(self, poll: std::time::Duration, stop: CancellationToken) {
        tracing::info!("outbox worker started");
        while !stop.is_cancelled() {
            match self.deliver_until(Utc::now(), &stop).await {
                Ok(d) if d != Delivered::default() => {
                    tracing::info!(sent = d.sent, retrying = d.retrying, dead = d.dead, "outbox pass")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "outbox pass failed"),
            }
            tokio::select! {
                () = stop.cancelled() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// One pass over every tenant: claim what is due at `now`, send it,
    /// record each outcome. `now` is a parameter so tests can move time.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<Delivered> {
        self.deliver_until(now, &CancellationToken::new()).await
    }

    /// A pass that ends early once `stop` is cancelled: it is checked
    /// between emails, never during one, and the claimed emails not yet
    /// sent are released so another worker sends them without waiting for
    /// the lease to run out.
    pub async fn deliver_until(&self, now: DateTime<Utc>, stop: &CancellationToken) -> Result<Delivered> {
        let mut delivered = Delivered::default();
        for tenant_id in self.tenant_ids().await? {
            if stop.is_cancelled() {
                break;
            }
            // One tenant's trouble must not starve the others' mail.
            if let Err(e) = self.deliver_tenant(tenant_id, now, stop, &mut delivered).await {
                tracing::error!(tenant = %tenant_id, error = ?e, "outbox delivery for a tenant failed");
            }
        }
        Ok(delivered)
    }

    async fn deliver_tenant(
        &self,
        tenant_id: Uuid,
        now: DateTime<Utc>,
        stop: &CancellationToken,
        delivered: &mut Delivered,
    ) -> Result<()> {
        while !stop.is_cancelled() {
            let batch = self.claim(tenant_id, now).await?;
            if batch.is_empty() {
                return Ok(());
            }
            let mut batch = batch.into_iter();
            while let Some(row) = batch.next() {
                if stop.is_cancelled() {
                    for unsent in std::iter::once(row).chain(batch.by_ref()) {
                        self.recorded(&unsent, || self.release(&unsent)).await?;
                    }
                    break;
                }
                match self.mailer.send(&self.sender, &row).await {
                    Ok(()) => {
                        let at = Utc::now();
                        self.recorded(&row, || self.mark_sent(&row, at)).await?;
                        delivered.sent += 1;
                    }
                    Err(e) => {
                        tracing::warn!(email = %row.id, attempts = row.attempts, permanent = e.permanent, error = %e.message, "email delivery failed");
                        if self.recorded(&row, || self.mark_failed(&row, now, e.permanent)).await? {
                            delivered.dead += 1;
                        } else {
                            delivered.retrying += 1;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Claim every due row of every tenant without sending: what a worker
    /// has done when it is killed mid-batch. For failure drills and tests.
    pub async fn claim_due(&self, now: DateTime<Utc>) -> Result<Vec<email_outbox::Model>> {
        let mut claimed = Vec::new();
        for tenant_id in self.tenant_ids().await? {
            claimed.extend(self.claim(tenant_id, now).await?);
        }
        Ok(claimed)
    }

    async fn tenant_ids(&self) -> Result<Vec<Uuid>> {
        Ok(tenant::Entity::find()
            .select_only()
            .column(tenant::Column::Id)
            .into_tuple()
            .all(self.db.pool())
            .await?)
    }

    /// Lease up to a batch of due rows of one tenant.
    async fn claim(&self, tenant_id: Uuid, now: DateTime<Utc>) -> Result<Vec<email_outbox::Model>> {
        let tx = self.db.write_bookkeeping(tenant_id).await?;
        let due = Condition::any()
            .add(
                Condition::all()
                    .add(email_outbox::Column::Status.eq(EmailStatus::Pending))
                    .add(email_outbox::Column::NextAttemptAt.lte(now)),
            )
            .add(
                Condition::all()
                    .add(email_outbox::Column::Status.eq(EmailStatus::Sending))
                    .add(email_outbox::Column::LeaseUntil.lt(now)),
            );
        let rows = email_outbox::Entity::scoped(tenant_id)
            .filter(due)
            .order_by_asc(email_outbox::Column::NextAttemptAt)
            .limit(self.settings.batch_size)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&tx)
            .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(rows);
        }
        // From the later of the pass's clock and the real one: a pass that
        // has been sending for a while must not hand out leases already
        // half spent.
        let lease_until = (Ord::max(now, Utc::now()) + self.settings.lease).trunc_subsecs(6);
        email_outbox::Entity::scoped_update(tenant_id)
            .col_expr(email_outbox::Column::Status, Expr::value(EmailStatus::Sending))
            .col_expr(email_outbox::Column::LeaseUntil, Expr::value(lease_until))
            .col_expr(
                email_outbox::Column::Attempts,
                Expr::col(email_outbox::Column::Attempts).add(1),
            )
            .filter(email_outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&tx)
            .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| email_outbox::Model {
                status: EmailStatus::Sending,
                lease_until: Some(lease_until),
                attempts: r.attempts + 1,
                ..r
            })
            .collect())
    }

    async fn mark_sent(&self, row: &email_outbox::Model, at: DateTime<Utc>) -> Result<()> {
        self.finish(
            row,
            email_outbox::ActiveModel {
                status: Set(EmailStatus::Sent),
                sent_at: Set(Some(at.trunc_subsecs(6))),
                lease_until: Set(None),
                last_error: Set(None),
                ..Default::default()
            },
        )
        .await
    }

    /// Write what became of an email, retrying while the database cannot be
    /// reached (found by the drill that restarts PostgreSQL under load):
    /// the email has gone out, or failed, and forgetting it would leave the
    /// row leased for minutes and then send it again. Gives up a little
    /// before the lease ends, when another worker may take the row over.
    async fn recorded<T, F, Fut>(&self, row: &email_outbox::Model, write: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let give_up = row.lease_until.unwrap_or_else(Utc::now) - Duration::seconds(10);
        loop {
            match write().await {
                Err(Error::Unavailable(e)) if Utc::now() < give_up => {
                    tracing::warn!(email = %row.id, error = %e, "the database is unreachable: retrying to record a delivery");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
                outcome => return outcome,
            }
        }
    }

    /// Hand a claimed but unsent email back: due as before, no lease, and
    /// the claim's attempt not counted (nothing was tried).
    async fn release(&self, row: &email_outbox::Model) -> Result<()> {
        self.finish(
            row,
            email_outbox::ActiveModel {
                status: Set(EmailStatus::Pending),
                lease_until: Set(None),
                attempts: Set(row.attempts - 1),
                ..Default::default()
            },
        )
        .await
    }

    /// Schedule the next attempt, or give up. Returns true when dead. The
    /// stored reason is a plain category for officials; the transport's own
    /// words went to the log.
    async fn mark_failed(&self, row: &email_outbox::Model, now: DateTime<Utc>, permanent: bool) -> Result<bool> {
        let dead = permanent || row.attempts >= self.settings.max_attempts;
        let error = if permanent {
            "the mail server refused this message permanently (check the recipient address)"
        } else {
            "the mail server could not be reached or asked to try later"
        }
        .to_owned();
        let mut update = email_outbox::ActiveModel {
            status: Set(if dead { EmailStatus::Dead } else { EmailStatus::Pending }),
            lease_until: Set(None),
            last_error: Set(Some(error)),
            ..Default::default()
        };
        if !dead {
            update.next_attempt_at = Set((now + backoff(&self.settings, row.attempts)).trunc_subsecs(6));
        }
        self.finish(row, update).await?;
        Ok(dead)
    }

    /// Record an outcome, but only while this worker still holds the lease
    /// it took (same attempt number and lease): a row taken over after a
    /// lapsed lease, or retried by an official, belongs to its new owner.
    async fn finish(&self, row: &email_outbox::Model, mut update: email_outbox::ActiveModel) -> Result<()> {
        update.tenant_id = Set(row.tenant_id);
        update.id = Set(row.id);
        let tx = self.db.write_bookkeeping(row.tenant_id).await?;
        email_outbox::Entity::scoped_update(row.tenant_id)
            .set(update)
            .filter(email_outbox::Column::Id.eq(row.id))
            .filter(email_outbox::Column::Status.eq(EmailStatus::Sending))
            .filter(email_outbox::Column::Attempts.eq(row.attempts))
            .filter(email_outbox::Column::LeaseUntil.eq(row.lease_until))
            .exec(&tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The delay after the `attempts`-th failure: base, 2×base, 4×base…,
/// capped.
fn backoff(settings: &WorkerSettings, attempts: i32) -> Duration {
    let doublings = Ord::min(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0), 20);
    (settings.backoff_base * 2_i32.pow(doublings)).min(settings.backoff_max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = WorkerSettings::default();
        let delay = |attempts| backoff(&s, attempts);
        assert_eq!(delay(1), Duration::seconds(30));
        assert_eq!(delay(2), Duration::seconds(60));
        assert_eq!(delay(4), Duration::seconds(240));
        assert_eq!(delay(30), Duration::hours(2));
    }
}
