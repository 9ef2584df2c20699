//! The bureau's accounts: who can sign in for the city, a new account for
//! an official, an organization's staff or a donor (told by email how to
//! sign in), and an account stopped or let in again.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use minijinja::{Value, context};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use service::labels::Label;
use service::organizations::{self, OrganizationFilter};
use service::page::PageRequest;
use service::users::{self, NewUser};
use service::{Role, TenantContext};
use uuid::Uuid;

use super::form::{self, Choice, Rejected};
use super::{Page, PageError, Reply, invalid, redirect_done};

/// The roles a city's bureau opens accounts for.
const ROLES: [Role; 3] = [Role::CityOfficial, Role::OrgStaff, Role::Donor];

#[derive(Deserialize, Serialize, Default)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(skip_serializing)]
    after: Option<Uuid>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewAccount {
    username: String,
    display_name: String,
    email: String,
    password: String,
    role: Choice<Role>,
    organization_id: String,
    language: String,
}

/// Every organization of the city, by name, for the staff account's
/// choice (a city registers hundreds, not tens of thousands).
async fn organization_names(page: &Page, ctx: &TenantContext) -> Result<HashMap<Uuid, String>, PageError> {
    let mut names = HashMap::new();
    let mut after = None;
    loop {
        let batch = organizations::list(
            &page.db,
            ctx,
            OrganizationFilter::default(),
            PageRequest::new(Some(100), after)?,
        )
        .await?;
        names.extend(batch.items.iter().map(|o| (o.id, o.name.clone())));
        match (batch.has_next, batch.items.last()) {
            (true, Some(last)) => after = Some(last.id),
            _ => return Ok(names),
        }
    }
}

async fn users_page(
    page: &Page,
    tenant: &str,
    filter: &Filter,
    form: Value,
    errors: Value,
    status: StatusCode,
) -> Reply {
    let ctx = page.signed_in(tenant, Role::CityOfficial)?;
    let lang = page.frame.lang;
    let names = organization_names(page, ctx).await?;
    let result = users::list(
        &page.db,
        ctx,
        filter.role,
        PageRequest::new(Some(50), filter.after)?.counted(),
    )
    .await?;
    let total = result.total;
    let (next, first) = super::page_links(&result, filter, filter.after.is_some(), |u| u.id);
    let me = ctx.user_id();
    let rows: Vec<_> = result
        .items
        .iter()
        .map(|u| {
            context! {
                id => u.id.to_string(), username => u.username.clone(), name => u.display_name.clone(),
                email => u.email.clone(), role => u.role.label(lang), active => u.active, me => Some(u.id) == me,
                organization => u.organization_id.and_then(|o| names.get(&o).cloned()),
            }
        })
        .collect();
    let roles: Vec<_> = ROLES.iter().map(|r| (super::key(*r), r.label(lang))).collect();
    let mut organizations: Vec<_> = names.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    organizations.sort_by(|a, b| a.1.cmp(&b.1));
    organizations.insert(0, (String::new(), crate::i18n::text(lang, "option_none")));
    Ok(page.render(
        "users.html",
        status,
        context! {
            users => rows, next => next, first => first, total => total, role_filter => filter.role.map(super::key), roles => roles,
            organizations => organizations, form => form, errors => errors, ..page.base(Some(tenant))
        },
    ))
}

pub async fn list(page: Page, tenant: web::Path<String>, filter: web::Query<Filter>) -> Reply {
    let form = context! { idempotency_key => service::token::random_token() };
    users_page(&page, &tenant, &filter, form, context! {}, StatusCode::OK).await
}

/// The account form as the service's input; an organization or role the
/// form does not offer is refused beside its field.
fn parse(fields: &HashMap<String, String>) -> Result<NewUser, Rejected> {
    let a: NewAccount = form::typed(fields)?;
    let organization_id = match form::text(&a.organization_id) {
        None => None,
        Some(id) => Some(Uuid::parse_str(&id).map_err(|_| Rejected::unknown("organization_id", &id))?),
    };
    let role = a.role.optional("role")?;
    Ok(NewUser {
        username: a.username,
        display_name: a.display_name,
        email: a.email,
        password: SecretString::from(a.password),
        role: role.ok_or_else(|| Rejected::invalid("role", invalid::choice("role")))?,
        organization_id,
        language: form::text(&a.language),
    })
}

pub async fn create(page: Page, tenant: web::Path<String>, fields: web::Form<HashMap<String, String>>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::CityOfficial)?;
    let created = page.submit(&fields, parse, async |input, key| {
        users::create(&page.db, ctx, input, key).await
    });
    let (errors, status) = match created.await? {
        Ok(_) => return Ok(redirect_done(&format!("/{tenant}/office/users"), "user_created")),
        Err(shown) => shown,
    };
    // What was typed comes back, but never the password.
    let mut kept = fields.into_inner();
    kept.remove("password");
    let form = Value::from(minijinja::value::Serde(kept));
    users_page(&page, &tenant, &Filter::default(), form, errors, status).await
}

/// `…/users/{id}/deactivate` or `…/activate`.
pub async fn set_active(
    page: Page,
    path: web::Path<(String, Uuid, String)>,
    fields: web::Form<HashMap<String, String>>,
) -> Reply {
    let (tenant, id, action) = path.into_inner();
    let ctx = page.acting(&tenant, Role::CityOfficial, &fields)?;
    let active = match action.as_str() {
        "activate" => true,
        "deactivate" => false,
        _ => return Err(service::Error::NotFound("action").into()),
    };
    match page.settle(users::set_active(&page.db, ctx, id, active).await)? {
        Ok(_) => Ok(redirect_done(
            &format!("/{tenant}/office/users"),
            &format!("user_{action}d"),
        )),
        Err((errors, status)) => {
            let form = context! { idempotency_key => service::token::random_token() };
            users_page(&page, &tenant, &Filter::default(), form, errors, status).await
        }
    }
}
