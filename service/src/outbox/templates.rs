//! Email templates, zh-CN first and English second. Each message is two
//! files: `<name>.<lang>.txt` with a `subject` and a `text` block, and
//! `<name>.<lang>.html` (HTML-escaped automatically by its extension).

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// A new account: tells its owner how to sign in.
    AccountCreated,
    /// A security notice after a password change.
    PasswordChanged,
    /// A founder applied without an account: the application and the
    /// account to follow it with.
    ApplicationReceived,
    /// A registration application was accepted (受理).
    ApplicationAccepted,
    /// A registration was approved, with the credit code.
    ApplicationApproved,
    ApplicationRejected,
    /// Officials: an application has waited too long.
    ApplicationOverdue,
    ChangeApproved,
    ChangeReturned,
    /// The organization was put on a supervision list.
    ListedAbnormal,
    ListingRemoved,
    /// Organizations: last year's annual work report is due soon and not
    /// filed (foundations by 31 March, the others by 31 May).
    AnnualReportReminder,
    /// Associations: a fee-reduction period is open.
    FeePeriodOpened,
    /// Associations: seven days before a period's due date.
    FeeReportReminder,
    FeeReportReturned,
    /// Donors: the receipt (捐赠票据) for a confirmed donation, with its
    /// verification code and the page that traces its use.
    DonationReceipt,
    /// Donors: a receipt was voided (作废); its number is not reused.
    DonationVoided,
    /// Organizations: a donor pledged online; confirm when the money arrives.
    PledgeReceived,
    /// Organizations: a disbursement awaits a second staff member's
    /// approval (双人复核).
    DisbursementRequested,
    /// The requester: a disbursement request was approved or rejected.
    DisbursementDecided,
    /// Charitable organizations: the civil-affairs bureau referred (转介) a
    /// household receiving government relief to them; accept or decline
    /// before the deadline. Only district and community, never names.
    ReferralReceived,
    /// The referring official: an organization declined a referral, with
    /// its reason.
    ReferralDeclined,
    /// The referring official: an organization finished the help it took
    /// on.
    ReferralCompleted,
    /// The referring official: a referral passed its deadline without an
    /// answer from some organizations.
    ReferralOverdue,
    /// The referring official: the household got the same kind of help from
    /// two organizations in one month (疑似重复帮扶); recorded, not blocked.
    DuplicateAssistance,
}

impl Template {
    pub const ALL: [Template; 25] = [
        Template::AccountCreated,
        Template::PasswordChanged,
        Template::ApplicationReceived,
        Template::ApplicationAccepted,
        Template::ApplicationApproved,
        Template::ApplicationRejected,
        Template::ApplicationOverdue,
        Template::ChangeApproved,
        Template::ChangeReturned,
        Template::ListedAbnormal,
        Template::ListingRemoved,
        Template::AnnualReportReminder,
        Template::FeePeriodOpened,
        Template::FeeReportReminder,
        Template::FeeReportReturned,
        Template::DonationReceipt,
        Template::DonationVoided,
        Template::PledgeReceived,
        Template::DisbursementRequested,
        Template::DisbursementDecided,
        Template::ReferralReceived,
        Template::ReferralDeclined,
        Template::ReferralCompleted,
        Template::ReferralOverdue,
        Template::DuplicateAssistance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Template::AccountCreated => "account_created",
            Template::PasswordChanged => "password_changed",
            Template::ApplicationReceived => "application_received",
            Template::ApplicationAccepted => "application_accepted",
            Template::ApplicationApproved => "application_approved",
            Template::ApplicationRejected => "application_rejected",
            Template::ApplicationOverdue => "application_overdue",
            Template::ChangeApproved => "change_approved",
            Template::ChangeReturned => "change_returned",
            Template::ListedAbnormal => "listed_abnormal",
            Template::ListingRemoved => "listing_removed",
            Template::AnnualReportReminder => "annual_report_reminder",
            Template::FeePeriodOpened => "fee_period_opened",
            Template::FeeReportReminder => "fee_report_reminder",
            Template::FeeReportReturned => "fee_report_returned",
            Template::DonationReceipt => "donation_receipt",
            Template::DonationVoided => "donation_voided",
            Template::PledgeReceived => "pledge_received",
            Template::DisbursementRequested => "disbursement_requested",
            Template::DisbursementDecided => "disbursement_decided",
            Template::ReferralReceived => "referral_received",
            Template::ReferralDeclined => "referral_declined",
            Template::ReferralCompleted => "referral_completed",
            Template::ReferralOverdue => "referral_overdue",
            Template::DuplicateAssistance => "duplicate_assistance",
        }
    }
}

pub(crate) struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The templates are part of the program, not configuration: compiled in
/// once and shared.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    macro_rules! add {
        ($($file:literal),* $(,)?) => {
            $(
                if let Err(e) = env.add_template($file, include_str!(concat!("../../templates/email/", $file))) {
                    tracing::error!(template = $file, error = %e, "email template does not compile");
                }
            )*
        };
    }
    add!(
        "account_created.zh-CN.txt",
        "account_created.zh-CN.html",
        "account_created.en.txt",
        "account_created.en.html",
        "password_changed.zh-CN.txt",
        "password_changed.zh-CN.html",
        "password_changed.en.txt",
        "password_changed.en.html",
        "application_received.zh-CN.txt",
        "application_received.zh-CN.html",
        "application_received.en.txt",
        "application_received.en.html",
        "application_accepted.zh-CN.txt",
        "application_accepted.zh-CN.html",
        "application_accepted.en.txt",
        "application_accepted.en.html",
        "application_approved.zh-CN.txt",
        "application_approved.zh-CN.html",
        "application_approved.en.txt",
        "application_approved.en.html",
        "application_rejected.zh-CN.txt",
        "application_rejected.zh-CN.html",
        "application_rejected.en.txt",
        "application_rejected.en.html",
        "application_overdue.zh-CN.txt",
        "application_overdue.zh-CN.html",
        "application_overdue.en.txt",
        "application_overdue.en.html",
        "change_approved.zh-CN.txt",
        "change_approved.zh-CN.html",
        "change_approved.en.txt",
        "change_approved.en.html",
        "change_returned.zh-CN.txt",
        "change_returned.zh-CN.html",
        "change_returned.en.txt",
        "change_returned.en.html",
        "listed_abnormal.zh-CN.txt",
        "listed_abnormal.zh-CN.html",
        "listed_abnormal.en.txt",
        "listed_abnormal.en.html",
        "listing_removed.zh-CN.txt",
        "listing_removed.zh-CN.html",
        "listing_removed.en.txt",
        "listing_removed.en.html",
        "annual_report_reminder.zh-CN.txt",
        "annual_report_reminder.zh-CN.html",
        "annual_report_reminder.en.txt",
        "annual_report_reminder.en.html",
        "fee_period_opened.zh-CN.txt",
        "fee_period_opened.zh-CN.html",
        "fee_period_opened.en.txt",
        "fee_period_opened.en.html",
        "fee_report_reminder.zh-CN.txt",
        "fee_report_reminder.zh-CN.html",
        "fee_report_reminder.en.txt",
        "fee_report_reminder.en.html",
        "fee_report_returned.zh-CN.txt",
        "fee_report_returned.zh-CN.html",
        "fee_report_returned.en.txt",
        "fee_report_returned.en.html",
        "donation_receipt.zh-CN.txt",
        "donation_receipt.zh-CN.html",
        "donation_receipt.en.txt",
        "donation_receipt.en.html",
        "donation_voided.zh-CN.txt",
        "donation_voided.zh-CN.html",
        "donation_voided.en.txt",
        "donation_voided.en.html",
        "pledge_received.zh-CN.txt",
        "pledge_received.zh-CN.html",
        "pledge_received.en.txt",
        "pledge_received.en.html",
        "disbursement_requested.zh-CN.txt",
        "disbursement_requested.zh-CN.html",
        "disbursement_requested.en.txt",
        "disbursement_requested.en.html",
        "disbursement_decided.zh-CN.txt",
        "disbursement_decided.zh-CN.html",
        "disbursement_decided.en.txt",
        "disbursement_decided.en.html",
        "referral_received.zh-CN.txt",
        "referral_received.zh-CN.html",
        "referral_received.en.txt",
        "referral_received.en.html",
        "referral_completed.zh-CN.txt",
        "referral_completed.zh-CN.html",
        "referral_completed.en.txt",
        "referral_completed.en.html",
        "referral_declined.zh-CN.txt",
        "referral_declined.zh-CN.html",
        "referral_declined.en.txt",
        "referral_declined.en.html",
        "referral_overdue.zh-CN.txt",
        "referral_overdue.zh-CN.html",
        "referral_overdue.en.txt",
        "referral_overdue.en.html",
        "duplicate_assistance.zh-CN.txt",
        "duplicate_assistance.zh-CN.html",
        "duplicate_assistance.en.txt",
        "duplicate_assistance.en.html",
    );
    env
});

/// The supported language closest to what the recipient asked for.
pub(crate) fn language(requested: &str) -> &'static str {
    if requested.eq_ignore_ascii_case("en") || requested.to_ascii_lowercase().starts_with("en-") {
        "en"
    } else {
        "zh-CN"
    }
}

pub(crate) fn render(template: Template, language: &str, context: &impl Serialize) -> Result<Rendered> {
    let fail = |e: minijinja::Error| Error::internal(anyhow::anyhow!("rendering email {}: {e:#}", template.name()));
    let context = minijinja::Value::from(minijinja::value::Serde(context));
    let txt = TEMPLATES
        .get_template(&format!("{}.{language}.txt", template.name()))
        .map_err(fail)?;
    let mut captured = txt.render_captured(context.clone()).map_err(fail)?;
    let subject = captured.with_state_mut(|s| s.render_block("subject")).map_err(fail)?;
    let text = captured.with_state_mut(|s| s.render_block("text")).map_err(fail)?;
    let html = TEMPLATES
        .get_template(&format!("{}.{language}.html", template.name()))
        .and_then(|t| t.render(context))
        .map_err(fail)?;
    Ok(Rendered {
        subject: subject.trim().to_owned(),
        text: text.trim_start().to_owned(),
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_template_renders_in_both_languages_and_escapes_html() {
        let ctx = json!({
            "display_name": "<b>李</b>", "username": "li", "tenant_name": "柳州市", "tenant_slug": "liuzhou",
            "role_label": "donor", "login_url": "http://x/", "changed_at": "2026-11-26 10:00",
            "name": "<b>李</b>", "date": "2026-11-26", "application_id": "x", "credit_code": "51450200MJ0000AB0X",
            "reason": "r", "items": "name", "comment": "c", "list_name": "l", "days": 5, "status": "submitted", "title": "t", "due_on": "2026-12-31",
            "organization_name": "o", "receipt_number": "MJ0000AB0-2026-000001", "amount": "1.00", "gift_kind": "goods",
            "goods_description": "g", "designation": "d", "campaign": "c", "received_on": "2026-11-26",
            "verification_code": "ABCD2345", "trace_url": "http://x/t", "donor_name": "d", "channel": "alipay",
            "pledged_on": "2026-11-26", "fund_name": "f", "purpose": "medical", "requested_by": "r", "description": "d",
            "approved": true, "note": "n",
        });
        // Two literals: one would pass serde_json's macro recursion limit.
        let more = json!({
            "district": "城中区", "community": "c", "needs": "n", "urgency": "紧急", "deadline": "2026-12-01",
            "referral_id": "x", "organizations": "o", "month": "2026-11", "kind": "资金", "records": 2,
        });
        let mut ctx = ctx;
        if let (Some(all), Some(more)) = (ctx.as_object_mut(), more.as_object()) {
            all.extend(more.clone());
        }
        for template in Template::ALL {
            for lang in ["zh-CN", "en"] {
                let r = render(template, lang, &ctx).unwrap_or_else(|e| panic!("{e:?}"));
                assert!(!r.subject.is_empty() && !r.subject.contains('\n'), "{}", r.subject);
                assert!(r.text.contains("<b>李</b>"), "plain text is not escaped");
                assert!(
                    r.html.contains("&lt;b&gt;李") && !r.html.contains("<b>李"),
                    "HTML is escaped: {}",
                    r.html
                );
            }
        }
        assert!(
            render(Template::AccountCreated, "zh-CN", &ctx)
                .map(|r| r.subject)
                .unwrap_or_default()
                .contains("账号已开通")
        );
        assert!(
            render(Template::AccountCreated, "en", &ctx)
                .map(|r| r.subject)
                .unwrap_or_default()
                .contains("account is ready")
        );
    }

    #[test]
    fn unknown_languages_fall_back_to_chinese() {
        assert_eq!(language("en"), "en");
        assert_eq!(language("en-GB"), "en");
        assert_eq!(language("fr"), "zh-CN");
        assert_eq!(language("zh-CN"), "zh-CN");
    }
}
