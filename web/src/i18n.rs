//! Chinese first, English on request. The language is the `lang` cookie
//! (set by `/lang/{code}`), else zh-CN. Page text lives in one table so a
//! missing translation is a missing key here, not a page in two languages.

use actix_web::HttpRequest;
use minijinja::State;

pub const COOKIE: &str = "shanlian_lang";

/// `zh-CN` or `en`.
pub fn language(req: &HttpRequest) -> &'static str {
    match req.cookie(COOKIE).as_ref().map(|c| c.value().to_owned()).as_deref() {
        Some("en") => "en",
        _ => "zh-CN",
    }
}

/// The `t("key")` template function: the text in the page's language.
pub fn translate(state: &State, key: &str) -> String {
    let lang = state.lookup("lang");
    text(lang.as_ref().and_then(|l| l.as_str()).unwrap_or("zh-CN"), key)
}

/// The text for `key` in `lang`; an unknown key shows as itself.
pub fn text(lang: &str, key: &str) -> String {
    match TEXT.iter().find(|(k, _, _)| *k == key) {
        Some((_, zh, en)) => (if lang == "en" { en } else { zh }).to_string(),
        None => key.to_owned(),
    }
}

const TEXT: &[(&str, &str, &str)] = &[
    (
        "site",
        "善联 · 民政慈善与社会组织平台",
        "Shanlian · charity and social-organization platform",
    ),
    ("home", "首页", "Home"),
    ("overview", "概览", "Overview"),
    ("funds", "社区慈善基金", "Community funds"),
    ("trace", "捐赠去向查询", "Where did my donation go"),
    ("sign_in", "登录", "Sign in"),
    ("sign_out", "退出", "Sign out"),
    ("workspace", "工作台", "Workspace"),
    ("tenant", "城市", "City"),
    ("username", "用户名", "Username"),
    ("password", "密码", "Password"),
    ("organizations", "登记的社会组织", "Registered organizations"),
    ("charities", "慈善组织", "Charitable organizations"),
    ("public_fundraising", "具有公开募捐资格", "With public fundraising"),
    ("raised", "募集", "Raised"),
    ("disbursed", "支出", "Disbursed"),
    ("balance", "余额", "Balance"),
    ("campaigns", "募捐活动", "Campaigns"),
    ("goods", "物资（折价）", "Goods (valued)"),
    ("money", "资金", "Money"),
    ("chain_head", "审计链头哈希", "Audit chain head"),
    ("as_of", "截至", "as of"),
    (
        "spending_by_purpose",
        "按用途的月度支出",
        "Spending by purpose and month",
    ),
    ("month", "月份", "Month"),
    ("purpose", "用途", "Purpose"),
    ("amount", "金额", "Amount"),
    ("beneficiary", "受益对象", "Beneficiary"),
    ("status", "状态", "Status"),
    ("disbursements", "支出明细", "Disbursements"),
    ("gifts", "捐赠明细", "Gifts"),
    ("donor", "捐赠人", "Donor"),
    ("date", "日期", "Date"),
    ("district", "区", "District"),
    ("community", "社区", "Community"),
    ("none_yet", "暂无", "None yet"),
    ("more", "更多", "More"),
    ("record_donation", "登记捐赠", "Record a donation"),
    ("donations", "捐赠记录", "Donations"),
    ("gift_kind", "捐赠类型", "Kind of gift"),
    ("channel", "渠道", "Channel"),
    ("external_reference", "交易流水号", "Payment reference"),
    ("donor_kind", "捐赠人类型", "Donor kind"),
    ("donor_name", "捐赠人名称", "Donor name"),
    (
        "donor_email",
        "捐赠人邮箱（用于发送票据）",
        "Donor email (for the receipt)",
    ),
    (
        "disclose",
        "捐赠人同意公开姓名",
        "The donor agrees to be named publicly",
    ),
    ("fund", "定向基金", "Designated fund"),
    ("campaign", "募捐活动", "Campaign"),
    ("project", "定向项目", "Designated project"),
    ("received_on", "收到日期", "Received on"),
    ("goods_description", "物资名称", "Goods"),
    ("goods_quantity", "数量", "Quantity"),
    ("goods_unit", "单位", "Unit"),
    ("valuation_basis", "估值依据", "Valuation basis"),
    ("note", "备注", "Note"),
    ("submit", "提交", "Submit"),
    ("recorded", "已登记，票据已开具", "Recorded; the receipt is issued"),
    ("receipt_number", "票据号码", "Receipt number"),
    (
        "verification_code",
        "验证码（仅显示一次，请交给捐赠人）",
        "Verification code (shown once: give it to the donor)",
    ),
    ("receipt", "票据", "Receipt"),
    ("void", "作废", "Void"),
    (
        "fix_errors",
        "请修改标出的内容后重新提交。",
        "Please correct the marked fields and submit again.",
    ),
    ("option_none", "（无）", "(none)"),
    ("kind_money", "资金", "Money"),
    ("kind_goods", "物资", "Goods"),
    ("channel_bank_transfer", "银行转账", "Bank transfer"),
    ("channel_cash", "现金", "Cash"),
    ("channel_wechat_pay", "微信支付", "WeChat Pay"),
    ("channel_alipay", "支付宝", "Alipay"),
    ("channel_other", "其他", "Other"),
    ("donor_individual", "个人", "Individual"),
    ("donor_enterprise", "企业", "Enterprise"),
    ("donor_anonymous", "匿名", "Anonymous"),
    ("signed_in_as", "当前用户", "Signed in as"),
    (
        "wrong_sign_in",
        "城市、用户名或密码不正确。",
        "Wrong city, username or password.",
    ),
    (
        "session_expired",
        "表单已过期，请重试。",
        "The form expired; please try again.",
    ),
    ("previous", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("status_requested", "待复核", "Awaiting approval"),
    ("status_approved", "已批准", "Approved"),
    ("status_rejected", "未批准", "Rejected"),
    ("status_paid", "已支付", "Paid"),
    ("needs_second", "须由另一名工作人员复核", "Another member must approve"),
    ("approve", "批准", "Approve"),
    ("reject", "不批准", "Reject"),
    ("reason", "理由", "Reason"),
    ("request_disbursement", "申请支出", "Request a disbursement"),
    ("beneficiary_kind", "受益对象类型", "Beneficiary kind"),
    ("beneficiary_person", "个人", "Person"),
    ("beneficiary_household", "家庭", "Household"),
    ("beneficiary_project", "项目", "Project"),
    ("description", "说明", "Description"),
    ("referrals", "转介帮扶", "Referrals"),
    ("deadline", "答复期限", "Deadline"),
    ("needs", "需求", "Needs"),
    ("target_sent", "待答复", "Waiting for your answer"),
    ("target_accepted", "已接收", "Accepted"),
    ("target_declined", "已拒绝", "Declined"),
    ("accept", "接收", "Accept"),
    ("decline", "拒绝", "Decline"),
    ("help_kind", "帮扶类型", "Kind of help"),
    ("kind_service", "服务", "Service"),
    ("service", "服务项目", "Service"),
    ("person_times", "服务人次", "Person-times"),
    ("hours", "服务时长（小时）", "Hours"),
    ("record_help", "登记帮扶", "Record the help"),
    ("my_donations", "我的捐赠", "My donations"),
    ("pledged", "（待确认）", "(pledged)"),
    ("used", "已使用", "Used"),
    ("unspent", "尚未使用", "Unspent"),
    ("done", "已完成。", "Done."),
    ("office", "民政局工作台", "Bureau desk"),
    ("queues", "待办", "Queues"),
    ("pending_applications", "待审登记申请", "Applications waiting"),
    ("reports_to_review", "待审减负报告", "Fee reports to review"),
    ("referrals_overdue", "逾期未答复转介", "Referrals past deadline"),
    ("dead_letters", "发送失败的邮件", "Undeliverable emails"),
    ("donations_by_month", "按月捐赠", "Donations by month"),
    ("donations_by_city", "各市捐赠对比", "Donations by city"),
    ("relief", "救助与慈善帮扶", "Relief and charity help"),
    ("referrals_open", "进行中的转介", "Open referrals"),
    (
        "median_days",
        "转介到首次帮扶的天数（中位数）",
        "Median days to first help",
    ),
    (
        "spending_rules",
        "慈善组织年度支出检查（未达标）",
        "Charities out of bounds",
    ),
    ("findings", "问题", "Findings"),
    ("region_desk", "区域汇总", "Region"),
    ("language", "English", "中文"),
];
