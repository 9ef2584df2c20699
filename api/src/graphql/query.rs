//! Read operations.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{Context, InputObject, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::error::ApiResult;
use super::types::{
    AuditHead, AuditRecord, AuditVerifyReport, Email, EmailStatus, Paging, RegionOverview, Role, Tenant, User,
};
use super::{db, request_meta, tenant};

#[derive(Default)]
pub struct BaseQuery;

/// Filters for the audit trail; all optional, combined with AND.
#[derive(InputObject, Default)]
pub struct AuditFilterInput {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_user_id: Option<Uuid>,
    /// Everything that concerned one organization (its registration
    /// application included).
    pub organization_id: Option<Uuid>,
    pub action: Option<String>,
    /// Inclusive start of the time range.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive end of the time range.
    pub to: Option<DateTime<Utc>>,
}

#[Object]
impl BaseQuery {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<User> {
        Ok(service::users::me(db(ctx), tenant(ctx)?).await?.into())
    }

    /// The region and its cities (public).
    async fn tenants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Tenant>> {
        Ok(service::tenants::list_public(db(ctx))
            .await?
            .into_iter()
            .map(Tenant::from)
            .collect())
    }

    /// One tenant by its slug (public).
    async fn tenant(&self, ctx: &Context<'_>, slug: String) -> ApiResult<Tenant> {
        Ok(service::tenants::find_by_slug(db(ctx), &slug).await?.into())
    }

    /// The users of the caller's tenant (city officials, platform admins).
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        role: Option<Role>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, User>> {
        let paging = Paging::new(first, after)?;
        let result = service::users::list(db(ctx), tenant(ctx)?, role.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |u| u.id, User::from))
    }

    /// One user of the caller's tenant; other tenants' ids are NOT_FOUND.
    async fn user(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<User> {
        Ok(service::users::get(db(ctx), tenant(ctx)?, id).await?.into())
    }

    /// Region officials: their cities with counts, never personal data.
    #[graphql(complexity = 100)]
    async fn region_overview(&self, ctx: &Context<'_>) -> ApiResult<RegionOverview> {
        Ok(service::region::overview(db(ctx), tenant(ctx)?).await?.into())
    }

    /// The newest link of a tenant's audit chain (public): save it, and a
    /// later `auditVerify` proves the records before it were not rewritten.
    async fn audit_head(&self, ctx: &Context<'_>, tenant: String) -> ApiResult<AuditHead> {
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        Ok(service::audit::head(db(ctx), &public).await?.into())
    }

    /// The audit trail, newest first: officials see their tenant's, staff
    /// their organization's.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<i64>, AuditRecord>> {
        let paging = Paging::new(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = service::audit::AuditFilter {
            entity_type: f.entity_type,
            entity_id: f.entity_id,
            actor_user_id: f.actor_user_id,
            action: f.action,
            actions: None,
            organization_id: f.organization_id,
            from: f.from,
            to: f.to,
        };
        let result = service::audit::search(db(ctx), tenant(ctx)?, filter, paging.request).await?;
        Ok(paging.connection(result, |r| r.seq, AuditRecord::from))
    }

    /// The outbox of the caller's tenant, newest first (officials): filter
    /// by `dead` to see what could not be delivered.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn emails(
        &self,
        ctx: &Context<'_>,
        status: Option<EmailStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, Email>> {
        let paging = Paging::new(first, after)?;
        let result = service::outbox::list(db(ctx), tenant(ctx)?, status.map(Into::into), paging.request).await?;
        Ok(paging.connection(result, |e| e.id, Email::from))
    }

    /// Walk the caller's tenant's chain and report the first broken record.
    #[graphql(complexity = 1000)]
    async fn audit_verify(&self, ctx: &Context<'_>) -> ApiResult<AuditVerifyReport> {
        Ok(service::audit::verify(db(ctx), tenant(ctx)?).await?.into())
    }
}
