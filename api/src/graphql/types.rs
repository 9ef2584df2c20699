//! GraphQL output types: thin views over service results.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Enum, Object, OutputType, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{app_user, audit_log, email_outbox, tenant};
use serde::Serialize;
use serde::de::DeserializeOwned;
use service::page::Page;
use uuid::Uuid;

use super::error::{ApiResult, invalid};
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

/// An email in the outbox: what was (or will be) sent, and how delivery went.
pub struct Email(pub email_outbox::Model);

#[Object]
impl Email {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn template(&self) -> &str {
        &self.0.template
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn status(&self) -> EmailStatus {
        self.0.status.into()
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn next_attempt_at(&self) -> DateTime<Utc> {
        self.0.next_attempt_at
    }
    /// The last delivery error, for dead letters and retries.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
}

pub struct User(pub app_user::Model);

#[Object]
impl User {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    async fn username(&self) -> &str {
        &self.0.username
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    async fn organization_id(&self) -> Option<Uuid> {
        self.0.organization_id
    }
    /// `zh-CN` or `en`: the language of the user's mail and pages.
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct Tenant(pub tenant::Model);

#[Object]
impl Tenant {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The name used to sign in and in public addresses, like `liuzhou`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> TenantKind {
        self.0.kind.into()
    }
    /// GB/T 2260 administrative division code, like `450200`.
    async fn division_code(&self) -> &str {
        &self.0.division_code
    }
    async fn parent_id(&self) -> Option<Uuid> {
        self.0.parent_id
    }
}

/// One city's figures for the region: counts only, never records.
#[derive(SimpleObject)]
pub struct CityFigures {
    pub city: Tenant,
    pub user_count: u64,
    /// Active organizations.
    pub organization_count: u64,
    pub organizations_by_kind: Vec<KindCount>,
    pub deregistered_count: u64,
    pub industry_association_count: u64,
    pub charity_count: u64,
    pub public_fundraising_count: u64,
    /// Organizations on the abnormal-activity list now.
    pub abnormal_listed_count: u64,
    /// Organizations on the serious illegal and dishonest list now.
    pub serious_listed_count: u64,
}

#[derive(SimpleObject)]
pub struct RegionOverview {
    pub region: Tenant,
    pub cities: Vec<CityFigures>,
}

impl From<service::region::RegionOverview> for RegionOverview {
    fn from(o: service::region::RegionOverview) -> Self {
        Self {
            region: Tenant(o.region),
            cities: o
                .cities
                .into_iter()
                .map(|c| CityFigures {
                    city: Tenant(c.city),
                    user_count: c.users,
                    organization_count: c.active_organizations,
                    organizations_by_kind: c
                        .organizations_by_kind
                        .into_iter()
                        .map(|(kind, count)| KindCount {
                            kind: kind.into(),
                            count,
                        })
                        .collect(),
                    deregistered_count: c.deregistered_organizations,
                    industry_association_count: c.industry_associations,
                    charity_count: c.charities,
                    public_fundraising_count: c.public_fundraising,
                    abnormal_listed_count: c.abnormal_listed,
                    serious_listed_count: c.serious_listed,
                })
                .collect(),
        }
    }
}

/// One entry of the audit trail.
pub struct AuditRecord(pub audit_log::Model);

#[Object]
impl AuditRecord {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Position in the tenant's chain, from 1.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// `user`, `system` or `anonymous`.
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    async fn actor_user_id(&self) -> Option<Uuid> {
        self.0.actor_user_id
    }
    async fn actor_role(&self) -> Option<&str> {
        self.0.actor_role.as_deref()
    }
    async fn organization_id(&self) -> Option<Uuid> {
        self.0.organization_id
    }
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    async fn entity_id(&self) -> &str {
        &self.0.entity_id
    }
    /// `{"before": {…}, "after": {…}}` with only the changed fields.
    async fn changes(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(serde_json::from_str(&self.0.changes).unwrap_or(serde_json::Value::Null))
    }
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    async fn client_addr(&self) -> Option<&str> {
        self.0.client_addr.as_deref()
    }
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

#[derive(SimpleObject)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<service::audit::ChainHead> for AuditHead {
    fn from(h: service::audit::ChainHead) -> Self {
        Self {
            seq: h.seq,
            hash: h.hash,
            updated_at: h.updated_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct BrokenLink {
    pub seq: i64,
    pub id: Uuid,
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct AuditVerifyReport {
    /// True when every record verifies and the chain ends at the head.
    pub ok: bool,
    pub records_checked: i64,
    pub head: AuditHead,
    pub first_broken: Option<BrokenLink>,
}

impl From<service::audit::VerifyReport> for AuditVerifyReport {
    fn from(r: service::audit::VerifyReport) -> Self {
        Self {
            ok: r.first_broken.is_none(),
            records_checked: r.records_checked,
            head: r.head.into(),
            first_broken: r.first_broken.map(|b| BrokenLink {
                seq: b.seq,
                id: b.id,
                reason: b.reason,
            }),
        }
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

/// A Relay connection over one page of results.
pub fn connection<T, K, N>(
    page: Page<T>,
    has_previous: bool,
    key: impl Fn(&T) -> K,
    node: impl Fn(T) -> N,
) -> Connection<OpaqueCursor<K>, N>
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: OutputType,
{
    let mut conn = Connection::new(has_previous, page.has_next);
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|item| Edge::new(OpaqueCursor(key(&item)), node(item))),
    );
    conn
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
