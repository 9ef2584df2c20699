//! The stored and serde strings of every text enum, as a literal table taken
//! from the hand-written `string_value`s the enums had before `text_enum!`
//! (issue 19). The database rows and the API's JSON depend on these strings
//! byte for byte, so the table is the contract: a variant renamed, reordered
//! or added without a row here fails.

use std::fmt;

use sea_orm::{ActiveEnum, ColumnType, Iterable, sea_query::StringLen};
use serde::{
    Deserialize, Serialize,
    de::{IntoDeserializer, value::Error},
};

use crate::*;

/// Shows a value in its serde form: for a unit variant, the bare name serde
/// writes (the JSON string without its quotes).
struct SerdeForm<'a, T>(&'a T);

impl<T: Serialize> fmt::Display for SerdeForm<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.serialize(f)
    }
}

/// `table` lists every variant of `E` in declaration order with the string
/// it is stored as, in a column of `String(StringLen::N(len))`.
fn check<E>(len: u32, table: &[(E, &str)])
where
    E: ActiveEnum<Value = String> + Iterable + Serialize + for<'de> Deserialize<'de>,
    E: PartialEq + fmt::Debug + Copy,
{
    let declared: Vec<E> = E::iter().collect();
    let listed: Vec<E> = table.iter().map(|&(variant, _)| variant).collect();
    assert_eq!(declared, listed, "the variants and their order");
    for &(variant, text) in table {
        assert_eq!(variant.to_value(), text, "stored form of {variant:?}");
        assert_eq!(
            E::try_from_value(&text.to_owned()).ok(),
            Some(variant),
            "read back from {text:?}"
        );
        assert_eq!(SerdeForm(&variant).to_string(), text, "serde form of {variant:?}");
        let parsed = E::deserialize(IntoDeserializer::<Error>::into_deserializer(text));
        assert_eq!(parsed.ok(), Some(variant), "deserialized from {text:?}");
    }
    assert_eq!(
        *E::db_type().get_column_type(),
        ColumnType::String(StringLen::N(len)),
        "column type"
    );
}

#[test]
fn every_text_enum_keeps_its_strings() {
    check::<annual_report::ReportStatus>(
        24,
        &[
            (annual_report::ReportStatus::Submitted, "submitted"),
            (annual_report::ReportStatus::Passed, "passed"),
            (annual_report::ReportStatus::PassedWithIssues, "passed_with_issues"),
            (annual_report::ReportStatus::Failed, "failed"),
        ],
    );
    check::<app_user::Role>(
        32,
        &[
            (app_user::Role::PlatformAdmin, "platform_admin"),
            (app_user::Role::RegionOfficial, "region_official"),
            (app_user::Role::CityOfficial, "city_official"),
            (app_user::Role::OrgStaff, "org_staff"),
            (app_user::Role::Donor, "donor"),
        ],
    );
    check::<change_application::ChangeStatus>(
        16,
        &[
            (change_application::ChangeStatus::Submitted, "submitted"),
            (change_application::ChangeStatus::Approved, "approved"),
            (change_application::ChangeStatus::Returned, "returned"),
        ],
    );
    check::<charity_fund::FundKind>(
        16,
        &[
            (charity_fund::FundKind::Community, "community"),
            (charity_fund::FundKind::Special, "special"),
        ],
    );
    check::<complaint::ComplaintStatus>(
        16,
        &[
            (complaint::ComplaintStatus::Received, "received"),
            (complaint::ComplaintStatus::Investigating, "investigating"),
            (complaint::ComplaintStatus::Closed, "closed"),
        ],
    );
    check::<disbursement::Purpose>(
        24,
        &[
            (disbursement::Purpose::LivingAid, "living_aid"),
            (disbursement::Purpose::Medical, "medical"),
            (disbursement::Purpose::Education, "education"),
            (disbursement::Purpose::ElderlyServices, "elderly_services"),
            (disbursement::Purpose::Children, "children"),
            (disbursement::Purpose::Disaster, "disaster"),
            (disbursement::Purpose::CommunityProjects, "community_projects"),
            (disbursement::Purpose::Administration, "administration"),
        ],
    );
    check::<disbursement::BeneficiaryKind>(
        16,
        &[
            (disbursement::BeneficiaryKind::Person, "person"),
            (disbursement::BeneficiaryKind::Household, "household"),
            (disbursement::BeneficiaryKind::Project, "project"),
        ],
    );
    check::<disbursement::DisbursementStatus>(
        16,
        &[
            (disbursement::DisbursementStatus::Requested, "requested"),
            (disbursement::DisbursementStatus::Approved, "approved"),
            (disbursement::DisbursementStatus::Rejected, "rejected"),
            (disbursement::DisbursementStatus::Paid, "paid"),
        ],
    );
    check::<donation::Entry>(
        16,
        &[(donation::Entry::Gift, "gift"), (donation::Entry::Reversal, "reversal")],
    );
    check::<donation::DonationStatus>(
        16,
        &[
            (donation::DonationStatus::Pledged, "pledged"),
            (donation::DonationStatus::Confirmed, "confirmed"),
            (donation::DonationStatus::Declined, "declined"),
        ],
    );
    check::<donation::GiftKind>(
        16,
        &[
            (donation::GiftKind::Money, "money"),
            (donation::GiftKind::Goods, "goods"),
        ],
    );
    check::<donation::Channel>(
        16,
        &[
            (donation::Channel::BankTransfer, "bank_transfer"),
            (donation::Channel::Cash, "cash"),
            (donation::Channel::WechatPay, "wechat_pay"),
            (donation::Channel::Alipay, "alipay"),
            (donation::Channel::Other, "other"),
        ],
    );
    check::<donation::DonorKind>(
        16,
        &[
            (donation::DonorKind::Individual, "individual"),
            (donation::DonorKind::Enterprise, "enterprise"),
            (donation::DonorKind::Anonymous, "anonymous"),
        ],
    );
    check::<email_outbox::EmailStatus>(
        16,
        &[
            (email_outbox::EmailStatus::Pending, "pending"),
            (email_outbox::EmailStatus::Sending, "sending"),
            (email_outbox::EmailStatus::Sent, "sent"),
            (email_outbox::EmailStatus::Dead, "dead"),
        ],
    );
    check::<fee_reduction_line::FeeItem>(
        16,
        &[
            (fee_reduction_line::FeeItem::Membership, "membership"),
            (fee_reduction_line::FeeItem::Training, "training"),
            (fee_reduction_line::FeeItem::Appraisal, "appraisal"),
            (fee_reduction_line::FeeItem::Consulting, "consulting"),
            (fee_reduction_line::FeeItem::Publication, "publication"),
            (fee_reduction_line::FeeItem::Other, "other"),
        ],
    );
    check::<fee_reduction_line::Measure>(
        16,
        &[
            (fee_reduction_line::Measure::Cancel, "cancel"),
            (fee_reduction_line::Measure::Lower, "lower"),
            (fee_reduction_line::Measure::Waive, "waive"),
            (fee_reduction_line::Measure::Standardize, "standardize"),
            (fee_reduction_line::Measure::SupportPolicy, "support_policy"),
        ],
    );
    check::<fee_reduction_report::FeeReportStatus>(
        16,
        &[
            (fee_reduction_report::FeeReportStatus::Draft, "draft"),
            (fee_reduction_report::FeeReportStatus::Submitted, "submitted"),
            (fee_reduction_report::FeeReportStatus::Approved, "approved"),
            (fee_reduction_report::FeeReportStatus::Returned, "returned"),
        ],
    );
    check::<organization::OrganizationKind>(
        32,
        &[
            (organization::OrganizationKind::SocialGroup, "social_group"),
            (
                organization::OrganizationKind::SocialServiceInstitution,
                "social_service_institution",
            ),
            (organization::OrganizationKind::Foundation, "foundation"),
        ],
    );
    check::<organization::OrganizationStatus>(
        16,
        &[
            (organization::OrganizationStatus::Active, "active"),
            (organization::OrganizationStatus::Deregistered, "deregistered"),
        ],
    );
    check::<referral::Urgency>(
        16,
        &[
            (referral::Urgency::Normal, "normal"),
            (referral::Urgency::Urgent, "urgent"),
            (referral::Urgency::Critical, "critical"),
        ],
    );
    check::<referral::ReferralStatus>(
        16,
        &[
            (referral::ReferralStatus::Open, "open"),
            (referral::ReferralStatus::Closed, "closed"),
        ],
    );
    check::<referral_need::NeedKind>(
        16,
        &[
            (referral_need::NeedKind::Money, "money"),
            (referral_need::NeedKind::Goods, "goods"),
            (referral_need::NeedKind::Service, "service"),
        ],
    );
    check::<referral_need::Service>(
        24,
        &[
            (referral_need::Service::DailyCare, "daily_care"),
            (referral_need::Service::MealDelivery, "meal_delivery"),
            (referral_need::Service::MedicalEscort, "medical_escort"),
            (referral_need::Service::Bathing, "bathing"),
            (referral_need::Service::PsychologicalCare, "psychological_care"),
            (referral_need::Service::EducationSupport, "education_support"),
        ],
    );
    check::<referral_target::TargetStatus>(
        16,
        &[
            (referral_target::TargetStatus::Sent, "sent"),
            (referral_target::TargetStatus::Accepted, "accepted"),
            (referral_target::TargetStatus::Declined, "declined"),
            (referral_target::TargetStatus::Completed, "completed"),
        ],
    );
    check::<registration_application::ApplicationStatus>(
        16,
        &[
            (registration_application::ApplicationStatus::Submitted, "submitted"),
            (registration_application::ApplicationStatus::Accepted, "accepted"),
            (registration_application::ApplicationStatus::Approved, "approved"),
            (registration_application::ApplicationStatus::Rejected, "rejected"),
        ],
    );
    check::<relief_case::CaseStatus>(
        16,
        &[
            (relief_case::CaseStatus::Open, "open"),
            (relief_case::CaseStatus::Closed, "closed"),
        ],
    );
    check::<relief_standard::ReliefCategory>(
        24,
        &[
            (relief_standard::ReliefCategory::MinimumLiving, "minimum_living"),
            (relief_standard::ReliefCategory::ExtremePoverty, "extreme_poverty"),
            (relief_standard::ReliefCategory::Temporary, "temporary"),
            (relief_standard::ReliefCategory::NearPoverty, "near_poverty"),
            (relief_standard::ReliefCategory::EssentialExpense, "essential_expense"),
        ],
    );
    check::<relief_standard::Area>(
        8,
        &[
            (relief_standard::Area::Urban, "urban"),
            (relief_standard::Area::Rural, "rural"),
        ],
    );
    check::<relief_standard::Period>(
        8,
        &[
            (relief_standard::Period::Month, "month"),
            (relief_standard::Period::Year, "year"),
        ],
    );
    check::<supervision_listing::SupervisionList>(
        16,
        &[
            (supervision_listing::SupervisionList::Abnormal, "abnormal"),
            (supervision_listing::SupervisionList::Serious, "serious"),
        ],
    );
    check::<tenant::TenantKind>(
        16,
        &[
            (tenant::TenantKind::Platform, "platform"),
            (tenant::TenantKind::Region, "region"),
            (tenant::TenantKind::City, "city"),
        ],
    );
}
