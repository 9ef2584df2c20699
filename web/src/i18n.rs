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

/// The language the reader chose, if they chose one: a page that cannot
/// know what they read (an error before any page) is then in both.
pub fn chosen(req: &HttpRequest) -> Option<&'static str> {
    req.cookie(COOKIE).map(|_| language(req))
}

/// The `t("key")` template function: the text in the page's language.
pub fn translate(state: &State, key: &str) -> String {
    let lang = state.lookup("lang");
    text(lang.as_ref().and_then(|l| l.as_str()).unwrap_or("zh-CN"), key)
}

/// The `label("channel", value)` template function: an enum value's name
/// in the page's language, from `service::labels` (the one place names of
/// states and kinds live); an unknown value shows as itself.
pub fn label(state: &State, kind: &str, value: &str) -> String {
    let lang = state.lookup("lang");
    let lang = lang.as_ref().and_then(|l| l.as_str()).unwrap_or("zh-CN");
    service::labels::by_name(kind, value, lang).unwrap_or_else(|| value.to_owned())
}

/// The text for `key` in `lang`; an unknown key shows as itself.
pub fn text(lang: &str, key: &str) -> String {
    match TEXT.iter().find(|(k, _, _)| *k == key) {
        Some((_, zh, en)) => (if lang == "en" { en } else { zh }).to_string(),
        None => key.to_owned(),
    }
}

/// The text for `key` in `lang`, if the table has it.
pub fn known(lang: &str, key: &str) -> Option<String> {
    TEXT.iter().any(|(k, _, _)| *k == key).then(|| text(lang, key))
}

const TEXT: &[(&str, &str, &str)] = &[
    (
        "site",
        "善联 · 民政慈善与社会组织平台",
        "Shanlian · charity and social-organization platform",
    ),
    ("home", "首页", "Home"),
    ("overview", "概览", "Overview"),
    ("funds", "慈善基金", "Charity funds"),
    ("services_delivered", "转介帮扶服务", "Services delivered"),
    (
        "services_delivered_note",
        "民政部门转介到本基金的困难群众，慈善组织提供的服务合计。",
        "What charities delivered to the people the bureau referred to this fund, in all.",
    ),
    ("stations", "慈善捐助站", "Donation stations"),
    ("station", "捐助站", "Station"),
    ("station_taken", "接收捐助站", "Taken at station"),
    ("station_name", "捐助站名称", "Station name"),
    ("station_hours", "开放时间或联系方式", "Opening hours or contact"),
    ("opened_on", "开放日期", "Opened on"),
    ("closed_since", "已关闭，自", "Closed since"),
    ("open_station", "新设捐助站", "Open a station"),
    ("close_station", "关闭捐助站", "Close the station"),
    (
        "close_station_note",
        "关闭后不再接收捐赠，已接收的捐赠仍记在该站名下。",
        "It takes no more gifts; what it took stays recorded under it.",
    ),
    (
        "stations_intro",
        "社会慈善捐助站就近接收居民的款物捐赠，每笔都记入运营机构的账目并开具收据。",
        "Charity donation stations take residents' gifts of money and goods near home; each gift goes into the running charity's ledger with a receipt.",
    ),
    (
        "stations_workspace_intro",
        "本机构运营的捐助站。登记捐赠时可注明接收的捐助站。",
        "The stations your organization runs. A gift can name the station that took it.",
    ),
    ("late", "逾期", "Late"),
    ("run_by", "运营机构", "Run by"),
    ("gift_count", "捐赠笔数", "Gifts"),
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
        "捐赠人邮箱（用于发送捐赠回执）",
        "Donor email (for the acknowledgement)",
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
    (
        "recorded",
        "已登记，捐赠回执已开具",
        "Recorded; the acknowledgement is issued",
    ),
    ("receipt_number", "回执编号", "Acknowledgement number"),
    (
        "verification_code",
        "验证码（仅显示一次，请交给捐赠人）",
        "Verification code (shown once: give it to the donor)",
    ),
    ("receipt", "捐赠回执", "Acknowledgement"),
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
    ("fee_reports", "减轻企业负担报告", "Fee-reduction report"),
    (
        "no_open_period",
        "目前没有需要报送的期间。",
        "No reporting period is open.",
    ),
    ("due", "截止", "due"),
    ("report_none", "未填写", "Not started"),
    ("report_draft", "草稿", "Draft"),
    ("report_submitted", "已报送，待审核", "Submitted, under review"),
    ("report_approved", "已通过", "Approved"),
    (
        "report_returned",
        "已退回，请修改后重新报送",
        "Returned: correct and submit again",
    ),
    ("returned_comment", "退回意见", "Comment"),
    ("member_count", "会员企业数", "Member enterprises"),
    (
        "irregular_charges_found",
        "自查发现违规收费（项）",
        "Irregular charges found",
    ),
    ("refunded", "清退金额", "Refunded"),
    ("enterprises_refunded", "清退企业数", "Enterprises refunded"),
    ("line", "第", "Line"),
    ("fee_item", "收费项目", "Fee item"),
    ("measure", "减负措施", "Measure"),
    ("amount_saved", "减负金额", "Amount saved"),
    ("enterprises", "惠及企业数", "Enterprises"),
    ("remove_line", "删除此行", "Remove line"),
    ("add_line", "添加一行", "Add a line"),
    ("save_draft", "保存草稿", "Save draft"),
    ("submit_report", "报送", "Submit"),
    ("return_comment", "退回意见", "Comment for returning"),
    ("return_report", "退回", "Return"),
    ("all", "全部", "All"),
    ("filter", "筛选", "Filter"),
    ("actions", "操作", "Actions"),
    ("received_from", "收到日期自", "Received from"),
    ("received_to", "收到日期至", "Received to"),
    ("donation_pledged", "待确认的认捐", "Pledge to confirm"),
    ("donation_confirmed", "已确认", "Confirmed"),
    ("donation_declined", "未到账", "Declined"),
    ("confirm_arrived", "确认到账并开票", "Confirm and receipt"),
    ("record_payment", "登记付款", "Record the payment"),
    ("payment_reference", "付款流水号", "Payment reference"),
    ("paid_on", "付款日期", "Paid on"),
    ("paid_from_fund", "资金来源", "Paid from"),
    ("paid_directly", "机构直接支付", "Paid directly by the organization"),
    ("delivered_on", "帮扶日期", "Delivered on"),
    ("donation_receipt", "捐赠回执", "Donation acknowledgement"),
    ("receipt_voided", "此回执已作废", "This acknowledgement is void"),
    ("received_by", "受赠单位", "Received by"),
    ("credit_code", "统一社会信用代码", "Credit code"),
    ("valuation", "折价金额", "Valuation"),
    ("designation", "捐赠用途", "Designated for"),
    (
        "receipt_trace_hint",
        "凭回执编号和验证码可查询善款去向：",
        "Trace where the gift went with the receipt number and verification code:",
    ),
    ("print", "打印", "Print"),
    ("printable_receipt", "打印捐赠回执", "Printable acknowledgement"),
    ("name", "名称", "Name"),
    ("application_submitted", "已提交，待受理", "Submitted, to accept"),
    ("application_accepted", "已受理，待审查", "Accepted, to decide"),
    ("accept_application", "受理", "Accept"),
    ("approve_registration", "准予登记", "Approve registration"),
    ("recipient", "收件人", "Recipient"),
    ("subject", "主题", "Subject"),
    ("last_error", "最后一次错误", "Last error"),
    ("retry", "重新发送", "Retry"),
    ("register_search", "社会组织登记查询", "Organization register"),
    ("fee_periods", "减负报送期间汇总", "Fee-reduction periods"),
    ("relief_cases", "救助对象与转介", "Relief cases and referrals"),
    ("audit_trail", "审计记录查询", "Audit trail"),
    ("search", "查询", "Search"),
    ("org_kind", "类型", "Kind"),
    ("charity", "慈善组织", "Charity"),
    ("industry_association", "行业协会商会", "Industry association"),
    ("registered_on", "登记日期", "Registered on"),
    ("business_scope", "业务范围", "Business scope"),
    ("registered_address", "住所", "Registered address"),
    ("legal_representative", "法定代表人", "Legal representative"),
    ("supervising_unit", "业务主管单位", "Supervising unit"),
    ("contact_email", "联系邮箱", "Contact email"),
    (
        "supervision_lists",
        "活动异常名录与严重违法失信名单",
        "Supervision lists",
    ),
    ("list", "名录", "List"),
    ("listed_on", "列入日期", "Listed on"),
    ("removed_on", "移出", "Removed"),
    ("remove_listing", "移出名录", "Remove from the list"),
    ("list_as_abnormal", "列入活动异常名录", "List as abnormal"),
    ("annual_reports", "年度报告", "Annual reports"),
    ("year", "年度", "Year"),
    ("annual_submitted", "已报送，待审核", "Submitted"),
    ("annual_passed", "合格", "Passed"),
    ("annual_passed_with_issues", "基本合格", "Passed with issues"),
    ("annual_failed", "不合格", "Failed"),
    ("history", "变更历史", "History"),
    ("version", "版本", "Version"),
    ("cause", "原因", "Cause"),
    ("cause_registration", "成立登记", "Registration"),
    ("cause_change", "变更登记", "Change"),
    ("cause_deregistration", "注销登记", "Deregistration"),
    ("cause_charity_recognition", "认定为慈善组织", "Recognized as a charity"),
    (
        "cause_public_fundraising",
        "取得公开募捐资格",
        "Public fundraising granted",
    ),
    ("audit_action", "操作", "Action"),
    ("entity_type", "记录类型", "Record type"),
    ("entity_id", "记录编号", "Record id"),
    ("date_from", "起始日期", "From"),
    ("date_to", "截止日期", "To"),
    ("time", "时间", "Time"),
    ("actor", "操作人角色", "Actor"),
    ("entity", "记录", "Record"),
    ("changes", "内容", "Changes"),
    ("period", "报送期间", "Period"),
    ("show", "查看", "Show"),
    ("past_due", "已过截止日期", "Past due"),
    ("download", "下载汇总表", "Download"),
    ("associations_asked", "应报送的协会商会", "Associations asked"),
    ("associations_reported", "已报送", "Reported"),
    ("associations_not_reported", "未报送", "Not reported"),
    (
        "approved_only",
        "金额与企业数只计已审核通过的报告。",
        "Amounts and enterprises count approved reports only.",
    ),
    ("by_fee_item", "按收费项目", "By fee item"),
    ("by_measure", "按减负措施", "By measure"),
    ("associations", "协会商会", "Associations"),
    (
        "no_periods",
        "尚未开启报送期间。",
        "No reporting period has been opened.",
    ),
    (
        "reads_are_audited",
        "查看救助对象的完整信息会记入审计记录。",
        "Reading a household's full details is written to the audit trail.",
    ),
    ("head_of_household", "户主", "Head of household"),
    ("address", "地址", "Address"),
    ("relief_categories", "救助类别", "Relief categories"),
    ("people", "人数", "People"),
    ("relief_case", "救助对象", "Relief case"),
    ("household", "家庭成员", "Household"),
    ("person_name", "姓名", "Name"),
    ("id_number", "身份证号", "ID number"),
    ("relationship", "关系", "Relationship"),
    ("age", "年龄", "Age"),
    ("health", "健康与残疾", "Health and disability"),
    ("category", "类别", "Category"),
    ("monthly_amount", "金额", "Amount"),
    ("since", "起始", "Since"),
    ("urgency", "紧急程度", "Urgency"),
    ("escalated", "已逾期上报", "Escalated"),
    ("not_sent", "尚未发送给慈善组织", "Not sent to any charity yet"),
    ("help_recorded", "已登记的帮扶", "Help recorded"),
    (
        "suggested_recipients",
        "推荐的慈善组织与基金",
        "Suggested charities and funds",
    ),
    ("send_referral", "发送转介", "Send the referral"),
    ("new_referral", "新建转介", "New referral"),
    ("need", "需求", "Need"),
    ("create_referral", "创建转介", "Create the referral"),
    ("close_case", "结案", "Close the case"),
    ("outcome", "结案情况", "Outcome"),
    ("my_organization", "本机构", "Our organization"),
    ("file_annual_report", "报送年度报告", "File an annual report"),
    (
        "report_summary",
        "年度工作报告（业务活动、财务、内部治理）",
        "Report (activities, finances, governance)",
    ),
    ("change_applications", "变更登记申请", "Change applications"),
    ("changed_items", "变更事项", "Items changed"),
    ("change_submitted", "已提交，待审核", "Submitted"),
    ("change_approved", "已核准", "Approved"),
    ("change_returned", "已退回", "Returned"),
    ("file_change", "申请变更登记", "Apply for a change"),
    (
        "change_hint",
        "只填写需要变更的事项，其余留空。",
        "Fill in only what changes; leave the rest blank.",
    ),
    ("registration_applications", "成立登记申请", "Registration applications"),
    ("registration_submitted", "已提交，待受理", "Submitted"),
    ("registration_accepted", "已受理，审查中", "Accepted, under review"),
    ("registration_approved", "准予登记", "Registered"),
    ("registration_rejected", "不予登记", "Rejected"),
    (
        "apply_registration",
        "申请成立登记新的社会组织",
        "Apply to register a new organization",
    ),
    ("register_short", "社会组织", "Organizations"),
    (
        "fee_item_detail",
        "收费项目名称（选“其他”时必填）",
        "Fee name (required for \"other\")",
    ),
    ("error_title", "无法完成", "This could not be done"),
    ("unavailable_title", "服务暂时不可用", "Service unavailable"),
    (
        "unavailable_text",
        "数据库暂时无法连接，请稍后重试。这不是您的操作有误。",
        "The database cannot be reached right now: try again in a moment. Nothing is wrong with what you did.",
    ),
    ("try_again", "重试", "Try again"),
    ("language", "English", "中文"),
    // Accounts (the bureau's users page) and one's own password.
    ("accounts", "账号管理", "Accounts"),
    ("role", "角色", "Role"),
    ("account_active", "正常", "Active"),
    ("account_stopped", "已停用", "Stopped"),
    ("deactivate", "停用", "Stop"),
    ("activate", "恢复", "Let in again"),
    ("new_account", "开设账号", "Open an account"),
    (
        "new_account_hint",
        "新用户会收到一封说明如何登录的邮件；请另行告知初始密码，并提醒其登录后修改。",
        "The new user gets an email saying how to sign in; give them the initial password separately and ask them to change it.",
    ),
    (
        "organization_for_staff",
        "所属机构（机构工作人员必选）",
        "Organization (for its staff)",
    ),
    ("display_name", "姓名", "Full name"),
    ("email", "电子邮箱", "Email"),
    (
        "initial_password",
        "初始密码（至少 8 位）",
        "Initial password (8 characters or more)",
    ),
    ("email_language", "邮件语言", "Language of emails"),
    ("open_account", "开设账号", "Open the account"),
    (
        "done_user_created",
        "账号已开设，登录说明已发往其邮箱。",
        "The account is open; how to sign in was emailed to its owner.",
    ),
    (
        "done_user_deactivated",
        "账号已停用，其登录已失效。",
        "The account is stopped and its sessions ended.",
    ),
    (
        "done_user_activated",
        "账号已恢复，可以重新登录。",
        "The account can sign in again.",
    ),
    ("my_account", "我的账号", "My account"),
    ("change_password", "修改密码", "Change password"),
    ("current_password", "当前密码", "Current password"),
    (
        "new_password",
        "新密码（至少 8 位）",
        "New password (8 characters or more)",
    ),
    (
        "change_password_hint",
        "修改后，所有已登录的浏览器和设备都需用新密码重新登录，您会收到一封确认邮件。",
        "Every browser and device signed in will have to sign in again with the new password; you will get an email saying so.",
    ),
    (
        "done_password_changed",
        "密码已修改，请用新密码登录。",
        "Your password is changed: sign in with the new one.",
    ),
    // Opening a fee-reduction period; a charity's own funds.
    ("open_period", "开启报送期间", "Open a reporting period"),
    (
        "open_period_hint",
        "开启后，本市所有行业协会商会会收到报送通知邮件。",
        "Every industry association of the city is emailed to report.",
    ),
    ("title", "标题", "Title"),
    ("half", "时段", "Part of the year"),
    ("half_whole", "全年", "Whole year"),
    ("half_1", "上半年（1—6 月）", "First half (January–June)"),
    ("half_2", "下半年（7—12 月）", "Second half (July–December)"),
    ("due_on", "截止日期", "Due on"),
    (
        "done_period_opened",
        "报送期间已开启，已通知各行业协会商会。",
        "The period is open and the associations have been emailed.",
    ),
    ("my_funds", "本机构的基金", "Our funds"),
    ("create_fund", "设立基金", "Open a fund"),
    (
        "create_fund_hint",
        "社区基金须填写所在社区、街道和区；专项基金可不填。",
        "A community fund names its community, street and district; a special fund may leave them blank.",
    ),
    ("fund_name", "基金名称", "Fund name"),
    ("fund_kind", "基金类型", "Kind of fund"),
    ("street", "街道", "Street"),
    (
        "done_fund_created",
        "基金已设立，可在捐赠与支出中选用。",
        "The fund is open and can be chosen for gifts and disbursements.",
    ),
    (
        "no_funds_yet",
        "本机构还没有基金：先在下方设立一个，支出申请才能选择基金。",
        "Your organization has no fund yet: open one below before requesting a disbursement.",
    ),
    ("choose_city", "请选择城市", "Choose the city"),
    // The home page and a region's public page.
    ("city", "城市", "City"),
    (
        "home_intro",
        "各市民政局监管的社会组织、慈善捐赠与社区慈善基金，向社会公开。",
        "The social organizations, charitable gifts and community funds the cities' civil-affairs bureaus supervise, open to the public.",
    ),
    ("region_all_cities", "下辖各市一览", "all its cities"),
    (
        "region_public_intro",
        "下辖各市的社会组织与慈善基金概况，点击城市查看详情。",
        "The organizations and charity funds of each city; choose a city for its pages.",
    ),
    ("what_you_can_do", "在这里可以", "Here you can"),
    (
        "home_trace",
        "凭捐赠回执上的号码和验证码，查询善款用在了哪里；",
        "trace where a gift went, with the number and code on its acknowledgement;",
    ),
    (
        "home_register",
        "查询社会组织登记信息、慈善基金和捐赠站点；",
        "look up registered organizations, charity funds and donation stations;",
    ),
    (
        "home_staff",
        "民政工作人员、社会组织工作人员和捐赠人：",
        "bureau officials, organizations' staff and donors:",
    ),
    ("first_page", "第一页", "First page"),
    (
        "done_disbursement_requested",
        "支出申请已提交，须由另一名工作人员复核。",
        "The request is in: another member must approve it.",
    ),
    (
        "done_disbursement_approve",
        "已批准，支付后请登记支付信息。",
        "Approved: record the payment once it is made.",
    ),
    (
        "done_disbursement_reject",
        "已不予批准，申请人会收到通知。",
        "Rejected; the requester is told.",
    ),
    ("done_disbursement_pay", "支付信息已登记。", "The payment is recorded."),
    (
        "done_station_opened",
        "捐赠站点已设立，已在公众页面显示。",
        "The station is open and shown on the public pages.",
    ),
    ("done_station_closed", "捐赠站点已关闭。", "The station is closed."),
    ("give", "我要捐款", "Give"),
    (
        "give_hint",
        "先登记认捐，再按所选方式付款；机构确认到账后，会向您的邮箱发送捐赠回执。",
        "Pledge first, then pay the way you chose; once the charity confirms the money arrived, your acknowledgement is emailed to you.",
    ),
    ("amount_yuan", "金额（元）", "Amount (yuan)"),
    (
        "disclose_me",
        "同意在公示中显示我的姓名",
        "Show my name in the public listing",
    ),
    ("pledge", "认捐", "Pledge"),
    (
        "done_pledge_made",
        "认捐已登记：请按所选方式付款，机构确认到账后会发送捐赠回执。",
        "Your pledge is recorded: pay the way you chose, and the acknowledgement follows once the charity confirms it.",
    ),
    ("register_household", "登记救助家庭", "Register a household"),
    (
        "register_household_hint",
        "户主和家庭成员的身份证号会逐一校验；查看完整信息会记入审计记录。",
        "Each identity number is checked; reading a household's full details is written to the audit trail.",
    ),
    ("disability", "残疾情况", "Disability"),
    ("other_member", "家庭成员", "Member"),
    ("benefit_drawn", "已享受的救助", "Relief already drawn"),
    ("relief_category", "救助类别", "Relief category"),
    (
        "done_case_registered",
        "救助家庭已登记。",
        "The household is registered.",
    ),
    ("particulars", "申请事项", "Particulars"),
    ("submitted_on", "提交日期", "Submitted on"),
    ("confirm_approve", "确认准予登记", "Confirm the registration"),
    (
        "confirm_approve_hint",
        "准予登记后将建立登记记录并生成统一社会信用代码，申请人会收到通知，且不能撤回。",
        "Approving creates the organization's record with its credit code and tells the applicant; it cannot be undone.",
    ),
    ("view_organization", "查看登记记录", "The organization's record"),
    (
        "done_registration_approved",
        "已准予登记：登记记录和统一社会信用代码如下。",
        "Registered: here is the organization's record and credit code.",
    ),
    (
        "done_application_accepted",
        "申请已受理，申请人会收到通知。",
        "The application is accepted; the applicant is told.",
    ),
    (
        "done_application_rejected",
        "已不予登记，申请人会收到理由。",
        "The application is rejected; the applicant is told why.",
    ),
    (
        "done_referral_accept",
        "已接收转介，请在下方登记帮扶情况。",
        "Accepted: record the help below.",
    ),
    (
        "done_referral_decline",
        "已拒绝转介，民政局会收到理由。",
        "Declined; the bureau is told why.",
    ),
    ("done_referral_assist", "帮扶情况已登记。", "The help is recorded."),
    (
        "audit_system",
        "系统（定时任务或公众）",
        "The system (a scheduled job or the public)",
    ),
    (
        "apply_hint",
        "成立社会团体、社会服务机构或基金会，可在此向市民政局提交成立登记申请，同时开设用于查看审查进度的账号。准予登记后，该账号即代表新登记的机构。",
        "To found a social group, social service institution or foundation, apply here to the city's civil-affairs bureau, and open the account you will follow the review with. Once registered, the account acts for the new organization.",
    ),
    ("have_account", "已有账号？", "Already have an account?"),
    ("the_organization", "拟成立的组织", "The organization"),
    ("your_account", "您的账号", "Your account"),
    ("password_again", "再次输入密码", "Password again"),
    ("submit_application", "提交申请", "Submit the application"),
    (
        "done_applied",
        "申请已提交，并已向联系邮箱发送确认邮件。民政局受理和审查的结果会显示在本页。",
        "The application is submitted and a confirmation was emailed to the contact address. The bureau's decisions will show on this page.",
    ),
    ("apply_link", "申请成立社会组织", "Apply to register an organization"),
    (
        "no_organization_yet",
        "本账号尚未代表任何已登记的机构；准予登记后即可办理机构业务。",
        "This account does not act for a registered organization yet; it will once the registration is approved.",
    ),
    ("household_head", "户主", "Head of household"),
    ("household_size", "家庭人数", "People"),
    ("per_month", "月", "month"),
    ("years_old", "岁", "years old"),
    ("mark_complete", "标记帮扶完成", "Mark the help complete"),
    (
        "done_referral_complete",
        "已标记帮扶完成，并已通知转介的民政工作人员。",
        "The help is marked complete and the referring official was told.",
    ),
    ("total", "合计", "Total"),
    ("standard_before", "原收费标准（元）", "Standard before (yuan)"),
    ("standard_after", "现收费标准（元）", "Standard now (yuan)"),
    ("line_comment", "本行意见", "Comment on this line"),
    ("report_as_filed", "已报送的内容", "The report as filed"),
    (
        "done_report_submitted",
        "减负报告已报送，等待民政局审核。",
        "The report is submitted for the bureau's review.",
    ),
    ("done_draft_saved", "草稿已保存。", "The draft is saved."),
    (
        "done_report_approved",
        "减负报告已审核通过。",
        "The report is approved.",
    ),
    (
        "done_report_returned",
        "减负报告已退回，并已通知协会修改。",
        "The report is returned and the association was told what to correct.",
    ),
    ("open_record", "查看记录", "Open the record"),
    (
        "search_name_code_scope",
        "名称、统一社会信用代码或业务范围",
        "Name, credit code or business scope",
    ),
    ("charities_only", "只看慈善组织", "Charitable organizations only"),
    (
        "fundraising_only",
        "只看具有公开募捐资格的",
        "With public fundraising qualification only",
    ),
    ("found_count", "共找到 {n} 个社会组织", "{n} organizations found"),
    ("none_found", "没有符合条件的社会组织", "No organization matches"),
    ("recognized_on", "认定于", "recognized on"),
    ("qualified_on", "取得资格于", "qualified on"),
    ("no", "否", "No"),
    ("result", "结果", "Result"),
    ("requested_by", "申请人", "requested by"),
    ("who_read", "查阅记录", "Who read this household"),
    (
        "who_read_hint",
        "每次查看本户成员姓名、身份证号等完整信息都记入审计日志；以下为最近 50 次。",
        "Every read of this household's names and identity numbers in full is in the audit trail; the last 50 are below.",
    ),
    ("where_read", "查看方式", "Where"),
    ("reader", "查阅人", "Read by"),
    ("read_in_list", "救助家庭列表", "The household list"),
    ("read_on_page", "本户详情页", "This household's page"),
    (
        "audit_action_words",
        "操作（文字或代码）",
        "What was done (words or code)",
    ),
    (
        "audit_action_example",
        "如：准予登记、捐赠",
        "e.g. registration, donation",
    ),
    ("amount_yuan_axis", "金额（元）", "Amount (yuan)"),
    (
        "enterprises_benefited",
        "惠及会员企业总数（不重复计算）",
        "Member enterprises reached (each once)",
    ),
    (
        "enterprises_benefited_hint",
        "同一企业享受多项减负措施的，只计一次；各行的惠及企业数相加会重复计算。",
        "An enterprise spared several fees counts once; adding up the lines would count it again.",
    ),
    ("site_host", "主办单位", "Run by"),
    ("site_support", "技术支持", "Platform"),
    ("site_contact", "联系方式", "Contact"),
    ("in_all", "共 {n} 条", "{n} in all"),
];

#[cfg(test)]
mod tests {
    use super::TEXT;

    #[test]
    fn every_key_is_written_once() {
        let mut keys: Vec<&str> = TEXT.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let twice: Vec<_> = keys.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        assert!(twice.is_empty(), "keys written twice: {twice:?}");
    }

    /// A key a template names that the table lacks would show the reader
    /// the key itself (`fund_name`) instead of words.
    #[test]
    fn every_key_a_template_names_is_in_the_table() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // `t("key")` and the macros' label arguments, `input("name", "key")`.
            for call in ["t(\"", "input(\"", "choice(\""] {
                for rest in html.split(call).skip(1) {
                    let mut args = rest.split('"');
                    let first = args.next().unwrap_or_default();
                    let key = if call == "t(\"" {
                        // Only whole literals: `t("status_" ~ s)` is built.
                        match args.next() {
                            Some(after) if after.starts_with(')') => first,
                            _ => continue,
                        }
                    } else {
                        match (args.next(), args.next()) {
                            (Some(", "), Some(label)) => label,
                            _ => continue,
                        }
                    };
                    // (`split(" ")` in the page's script is not a key.)
                    let is_key = !key.is_empty()
                        && key
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if is_key && !TEXT.iter().any(|(k, _, _)| *k == key) {
                        missing.push(format!(
                            "{}: {key}",
                            path.file_name().unwrap_or_default().to_string_lossy()
                        ));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys the table lacks: {missing:?}");
    }
}
