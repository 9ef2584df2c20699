//! Who is asking, for which tenant. Built once per request at the edge (from
//! the JWT, or from the tenant in a public path) and passed to every service
//! call.

use uuid::Uuid;

use crate::error::{Error, Result};
use entity::app_user::Role;
use entity::tenant::TenantKind;

#[derive(Clone, Debug)]
pub struct TenantContext {
    pub tenant_id: Uuid,
    pub tenant_slug: String,
    pub tenant_kind: TenantKind,
    pub actor: Actor,
    pub request: RequestMeta,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A member of the public reading public data.
    Anonymous,
    /// A signed-in user.
    User {
        id: Uuid,
        role: Role,
        organization_id: Option<Uuid>,
    },
    /// Jobs and start-up tasks acting on their own.
    System,
}

/// Facts about the HTTP request, recorded on audit records.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl TenantContext {
    pub fn user_id(&self) -> Option<Uuid> {
        match self.actor {
            Actor::User { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self.actor {
            Actor::User { role, .. } => Some(role),
            _ => None,
        }
    }

    pub fn organization_id(&self) -> Option<Uuid> {
        match self.actor {
            Actor::User { organization_id, .. } => organization_id,
            _ => None,
        }
    }

    /// The organization the caller acts for, or FORBIDDEN.
    pub fn require_organization(&self) -> Result<Uuid> {
        self.organization_id()
            .ok_or_else(|| Error::forbidden("this account does not act for an organization"))
    }

    /// The signed-in user's id, or UNAUTHENTICATED.
    pub fn require_user(&self) -> Result<(Uuid, Role)> {
        match self.actor {
            Actor::User { id, role, .. } => Ok((id, role)),
            _ => Err(Error::Unauthenticated(
                "sign in first: this needs a bearer token".into(),
            )),
        }
    }

    /// The caller's id and role when the role is one of `roles`; anonymous
    /// callers get UNAUTHENTICATED, other roles FORBIDDEN.
    pub fn require_role(&self, roles: &[Role]) -> Result<(Uuid, Role)> {
        let (id, role) = self.require_user()?;
        if roles.contains(&role) {
            Ok((id, role))
        } else {
            Err(Error::forbidden(format!(
                "the role {} may not do this; it needs one of: {}",
                role_name(role),
                roles.iter().map(|r| role_name(*r)).collect::<Vec<_>>().join(", ")
            )))
        }
    }

    /// A charity's or association's staff acting for their organization:
    /// the user's id and the organization's.
    pub fn require_staff(&self) -> Result<(Uuid, Uuid)> {
        let (user, _) = self.require_role(&[Role::OrgStaff])?;
        Ok((user, self.require_organization()?))
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::PlatformAdmin => "platform_admin",
        Role::RegionOfficial => "region_official",
        Role::CityOfficial => "city_official",
        Role::OrgStaff => "org_staff",
        Role::Donor => "donor",
    }
}

pub fn parse_role(name: &str) -> Option<Role> {
    Some(match name {
        "platform_admin" => Role::PlatformAdmin,
        "region_official" => Role::RegionOfficial,
        "city_official" => Role::CityOfficial,
        "org_staff" => Role::OrgStaff,
        "donor" => Role::Donor,
        _ => return None,
    })
}

/// The tenant kind each role lives in: a role is only valid in its kind.
pub fn tenant_kind_for(role: Role) -> TenantKind {
    match role {
        Role::PlatformAdmin => TenantKind::Platform,
        Role::RegionOfficial => TenantKind::Region,
        Role::CityOfficial | Role::OrgStaff | Role::Donor => TenantKind::City,
    }
}
