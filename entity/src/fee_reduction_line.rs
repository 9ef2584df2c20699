//! One fee item of a report: what was charged, what the association did
//! about it, how much it saved and for how many enterprises. A line of the
//! measure `support_policy` names the policy won instead of a fee.

use sea_orm::entity::prelude::*;

entity! {
    "fee_reduction_line" key(tenant_id: Uuid, id: Uuid) {
        pub report_id: Uuid,
        /// Order within the report, from 1.
        pub position: i32,
        pub fee_item: FeeItem,
        /// Free text naming the fee (required for `other`).
        pub fee_item_detail: String,
        pub measure: Measure,
        pub standard_before_fen: Option<i64>,
        pub standard_after_fen: Option<i64>,
        pub amount_fen: i64,
        pub enterprises: i32,
        pub note: String,
        /// The official's comment on this line when returning the report.
        pub return_comment: Option<String>,
    }
}

text_enum! {
    pub enum FeeItem(16) {
        /// 会费.
        Membership,
        /// 培训费.
        Training,
        /// 评比表彰 / 评估.
        Appraisal,
        /// 咨询费.
        Consulting,
        /// 资料 / 出版物.
        Publication,
        Other,
    }
}

text_enum! {
    pub enum Measure(16) {
        /// 取消.
        Cancel,
        /// 降低.
        Lower,
        /// 减免.
        Waive,
        /// 规范 / 清退.
        Standardize,
        /// 为行业争取帮扶政策: support won for the industry (subsidies, policy
        /// relief), which may carry no fee amount.
        SupportPolicy,
    }
}
