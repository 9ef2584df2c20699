//! The annual work report (年度工作报告) of an organization for one year,
//! due 31 May of the next year.

use sea_orm::entity::prelude::*;

entity! {
    "annual_report" key(tenant_id: Uuid, id: Uuid) {
        pub organization_id: Uuid,
        pub year: i32,
        pub status: ReportStatus,
        pub summary: String,
        pub submitted_by: Uuid,
        pub submitted_at: DateTimeUtc,
        pub reviewed_by: Option<Uuid>,
        pub review_comment: Option<String>,
        pub reviewed_at: Option<DateTimeUtc>,
    }
}

text_enum! {
    pub enum ReportStatus(24) {
        Submitted,
        Passed,
        PassedWithIssues,
        /// 不合格: the organization must submit again.
        Failed,
    }
}
