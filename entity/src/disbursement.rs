//! Money out of a community fund: requested by one member of the managing
//! organization, approved by another (four eyes), then paid.

use sea_orm::entity::prelude::*;

entity! {
    "disbursement" key(tenant_id: Uuid, id: Uuid) {
        pub fund_id: Uuid,
        pub organization_id: Uuid,
        pub purpose: Purpose,
        pub beneficiary_kind: BeneficiaryKind,
        /// Stored in full for the organization; masked on every public field.
        pub beneficiary_name: String,
        pub description: String,
        pub amount_fen: i64,
        pub status: DisbursementStatus,
        pub requested_by: Uuid,
        pub requested_at: DateTimeUtc,
        pub decided_by: Option<Uuid>,
        pub decided_at: Option<DateTimeUtc>,
        pub decision_note: Option<String>,
        pub paid_by: Option<Uuid>,
        pub paid_on: Option<Date>,
        pub payment_reference: Option<String>,
    }
}

text_enum! {
    pub enum Purpose(24) {
        /// 生活救助.
        LivingAid,
        /// 医疗救助.
        Medical,
        /// 助学.
        Education,
        /// 养老服务.
        ElderlyServices,
        /// 儿童关爱.
        Children,
        /// 救灾.
        Disaster,
        /// 社区项目.
        CommunityProjects,
        /// 管理费用.
        Administration,
    }
}

text_enum! {
    pub enum BeneficiaryKind(16) {
        Person,
        Household,
        Project,
    }
}

text_enum! {
    pub enum DisbursementStatus(16) {
        Requested,
        /// Approved: the money is committed and allocated to donations.
        Approved,
        Rejected,
        Paid,
    }
}
