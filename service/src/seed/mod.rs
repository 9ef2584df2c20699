//! Demo data: the Guangxi region, its three cities with a realistic
//! organization register each ([`register`], [`associations`]), the
//! seeds' fee-reduction figures ([`fee_reductions`]), charity and funds
//! ([`charity`]) and relief ([`relief`]), and one user per role per
//! tenant, all with the password [`DEMO_PASSWORD`]. Idempotent: what exists
//! is left alone.

mod associations;
mod charity;
mod fee_reductions;
mod register;
mod relief;

pub use charity::{
    DEMO_VERIFICATION_CODE, GUILIN_CHILDREN_CAMPAIGN, GUILIN_CHILDREN_FUND, GUILIN_CHILDREN_HELPED,
    LIUZHOU_ELDERS_FUND, NANNING_FUNDS, NANNING_FUNDS_RAISED_FEN,
};
pub use fee_reductions::{LIUZHOU_FIVE_YEARS_FEN, REGION_2023_ASSOCIATIONS, REGION_2023_ENTERPRISES, REGION_2023_FEN};
pub use relief::{LIUZHOU_SERVICES, NANNING_GOODS_FEN, NANNING_MONEY_FEN};

use entity::app_user::{self, Role};
use entity::tenant::{self, TenantKind};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::{Actor, RequestMeta, role_name};
use crate::db::{Db, WriteTx};
use crate::error::Result;
use crate::password;
use crate::scoped::TenantOwned;
use crate::tenants::{self, PLATFORM_SLUG};
use crate::users::{self, NewUser};

pub const DEMO_PASSWORD: &str = "shanlian-demo";

struct DemoTenant {
    slug: &'static str,
    name: &'static str,
    kind: TenantKind,
    division_code: &'static str,
    parent: Option<&'static str>,
    /// Cities get an organization register.
    register: bool,
    roles: &'static [Role],
}

const CITY_ROLES: &[Role] = &[Role::CityOfficial, Role::OrgStaff, Role::Donor];

const DEMO_TENANTS: [DemoTenant; 5] = [
    DemoTenant {
        slug: PLATFORM_SLUG,
        name: "善联平台",
        kind: TenantKind::Platform,
        division_code: "000000",
        parent: None,
        register: false,
        roles: &[Role::PlatformAdmin],
    },
    DemoTenant {
        slug: "guangxi",
        name: "广西壮族自治区",
        kind: TenantKind::Region,
        division_code: "450000",
        parent: None,
        register: false,
        roles: &[Role::RegionOfficial],
    },
    DemoTenant {
        slug: "nanning",
        name: "南宁市",
        kind: TenantKind::City,
        division_code: "450100",
        parent: Some("guangxi"),
        register: true,
        roles: CITY_ROLES,
    },
    DemoTenant {
        slug: "liuzhou",
        name: "柳州市",
        kind: TenantKind::City,
        division_code: "450200",
        parent: Some("guangxi"),
        register: true,
        roles: CITY_ROLES,
    },
    DemoTenant {
        slug: "guilin",
        name: "桂林市",
        kind: TenantKind::City,
        division_code: "450300",
        parent: Some("guangxi"),
        register: true,
        roles: CITY_ROLES,
    },
];

/// Refresh the planner's statistics of tables just filled in bulk, on
/// PostgreSQL. A city's rows go in within one transaction, before any
/// statistics exist, and without them the foreign-key check of each next
/// row scans the parent's rows of the whole city through the wrong index
/// (seconds for the demo's thousands of associations and their reports).
/// `ANALYZE` sees the transaction's own rows; it needs the tables' owner,
/// and for anyone else PostgreSQL skips it with a warning, leaving the
/// seed slower but as correct.
async fn analyze(tx: &WriteTx<'_>, tables: &[&str]) -> Result<()> {
    if tx.conn().get_database_backend() == DatabaseBackend::Postgres {
        tx.conn()
            .execute_unprepared(&format!("ANALYZE {}", tables.join(", ")))
            .await?;
    }
    Ok(())
}

/// Whether the demo seed created this tenant: its trail opens with the
/// seed's record saying so.
async fn made_by_demo(tx: &WriteTx<'_>, tenant_id: uuid::Uuid) -> Result<bool> {
    use entity::audit_log;
    let created = audit_log::Entity::scoped(tenant_id)
        .filter(audit_log::Column::Action.eq("seed.demo"))
        .filter(audit_log::Column::Changes.contains("\"tenant_created\":true"))
        .one(tx.conn())
        .await?;
    Ok(created.is_some())
}

/// Seed what is missing. Each tenant is one transaction with one audit
/// record, so a crash mid-way leaves whole tenants and a rerun completes.
pub async fn seed_demo(db: &Db) -> Result<()> {
    // One hash for the one shared demo password: hashing per user would
    // make every start-up (and every test) pay for argon2 a dozen times.
    let mut demo_hash = None;
    for demo in &DEMO_TENANTS {
        let existing = tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(demo.slug))
            .one(db.pool())
            .await?;
        let (tenant, created_tenant) = match existing {
            Some(t) => (t, false),
            None => {
                let parent_id = match demo.parent {
                    Some(slug) => Some(tenants::find_by_slug(db, slug).await?.id),
                    None => None,
                };
                let t = tenant::Model {
                    id: Uuid::now_v7(),
                    slug: demo.slug.to_owned(),
                    name: demo.name.to_owned(),
                    kind: demo.kind,
                    division_code: demo.division_code.to_owned(),
                    parent_id,
                    created_at: clock::now(),
                };
                (t, true)
            }
        };
        let ctx = tenants::context_for(&tenant, Actor::System, RequestMeta::default());
        let tx = db.write(&ctx).await?;
        if !created_tenant && !made_by_demo(&tx, tenant.id).await? {
            // A real tenant that shares a demo slug (a production platform
            // with `platform`): the demo's accounts must never appear in it.
            tracing::warn!(tenant = demo.slug, "exists and was not made by the demo: left alone");
            continue;
        }
        if created_tenant {
            tenant::Entity::insert(tenant::ActiveModel::from(tenant.clone()))
                .exec_without_returning(tx.conn())
                .await?;
        }
        let organization_id = if demo.register {
            register::seed_register(&tx, &ctx, &tenant).await?
        } else {
            None
        };
        let mut created_users = Vec::new();
        for &role in demo.roles {
            let username = format!("{}.{}", demo.slug, role_name(role));
            let exists = app_user::Entity::scoped(tenant.id)
                .filter(app_user::Column::Username.eq(&username))
                .one(tx.conn())
                .await?
                .is_some();
            if exists {
                continue;
            }
            let hash = match &demo_hash {
                Some(h) => String::clone(h),
                None => {
                    let h = password::hash(SecretString::from(DEMO_PASSWORD)).await?;
                    demo_hash = Some(h.clone());
                    h
                }
            };
            let user = users::parse_new_user(NewUser {
                username: username.clone(),
                // Named as people read it in the header and the audit trail.
                display_name: format!("{}{}（演示）", demo.name, demo_role_name(role)),
                email: format!("{username}@demo.shanlian.invalid"),
                password: SecretString::from(DEMO_PASSWORD),
                role,
                organization_id: (role == Role::OrgStaff).then_some(organization_id).flatten(),
                language: None,
            })?;
            users::insert(tx.conn(), tenant.id, users::with_hash(user, hash)).await?;
            created_users.push(username);
        }
        if !created_tenant && created_users.is_empty() {
            continue; // nothing new: no event, no audit record
        }
        tracing::info!(tenant = demo.slug, users = created_users.len(), "seeded demo data");
        tx.commit(AuditEvent::new("seed.demo", "tenant", tenant.id).detail(json!({
            "tenant_created": created_tenant,
            "users_created": created_users,
        })))
        .await?;
    }
    Ok(())
}

/// A demo account's role as its name ends: 柳州市 + 民政局工作人员.
fn demo_role_name(role: Role) -> &'static str {
    match role {
        Role::CityOfficial => "民政局工作人员",
        Role::RegionOfficial => "民政厅工作人员",
        Role::OrgStaff => "机构工作人员",
        Role::Donor => "捐赠人",
        Role::PlatformAdmin => "平台管理员",
    }
}
