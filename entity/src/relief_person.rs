//! A member of a relief household; position 1 is the head.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "relief_person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub position: i32,
    pub name: String,
    /// GB 11643 identity number, check digit verified.
    pub id_number: String,
    /// To the head: 本人, 配偶, 子女, 父母, ...
    pub relationship: String,
    pub disability: String,
    pub health: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
