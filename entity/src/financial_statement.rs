//! A charitable organization's figures for one year, as filed with its
//! annual report: what the spending-rule check reads.

use sea_orm::entity::prelude::*;

entity! {
    "financial_statement" key(tenant_id: Uuid, organization_id: Uuid, year: i32) {
        pub total_income_fen: i64,
        /// 慈善活动支出.
        pub charitable_spending_fen: i64,
        /// 管理费用.
        pub management_cost_fen: i64,
        pub total_spending_fen: i64,
        /// Net assets at the end of the year.
        pub net_assets_fen: i64,
        pub submitted_by: Uuid,
        pub submitted_at: DateTimeUtc,
    }
}
