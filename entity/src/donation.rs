//! The donation ledger. A gift is never edited or deleted: a correction is a
//! `reversal` entry pointing at the gift, with the negated amount and a
//! reason, so every sum over the ledger is right without filters.

use sea_orm::entity::prelude::*;

entity! {
    "donation" key(tenant_id: Uuid, id: Uuid) {
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
}

text_enum! {
    pub enum Entry(16) {
        Gift,
        Reversal,
    }
}

text_enum! {
    pub enum DonationStatus(16) {
        /// A donor's online pledge, waiting for the organization to confirm
        /// the money arrived.
        Pledged,
        Confirmed,
        /// A pledge the organization never received.
        Declined,
    }
}

text_enum! {
    #[derive(PartialOrd, Ord)]
    pub enum GiftKind(16) {
        Money,
        /// 物资, carried at a valuation.
        Goods,
    }
}

text_enum! {
    pub enum Channel(16) {
        BankTransfer,
        Cash,
        WechatPay,
        Alipay,
        Other,
    }
}

text_enum! {
    pub enum DonorKind(16) {
        Individual,
        Enterprise,
        Anonymous,
    }
}
