//! A city's relief standard (救助标准) for one category and area: a tenant
//! setting officials keep current.

use sea_orm::entity::prelude::*;

entity! {
    "relief_standard" key(tenant_id: Uuid, category: ReliefCategory, area: Area) {
        /// Per person, per `period`.
        pub amount_fen: i64,
        pub period: Period,
        pub updated_by: Option<Uuid>,
        pub updated_at: DateTimeUtc,
    }
}

text_enum! {
    /// The government relief a household can hold.
    pub enum ReliefCategory(24) {
        /// 低保: minimum living allowance.
        MinimumLiving,
        /// 特困: extreme-poverty support.
        ExtremePoverty,
        /// 临时救助: temporary assistance.
        Temporary,
        /// 低保边缘: just above the line.
        NearPoverty,
        /// 刚性支出困难: crushed by unavoidable costs.
        EssentialExpense,
    }
}

text_enum! {
    pub enum Area(8) {
        /// 城市.
        Urban,
        /// 农村.
        Rural,
    }
}

text_enum! {
    pub enum Period(8) {
        Month,
        Year,
    }
}
