//! The tenant registry: the platform, regions and city bureaus. Public to
//! read (tenants are what public pages are addressed by); created only by the
//! platform admin, together with the new city's first official.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use entity::app_user::Role;
use entity::tenant::{self, TenantKind};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use secrecy::SecretString;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::{Actor, RequestMeta, TenantContext};
use crate::db::{Db, bind_tenant};
use crate::error::{Error, OrConflict, Result};
use crate::scoped::TenantOwned;
use crate::users::{self, NewUser};
use crate::validate;

/// The slug the platform admin signs in with.
pub const PLATFORM_SLUG: &str = "platform";

/// Tenants found so far, by slug. A tenant is created and then never
/// changed or removed, so one that has been found can be kept for the life
/// of the process: every public request names its city by slug, and this
/// saves it a round trip. Only hits are kept, so a city created on another
/// replica is found on its first request.
#[derive(Debug, Default)]
pub(crate) struct TenantCache {
    by_slug: RwLock<HashMap<String, tenant::Model>>,
}

impl TenantCache {
    fn get(&self, slug: &str) -> Option<tenant::Model> {
        let map = self.by_slug.read().unwrap_or_else(PoisonError::into_inner);
        map.get(slug).cloned()
    }

    /// By id: a scan of the few tenants a deployment has (the map is keyed
    /// by slug, which every public request uses).
    fn get_by_id(&self, id: Uuid) -> Option<tenant::Model> {
        let map = self.by_slug.read().unwrap_or_else(PoisonError::into_inner);
        map.values().find(|t| t.id == id).cloned()
    }

    fn keep(&self, tenant: &tenant::Model) {
        let mut map = self.by_slug.write().unwrap_or_else(PoisonError::into_inner);
        map.insert(tenant.slug.clone(), tenant.clone());
    }
}

pub async fn find_by_slug(db: &Db, slug: &str) -> Result<tenant::Model> {
    let slug = slug.trim();
    if let Some(tenant) = db.tenant_cache().get(slug) {
        return Ok(tenant);
    }
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db.pool())
        .await?
        .ok_or(Error::NotFound("tenant"))?;
    db.tenant_cache().keep(&tenant);
    Ok(tenant)
}

pub async fn find_by_id(db: &Db, id: Uuid) -> Result<tenant::Model> {
    if let Some(tenant) = db.tenant_cache().get_by_id(id) {
        return Ok(tenant);
    }
    let tenant = tenant::Entity::find_by_id(id)
        .one(db.pool())
        .await?
        .ok_or(Error::NotFound("tenant"))?;
    db.tenant_cache().keep(&tenant);
    Ok(tenant)
}

/// Regions and cities, for public listings (the platform itself is not a
/// place anyone looks up).
pub async fn list_public(db: &Db) -> Result<Vec<tenant::Model>> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::Kind.ne(TenantKind::Platform))
        .order_by_asc(tenant::Column::DivisionCode)
        .all(db.pool())
        .await?)
}

/// The cities under a region, in division-code order.
pub async fn cities_of(db: &Db, region_id: Uuid) -> Result<Vec<tenant::Model>> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::ParentId.eq(region_id))
        .filter(tenant::Column::Kind.eq(TenantKind::City))
        .order_by_asc(tenant::Column::DivisionCode)
        .all(db.pool())
        .await?)
}

/// The context for an anonymous reader of a tenant's public data.
pub async fn public_context(db: &Db, slug: &str, request: RequestMeta) -> Result<TenantContext> {
    let tenant = find_by_slug(db, slug).await?;
    Ok(context_for(&tenant, Actor::Anonymous, request))
}

pub fn context_for(tenant: &tenant::Model, actor: Actor, request: RequestMeta) -> TenantContext {
    TenantContext {
        tenant_id: tenant.id,
        tenant_slug: tenant.slug.clone(),
        tenant_kind: tenant.kind,
        actor,
        request,
    }
}

/// A new city (or region) as the platform admin describes it.
pub struct NewTenant {
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
    pub division_code: String,
    pub parent_slug: Option<String>,
    pub first_official: FirstOfficial,
}

pub struct FirstOfficial {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: SecretString,
}

/// The tenant a replayed `createTenant` made, with its first official.
async fn replay(db: &Db, tenant_id: Uuid) -> Result<(tenant::Model, entity::app_user::Model)> {
    let tenant = find_by_id(db, tenant_id).await?;
    let ctx = context_for(&tenant, Actor::System, RequestMeta::default());
    let tx = db.read(&ctx).await?;
    let official = entity::app_user::Entity::scoped(&ctx)
        .order_by_asc(entity::app_user::Column::Id)
        .one(&tx)
        .await?
        .ok_or(Error::NotFound("user"))?;
    tx.commit().await?;
    Ok((tenant, official))
}

/// The audit snapshot of a tenant.
#[derive(Serialize)]
struct TenantSnapshot<'a> {
    slug: &'a str,
    name: &'a str,
    kind: TenantKind,
    division_code: &'a str,
    parent_id: Option<Uuid>,
    first_official: &'a str,
}

/// Create a tenant and its first official in one transaction. The new
/// official is a `city_official` for a city and a `region_official` for a
/// region.
pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: NewTenant,
    idempotency_key: Option<&str>,
) -> Result<(tenant::Model, entity::app_user::Model)> {
    ctx.require_role(&[Role::PlatformAdmin])?;
    let slug = validate::identifier("slug", &input.slug, 2, 32)?;
    let name = validate::required_text("name", &input.name, 100)?;
    let division_code = input.division_code.trim().to_owned();
    if division_code.len() != 6 || !division_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(
            "divisionCode",
            "divisionCode must be the six-digit GB/T 2260 code, like 450200",
            "请填写 6 位行政区划代码（GB/T 2260），如 450200",
        ));
    }
    let parent = match (input.kind, input.parent_slug.as_deref().map(str::trim)) {
        (TenantKind::Platform, _) => {
            return Err(Error::validation(
                "kind",
                "there is only one platform tenant",
                "平台只能有一个，不能再新建",
            ));
        }
        (TenantKind::City, None | Some("")) => {
            return Err(Error::validation(
                "parentSlug",
                "a city needs the slug of its region, like guangxi",
                "请填写城市所属区域的标识，如 guangxi",
            ));
        }
        (TenantKind::City, Some(parent)) => {
            let region = find_by_slug(db, parent).await.map_err(|_| {
                Error::validation(
                    "parentSlug",
                    format!("there is no region \"{parent}\""),
                    format!("没有标识为“{parent}”的区域"),
                )
            })?;
            if region.kind != TenantKind::Region {
                return Err(Error::validation(
                    "parentSlug",
                    format!("\"{parent}\" is not a region"),
                    format!("“{parent}”不是区域"),
                ));
            }
            if region.division_code.get(..2) != division_code.get(..2) {
                return Err(Error::validation(
                    "divisionCode",
                    format!(
                        "{division_code} is not inside region {} ({})",
                        region.slug, region.division_code
                    ),
                    format!(
                        "行政区划代码 {division_code} 不在区域 {}（{}）范围内",
                        region.slug, region.division_code
                    ),
                ));
            }
            Some(region.id)
        }
        (TenantKind::Region, _) => None,
    };
    let official_role = if input.kind == TenantKind::Region {
        Role::RegionOfficial
    } else {
        Role::CityOfficial
    };
    let official = users::parse_new_user(NewUser {
        username: input.first_official.username,
        display_name: input.first_official.display_name,
        email: input.first_official.email,
        password: input.first_official.password,
        role: official_role,
        organization_id: None,
        language: None,
    })?;
    let fingerprint = serde_json::json!({
        "slug": slug, "name": name, "kind": input.kind, "division_code": division_code,
        "parent": parent, "first_official": official.fingerprint(),
    });
    let official = users::hash_new_user(official).await?;

    let tenant = tenant::Model {
        id: Uuid::now_v7(),
        slug,
        name,
        kind: input.kind,
        division_code,
        parent_id: parent,
        created_at: clock::now(),
    };
    let mut tx = db.write(ctx).await?;
    if let Some(id) = tx.replayed(idempotency_key, "tenant.create", &fingerprint).await? {
        drop(tx);
        return replay(db, id).await;
    }
    tenant::Entity::insert(tenant::ActiveModel {
        id: Set(tenant.id),
        slug: Set(tenant.slug.clone()),
        name: Set(tenant.name.clone()),
        kind: Set(tenant.kind),
        division_code: Set(tenant.division_code.clone()),
        parent_id: Set(tenant.parent_id),
        created_at: Set(tenant.created_at),
    })
    .exec_without_returning(tx.conn())
    .await
    .or_conflict(|| {
        Error::conflict(
            format!("a tenant with the slug \"{}\" already exists", tenant.slug),
            format!("标识“{}”已被使用，请换一个", tenant.slug),
        )
    })?;
    // The official's row belongs to the new tenant: write it under that
    // tenant's row-level security, then return to the platform's for the
    // audit record.
    bind_tenant(tx.conn(), tenant.id).await?;
    let user = users::insert(tx.conn(), tenant.id, official).await?;
    bind_tenant(tx.conn(), ctx.tenant_id).await?;
    // The welcome mail is queued under the platform (whose official acted),
    // so the platform's officials see it if it dead-letters.
    tx.send_email(users::account_created_email(db, &tenant, &user)).await?;
    let event = AuditEvent::new("tenant.create", "tenant", tenant.id).created(&TenantSnapshot {
        slug: &tenant.slug,
        name: &tenant.name,
        kind: tenant.kind,
        division_code: &tenant.division_code,
        parent_id: tenant.parent_id,
        first_official: &user.username,
    });
    tx.commit(event).await?;
    Ok((tenant, user))
}
