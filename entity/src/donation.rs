//! The donation ledger. A gift is never edited or deleted: a correction is a
//! `reversal` entry pointing at the gift, with the negated amount and a
//! reason, so every sum over the ledger is right without filters.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "donation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organization that received it.
    pub organization_id: Uuid,
    pub entry: Entry,
    /// For a reversal: the gift it voids.
    pub reverses_id: Option<Uuid>,
    pub status: DonationStatus,
    pub gift_kind: GiftKind,
    /// Money, or the valuation of goods; negative on a reversal.
    pub amount_fen: i64,
    pub channel: Option<Channel>,
    pub external_reference: String,
    pub goods_description: String,
    /// A decimal number as typed (e.g. `1.5`), empty for money.
    pub goods_quantity: String,
    pub goods_unit: String,
    pub valuation_basis: String,
    pub donor_kind: DonorKind,
    /// Never shown publicly unless `disclose` (and never for anonymous).
    pub donor_name: String,
    pub donor_email: Option<String>,
    /// The donor's account, when they have one in this city.
    pub donor_user_id: Option<Uuid>,
    pub disclose: bool,
    pub campaign_id: Option<Uuid>,
    /// The charity donation station (社会慈善捐助站) that took the gift.
    pub station_id: Option<Uuid>,
    /// Designation (定向) to a community fund...
    pub fund_id: Option<Uuid>,
    /// ...or to a named project of the organization.
    pub project: Option<String>,
    /// Within a fund, money the donor restricted to one purpose.
    pub restricted_purpose: Option<super::disbursement::Purpose>,
    /// A sponsor's matching gift points at the gift it matches.
    pub matches_id: Option<Uuid>,
    /// `ORGCODE-YYYY-NNNNNN`, issued on confirmation.
    pub receipt_number: Option<String>,
    /// SHA-256 (hex) of the verification code printed on the receipt email.
    pub verification_hash: Option<String>,
    /// What of a fund gift no disbursement has used yet.
    pub unallocated_fen: i64,
    pub received_on: Date,
    pub note: String,
    pub recorded_by: Option<Uuid>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Entry {
    #[sea_orm(string_value = "gift")]
    Gift,
    #[sea_orm(string_value = "reversal")]
    Reversal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DonationStatus {
    /// A donor's online pledge, waiting for the organization to confirm
    /// the money arrived.
    #[sea_orm(string_value = "pledged")]
    Pledged,
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    /// A pledge the organization never received.
    #[sea_orm(string_value = "declined")]
    Declined,
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum GiftKind {
    #[sea_orm(string_value = "money")]
    Money,
    /// 物资, carried at a valuation.
    #[sea_orm(string_value = "goods")]
    Goods,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Channel {
    #[sea_orm(string_value = "bank_transfer")]
    BankTransfer,
    #[sea_orm(string_value = "cash")]
    Cash,
    #[sea_orm(string_value = "wechat_pay")]
    WechatPay,
    #[sea_orm(string_value = "alipay")]
    Alipay,
    #[sea_orm(string_value = "other")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DonorKind {
    #[sea_orm(string_value = "individual")]
    Individual,
    #[sea_orm(string_value = "enterprise")]
    Enterprise,
    #[sea_orm(string_value = "anonymous")]
    Anonymous,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
