//! A social organization registered with a city bureau (社会组织).

use sea_orm::entity::prelude::*;

entity! {
    "organization" key(tenant_id: Uuid, id: Uuid) {
        pub name: String,
        pub kind: OrganizationKind,
        /// 行业协会商会: an industry association or chamber of commerce.
        pub is_industry_association: bool,
        /// 统一社会信用代码, unique per tenant.
        pub credit_code: String,
        pub business_scope: String,
        pub registered_address: String,
        pub legal_representative: String,
        pub contact_email: String,
        /// 业务主管单位.
        pub supervising_unit: String,
        pub status: OrganizationStatus,
        pub registered_on: Date,
        /// 慈善组织认定: date and deciding official.
        pub charity_recognized_on: Option<Date>,
        pub charity_recognized_by: Option<Uuid>,
        /// 公开募捐资格: date and deciding official.
        pub public_fundraising_on: Option<Date>,
        pub public_fundraising_by: Option<Uuid>,
        pub deregistered_on: Option<Date>,
        pub deregistration_reason: Option<String>,
        /// Increases with every change; `organization_version` keeps each one.
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
}

text_enum! {
    pub enum OrganizationKind(32) {
        /// 社会团体, including industry associations and chambers of commerce.
        SocialGroup,
        /// 民办非企业单位 / 社会服务机构.
        SocialServiceInstitution,
        /// 基金会.
        Foundation,
    }
}

text_enum! {
    pub enum OrganizationStatus(16) {
        Active,
        /// 注销: read-only from then on.
        Deregistered,
    }
}
