//! GraphQL output types: thin views over service results.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Enum, Json, OutputType};
use chrono::{DateTime, Utc};
use entity::{app_user, audit_log, email_outbox, tenant};
use serde::Serialize;
use serde::de::DeserializeOwned;
use service::page::{Page, PageRequest};
use uuid::Uuid;

use super::error::{ApiResult, invalid};
use super::object_from::{json, object_from};
use super::organizations::KindCount;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::app_user::Role", rename_items = "snake_case")]
pub enum Role {
    PlatformAdmin,
    RegionOfficial,
    CityOfficial,
    OrgStaff,
    Donor,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::tenant::TenantKind", rename_items = "snake_case")]
pub enum TenantKind {
    Platform,
    Region,
    City,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::email_outbox::EmailStatus", rename_items = "snake_case")]
pub enum EmailStatus {
    Pending,
    Sending,
    Sent,
    Dead,
}

object_from! {
    // An email in the outbox: what was (or will be) sent, and how delivery went.
    pub struct Email from email_outbox::Model as m {
        id: Uuid,
        recipient: String,
        language: String,
        template: String,
        subject: String,
        status: EmailStatus,
        attempts: i32,
        next_attempt_at: DateTime<Utc>,
        /// The last delivery error, for dead letters and retries.
        last_error: Option<String>,
        created_at: DateTime<Utc>,
        sent_at: Option<DateTime<Utc>>,
    }
}

object_from! {
    pub struct User from app_user::Model as m {
        id: Uuid,
        username: String,
        display_name: String,
        email: String,
        role: Role,
        organization_id: Option<Uuid>,
        /// `zh-CN` or `en`: the language of the user's mail and pages.
        language: String,
        active: bool,
        created_at: DateTime<Utc>,
    }
}

object_from! {
    pub struct Tenant from tenant::Model as m {
        id: Uuid,
        /// The name used to sign in and in public addresses, like `liuzhou`.
        slug: String,
        name: String,
        kind: TenantKind,
        /// GB/T 2260 administrative division code, like `450200`.
        division_code: String,
        parent_id: Option<Uuid>,
    }
}

object_from! {
    /// One city's figures for the region: counts only, never records.
    pub struct CityFigures from service::region::CityFigures as c {
        city: Tenant,
        user_count: u64 = c.users,
        /// Active organizations.
        organization_count: u64 = c.active_organizations,
        organizations_by_kind: Vec<KindCount> = c
            .organizations_by_kind
            .iter()
            .map(|&(kind, count)| KindCount { kind: kind.into(), count })
            .collect(),
        deregistered_count: u64 = c.deregistered_organizations,
        industry_association_count: u64 = c.industry_associations,
        charity_count: u64 = c.charities,
        public_fundraising_count: u64 = c.public_fundraising,
        /// Organizations on the abnormal-activity list now.
        abnormal_listed_count: u64 = c.abnormal_listed,
        /// Organizations on the serious illegal and dishonest list now.
        serious_listed_count: u64 = c.serious_listed,
    }
}

object_from! {
    pub struct RegionOverview from service::region::RegionOverview as o {
        region: Tenant,
        cities: Vec<CityFigures> = o.cities.iter().map(Into::into).collect(),
    }
}

object_from! {
    // One entry of the audit trail.
    pub struct AuditRecord from audit_log::Model as m {
        id: Uuid,
        /// Position in the tenant's chain, from 1.
        seq: i64,
        occurred_at: DateTime<Utc>,
        /// `user`, `system` or `anonymous`.
        actor_kind: String,
        actor_user_id: Option<Uuid>,
        actor_role: Option<String>,
        organization_id: Option<Uuid>,
        action: String,
        entity_type: String,
        entity_id: String,
        /// `{"before": {…}, "after": {…}}` with only the changed fields.
        changes: Json<serde_json::Value> = json(&m.changes),
        request_id: Option<String>,
        client_addr: Option<String>,
        prev_hash: String,
        hash: String,
    }
}

object_from! {
    pub struct AuditHead from service::audit::ChainHead as h {
        seq: i64,
        hash: String,
        updated_at: Option<DateTime<Utc>>,
    }
}

object_from! {
    pub struct BrokenLink from service::audit::BrokenLink as b {
        seq: i64,
        id: Uuid,
        reason: String,
    }
}

object_from! {
    pub struct AuditVerifyReport from service::audit::VerifyReport as r {
        /// True when every record verifies and the chain ends at the head.
        ok: bool = r.first_broken.is_none(),
        records_checked: i64,
        head: AuditHead,
        first_broken: Option<BrokenLink> = r.first_broken.as_ref().map(Into::into),
    }
}

/// Decode an `after` cursor; a cursor the client made up is a VALIDATION
/// error, not a 500.
pub fn decode_after<K: Serialize + DeserializeOwned + Send + Sync>(after: Option<String>) -> ApiResult<Option<K>> {
    after
        .map(|c| {
            OpaqueCursor::<K>::decode_cursor(&c).map(|c| c.0).map_err(|_| {
                invalid(
                    "after",
                    "the cursor is not one this API issued: pass an endCursor from a previous page",
                    "分页游标无效：请使用上一页返回的 endCursor",
                )
            })
        })
        .transpose()
}

/// The `first` and `after` arguments every list field takes, read once:
/// the page to ask the service for, and how to answer it as a Relay
/// connection.
pub struct Paging<K> {
    pub request: PageRequest<K>,
    has_previous: bool,
}

impl<K: Serialize + DeserializeOwned + Send + Sync + Copy> Paging<K> {
    pub fn new(first: Option<i32>, after: Option<String>) -> ApiResult<Self> {
        let has_previous = after.is_some();
        Ok(Self {
            request: PageRequest::new(first, decode_after(after)?)?,
            has_previous,
        })
    }

    /// One page of results as a connection: `key` makes each edge's cursor.
    pub fn connection<T, N: OutputType>(
        &self,
        page: Page<T>,
        key: impl Fn(&T) -> K,
        node: impl Fn(T) -> N,
    ) -> Connection<OpaqueCursor<K>, N> {
        let mut conn = Connection::new(self.has_previous, page.has_next);
        conn.edges.extend(
            page.items
                .into_iter()
                .map(|item| Edge::new(OpaqueCursor(key(&item)), node(item))),
        );
        conn
    }
}

/// What a page of a list costs in a query's complexity: each of its rows
/// costs what the selection under it does, so `first: 100` of an object
/// with five fields weighs a hundred times one of them. Aliases add up, so
/// one request cannot fetch a register five hundred times over.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.map_or(service::page::DEFAULT_PAGE_SIZE as usize, |n| {
        usize::try_from(n)
            .unwrap_or(0)
            .clamp(1, service::page::MAX_PAGE_SIZE as usize)
    });
    rows.saturating_mul(child_complexity).saturating_add(1)
}
