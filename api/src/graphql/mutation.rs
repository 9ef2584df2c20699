//! Write operations. Each one is a single service call, which is a single
//! database transaction with its audit record.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use uuid::Uuid;

use super::error::ApiResult;
use super::types::{Email, Role, Tenant, TenantKind, User};
use super::{db, keys, request_meta, tenant};

#[derive(Default)]
pub struct BaseMutation;

#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

#[derive(InputObject)]
pub struct FirstOfficialInput {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

#[derive(InputObject)]
pub struct CreateTenantInput {
    /// Lower-case name used at sign-in, like `wuzhou`.
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
    /// GB/T 2260 code, like `450400`.
    pub division_code: String,
    /// The region a city belongs to, like `guangxi`.
    pub parent_slug: Option<String>,
    pub first_official: FirstOfficialInput,
}

#[derive(SimpleObject)]
pub struct CreateTenantPayload {
    pub tenant: Tenant,
    pub first_official: User,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
    /// Required for `org_staff`.
    pub organization_id: Option<Uuid>,
    /// `zh-CN` (default) or `en`.
    pub language: Option<String>,
}

#[Object]
impl BaseMutation {
    /// Sign in to a tenant (`platform` for the platform admin).
    #[graphql(complexity = 200)]
    async fn login(
        &self,
        ctx: &Context<'_>,
        tenant: String,
        username: String,
        password: String,
    ) -> ApiResult<LoginPayload> {
        // One password per request: aliases must not multiply the guesses
        // a single request may make (mutations run one after another).
        if let Some(state) = super::state(ctx)
            && state.sign_ins.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0
        {
            return Err(super::error::invalid(
                "login",
                "one sign-in per request: send each login on its own",
                "每个请求只能登录一次",
            ));
        }
        let signed_in = service::users::login(
            db(ctx),
            keys(ctx),
            &tenant,
            &username,
            SecretString::from(password),
            request_meta(ctx),
        )
        .await?;
        Ok(LoginPayload {
            token: signed_in.token,
            expires_at: signed_in.expires_at,
            user: User::from(signed_in.user),
        })
    }

    /// Platform admin: open a new tenant with its first official.
    async fn create_tenant(
        &self,
        ctx: &Context<'_>,
        input: CreateTenantInput,
        #[graphql(desc = "Repeat a request safely: the same key within 24 hours returns the first result.")]
        idempotency_key: Option<String>,
    ) -> ApiResult<CreateTenantPayload> {
        let new = service::tenants::NewTenant {
            slug: input.slug,
            name: input.name,
            kind: input.kind.into(),
            division_code: input.division_code,
            parent_slug: input.parent_slug,
            first_official: service::tenants::FirstOfficial {
                username: input.first_official.username,
                display_name: input.first_official.display_name,
                email: input.first_official.email,
                password: SecretString::from(input.first_official.password),
            },
        };
        let (t, official) = service::tenants::create(db(ctx), tenant(ctx)?, new, idempotency_key.as_deref()).await?;
        Ok(CreateTenantPayload {
            tenant: Tenant::from(t),
            first_official: User::from(official),
        })
    }

    /// City official: open an account in their city.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
        #[graphql(desc = "Repeat a request safely: the same key within 24 hours returns the first result.")]
        idempotency_key: Option<String>,
    ) -> ApiResult<User> {
        let new = service::users::NewUser {
            username: input.username,
            display_name: input.display_name,
            email: input.email,
            password: SecretString::from(input.password),
            role: input.role.into(),
            organization_id: input.organization_id,
            language: input.language,
        };
        Ok(User::from(
            service::users::create(db(ctx), tenant(ctx)?, new, idempotency_key.as_deref()).await?,
        ))
    }

    /// City official: deactivate or re-enable an account of their city.
    async fn set_user_active(&self, ctx: &Context<'_>, id: Uuid, active: bool) -> ApiResult<User> {
        Ok(User::from(
            service::users::set_active(db(ctx), tenant(ctx)?, id, active).await?,
        ))
    }

    /// Officials: send a dead-lettered email back for a fresh round of attempts.
    async fn retry_email(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Email> {
        Ok(Email::from(service::outbox::retry(db(ctx), tenant(ctx)?, id).await?))
    }

    /// Change one's own password.
    /// Sign out: every token of the caller's sessions stops working at
    /// once (on every device, as a password change does).
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        service::users::sign_out(db(ctx), tenant(ctx)?).await?;
        Ok(true)
    }

    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> ApiResult<User> {
        let user = service::users::change_password(
            db(ctx),
            tenant(ctx)?,
            SecretString::from(current_password),
            SecretString::from(new_password),
        )
        .await?;
        Ok(User::from(user))
    }
}
