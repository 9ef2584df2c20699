//! The first platform administrator of a new deployment. Production starts
//! without the demo, so nobody could sign in: `api create-admin` creates the
//! platform tenant and its administrator, who then opens the region and the
//! cities (`createTenant`) with their first officials.

use entity::app_user::{self, Role};
use entity::tenant::{self, TenantKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::{Actor, RequestMeta};
use crate::db::Db;
use crate::error::Result;
use crate::scoped::TenantOwned;
use crate::tenants::{self, PLATFORM_SLUG};
use crate::users::{self, NewUser};

/// What `first_admin` found or did.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstAdmin {
    Created {
        username: String,
    },
    /// The platform already has an administrator: nothing was changed (a
    /// lost password is reset by another administrator, not by this).
    AlreadyThere {
        username: String,
    },
}

/// Create the platform tenant if missing and, if it has no administrator
/// yet, `admin` as its administrator: one transaction, one audit record.
pub async fn first_admin(db: &Db, admin: NewUser) -> Result<FirstAdmin> {
    let admin = users::hash_new_user(users::parse_new_user(NewUser {
        role: Role::PlatformAdmin,
        organization_id: None,
        ..admin
    })?)
    .await?;
    let existing = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(PLATFORM_SLUG))
        .one(db.pool())
        .await?;
    let platform = existing.clone().unwrap_or_else(|| tenant::Model {
        id: Uuid::now_v7(),
        slug: PLATFORM_SLUG.to_owned(),
        name: "善联平台".to_owned(),
        kind: TenantKind::Platform,
        division_code: "000000".to_owned(),
        parent_id: None,
        created_at: clock::now(),
    });
    let ctx = tenants::context_for(&platform, Actor::System, RequestMeta::default());
    let tx = db.write(&ctx).await?;
    if existing.is_none() {
        tenant::Entity::insert(tenant::ActiveModel::from(platform.clone()))
            .exec_without_returning(tx.conn())
            .await?;
    }
    let current = app_user::Entity::scoped(platform.id)
        .filter(app_user::Column::Role.eq(Role::PlatformAdmin))
        .one(tx.conn())
        .await?;
    if let Some(current) = current {
        return Ok(FirstAdmin::AlreadyThere {
            username: current.username,
        });
    }
    let user = users::insert(tx.conn(), platform.id, admin).await?;
    tx.commit(
        AuditEvent::new("platform.first_admin", "app_user", user.id).detail(json!({
            "tenant_created": existing.is_none(),
            "username": user.username,
        })),
    )
    .await?;
    Ok(FirstAdmin::Created {
        username: user.username,
    })
}
