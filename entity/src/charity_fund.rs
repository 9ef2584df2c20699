//! A community charity fund (社区发展慈善基金) of one village or urban
//! community, managed by a charitable organization. `raised_fen` and
//! `disbursed_fen` are running totals of its ledger (confirmed donations in,
//! approved disbursements out), kept in the same transactions as the ledger
//! rows; a CHECK keeps raised >= disbursed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "charity_fund")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub community: String,
    pub street: String,
    pub district: String,
    pub raised_fen: i64,
    pub disbursed_fen: i64,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
