//! A social organization registered with a city bureau. The registration
//! workflow extends this table; the foundation needs it for `org_staff`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: OrganizationKind,
    pub created_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrganizationKind {
    /// 社会团体, including industry associations and chambers of commerce.
    #[sea_orm(string_value = "social_group")]
    SocialGroup,
    /// 民办非企业单位 / 社会服务机构.
    #[sea_orm(string_value = "social_service_institution")]
    SocialServiceInstitution,
    /// 基金会.
    #[sea_orm(string_value = "foundation")]
    Foundation,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
