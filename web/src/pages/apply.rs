//! Applying to register an organization (成立登记) from the city's public
//! pages, for a founder who has no account yet: the application and the
//! account to follow it with, then signed in to the workspace, where the
//! application's status shows until the bureau decides.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use entity::organization::OrganizationKind;
use minijinja::{Value, context};
use secrecy::SecretString;
use serde::Deserialize;
use service::organizations::Particulars;
use service::organizations::registration::{self, Applicant};

use super::form::{self, Choice, Rejected};
use super::{Page, Reply, city, key, redirect, redirect_done};
use crate::session::{self, Keys};

/// The kinds of organization a bureau registers, in the order offered.
pub const KINDS: [OrganizationKind; 3] = [
    OrganizationKind::SocialGroup,
    OrganizationKind::SocialServiceInstitution,
    OrganizationKind::Foundation,
];

/// An organization's registered particulars as a form gives them.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ParticularsForm {
    name: String,
    kind: Choice<OrganizationKind>,
    is_industry_association: String,
    business_scope: String,
    registered_address: String,
    legal_representative: String,
    supervising_unit: String,
    contact_email: String,
}

impl ParticularsForm {
    /// The particulars, with a kind the form offers (an unknown one is
    /// refused beside its field, not read as a social group).
    pub fn particulars(self) -> Result<Particulars, Rejected> {
        Ok(Particulars {
            name: self.name,
            // Blank or not one of the kinds: "choose one", beside the field
            // (in the service's terms, so the workspace's form shows it too).
            kind: match self.kind {
                Choice::Known(kind) => kind,
                _ => return Err(Rejected::from(super::invalid::choice("kind"))),
            },
            is_industry_association: !self.is_industry_association.is_empty(),
            business_scope: self.business_scope,
            registered_address: self.registered_address,
            legal_representative: self.legal_representative,
            supervising_unit: self.supervising_unit,
            contact_email: self.contact_email,
        })
    }
}

/// The account part of the form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountForm {
    username: String,
    display_name: String,
    password: String,
    password_again: String,
}

fn parse(fields: &HashMap<String, String>, lang: &str) -> Result<(Particulars, Applicant), Rejected> {
    let particulars = form::typed::<ParticularsForm>(fields)?.particulars()?;
    let account: AccountForm = form::typed(fields)?;
    if account.password != account.password_again {
        return Err(Rejected::invalid(
            "password_again",
            service::Error::validation("passwordAgain", "the two passwords differ", "两次输入的密码不一致"),
        ));
    }
    Ok((
        particulars,
        Applicant {
            username: account.username,
            display_name: account.display_name,
            password: SecretString::from(account.password),
            language: Some(lang.to_owned()),
        },
    ))
}

/// The kinds as (value, name) pairs for a `<select>`.
pub fn kind_choices(lang: &str) -> Vec<(String, String)> {
    KINDS
        .iter()
        .map(|k| (key(*k), service::labels::heading(*k, lang)))
        .collect()
}

async fn apply_page(page: &Page, tenant: &str, form: Value, errors: Value, status: StatusCode) -> Reply {
    let (_, city_name) = city(&page.db, page.request(), tenant).await?;
    Ok(page.render(
        "apply.html",
        status,
        context! {
            city_name => city_name, kinds => kind_choices(page.frame.lang), form => form, errors => errors,
            ..page.base(Some(tenant))
        },
    ))
}

pub async fn form(page: Page, tenant: web::Path<String>) -> Reply {
    // Signed in here, the workspace has the same form for its staff.
    if page.frame.user.as_ref().is_some_and(|u| u.tenant_slug == *tenant) {
        return Ok(redirect(&format!("/{tenant}/workspace/organization")));
    }
    let form =
        context! { idempotency_key => service::token::random_token(), kind => key(OrganizationKind::SocialGroup) };
    apply_page(&page, &tenant, form, context! {}, StatusCode::OK).await
}

/// File the application, open the account and sign it in.
pub async fn submit(
    page: Page,
    keys: Keys,
    tenant: web::Path<String>,
    fields: web::Form<HashMap<String, String>>,
) -> Reply {
    let (ctx, _) = city(&page.db, page.request(), &tenant).await?;
    let lang = page.frame.lang;
    let applied = page.submit(
        &fields,
        |f| parse(f, lang),
        async |(particulars, applicant), key| registration::apply(&page.db, &ctx, particulars, applicant, key).await,
    );
    let (errors, status) = match applied.await? {
        Ok(_) => {
            let password = SecretString::from(fields.get("password").cloned().unwrap_or_default());
            let username = fields.get("username").map(|u| u.trim()).unwrap_or_default();
            let signed = service::users::login(&page.db, &keys, &tenant, username, password, page.meta()).await?;
            let mut response = redirect_done(&format!("/{tenant}/workspace/organization"), "applied");
            let _ = response.add_cookie(&session::session_cookie(&signed.token, session::secure(&page.db)));
            return Ok(response);
        }
        Err(shown) => shown,
    };
    let mut kept = fields.into_inner();
    kept.retain(|k, _| !k.starts_with("password"));
    apply_page(
        &page,
        &tenant,
        Value::from(minijinja::value::Serde(&kept)),
        errors,
        status,
    )
    .await
}
