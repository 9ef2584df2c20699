//! The names people read for the states and kinds the domain stores, in
//! Chinese and English, in one place: the API's messages, the portal, the
//! exports and the emails all take them from here, so a report is 已报送
//! wherever it appears and an English message never shows a Rust name.

use entity::annual_report::ReportStatus;
use entity::change_application::ChangeStatus;
use entity::complaint::ComplaintStatus;
use entity::donation::Channel;
use entity::fee_reduction_line::{FeeItem, Measure};
use entity::fee_reduction_report::FeeReportStatus;
use entity::registration_application::ApplicationStatus;

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
    FeeReportAction { Submit => ("提交", "submit"), Approve => ("审核通过", "approve"), Return => ("退回", "return"), Edit => ("修改", "edit") }
}

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
