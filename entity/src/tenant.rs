//! The tenant registry: the platform itself, regions and city bureaus.
//! Not tenant-owned (it is what tenants are), so it carries no `tenant_id`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// URL-safe name used at sign-in and in public paths (`liuzhou`).
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub kind: TenantKind,
    /// GB/T 2260 administrative division code; empty for the platform.
    pub division_code: String,
    /// The region a city belongs to.
    pub parent_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TenantKind {
    #[sea_orm(string_value = "platform")]
    Platform,
    #[sea_orm(string_value = "region")]
    Region,
    #[sea_orm(string_value = "city")]
    City,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
