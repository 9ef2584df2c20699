//! An organization's place on a supervision list (社会组织信用信息管理办法):
//! the abnormal-activity list (活动异常名录) or the serious illegal and
//! dishonest list (严重违法失信名单).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_listing")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub list: SupervisionList,
    pub reason: String,
    pub listed_on: Date,
    /// The official who listed it; `None` for the daily job.
    pub listed_by: Option<Uuid>,
    pub removed_on: Option<Date>,
    pub removal_reason: Option<String>,
    pub removed_by: Option<Uuid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SupervisionList {
    #[sea_orm(string_value = "abnormal")]
    Abnormal,
    #[sea_orm(string_value = "serious")]
    Serious,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
