//! A complaint about an illegal (unregistered) organization (非法社会组织)
//! and how the bureau handled it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The name the illegal organization uses.
    pub subject_name: String,
    pub description: String,
    /// Who complained, as they gave it (may be empty).
    pub reporter: String,
    pub status: ComplaintStatus,
    pub handling: Option<String>,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ComplaintStatus {
    #[sea_orm(string_value = "received")]
    Received,
    #[sea_orm(string_value = "investigating")]
    Investigating,
    /// Dealt with: banned, dissolved, referred, or found not illegal.
    #[sea_orm(string_value = "closed")]
    Closed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
