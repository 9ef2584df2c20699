//! An organization's place on a supervision list (社会组织信用信息管理办法):
//! the abnormal-activity list (活动异常名录) or the serious illegal and
//! dishonest list (严重违法失信名单).

use sea_orm::entity::prelude::*;

entity! {
    "supervision_listing" key(tenant_id: Uuid, id: Uuid) {
        pub organization_id: Uuid,
        pub list: SupervisionList,
        pub reason: String,
        pub listed_on: Date,
        /// The official who listed it; `None` for the daily job.
        pub listed_by: Option<Uuid>,
        pub removed_on: Option<Date>,
        pub removal_reason: Option<String>,
        pub removed_by: Option<Uuid>,
    }
}

text_enum! {
    pub enum SupervisionList(16) {
        Abnormal,
        Serious,
    }
}
