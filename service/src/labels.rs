//! The names people read for the states and kinds the domain stores, in
//! Chinese and English, in one place: the API's messages, the portal, the
//! exports and the emails all take them from here, so a report is 已报送
//! wherever it appears and an English message never shows a Rust name.

use entity::annual_report::ReportStatus;
use entity::app_user::Role;
use entity::change_application::ChangeStatus;
use entity::charity_fund::FundKind;
use entity::complaint::ComplaintStatus;
use entity::disbursement::{BeneficiaryKind, DisbursementStatus, Purpose};
use entity::donation::Channel;
use entity::donation::{DonorKind, GiftKind};
use entity::fee_reduction_line::{FeeItem, Measure};
use entity::fee_reduction_report::FeeReportStatus;
use entity::organization::{OrganizationKind, OrganizationStatus};
use entity::referral::Urgency;
use entity::referral_need::{NeedKind, Service};
use entity::referral_target::TargetStatus;
use entity::registration_application::ApplicationStatus;
use entity::relief_case::CaseStatus;
use entity::relief_standard::ReliefCategory;
use entity::supervision_listing::SupervisionList;

use crate::error::Error;
use crate::fee_reductions::ReportAction as FeeReportAction;
use crate::organizations::workflow::{ChangeAction, ComplaintAction, RegistrationAction, ReportAction};

/// A value's name in Chinese and in English.
pub trait Label: Copy {
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;

    /// The name in the reader's language (`zh…` or anything else for
    /// English).
    fn label(self, lang: &str) -> &'static str {
        if lang.starts_with("zh") { self.zh() } else { self.en() }
    }
}

/// `labels! { Type { Variant => ("中文", "English"), … } }` implements
/// [`Label`]; a missing variant fails to compile.
macro_rules! labels {
    ($($ty:ty { $($variant:ident => ($zh:literal, $en:literal)),* $(,)? })*) => {
        $(
            impl Label for $ty {
                fn zh(self) -> &'static str {
                    match self { $(Self::$variant => $zh,)* }
                }
                fn en(self) -> &'static str {
                    match self { $(Self::$variant => $en,)* }
                }
            }
        )*
    };
}

// One line a kind: `Variant => ("中文", "English")`.
#[rustfmt::skip]
labels! {
    ApplicationStatus { Submitted => ("已提交", "submitted"), Accepted => ("已受理", "accepted"), Approved => ("准予登记", "approved"), Rejected => ("不予登记", "rejected") }
    ChangeStatus { Submitted => ("已提交", "submitted"), Approved => ("已核准", "approved"), Returned => ("已退回", "returned") }
    ReportStatus { Submitted => ("已报送", "submitted"), Passed => ("合格", "passed"), PassedWithIssues => ("基本合格", "passed with issues"), Failed => ("不合格", "failed") }
    ComplaintStatus { Received => ("已收到", "received"), Investigating => ("调查中", "under investigation"), Closed => ("已办结", "closed") }
    FeeReportStatus { Draft => ("草稿", "draft"), Submitted => ("已报送", "submitted"), Approved => ("已通过", "approved"), Returned => ("已退回", "returned") }
    FeeItem { Membership => ("会费", "membership fees"), Training => ("培训费", "training fees"), Appraisal => ("评比表彰", "appraisals and awards"), Consulting => ("咨询费", "consulting fees"), Publication => ("资料出版", "publications"), Other => ("其他", "other") }
    Channel { BankTransfer => ("银行转账", "bank transfer"), Cash => ("现金", "cash"), WechatPay => ("微信支付", "WeChat Pay"), Alipay => ("支付宝", "Alipay"), Other => ("其他", "other") }
    Measure { Cancel => ("取消", "cancelled"), Lower => ("降低", "lowered"), Waive => ("减免", "waived"), Standardize => ("规范清退", "standardised and refunded"), SupportPolicy => ("为行业争取帮扶政策", "support policy won for the industry") }
    RegistrationAction { Accept => ("受理", "accept"), Approve => ("准予登记", "approve"), Reject => ("驳回", "reject") }
    ChangeAction { Approve => ("核准", "approve"), Return => ("退回", "return") }
    ReportAction { Pass => ("审核为合格", "pass"), PassWithIssues => ("审核为基本合格", "pass with issues"), Fail => ("审核为不合格", "fail"), Resubmit => ("重新报送", "resubmit") }
    ComplaintAction { Investigate => ("立案调查", "investigate"), Close => ("办结", "close") }
    Role { PlatformAdmin => ("平台管理员", "platform administrator"), RegionOfficial => ("自治区民政厅工作人员", "region official"), CityOfficial => ("市民政局工作人员", "city official"), OrgStaff => ("机构工作人员", "organization staff"), Donor => ("捐赠人", "donor") }
    Purpose { LivingAid => ("生活救助", "living aid"), Medical => ("医疗救助", "medical aid"), Education => ("助学", "education"), ElderlyServices => ("养老服务", "elderly care"), Children => ("儿童关爱", "children"), Disaster => ("救灾", "disaster relief"), CommunityProjects => ("社区项目", "community projects"), Administration => ("管理费用", "administration") }
    Service { DailyCare => ("生活照料", "daily care"), MealDelivery => ("助餐送餐", "meals delivered"), MedicalEscort => ("就医陪护", "escort to the doctor"), Bathing => ("助浴", "help with bathing"), PsychologicalCare => ("心理关爱", "emotional support"), EducationSupport => ("助学辅导", "tutoring") }
    NeedKind { Money => ("资金", "money"), Goods => ("物资", "goods"), Service => ("服务", "service") }
    DisbursementStatus { Requested => ("待复核", "awaiting approval"), Approved => ("已批准", "approved"), Rejected => ("未批准", "rejected"), Paid => ("已支付", "paid") }
    BeneficiaryKind { Person => ("个人", "person"), Household => ("家庭", "household"), Project => ("项目", "project") }
    TargetStatus { Sent => ("待答复", "waiting for an answer"), Accepted => ("已接收", "accepted"), Declined => ("已拒绝", "declined"), Completed => ("帮扶已完成", "help completed") }
    FundKind { Community => ("社区发展慈善基金", "community fund"), Special => ("专项基金", "special fund") }
    GiftKind { Money => ("资金", "money"), Goods => ("物资", "goods") }
    DonorKind { Individual => ("个人", "individual"), Enterprise => ("企业", "enterprise"), Anonymous => ("匿名", "anonymous") }
    OrganizationKind { SocialGroup => ("社会团体", "social group"), SocialServiceInstitution => ("社会服务机构", "social service institution"), Foundation => ("基金会", "foundation") }
    OrganizationStatus { Active => ("正常", "active"), Deregistered => ("已注销", "deregistered") }
    SupervisionList { Abnormal => ("活动异常名录", "abnormal activities list"), Serious => ("严重违法失信名单", "serious violations list") }
    ReliefCategory { MinimumLiving => ("最低生活保障", "minimum living allowance"), ExtremePoverty => ("特困人员供养", "extreme poverty support"), Temporary => ("临时救助", "temporary assistance"), NearPoverty => ("低保边缘", "near poverty"), EssentialExpense => ("刚性支出困难", "essential-expense hardship") }
    Urgency { Normal => ("一般", "normal"), Urgent => ("紧急", "urgent"), Critical => ("特急", "critical") }
    CaseStatus { Open => ("在册", "open"), Closed => ("已结案", "closed") }
    FeeReportAction { Submit => ("提交", "submit"), Approve => ("审核通过", "approve"), Return => ("退回", "return"), Edit => ("修改", "edit") }
}

/// A label for a list or a heading: its first letter capitalized in
/// English ("Bank transfer"), as it stands in Chinese.
pub fn heading(value: impl Label, lang: &str) -> String {
    let label = value.label(lang);
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if !lang.starts_with("zh") => first.to_uppercase().chain(chars).collect(),
        _ => label.to_owned(),
    }
}

/// The label of an enum value given by its stored (serde) name, for the
/// portal's templates: `label("channel", "wechat_pay")`. `None` for a kind
/// or a value this module does not name.
pub fn by_name(kind: &str, value: &str, lang: &str) -> Option<String> {
    fn named<T: Label + serde::de::DeserializeOwned>(value: &str, lang: &str) -> Option<String> {
        let parsed = T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value)).ok()?;
        Some(heading(parsed, lang))
    }
    match kind {
        "channel" => named::<Channel>(value, lang),
        "purpose" => named::<Purpose>(value, lang),
        "service" => named::<Service>(value, lang),
        "need_kind" => named::<NeedKind>(value, lang),
        "disbursement_status" => named::<DisbursementStatus>(value, lang),
        "beneficiary_kind" => named::<BeneficiaryKind>(value, lang),
        "target_status" => named::<TargetStatus>(value, lang),
        "fund_kind" => named::<FundKind>(value, lang),
        "gift_kind" => named::<GiftKind>(value, lang),
        "donor_kind" => named::<DonorKind>(value, lang),
        "org_kind" => named::<OrganizationKind>(value, lang),
        "org_status" => named::<OrganizationStatus>(value, lang),
        "supervision_list" => named::<SupervisionList>(value, lang),
        "relief_category" => named::<ReliefCategory>(value, lang),
        "urgency" => named::<Urgency>(value, lang),
        "case_status" => named::<CaseStatus>(value, lang),
        "role" => named::<Role>(value, lang),
        "fee_item" => named::<FeeItem>(value, lang),
        "measure" => named::<Measure>(value, lang),
        "application_status" => named::<ApplicationStatus>(value, lang),
        "change_status" => named::<ChangeStatus>(value, lang),
        "annual_report_status" => named::<ReportStatus>(value, lang),
        "complaint_status" => named::<ComplaintStatus>(value, lang),
        _ => None,
    }
}

/// The kinds of record the audit trail names, as (kind, Chinese, English).
pub const RECORD_KINDS: &[(&str, &str, &str)] = &[
    ("annual_report", "年度工作报告", "annual report"),
    ("app_user", "账号", "account"),
    ("assistance", "帮扶记录", "help record"),
    ("campaign", "募捐活动", "campaign"),
    ("change_application", "变更登记申请", "change application"),
    ("charity_fund", "慈善基金", "fund"),
    ("complaint", "投诉举报", "complaint"),
    ("disbursement", "基金支出", "disbursement"),
    ("donation", "捐赠", "donation"),
    ("donation_station", "慈善捐助站", "donation station"),
    ("email", "邮件", "email"),
    ("fee_reduction_period", "减负报送期间", "fee-reduction period"),
    ("fee_reduction_report", "减负报告", "fee-reduction report"),
    ("financial_statement", "年度财务报表", "financial statement"),
    ("organization", "社会组织", "organization"),
    ("referral", "转介", "referral"),
    ("referral_target", "转介答复", "referral answer"),
    ("registration_application", "成立登记申请", "registration application"),
    ("relief_case", "救助家庭", "relief household"),
    ("relief_standard", "救助标准", "relief standard"),
    ("supervision_listing", "名录名单", "supervision listing"),
    ("tenant", "城市", "city"),
    ("user", "账号", "account"),
];

/// What kind of record an audit record is about (`relief_case`), for the
/// people who read the trail. `None` for a kind not listed here.
pub fn record_kind(kind: &str, lang: &str) -> Option<&'static str> {
    RECORD_KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, zh, en)| if lang.starts_with("zh") { *zh } else { *en })
}

/// The action codes whose names contain `words` (in either language, or
/// the code itself): a search of the trail by what people call an act
/// ("准予登记", "donation").
pub fn audit_actions_matching(words: &str) -> Vec<&'static str> {
    let words = words.trim().to_lowercase();
    AUDIT_ACTIONS
        .iter()
        .filter(|(code, zh, en)| code.contains(&words) || zh.contains(&words) || en.contains(&words))
        .map(|(code, _, _)| *code)
        .collect()
}

/// What an audit record's action code (`user.sign_in`) means, for the
/// people who read the trail. `None` for a code not listed here (the code
/// is then shown as it is).
pub fn audit_action(code: &str, lang: &str) -> Option<&'static str> {
    AUDIT_ACTIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, en)| if lang.starts_with("zh") { *zh } else { *en })
}

/// Every audit action code with its Chinese and English names.
#[rustfmt::skip]
const AUDIT_ACTIONS: &[(&str, &str, &str)] = &[
    ("annual_report.resubmit", "重新报送年度报告", "annual report resubmitted"),
    ("annual_report.review", "审核年度报告", "annual report reviewed"),
    ("annual_report.submit", "报送年度报告", "annual report submitted"),
    ("assistance.record", "登记帮扶", "help recorded"),
    ("campaign.create", "设立募捐活动", "campaign opened"),
    ("change.approve", "核准变更登记", "change approved"),
    ("change.return", "退回变更申请", "change returned"),
    ("change.submit", "提交变更申请", "change applied for"),
    ("complaint.handle", "办理投诉", "complaint handled"),
    ("complaint.record", "登记投诉", "complaint recorded"),
    ("disbursement.approve", "批准支出", "disbursement approved"),
    ("disbursement.pay", "登记支付", "disbursement paid"),
    ("disbursement.reject", "不批准支出", "disbursement rejected"),
    ("disbursement.request", "申请支出", "disbursement requested"),
    ("donation.confirm", "确认认捐到账", "pledge confirmed"),
    ("donation.decline", "认捐未到账", "pledge declined"),
    ("donation.pledge", "认捐", "pledge made"),
    ("donation.record", "登记捐赠", "gift recorded"),
    ("donation.void", "作废捐赠", "gift voided"),
    ("email.retry", "重发邮件", "email sent again"),
    ("fee_period.open", "开启减负报送期间", "fee-reduction period opened"),
    ("fee_period.remind", "催报减负情况", "fee-reduction reminder sent"),
    ("fee_report.approve", "审核通过减负报告", "fee-reduction report approved"),
    ("fee_report.return", "退回减负报告", "fee-reduction report returned"),
    ("fee_report.save", "保存减负报告", "fee-reduction report saved"),
    ("fee_report.submit", "报送减负报告", "fee-reduction report submitted"),
    ("financial_statement.submit", "报送年度财务报表", "financial statement filed"),
    ("fund.create", "设立基金", "fund opened"),
    ("organization.deregister", "注销登记", "organization deregistered"),
    ("organization.register_existing", "录入已登记组织", "registered organization entered"),
    ("platform.first_admin", "设立平台管理员", "first platform administrator"),
    ("referral.accept", "接收转介", "referral accepted"),
    ("referral.complete", "转介帮扶完成", "referral's help completed"),
    ("referral.create", "创建转介", "referral created"),
    ("referral.decline", "拒绝转介", "referral declined"),
    ("referral.escalate", "转介逾期上报", "overdue referral escalated"),
    ("referral.send", "发送转介", "referral sent"),
    ("registration.accept", "受理登记申请", "registration application accepted"),
    ("registration.apply", "申请成立登记并开设账号", "registration applied for, with a new account"),
    ("registration.approve", "准予登记", "registration approved"),
    ("registration.reject", "不予登记", "registration rejected"),
    ("registration.submit", "提交登记申请", "registration applied for"),
    ("relief_case.close", "救助结案", "relief case closed"),
    ("relief_case.read", "查看救助对象完整信息", "relief household read in full"),
    ("relief_case.register", "登记救助家庭", "relief household registered"),
    ("relief_standard.set", "设定救助标准", "relief standard set"),
    ("seed.demo", "写入演示数据", "demo data written"),
    ("station.close", "关闭捐赠站点", "station closed"),
    ("station.create", "设立捐赠站点", "station opened"),
    ("supervision.daily_check", "每日监管检查", "daily supervision check"),
    ("supervision.list", "列入名录", "organization listed"),
    ("supervision.remove", "移出名录", "listing removed"),
    ("tenant.create", "开设城市", "city set up"),
    ("user.activate", "恢复账号", "account let in again"),
    ("user.change_password", "修改密码", "password changed"),
    ("user.create", "开设账号", "account opened"),
    ("user.deactivate", "停用账号", "account stopped"),
    ("user.password_locked", "密码多次输错被锁定", "locked after wrong passwords"),
    ("user.sign_in", "登录", "signed in"),
    ("user.sign_in_locked", "登录多次失败被锁定", "sign-in locked after failures"),
    ("user.sign_out", "退出登录", "signed out"),
];

/// The CONFLICT a workflow answers to an action its state does not allow,
/// named in the reader's words: "cannot pass with issues an annual report
/// that is failed" / 该年度报告当前状态为“不合格”，不能审核为基本合格.
pub(crate) fn illegal_transition(what: &str, what_zh: &str, state: impl Label, action: impl Label) -> Error {
    Error::conflict(
        format!(
            "illegal transition: cannot {} {what} that is {}",
            action.en(),
            state.en()
        ),
        format!("该{what_zh}当前状态为“{}”，不能{}", state.zh(), action.zh()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    /// Every name is there in both languages, and no two values of one
    /// kind read the same (a reader could not tell them apart).
    fn distinct<T: Label + Iterable>() {
        let all: Vec<T> = T::iter().collect();
        for lang in ["zh", "en"] {
            let mut names: Vec<&str> = all.iter().map(|v| v.label(lang)).collect();
            assert!(names.iter().all(|n| !n.is_empty()));
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), all.len(), "{lang}: {names:?}");
        }
    }

    /// Every action the service writes to the trail has its words; a new
    /// one without them would show its code to officials.
    #[test]
    fn every_audit_action_the_service_writes_is_named() {
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap_or_default();
                for rest in source.split("AuditEvent::new(").skip(1) {
                    let code = rest.trim_start().strip_prefix('"').and_then(|r| r.split('"').next());
                    // (Only literal codes: this test's own text is not one.)
                    if let Some(code) = code
                        && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.')
                        && audit_action(code, "zh-CN").is_none()
                    {
                        missing.push(code.to_owned());
                    }
                    // The record kind: the second argument, when literal.
                    let pieces: Vec<&str> = rest.splitn(5, '"').collect();
                    let kind = match pieces.as_slice() {
                        [before, code, sep, kind, _]
                            if before.trim().is_empty() && sep.trim() == "," && !code.is_empty() =>
                        {
                            Some(*kind)
                        }
                        [before, kind, ..] if before.trim().ends_with(',') => Some(*kind),
                        _ => None,
                    };
                    if let Some(kind) = kind
                        && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                        && record_kind(kind, "zh-CN").is_none()
                    {
                        missing.push(format!("record kind {kind}"));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "audit actions or record kinds without words: {missing:?}"
        );
    }

    #[test]
    fn every_value_has_a_distinct_name_in_each_language() {
        distinct::<ApplicationStatus>();
        distinct::<ChangeStatus>();
        distinct::<ReportStatus>();
        distinct::<ComplaintStatus>();
        distinct::<FeeReportStatus>();
        distinct::<FeeItem>();
        distinct::<Measure>();
        distinct::<Channel>();
    }

    #[test]
    fn a_fee_report_is_called_the_same_in_the_export_and_the_workflow() {
        assert_eq!(FeeReportStatus::Submitted.zh(), "已报送");
        assert_eq!(FeeReportStatus::Submitted.label("zh-CN"), "已报送");
        assert_eq!(FeeReportStatus::Submitted.label("en"), "submitted");
    }
}
