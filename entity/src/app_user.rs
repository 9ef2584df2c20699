//! A person who signs in. Users belong to exactly one tenant; the username is
//! unique within it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    /// Set for `org_staff`: the organization they act for.
    pub organization_id: Option<Uuid>,
    /// PHC string (argon2id); never leaves the service crate.
    pub password_hash: String,
    /// Preferred language for mail and pages: `zh-CN` or `en`.
    pub language: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Carried in every token; deactivation and a password change bump it,
    /// which ends every open session at once.
    pub session_version: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Role {
    #[sea_orm(string_value = "platform_admin")]
    PlatformAdmin,
    #[sea_orm(string_value = "region_official")]
    RegionOfficial,
    #[sea_orm(string_value = "city_official")]
    CityOfficial,
    #[sea_orm(string_value = "org_staff")]
    OrgStaff,
    #[sea_orm(string_value = "donor")]
    Donor,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
