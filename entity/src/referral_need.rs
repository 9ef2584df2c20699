//! One need of a referral: money (with an amount), goods, or a service.

use sea_orm::entity::prelude::*;

entity! {
    "referral_need" key(tenant_id: Uuid, id: Uuid) {
        pub referral_id: Uuid,
        pub kind: NeedKind,
        pub amount_fen: Option<i64>,
        pub service: Option<Service>,
        pub description: String,
    }
}

text_enum! {
    pub enum NeedKind(16) {
        Money,
        Goods,
        Service,
    }
}

text_enum! {
    pub enum Service(24) {
        /// 生活照料.
        DailyCare,
        /// 助餐送餐.
        MealDelivery,
        /// 就医陪护.
        MedicalEscort,
        /// 助浴.
        Bathing,
        /// 心理关爱.
        PsychologicalCare,
        /// 助学辅导.
        EducationSupport,
    }
}
