//! A city's relief standard (救助标准) for one category and area: a tenant
//! setting officials keep current.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "relief_standard")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category: ReliefCategory,
    #[sea_orm(primary_key, auto_increment = false)]
    pub area: Area,
    /// Per person, per `period`.
    pub amount_fen: i64,
    pub period: Period,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

/// The government relief a household can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ReliefCategory {
    /// 低保: minimum living allowance.
    #[sea_orm(string_value = "minimum_living")]
    MinimumLiving,
    /// 特困: extreme-poverty support.
    #[sea_orm(string_value = "extreme_poverty")]
    ExtremePoverty,
    /// 临时救助: temporary assistance.
    #[sea_orm(string_value = "temporary")]
    Temporary,
    /// 低保边缘: just above the line.
    #[sea_orm(string_value = "near_poverty")]
    NearPoverty,
    /// 刚性支出困难: crushed by unavoidable costs.
    #[sea_orm(string_value = "essential_expense")]
    EssentialExpense,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Area {
    /// 城市.
    #[sea_orm(string_value = "urban")]
    Urban,
    /// 农村.
    #[sea_orm(string_value = "rural")]
    Rural,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Period {
    #[sea_orm(string_value = "month")]
    Month,
    #[sea_orm(string_value = "year")]
    Year,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
