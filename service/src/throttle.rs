//! Throttled guessing. Failed sign-ins, password checks and receipt codes
//! are counted per account and per client address in the database
//! (`attempt_counter`), so every server of a deployment sees the same
//! counts: past a few failures each next try waits longer, past more the
//! key is locked for a while, and a success (for an account) starts it
//! over. In front of that, each process turns away bursts from one address
//! in memory (governor's GCRA), so a flood of parallel guesses is refused
//! before any of it costs a password hash or a database write.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use entity::attempt_counter;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::clock;
use crate::db::Db;
use crate::error::{Error, Result};

/// How one kind of key is throttled.
#[derive(Debug)]
pub struct Policy {
    /// What the counter is for, stored with it.
    pub kind: &'static str,
    /// Failures allowed before any waiting.
    pub free: i32,
    /// Failures at which the key is locked for `lock`.
    pub lock_at: i32,
    pub lock: Duration,
    /// A key quiet for this long starts over.
    pub window: Duration,
}

/// A sign-in's account (tenant and username): five tries, then 1, 2, 4,
/// 8 and 16 seconds between tries, then fifteen minutes locked.
pub const SIGN_IN_ACCOUNT: Policy = Policy {
    kind: "sign_in_account",
    free: 5,
    lock_at: 10,
    lock: Duration::minutes(15),
    window: Duration::hours(1),
};

/// Sign-ins from one address, across accounts and cities (password
/// spraying): more room for a shared office's address, the same shape.
pub const SIGN_IN_ADDRESS: Policy = Policy {
    kind: "sign_in_address",
    free: 20,
    lock_at: 30,
    lock: Duration::minutes(15),
    window: Duration::hours(1),
};

/// The current password given to change it.
pub const PASSWORD: Policy = Policy {
    kind: "password",
    free: 5,
    lock_at: 10,
    lock: Duration::minutes(15),
    window: Duration::hours(1),
};

/// Receipt numbers and verification codes tried from one address.
pub const TRACE_ADDRESS: Policy = Policy {
    kind: "trace_address",
    free: 20,
    lock_at: 40,
    lock: Duration::minutes(15),
    window: Duration::hours(1),
};

/// Registration applications made without an account, from one address:
/// each opens an account, so a few a day, then the address waits.
pub const APPLY_ADDRESS: Policy = Policy {
    kind: "apply_address",
    free: 5,
    lock_at: 10,
    lock: Duration::hours(1),
    window: Duration::days(1),
};

/// The longest a key waits before it is locked.
const MAX_BACKOFF: Duration = Duration::minutes(5);

/// How long a key with `failures`, the last at `last`, must still wait at
/// `now`; zero when it may try.
pub fn wait(policy: &Policy, failures: i32, last: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    let since = now - last;
    if since >= policy.window || failures < policy.free {
        return Duration::zero();
    }
    let pause = if failures >= policy.lock_at {
        policy.lock
    } else {
        let doublings = u32::try_from(failures - policy.free).unwrap_or(0).min(20);
        Duration::seconds(1_i64 << doublings).min(MAX_BACKOFF)
    };
    (pause - since).max(Duration::zero())
}

/// One counter: a policy and the key it counts.
pub struct Key {
    policy: &'static Policy,
    key: String,
}

impl Key {
    pub fn new(policy: &'static Policy, key: impl Into<String>) -> Self {
        let mut key = key.into();
        // Keys are names and addresses as typed; bounded like the column.
        key.truncate(key.char_indices().nth(200).map_or(key.len(), |(i, _)| i));
        Self { policy, key }
    }

    /// A client address, or "unknown" when the request had none.
    pub fn address(policy: &'static Policy, address: Option<&str>) -> Self {
        Self::new(policy, address.unwrap_or("unknown"))
    }
}

/// The per-process burst limiter, shared by every request of this server.
pub struct Bursts {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for Bursts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bursts").field("keys", &self.limiter.len()).finish()
    }
}

impl Default for Bursts {
    /// Ten tries a second from one address, twenty at once: room for an
    /// office behind one address, none for a flood.
    fn default() -> Self {
        let quota =
            Quota::per_second(NonZeroU32::MIN.saturating_add(9)).allow_burst(NonZeroU32::MIN.saturating_add(19));
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }
}

impl Bursts {
    /// Refuse this address's guess when it comes too fast.
    pub fn check(&self, address: Option<&str>) -> Result<()> {
        // Forget quiet addresses now and then, so the map stays small.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        let key = address.unwrap_or("unknown").to_owned();
        self.limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Error::TooManyAttempts {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }
}

/// Refuse when any of the keys must still wait.
pub async fn check(db: &Db, keys: &[&Key]) -> Result<()> {
    let now = Utc::now();
    let mut longest = Duration::zero();
    for key in keys {
        let counter = attempt_counter::Entity::find_by_id((key.policy.kind.to_owned(), key.key.clone()))
            .one(db.pool())
            .await?;
        if let Some(c) = counter {
            longest = longest.max(wait(key.policy, c.failures, c.last_failure_at, now));
        }
    }
    if longest > Duration::zero() {
        return Err(Error::TooManyAttempts {
            retry_after_secs: u64::try_from(longest.num_seconds()).unwrap_or(0).max(1),
        });
    }
    Ok(())
}

/// Count a failure against each key; returns the kinds of those that have
/// just reached their lock (for the caller's audit record and log line).
pub async fn failed(db: &Db, keys: &[&Key]) -> Result<Vec<&'static str>> {
    let now = clock::now();
    let mut locked = Vec::new();
    for key in keys {
        if increment(db.pool(), key, now).await? == key.policy.lock_at {
            locked.push(key.policy.kind);
        }
    }
    Ok(locked)
}

/// A success: the key starts over.
pub async fn succeeded(db: &Db, key: &Key) -> Result<()> {
    attempt_counter::Entity::delete_by_id((key.policy.kind.to_owned(), key.key.clone()))
        .exec(db.pool())
        .await?;
    Ok(())
}

/// One statement, so servers counting the same key at once add up: a
/// counter quiet for longer than its window starts again at one.
async fn increment<C: ConnectionTrait>(conn: &C, key: &Key, now: DateTime<Utc>) -> Result<i32> {
    // Here only: its `max` and `min` would shadow the integers'.
    use attempt_counter::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let stale = Expr::col((attempt_counter::Entity, C::LastFailureAt)).lt(now - key.policy.window);
    let insert = Query::insert()
        .into_table(attempt_counter::Entity)
        .columns([C::Kind, C::Key, C::Failures, C::LastFailureAt])
        .values_panic([key.policy.kind.into(), key.key.clone().into(), 1.into(), now.into()])
        .on_conflict(
            OnConflict::columns([C::Kind, C::Key])
                .value(
                    C::Failures,
                    Expr::case(stale, 1).finally(Expr::col((attempt_counter::Entity, C::Failures)).add(1)),
                )
                .value(C::LastFailureAt, now)
                .to_owned(),
        )
        .returning_col(C::Failures)
        .to_owned();
    let row = conn
        .query_one_raw(conn.get_database_backend().build(&insert))
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("counting a failed attempt returned nothing")))?;
    Ok(row.try_get_by_index::<i32>(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_then_locks_and_a_quiet_window_forgives() {
        let t0 = Utc::now();
        let s = Duration::seconds;
        let p = &SIGN_IN_ACCOUNT;
        assert_eq!(wait(p, 4, t0, t0), Duration::zero(), "the first tries are free");
        assert_eq!(wait(p, 5, t0, t0), s(1));
        assert_eq!(wait(p, 6, t0, t0), s(2));
        assert_eq!(wait(p, 9, t0, t0), s(16));
        assert_eq!(
            wait(p, 9, t0, t0 + s(10)),
            s(6),
            "the time since the last failure counts"
        );
        assert_eq!(wait(p, 10, t0, t0), Duration::minutes(15), "locked");
        assert_eq!(wait(p, 10, t0, t0 + Duration::minutes(15)), Duration::zero());
        assert_eq!(
            wait(p, 50, t0, t0 + Duration::hours(2)),
            Duration::zero(),
            "a quiet hour forgives"
        );
    }

    #[test]
    fn bursts_from_one_address_are_refused_and_others_go_on() {
        let bursts = Bursts::default();
        let refused = (0..50).filter(|_| bursts.check(Some("203.0.113.9")).is_err()).count();
        assert!(refused >= 25, "{refused} of 50 refused");
        assert!(bursts.check(Some("198.51.100.7")).is_ok());
    }
}
