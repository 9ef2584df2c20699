//! Users: sign-in, the signed-in user, and the accounts a city official
//! manages.

use chrono::{DateTime, Utc};
use entity::app_user::{self, Role};
use entity::organization;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::{Actor, RequestMeta, TenantContext, tenant_kind_for};
use crate::db::Db;
use crate::error::{Error, OrConflict, Result};
use crate::labels::Label;
use crate::outbox::{Email, Template};
use crate::page::{self, Page, PageRequest};
use crate::password;
use crate::scoped::{OwnedById, TenantOwned};
use crate::tenants;
use crate::throttle;
use crate::token::{Claims, TokenKeys};
use crate::validate;

pub const LANGUAGES: [&str; 2] = ["zh-CN", "en"];

/// What a successful sign-in returns.
pub struct SignedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: app_user::Model,
}

/// One message for every failed sign-in, so the answer never tells whether
/// the tenant or the username exists.
fn bad_credentials() -> Error {
    Error::Unauthenticated("wrong tenant, username or password".into())
}

/// Check the password and issue a token. Records the sign-in on the audit
/// trail of the user's tenant.
pub async fn login(
    db: &Db,
    keys: &TokenKeys,
    tenant_slug: &str,
    username: &str,
    password: SecretString,
    request: RequestMeta,
) -> Result<SignedIn> {
    validate::required_text("tenant", tenant_slug, 32)?;
    validate::required_text("username", username, 64)?;
    if password.expose_secret().is_empty() {
        return Err(Error::validation(
            "password",
            "password must not be empty",
            "请填写密码",
        ));
    }
    if password.expose_secret().chars().count() > password::MAX_PASSWORD_CHARS {
        return Err(bad_credentials());
    }
    // Throttled before any password is hashed: by this server for bursts,
    // then by the counts every server shares.
    db.bursts().check(request.client_addr.as_deref())?;
    let account = throttle::Key::new(
        &throttle::SIGN_IN_ACCOUNT,
        format!("{}/{}", tenant_slug.trim(), username.trim()),
    );
    let address = throttle::Key::address(&throttle::SIGN_IN_ADDRESS, request.client_addr.as_deref());
    throttle::check(db, &[&account, &address]).await?;
    let tenant = match tenants::find_by_slug(db, tenant_slug).await {
        Ok(t) => t,
        Err(Error::NotFound(_)) => {
            // Spend the same time as a real check before answering.
            password::verify(password, password::DUMMY_HASH.to_owned()).await?;
            let locked = throttle::failed(db, &[&account, &address]).await?;
            if !locked.is_empty() {
                tracing::warn!(
                    client = request.client_addr.as_deref().unwrap_or("unknown"),
                    ?locked,
                    "repeated sign-ins to a city that does not exist: locked for a while"
                );
            }
            return Err(bad_credentials());
        }
        Err(e) => return Err(e),
    };
    let anonymous = tenants::context_for(&tenant, Actor::Anonymous, request.clone());
    let tx = db.read(&anonymous).await?;
    let user = app_user::Entity::scoped(tenant.id)
        .filter(app_user::Column::Username.eq(username.trim()))
        .one(&tx)
        .await?;
    tx.commit().await?;
    let phc = user
        .as_ref()
        .map_or_else(|| password::DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let matches = password::verify(password, phc).await?;
    let user = match user {
        Some(user) if matches => user,
        user => {
            tracing::warn!(tenant = %tenant.slug, "failed sign-in");
            let locked = throttle::failed(db, &[&account, &address]).await?;
            if !locked.is_empty() {
                locked_out(db, &tenant, user.as_ref(), &locked, request).await?;
            }
            return Err(bad_credentials());
        }
    };
    if !user.active {
        return Err(Error::Unauthenticated(
            "this account has been deactivated: ask your bureau to re-enable it".into(),
        ));
    }
    throttle::succeeded(db, &account).await?;
    let issued = keys.issue(&user, &tenant)?;
    let ctx = tenants::context_for(
        &tenant,
        Actor::User {
            id: user.id,
            role: user.role,
            organization_id: user.organization_id,
        },
        request,
    );
    let tx = db.write(&ctx).await?;
    tx.commit(AuditEvent::new("user.sign_in", "user", user.id).organization(user.organization_id))
        .await?;
    Ok(SignedIn {
        token: issued.token,
        expires_at: issued.expires_at,
        user,
    })
}

/// A burst of failed sign-ins just locked an account or an address
/// (`locked` names which): said in the log and on the city's audit trail,
/// against the account when it exists (the client's address is the
/// record's own).
async fn locked_out(
    db: &Db,
    tenant: &entity::tenant::Model,
    user: Option<&app_user::Model>,
    locked: &[&'static str],
    request: RequestMeta,
) -> Result<()> {
    tracing::warn!(
        tenant = %tenant.slug, client = request.client_addr.as_deref().unwrap_or("unknown"), ?locked,
        "repeated failed sign-ins: locked for a while"
    );
    let ctx = tenants::context_for(tenant, Actor::Anonymous, request);
    let event = match user {
        Some(user) => AuditEvent::new("user.sign_in_locked", "user", user.id).organization(user.organization_id),
        None => AuditEvent::new("user.sign_in_locked", "tenant", tenant.id),
    };
    let tx = db.write(&ctx).await?;
    tx.commit(event.detail(json!({"locked": locked}))).await
}

/// Turn a verified token into the request's context, checking that the
/// session is still good: the account exists, is active, and has not ended
/// its sessions (deactivation, password change) since the token was issued.
///
/// The context is built from the user's row and its tenant's, not from
/// the claims: a token names a user and a session, and what the user may
/// do (role, organization, city) is what the database says now.
pub async fn authenticate(db: &Db, claims: Claims, request: RequestMeta) -> Result<TenantContext> {
    let ended = || Error::Unauthenticated("this session has ended: sign in again".into());
    let tenant = match tenants::find_by_id(db, claims.tid).await {
        Ok(t) => t,
        Err(Error::NotFound(_)) => return Err(ended()),
        Err(e) => return Err(e),
    };
    let reader = tenants::context_for(&tenant, Actor::Anonymous, request.clone());
    let tx = db.read(&reader).await?;
    let user = app_user::Entity::find_owned_opt(&tx, tenant.id, claims.sub).await?;
    tx.commit().await?;
    match user {
        Some(u) if u.active && u.session_version == claims.ver && u.role == claims.role => Ok(tenants::context_for(
            &tenant,
            Actor::User {
                id: u.id,
                role: u.role,
                organization_id: u.organization_id,
            },
            request,
        )),
        _ => Err(ended()),
    }
}

/// Sign out: every token of this user's sessions stops working at once
/// (the session version moves on, as a password change does).
pub async fn sign_out(db: &Db, ctx: &TenantContext) -> Result<()> {
    let (id, _) = ctx.require_user()?;
    let user = find(db, ctx, id).await?;
    let tx = db.write(ctx).await?;
    app_user::Entity::update(app_user::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        session_version: Set(user.session_version + 1),
        updated_at: Set(clock::now()),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    tx.commit(AuditEvent::new("user.sign_out", "user", id).organization(user.organization_id))
        .await
}

/// The signed-in user.
pub async fn me(db: &Db, ctx: &TenantContext) -> Result<app_user::Model> {
    let (id, _) = ctx.require_user()?;
    find(db, ctx, id).await
}

/// A user of the caller's tenant: officials and admins see everyone in it,
/// other users only themselves. Ids of other tenants are NOT_FOUND.
pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<app_user::Model> {
    let (me, _) = ctx.require_user()?;
    if me != id {
        ctx.require_role(&[Role::CityOfficial, Role::PlatformAdmin])?;
    }
    find(db, ctx, id).await
}

async fn find(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<app_user::Model> {
    let tx = db.read(ctx).await?;
    let user = find_in(&tx, ctx.tenant_id, id).await?;
    tx.commit().await?;
    Ok(user)
}

async fn find_in<C: ConnectionTrait>(conn: &C, tenant_id: Uuid, id: Uuid) -> Result<app_user::Model> {
    app_user::Entity::find_owned(conn, tenant_id, id).await
}

/// The tenant's users, oldest first, optionally of one role.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    role: Option<Role>,
    page: PageRequest<Uuid>,
) -> Result<Page<app_user::Model>> {
    ctx.require_role(&[Role::CityOfficial, Role::PlatformAdmin])?;
    let mut query = app_user::Entity::scoped(ctx);
    if let Some(role) = role {
        query = query.filter(app_user::Column::Role.eq(role));
    }
    page::fetch_by_id(db, ctx, query, app_user::Column::Id, page).await
}

/// The names of users among `ids`: for officials reading the audit trail,
/// any of the city's; for staff (who asked for a disbursement), their own
/// organization's.
pub async fn names(db: &Db, ctx: &TenantContext, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::PlatformAdmin, Role::OrgStaff])?;
    let mut query = app_user::Entity::scoped(ctx).filter(app_user::Column::Id.is_in(ids.iter().copied()));
    // Staff know their own colleagues, not the city's other accounts.
    if role == Role::OrgStaff {
        query = query.filter(app_user::Column::OrganizationId.eq(ctx.require_organization()?));
    }
    let tx = db.read(ctx).await?;
    let users = query.all(&tx).await?;
    tx.commit().await?;
    Ok(users.into_iter().map(|u| (u.id, u.display_name)).collect())
}

/// A new account as typed by a person.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: SecretString,
    pub role: Role,
    pub organization_id: Option<Uuid>,
    pub language: Option<String>,
}

/// A new account after parsing: every field valid.
pub(crate) struct ValidUser {
    username: String,
    display_name: String,
    email: String,
    password: SecretString,
    role: Role,
    organization_id: Option<Uuid>,
    language: String,
}

/// A valid account with its password hashed, ready to insert.
pub(crate) struct HashedUser {
    user: ValidUser,
    password_hash: String,
}

pub(crate) fn parse_new_user(input: NewUser) -> Result<ValidUser> {
    match (input.role, input.organization_id) {
        (Role::OrgStaff, None) => {
            return Err(Error::validation(
                "organizationId",
                "org_staff accounts need the organization they act for",
                "机构工作人员账号须选择所属机构",
            ));
        }
        (Role::OrgStaff, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(Error::validation(
                "organizationId",
                "only org_staff accounts belong to an organization",
                "只有机构工作人员账号才属于某个机构",
            ));
        }
    }
    parse_account(input)
}

/// The account of someone applying to register an organization: staff of
/// no organization until the application is approved.
pub(crate) fn parse_applicant(input: NewUser) -> Result<ValidUser> {
    parse_account(NewUser {
        role: Role::OrgStaff,
        organization_id: None,
        ..input
    })
}

/// An account's own fields: its name, email, password and language.
fn parse_account(input: NewUser) -> Result<ValidUser> {
    let language = match input.language.as_deref().map(str::trim) {
        None | Some("") => "zh-CN".to_owned(),
        Some(l) if LANGUAGES.contains(&l) => l.to_owned(),
        Some(l) => {
            return Err(Error::validation(
                "language",
                format!("language must be zh-CN or en, not \"{l}\""),
                format!("语言只能是 zh-CN 或 en，不能是“{l}”"),
            ));
        }
    };
    password::validate_new(&input.password)?;
    Ok(ValidUser {
        username: validate::identifier("username", &input.username, 3, 64)?,
        display_name: validate::required_text("displayName", &input.display_name, 100)?,
        email: validate::email("email", &input.email)?,
        password: input.password,
        role: input.role,
        organization_id: input.organization_id,
        language,
    })
}

pub(crate) async fn hash_new_user(user: ValidUser) -> Result<HashedUser> {
    let password_hash = password::hash(user.password.clone()).await?;
    Ok(HashedUser { user, password_hash })
}

/// Pair an already computed hash with a user (the demo seed hashes its one
/// shared password once).
pub(crate) fn with_hash(user: ValidUser, password_hash: String) -> HashedUser {
    HashedUser { user, password_hash }
}

pub(crate) async fn insert<C: ConnectionTrait>(conn: &C, tenant_id: Uuid, new: HashedUser) -> Result<app_user::Model> {
    let now = clock::now();
    let HashedUser { user, password_hash } = new;
    let model = app_user::Model {
        tenant_id,
        id: Uuid::now_v7(),
        username: user.username,
        display_name: user.display_name,
        email: user.email,
        role: user.role,
        organization_id: user.organization_id,
        password_hash,
        language: user.language,
        active: true,
        created_at: now,
        updated_at: now,
        session_version: 0,
    };
    app_user::Entity::insert(app_user::ActiveModel::from(model.clone()))
        .exec_without_returning(conn)
        .await
        .or_conflict(|| {
            Error::conflict(
                format!("the username \"{}\" is taken in this tenant", model.username),
                format!("用户名“{}”已被占用", model.username),
            )
        })?;
    Ok(model)
}

/// The welcome mail of a new account.
pub(crate) fn account_created_email(
    db: &Db,
    tenant: &entity::tenant::Model,
    user: &app_user::Model,
) -> Email<serde_json::Value> {
    Email {
        to: user.email.clone(),
        language: user.language.clone(),
        template: Template::AccountCreated,
        context: json!({
            "display_name": user.display_name,
            "username": user.username,
            "tenant_name": tenant.name,
            "tenant_slug": tenant.slug,
            "role_label": user.role.label(&user.language),
            "login_url": format!("{}/", db.public_url()),
        }),
    }
}

impl ValidUser {
    /// What identifies the request for idempotency: everything but the
    /// password, which is never stored, not even hashed here.
    pub(crate) fn fingerprint(&self) -> serde_json::Value {
        json!({
            "username": self.username,
            "display_name": self.display_name,
            "email": self.email,
            "role": self.role,
            "organization_id": self.organization_id,
            "language": self.language,
        })
    }
}

/// What the audit trail records of a user: never the password hash.
#[derive(Serialize)]
pub(crate) struct UserSnapshot<'a> {
    username: &'a str,
    display_name: &'a str,
    email: &'a str,
    role: Role,
    organization_id: Option<Uuid>,
    language: &'a str,
    active: bool,
}

impl<'a> From<&'a app_user::Model> for UserSnapshot<'a> {
    fn from(u: &'a app_user::Model) -> Self {
        Self {
            username: &u.username,
            display_name: &u.display_name,
            email: &u.email,
            role: u.role,
            organization_id: u.organization_id,
            language: &u.language,
            active: u.active,
        }
    }
}

/// A city official opens an account in their own city: another official,
/// an organization's staff member, or a donor. The new user is told by
/// email how to sign in.
pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: NewUser,
    idempotency_key: Option<&str>,
) -> Result<app_user::Model> {
    ctx.require_role(&[Role::CityOfficial])?;
    if tenant_kind_for(input.role) != ctx.tenant_kind {
        return Err(Error::validation(
            "role",
            "a city official can open city_official, org_staff and donor accounts only",
            "市级民政工作人员只能开设民政工作人员、机构工作人员和捐赠人账号",
        ));
    }
    let user = parse_new_user(input)?;
    let fingerprint = user.fingerprint();
    let user = hash_new_user(user).await?;
    // Read before the write transaction: holding it while waiting for a
    // second pooled connection can starve the pool under load.
    let tenant = tenants::find_by_id(db, ctx.tenant_id).await?;
    let mut tx = db.write(ctx).await?;
    if let Some(id) = tx.replayed(idempotency_key, "user.create", &fingerprint).await? {
        drop(tx);
        return find(db, ctx, id).await;
    }
    if let Some(org) = user.user.organization_id {
        organization::Entity::find_owned_opt(tx.conn(), ctx, org)
            .await?
            .ok_or_else(|| {
                Error::validation(
                    "organizationId",
                    "there is no such organization in this city",
                    "本市没有这个机构",
                )
            })?;
    }
    let created = insert(tx.conn(), ctx.tenant_id, user).await?;
    tx.send_email(account_created_email(db, &tenant, &created)).await?;
    tx.commit(
        AuditEvent::new("user.create", "user", created.id)
            .organization(created.organization_id)
            .created(&UserSnapshot::from(&created)),
    )
    .await?;
    Ok(created)
}

/// Deactivate or re-enable an account of the official's city. Sign-in is
/// refused while deactivated; officials cannot lock themselves out.
pub async fn set_active(db: &Db, ctx: &TenantContext, id: Uuid, active: bool) -> Result<app_user::Model> {
    let (me, _) = ctx.require_role(&[Role::CityOfficial])?;
    if me == id && !active {
        return Err(Error::conflict(
            "you cannot deactivate your own account",
            "不能停用自己的账号",
        ));
    }
    let tx = db.write(ctx).await?;
    let before = app_user::Entity::lock_owned(tx.conn(), ctx, id).await?;
    let now = clock::now();
    let after = app_user::Model {
        active,
        updated_at: now,
        // Deactivation ends the user's open sessions at once.
        session_version: if active {
            before.session_version
        } else {
            before.session_version + 1
        },
        ..before.clone()
    };
    app_user::Entity::update(app_user::ActiveModel {
        tenant_id: Set(after.tenant_id),
        id: Set(after.id),
        active: Set(after.active),
        updated_at: Set(after.updated_at),
        session_version: Set(after.session_version),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    let action = if active { "user.activate" } else { "user.deactivate" };
    tx.commit(
        AuditEvent::new(action, "user", id)
            .organization(after.organization_id)
            .changed(&UserSnapshot::from(&before), &UserSnapshot::from(&after)),
    )
    .await?;
    Ok(after)
}

/// Change one's own password, proving the current one.
pub async fn change_password(
    db: &Db,
    ctx: &TenantContext,
    current: SecretString,
    new: SecretString,
) -> Result<app_user::Model> {
    let (id, _) = ctx.require_user()?;
    password::validate_new(&new)?;
    // A stolen session must not become a way to guess the password.
    db.bursts().check(ctx.request.client_addr.as_deref())?;
    let guesses = throttle::Key::new(&throttle::PASSWORD, id.to_string());
    throttle::check(db, &[&guesses]).await?;
    let user = find(db, ctx, id).await?;
    if !password::verify(current, user.password_hash.clone()).await? {
        if !throttle::failed(db, &[&guesses]).await?.is_empty() {
            tracing::warn!(tenant = %ctx.tenant_slug, user = %id, "repeated wrong current passwords: locked for a while");
            let tx = db.write(ctx).await?;
            tx.commit(
                AuditEvent::new("user.password_locked", "user", id)
                    .organization(user.organization_id)
                    .detail(json!({"locked": [throttle::PASSWORD.kind]})),
            )
            .await?;
        }
        return Err(Error::validation(
            "currentPassword",
            "the current password is wrong",
            "当前密码不正确",
        ));
    }
    throttle::succeeded(db, &guesses).await?;
    let password_hash = password::hash(new).await?;
    let updated_at = clock::now();
    let tenant = tenants::find_by_id(db, ctx.tenant_id).await?;
    let tx = db.write(ctx).await?;
    app_user::Entity::update(app_user::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        password_hash: Set(password_hash.clone()),
        updated_at: Set(updated_at),
        // Every session opened with the old password ends here.
        session_version: Set(user.session_version + 1),
        ..Default::default()
    })
    .exec(tx.conn())
    .await?;
    tx.send_email(Email {
        to: user.email.clone(),
        language: user.language.clone(),
        template: Template::PasswordChanged,
        context: json!({
            "display_name": user.display_name,
            "username": user.username,
            "tenant_name": tenant.name,
            "changed_at": updated_at.format("%Y-%m-%d %H:%M").to_string(),
        }),
    })
    .await?;
    // The hash itself never goes on the trail; the event is the fact.
    tx.commit(AuditEvent::new("user.change_password", "user", id).organization(user.organization_id))
        .await?;
    Ok(app_user::Model {
        password_hash,
        updated_at,
        session_version: user.session_version + 1,
        ..user
    })
}
