//! One need of a referral: money (with an amount), goods, or a service.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_need")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub referral_id: Uuid,
    pub kind: NeedKind,
    pub amount_fen: Option<i64>,
    pub service: Option<Service>,
    pub description: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum NeedKind {
    #[sea_orm(string_value = "money")]
    Money,
    #[sea_orm(string_value = "goods")]
    Goods,
    #[sea_orm(string_value = "service")]
    Service,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Service {
    /// 生活照料.
    #[sea_orm(string_value = "daily_care")]
    DailyCare,
    /// 助餐送餐.
    #[sea_orm(string_value = "meal_delivery")]
    MealDelivery,
    /// 就医陪护.
    #[sea_orm(string_value = "medical_escort")]
    MedicalEscort,
    /// 助浴.
    #[sea_orm(string_value = "bathing")]
    Bathing,
    /// 心理关爱.
    #[sea_orm(string_value = "psychological_care")]
    PsychologicalCare,
    /// 助学辅导.
    #[sea_orm(string_value = "education_support")]
    EducationSupport,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
