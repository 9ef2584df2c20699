//! The organization register end to end: registration, existing codes,
//! changes, annual reports, supervision, deregistration, the public
//! register, region counts, emails and audit records, tenant isolation.

use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};
use crate::register::{self, code_is_valid, credit_code, decide, org_id, particulars, submit, submit_change};

/// Outbox rows to one recipient: (template, subject).
async fn mails_to(app: &TestApp, recipient: &str) -> Vec<(String, String)> {
    let rows = app
        .owner
        .query_all_raw(sea_orm::Statement::from_string(
            app.backend,
            format!("SELECT template, subject FROM email_outbox WHERE recipient = '{recipient}' ORDER BY created_at"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap()))
        .collect()
}

async fn audit_actions(app: &TestApp, entity_id: &str) -> Vec<String> {
    let rows = app
        .owner
        .query_all_raw(sea_orm::Statement::from_string(
            app.backend,
            format!("SELECT action FROM audit_log WHERE entity_id = '{entity_id}' ORDER BY occurred_at"),
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect()
}

use sea_orm::ConnectionTrait;

#[tokio::test]
async fn an_application_is_accepted_then_approved_with_a_valid_credit_code() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let official = app.login("liuzhou.city_official").await;
    let id = submit(&app, &staff, "柳州市彩虹社区服务中心").await;

    let accepted = decide(&app, &official, "acceptRegistrationApplication", &id).await;
    assert_eq!(
        accepted["data"]["acceptRegistrationApplication"]["status"], "accepted",
        "{accepted}"
    );
    let approved = decide(&app, &official, "approveRegistrationApplication", &id).await;
    let org = approved["data"]["approveRegistrationApplication"]["organizationId"]
        .as_str()
        .expect("registered")
        .to_owned();

    let query = "query($id: UUID!) { organization(id: $id) { name creditCode status kind registeredOn version history { version cause } } }";
    let body = app.graphql(Some(&official), query, json!({"id": org})).await;
    let o = &body["data"]["organization"];
    let code = o["creditCode"].as_str().unwrap();
    assert!(code_is_valid(code), "{code} has valid check characters");
    assert_eq!(&code[..2], "52", "civil affairs, social service institution");
    assert_eq!(&code[2..8], "450200", "Liuzhou's division code");
    assert_eq!(o["status"], "active");
    // Dates are China Standard Time (UTC+8).
    assert_eq!(
        o["registeredOn"],
        (Utc::now() + chrono::Duration::hours(8)).date_naive().to_string()
    );
    assert_eq!(o["history"], json!([{"version": 1, "cause": "registration"}]));

    let mails = mails_to(&app, "apply@example.org").await;
    let templates: Vec<&str> = mails.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(templates, ["application_accepted", "application_approved"]);
    assert!(
        mails[1].1.contains("准予登记") && mails[1].1.contains("柳州市彩虹社区服务中心"),
        "{mails:?}"
    );
    let text = app
        .scalar_string("SELECT text_body FROM email_outbox WHERE template = 'application_approved'")
        .await;
    assert!(text.contains(code), "the approval mail carries the code: {text}");
    assert_eq!(
        audit_actions(&app, &id).await,
        ["registration.submit", "registration.accept", "registration.approve"]
    );

    // The applicant sees their own application; another applicant does not.
    let mine = app
        .graphql(
            Some(&staff),
            "{ registrationApplications { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["registrationApplications"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let other_staff = app.login("nanning.org_staff").await;
    let get = "query($id: UUID!) { registrationApplication(id: $id) { id } }";
    assert_error(
        &app.graphql(Some(&other_staff), get, json!({"id": id})).await,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn rejections_need_a_reason_and_closed_applications_cannot_move() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let official = app.login("liuzhou.city_official").await;
    let id = submit(&app, &staff, "柳州市被驳回服务中心").await;
    // Approving before accepting is an illegal transition.
    let early = decide(&app, &official, "approveRegistrationApplication", &id).await;
    assert_error(&early, "CONFLICT");
    assert!(
        early["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("illegal transition")
    );

    app.graphql_error(
        Some(&official),
        "mutation($id: UUID!) { rejectRegistrationApplication(id: $id, reason: \" \") { id } }",
        json!({"id": id}),
        "VALIDATION",
    )
    .await;
    let rejected = decide(&app, &official, "rejectRegistrationApplication", &id).await;
    assert_eq!(rejected["data"]["rejectRegistrationApplication"]["status"], "rejected");
    for mutation in [
        "acceptRegistrationApplication",
        "approveRegistrationApplication",
        "rejectRegistrationApplication",
    ] {
        assert_error(&decide(&app, &official, mutation, &id).await, "CONFLICT");
    }
    let mails = mails_to(&app, "apply@example.org").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "application_rejected");
    // Staff cannot decide.
    let another = submit(&app, &staff, "柳州市越权测试服务中心").await;
    assert_error(
        &decide(&app, &staff, "acceptRegistrationApplication", &another).await,
        "FORBIDDEN",
    );
}

#[tokio::test]
async fn existing_codes_are_checked_for_check_characters_kind_and_city() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let register = "mutation($i: ParticularsInput!, $c: String!) { registerExistingOrganization(input: $i, creditCode: $c, registeredOn: \"2012-08-08\") { id creditCode } }";
    let good = credit_code('1', "450221", "MA5KXY01");
    let ok = app
        .graphql(
            Some(&official),
            register,
            json!({"i": particulars("柳州市柳城县老年协会", "social_group"), "c": good}),
        )
        .await;
    assert_eq!(
        ok["data"]["registerExistingOrganization"]["creditCode"],
        good.as_str(),
        "{ok}"
    );

    let mut bad_check = good.clone();
    bad_check.replace_range(17..18, if good.ends_with('0') { "1" } else { "0" });
    let mut bad_org_check = credit_code('1', "450202", "12345678");
    bad_org_check.replace_range(16..17, if bad_org_check.as_bytes()[16] == b'0' { "1" } else { "0" });
    for (code, kind, hint) in [
        (bad_check.as_str(), "social_group", "last check character"),
        (bad_org_check.as_str(), "social_group", "organization code"),
        (&credit_code('1', "450302", "12345678"), "social_group", "450302"),
        (&credit_code('3', "450202", "12345679"), "social_group", "another kind"),
        ("91450200MA5KXY01XX", "social_group", "18 characters"),
    ] {
        let body = app
            .graphql_error(
                Some(&official),
                register,
                json!({"i": particulars("柳州市某协会", kind), "c": code}),
                "VALIDATION",
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "creditCode", "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(hint) || hint == "18 characters", "{code}: {message}");
    }
    app.graphql_error(
        Some(&official),
        register,
        json!({"i": particulars("柳州市重复协会", "social_group"), "c": good}),
        "CONFLICT",
    )
    .await;
}

#[tokio::test]
async fn one_change_application_changes_several_items_as_one_new_version() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let official = app.login("liuzhou.city_official").await;
    let org = org_id(&app, "柳州市慈善总会").await;
    let submit = "mutation($o: UUID!, $c: ChangeItemsInput!) { submitChangeApplication(organizationId: $o, changes: $c) { id } }";
    let changes = json!({"name": "柳州市慈善联合会", "registeredAddress": "柳州市城中区三中路2号", "legalRepresentative": "蓝天宇"});
    let body = app.graphql(Some(&staff), submit, json!({"o": org, "c": changes})).await;
    let id = body["data"]["submitChangeApplication"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    // One window: a second application while one waits is refused.
    app.graphql_error(
        Some(&staff),
        submit,
        json!({"o": org, "c": {"businessScope": "新的范围"}}),
        "CONFLICT",
    )
    .await;
    app.graphql_error(Some(&staff), submit, json!({"o": org, "c": {}}), "VALIDATION")
        .await;

    let approve = "mutation($id: UUID!) { approveChangeApplication(id: $id) { status } }";
    assert_eq!(
        app.graphql(Some(&official), approve, json!({"id": id})).await["data"]["approveChangeApplication"]["status"],
        "approved"
    );
    assert_error(
        &app.graphql(Some(&official), approve, json!({"id": id})).await,
        "CONFLICT",
    );

    let query = "query($id: UUID!) { organization(id: $id) { name registeredAddress legalRepresentative version history { version cause snapshot } } }";
    let body = app.graphql(Some(&staff), query, json!({"id": org})).await;
    let o = &body["data"]["organization"];
    assert_eq!(o["name"], "柳州市慈善联合会");
    assert_eq!(o["registeredAddress"], "柳州市城中区三中路2号");
    assert_eq!(o["legalRepresentative"], "蓝天宇");
    assert_eq!(o["version"], 2);
    let history = o["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["snapshot"]["name"], "柳州市慈善总会");
    assert_eq!(history[1]["snapshot"]["name"], "柳州市慈善联合会");
    assert_eq!(history[1]["cause"], "change");

    // Returning needs a comment and tells the organization.
    let other = submit_change(&app, &official, &org).await;
    app.graphql_error(
        Some(&official),
        "mutation($id: UUID!) { returnChangeApplication(id: $id, comment: \"\") { id } }",
        json!({"id": other}),
        "VALIDATION",
    )
    .await;
    let returned = app
        .graphql(
            Some(&official),
            "mutation($id: UUID!) { returnChangeApplication(id: $id, comment: \"请补充理事会决议\") { status } }",
            json!({"id": other}),
        )
        .await;
    assert_eq!(returned["data"]["returnChangeApplication"]["status"], "returned");
    let contact = app
        .scalar_string("SELECT contact_email FROM organization WHERE name = '柳州市慈善联合会'")
        .await;
    let templates: Vec<String> = mails_to(&app, &contact).await.into_iter().map(|m| m.0).collect();
    assert_eq!(templates, ["change_approved", "change_returned"]);

    // Staff cannot change another organization: to them it does not exist.
    let other_org = org_id(&app, "柳州市汽车工业协会").await;
    assert_error(
        &app.graphql(Some(&staff), submit, json!({"o": other_org, "c": {"name": "x"}}))
            .await,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn annual_reports_are_reviewed_failed_reports_resubmitted() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let org = org_id(&app, "柳州市摄影家协会").await;
    let submit = "mutation($o: UUID!, $y: Int!, $s: String!) { submitAnnualReport(organizationId: $o, year: $y, summary: $s) { id status dueOn } }";
    let this_year = register::last_year() + 1;
    app.graphql_error(
        Some(&official),
        submit,
        json!({"o": org, "y": this_year, "s": "x"}),
        "VALIDATION",
    )
    .await;
    let body = app
        .graphql(
            Some(&official),
            submit,
            json!({"o": org, "y": register::last_year(), "s": "年度工作总结"}),
        )
        .await;
    let report = &body["data"]["submitAnnualReport"];
    assert_eq!(report["dueOn"], format!("{this_year}-05-31"), "{body}");
    let id = report["id"].as_str().unwrap().to_owned();

    let review = "mutation($id: UUID!, $o: ReviewOutcome!, $c: String) { reviewAnnualReport(id: $id, outcome: $o, comment: $c) { status } }";
    assert_error(
        &app.graphql(Some(&official), review, json!({"id": id, "o": "fail"}))
            .await,
        "VALIDATION",
    );
    let failed = app
        .graphql(
            Some(&official),
            review,
            json!({"id": id, "o": "fail", "c": "财务数据缺失"}),
        )
        .await;
    assert_eq!(failed["data"]["reviewAnnualReport"]["status"], "failed");
    assert_error(
        &app.graphql(Some(&official), review, json!({"id": id, "o": "pass"}))
            .await,
        "CONFLICT",
    );
    let again = app
        .graphql(
            Some(&official),
            submit,
            json!({"o": org, "y": register::last_year(), "s": "补充后的总结"}),
        )
        .await;
    assert_eq!(
        again["data"]["submitAnnualReport"]["id"],
        id.as_str(),
        "the same report, resubmitted"
    );
    let passed = app
        .graphql(Some(&official), review, json!({"id": id, "o": "pass"}))
        .await;
    assert_eq!(passed["data"]["reviewAnnualReport"]["status"], "passed");
    // A passed report cannot be submitted over.
    assert_error(
        &app.graphql(
            Some(&official),
            submit,
            json!({"o": org, "y": register::last_year(), "s": "x"}),
        )
        .await,
        "CONFLICT",
    );
}

#[tokio::test]
async fn the_daily_check_lists_missed_reports_escalates_after_two_years_and_flags_waiting_applications() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    // An organization registered long ago, with no annual reports at all.
    let register = "mutation($i: ParticularsInput!, $c: String!) { registerExistingOrganization(input: $i, creditCode: $c, registeredOn: \"2010-01-05\") { id } }";
    let mut input = particulars("柳州市沉睡协会", "social_group");
    input["contactEmail"] = json!("sleepy@example.org");
    let body = app
        .graphql(
            Some(&official),
            register,
            json!({"i": input, "c": credit_code('1', "450200", "5LEEPY00")}),
        )
        .await;
    assert!(body["data"]["registerExistingOrganization"]["id"].is_string(), "{body}");

    // The daily job, run as `api supervise --as-of` would run it.
    let supervise = |as_of: chrono::NaiveDate| api::cli::Cli {
        command: Some(api::cli::Command::Supervise { as_of: Some(as_of) }),
    };
    let listed = |list: &'static str| {
        format!(
            "SELECT COUNT(*) FROM supervision_listing WHERE list = '{list}' AND removed_on IS NULL AND organization_id = (SELECT id FROM organization WHERE name = '柳州市沉睡协会')"
        )
    };
    // A day after this year's report deadline, and not before today (so the
    // seeded applications have been waiting).
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    let june: chrono::NaiveDate = today.max(format!("{}-06-02", register::last_year() + 1).parse().unwrap());
    let abnormal_before = app
        .count("SELECT COUNT(*) FROM supervision_listing WHERE list = 'abnormal'")
        .await;
    api::cli::run(supervise(june), app.settings.clone()).await.unwrap();
    assert_eq!(
        app.count(&listed("abnormal")).await,
        1,
        "the organization without last year's report is listed"
    );
    let liuzhou_new = app
        .count("SELECT COUNT(*) FROM supervision_listing WHERE list = 'abnormal' AND tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou')")
        .await;
    assert_eq!(
        liuzhou_new, 4,
        "the three seeded listings and this one: nobody else missed a report"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM supervision_listing WHERE list = 'abnormal'")
            .await
            > abnormal_before
    );
    let mails = mails_to(&app, "sleepy@example.org").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].1.contains("活动异常名录"), "{mails:?}");
    assert_eq!(
        mails_to(&app, "liuzhou.city_official@demo.shanlian.invalid").await[0].0,
        "application_overdue"
    );
    let body = app
        .scalar_string(
            "SELECT text_body FROM email_outbox WHERE template = 'application_overdue' AND recipient = 'liuzhou.city_official@demo.shanlian.invalid'",
        )
        .await;
    assert!(
        body.contains("当前状态：已提交") && !body.contains("submitted"),
        "the status in the official's words: {body}"
    );
    let waiting = app
        .scalar_string("SELECT CAST(overdue_notified_at IS NOT NULL AS TEXT) FROM registration_application WHERE name = '柳州市绿色家园环保服务中心'")
        .await;
    assert!(
        waiting == "true" || waiting == "1",
        "the application waiting 12 days was reported: {waiting}"
    );

    // Running again the same day lists nothing twice and notifies no one twice.
    let overdue_mails = app
        .count("SELECT COUNT(*) FROM email_outbox WHERE template = 'application_overdue'")
        .await;
    api::cli::run(supervise(june), app.settings.clone()).await.unwrap();
    assert_eq!(app.count(&listed("abnormal")).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'application_overdue'")
            .await,
        overdue_mails
    );

    // Two years later, still listed: moved onto the serious list, with its
    // own notice; the abnormal listing ends, saying why.
    api::cli::run(supervise(june + chrono::Duration::days(731)), app.settings.clone())
        .await
        .unwrap();
    assert_eq!(app.count(&listed("serious")).await, 1);
    assert_eq!(app.count(&listed("abnormal")).await, 0, "moved, not listed twice");
    let closed = app
        .scalar_string("SELECT removal_reason FROM supervision_listing WHERE list = 'abnormal' AND organization_id = (SELECT id FROM organization WHERE name = '柳州市沉睡协会')")
        .await;
    assert_eq!(closed, service::organizations::supervision::MOVED_TO_SERIOUS);
    assert!(
        mails_to(&app, "sleepy@example.org")
            .await
            .iter()
            .any(|m| m.1.contains("严重违法失信名单"))
    );

    // Officials run only today's check.
    let check = "mutation { runSupervisionCheck { listedAbnormal } }";
    assert!(app.graphql(Some(&official), check, json!({})).await["errors"].is_null());

    // The public register shows the list it is on now; removal tells the
    // organization.
    let public = app
        .graphql(None, "{ publicOrganizations(tenant: \"liuzhou\", filter: {search: \"沉睡\"}) { edges { node { name lists } } } }", json!({}))
        .await;
    let lists = &public["data"]["publicOrganizations"]["edges"][0]["node"]["lists"];
    assert_eq!(lists, &json!(["serious"]), "{public}");
    let listing = app
        .scalar_string("SELECT id FROM supervision_listing WHERE list = 'serious' AND organization_id = (SELECT id FROM organization WHERE name = '柳州市沉睡协会')")
        .await;
    let remove = "mutation($id: UUID!) { removeSupervisionListing(id: $id, reason: \"已整改\") { removedOn } }";
    let removed = app.graphql(Some(&official), remove, json!({"id": listing})).await;
    assert!(
        removed["data"]["removeSupervisionListing"]["removedOn"].is_string(),
        "{removed}"
    );
    assert_error(
        &app.graphql(Some(&official), remove, json!({"id": listing})).await,
        "CONFLICT",
    );
    assert_eq!(
        mails_to(&app, "sleepy@example.org").await.last().unwrap().0,
        "listing_removed"
    );
}

/// Foundations report by 31 March, the other kinds by 31 May: each is
/// reminded in the thirty days before its own date, once, and listed the
/// day after it, not before.
#[tokio::test]
async fn annual_reports_are_due_by_kind_with_a_reminder_before() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let register = "mutation($i: ParticularsInput!, $c: String!) { registerExistingOrganization(input: $i, creditCode: $c, registeredOn: \"2012-03-01\") { id } }";
    for (name, kind, kind_char, body, email) in [
        (
            "柳州市迟报基金会",
            "foundation",
            '3',
            "7LATEF00",
            "late-foundation@example.org",
        ),
        (
            "柳州市迟报协会",
            "social_group",
            '1',
            "7LATEG00",
            "late-group@example.org",
        ),
    ] {
        let mut input = particulars(name, kind);
        input["contactEmail"] = json!(email);
        let made = app
            .graphql(
                Some(&official),
                register,
                json!({"i": input, "c": credit_code(kind_char, "450200", body)}),
            )
            .await;
        assert!(made["data"]["registerExistingOrganization"]["id"].is_string(), "{made}");
    }
    // This year's check looks at last year's reports, which the seeded
    // organizations filed and these two did not: run it, as `api supervise
    // --as-of` would, as of dates (month-day) around this year's deadlines.
    let year = register::last_year() + 1;
    let supervise_on = async |md: &str| {
        let cli = api::cli::Cli {
            command: Some(api::cli::Command::Supervise {
                as_of: Some(format!("{year}-{md}").parse().unwrap()),
            }),
        };
        api::cli::run(cli, app.settings.clone()).await.unwrap();
    };
    let abnormal = |name: &str| {
        format!(
            "SELECT COUNT(*) FROM supervision_listing WHERE list = 'abnormal' AND organization_id = (SELECT id FROM organization WHERE name = '{name}')"
        )
    };
    let reminders = |email: &str| {
        format!("SELECT COUNT(*) FROM email_outbox WHERE template = 'annual_report_reminder' AND recipient = '{email}'")
    };

    // 28 February: more than thirty days before either date, nothing.
    supervise_on("02-28").await;
    assert_eq!(app.count(&reminders("late-foundation@example.org")).await, 0);
    // 1 March, thirty days before 31 March: the foundation is reminded, once.
    supervise_on("03-01").await;
    supervise_on("03-15").await;
    assert_eq!(app.count(&reminders("late-foundation@example.org")).await, 1);
    assert_eq!(app.count(&reminders("late-group@example.org")).await, 0);
    // 31 March is still in time; 1 April is not, for the foundation only.
    supervise_on("03-31").await;
    assert_eq!(app.count(&abnormal("柳州市迟报基金会")).await, 0);
    supervise_on("04-01").await;
    assert_eq!(app.count(&abnormal("柳州市迟报基金会")).await, 1);
    assert_eq!(app.count(&abnormal("柳州市迟报协会")).await, 0);
    // The social group: reminded from 1 May, listed from 1 June.
    supervise_on("04-30").await;
    assert_eq!(app.count(&reminders("late-group@example.org")).await, 0);
    supervise_on("05-01").await;
    assert_eq!(app.count(&reminders("late-group@example.org")).await, 1);
    supervise_on("05-31").await;
    assert_eq!(app.count(&abnormal("柳州市迟报协会")).await, 0);
    supervise_on("06-01").await;
    assert_eq!(app.count(&abnormal("柳州市迟报协会")).await, 1);
    let reason = app
        .scalar_string("SELECT reason FROM supervision_listing WHERE organization_id = (SELECT id FROM organization WHERE name = '柳州市迟报协会')")
        .await;
    assert!(reason.contains(&format!("{year}-05-31")), "{reason}");
    let mail = mails_to(&app, "late-foundation@example.org").await;
    assert_eq!(mail[0].0, "annual_report_reminder");
    assert!(mail[0].1.contains(&format!("{year}-03-31")), "{mail:?}");

    // The API's due date follows the kind too.
    let due = |name: &'static str| {
        let app = &app;
        let official = &official;
        async move {
            let org = app.organization_id(name).await;
            let body = app
                .graphql(
                    Some(official),
                    "query($o: UUID!, $y: Int!) { annualReports(organizationId: $o, year: $y) { edges { node { dueOn } } } }",
                    json!({"o": org, "y": register::last_year()}),
                )
                .await;
            body["data"]["annualReports"]["edges"][0]["node"]["dueOn"].clone()
        }
    };
    assert_eq!(due("柳州市教育发展基金会").await, json!(format!("{year}-03-31")));
    assert_eq!(due("柳州市汽车工业协会").await, json!(format!("{year}-05-31")));
}

#[tokio::test]
async fn a_deregistered_organization_is_read_only_and_leaves_the_public_register() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let org = org_id(&app, "柳州市家具行业协会").await;
    let dereg =
        "mutation($id: UUID!, $r: String!) { deregisterOrganization(id: $id, reason: $r) { status deregisteredOn } }";
    let body = app
        .graphql(Some(&official), dereg, json!({"id": org, "r": "会员大会决议解散"}))
        .await;
    assert_eq!(
        body["data"]["deregisterOrganization"]["status"], "deregistered",
        "{body}"
    );
    assert_error(
        &app.graphql(Some(&official), dereg, json!({"id": org, "r": "again"}))
            .await,
        "CONFLICT",
    );
    let change = app
        .graphql_error(
            Some(&official),
            register::SUBMIT_CHANGE,
            json!({"o": org, "c": {"name": "新名称"}}),
            "CONFLICT",
        )
        .await;
    assert!(change["errors"][0]["message"].as_str().unwrap().contains("read-only"));
    let recognize = "mutation($o: UUID!, $d: NaiveDate!) { recognizeCharity(organizationId: $o, on: $d) { id } }";
    let today = service::clock::today().to_string();
    assert_error(
        &app.graphql(Some(&official), recognize, json!({"o": org, "d": today}))
            .await,
        "CONFLICT",
    );
    let public = app
        .graphql(
            None,
            "{ publicOrganizations(tenant: \"liuzhou\", filter: {search: \"家具\"}) { edges { node { name } } } }",
            json!({}),
        )
        .await;
    let names = public["data"]["publicOrganizations"]["edges"].to_string();
    assert!(!names.contains("\"柳州市家具行业协会\""), "{public}");
    assert!(
        names.contains("柳州市城中区家具行业协会"),
        "others still listed: {public}"
    );
    // A listed organization's listings end when it is deregistered.
    let listed = org_id(&app, "柳州市摄影家协会").await;
    app.graphql(Some(&official), dereg, json!({"id": listed, "r": "长期未开展活动"}))
        .await;
    let open = "SELECT COUNT(*) FROM supervision_listing WHERE removed_on IS NULL AND organization_id = (SELECT id FROM organization WHERE name = '柳州市摄影家协会')";
    assert_eq!(app.count(open).await, 0);
}

#[tokio::test]
async fn public_fundraising_needs_charity_recognition_first() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let org = org_id(&app, "柳州市老年人体育协会").await;
    let today = service::clock::today().to_string();
    let grant = "mutation($o: UUID!, $d: NaiveDate!) { grantPublicFundraising(organizationId: $o, on: $d) { publicFundraisingOn } }";
    assert_error(
        &app.graphql(Some(&official), grant, json!({"o": org, "d": today})).await,
        "CONFLICT",
    );
    let recognize = "mutation($o: UUID!, $d: NaiveDate!) { recognizeCharity(organizationId: $o, on: $d) { charityRecognizedOn charityRecognizedBy } }";
    let body = app
        .graphql(Some(&official), recognize, json!({"o": org, "d": today}))
        .await;
    assert_eq!(
        body["data"]["recognizeCharity"]["charityRecognizedOn"],
        today.as_str(),
        "{body}"
    );
    assert_eq!(
        body["data"]["recognizeCharity"]["charityRecognizedBy"],
        app.user_id("liuzhou.city_official").await.to_string()
    );
    let granted = app.graphql(Some(&official), grant, json!({"o": org, "d": today})).await;
    assert_eq!(
        granted["data"]["grantPublicFundraising"]["publicFundraisingOn"],
        today.as_str()
    );
    assert_error(
        &app.graphql(Some(&official), recognize, json!({"o": org, "d": today}))
            .await,
        "CONFLICT",
    );
}

#[tokio::test]
async fn the_public_register_searches_by_chinese_name_and_code_within_one_city() {
    let app = spawn_app().await;
    let search = "query($t: String!, $s: String) { publicOrganizations(tenant: $t, filter: {search: $s}, first: 100) { edges { node { name creditCode kind isIndustryAssociation registeredOn status } } } }";
    let names = |body: &Value| -> Vec<String> {
        body["data"]["publicOrganizations"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let associations = app
        .graphql(None, search, json!({"t": "liuzhou", "s": "行业协会"}))
        .await;
    let found = names(&associations);
    assert!(
        found.len() >= 3 && found.iter().all(|n| n.starts_with("柳州市") && n.contains("行业协会")),
        "{found:?}"
    );
    let code = app
        .scalar_string("SELECT credit_code FROM organization WHERE name = '柳州市汽车工业协会'")
        .await;
    let by_code = app
        .graphql(None, search, json!({"t": "liuzhou", "s": &code[..14]}))
        .await;
    assert!(names(&by_code).contains(&"柳州市汽车工业协会".to_owned()), "{by_code}");
    // A wildcard is a character, not a pattern.
    assert_eq!(
        names(&app.graphql(None, search, json!({"t": "liuzhou", "s": "%"})).await),
        Vec::<String>::new()
    );
    // Guilin's register has none of Liuzhou's organizations.
    let guilin = app.graphql(None, search, json!({"t": "guilin", "s": "柳州"})).await;
    assert_eq!(names(&guilin), Vec::<String>::new());
    assert!(!names(&app.graphql(None, search, json!({"t": "guilin", "s": null})).await).is_empty());
    // The public register has no contact details.
    app.graphql_error(
        None,
        "{ publicOrganizations(tenant: \"liuzhou\") { edges { node { contactEmail } } } }",
        json!({}),
        "VALIDATION",
    )
    .await;
    assert_error(&app.graphql(None, search, json!({"t": "guangxi"})).await, "NOT_FOUND");
}

#[tokio::test]
async fn liuzhou_cannot_touch_guilin_register_records() {
    let app = spawn_app().await;
    let guilin_staff = app.login("guilin.org_staff").await;
    let guilin_application = submit(&app, &guilin_staff, "桂林市山水服务中心").await;
    let guilin_org = org_id(&app, "桂林市汽车工业协会").await;
    let official = app.login("liuzhou.city_official").await;
    for mutation in [
        "acceptRegistrationApplication",
        "approveRegistrationApplication",
        "rejectRegistrationApplication",
    ] {
        assert_error(
            &decide(&app, &official, mutation, &guilin_application).await,
            "NOT_FOUND",
        );
    }
    for (query, vars) in [
        (
            "query($id: UUID!) { organization(id: $id) { name } }",
            json!({"id": guilin_org}),
        ),
        (
            "query($id: UUID!) { registrationApplication(id: $id) { id } }",
            json!({"id": guilin_application}),
        ),
        (register::SUBMIT_CHANGE, json!({"o": guilin_org, "c": {"name": "x"}})),
        (
            "mutation($id: UUID!) { deregisterOrganization(id: $id, reason: \"x\") { id } }",
            json!({"id": guilin_org}),
        ),
        (
            "mutation($o: UUID!) { listOrganizationAbnormal(organizationId: $o, reason: \"x\") { id } }",
            json!({"o": guilin_org}),
        ),
        (
            "mutation($o: UUID!) { submitAnnualReport(organizationId: $o, year: 2020, summary: \"x\") { id } }",
            json!({"o": guilin_org}),
        ),
    ] {
        assert_error(&app.graphql(Some(&official), query, vars).await, "NOT_FOUND");
    }
    let status = app
        .scalar_string("SELECT status FROM registration_application WHERE name = '桂林市山水服务中心'")
        .await;
    assert_eq!(status, "submitted");
    // Region officials read counts, not register records.
    let region = app.login("guangxi.region_official").await;
    assert_error(
        &app.graphql(
            Some(&region),
            "query($id: UUID!) { organization(id: $id) { name } }",
            json!({"id": guilin_org}),
        )
        .await,
        "FORBIDDEN",
    );
    assert_error(
        &app.graphql(
            Some(&region),
            "{ registrationApplications { edges { node { id } } } }",
            json!({}),
        )
        .await,
        "FORBIDDEN",
    );
}

#[tokio::test]
async fn region_officials_see_counts_by_kind_status_and_list() {
    let app = spawn_app().await;
    let region = app.login("guangxi.region_official").await;
    let body = app
        .graphql(
            Some(&region),
            "{ regionOverview { cities { city { slug } organizationCount organizationsByKind { kind count } industryAssociationCount charityCount publicFundraisingCount abnormalListedCount seriousListedCount deregisteredCount } } }",
            json!({}),
        )
        .await;
    for city in body["data"]["regionOverview"]["cities"].as_array().unwrap() {
        let slug = city["city"]["slug"].as_str().unwrap();
        let tenant = format!("(SELECT id FROM tenant WHERE slug = '{slug}')");
        let active = format!("tenant_id = {tenant} AND status = 'active'");
        assert_eq!(
            city["organizationCount"],
            app.count(&format!("SELECT COUNT(*) FROM organization WHERE {active}"))
                .await
        );
        let t = if app.is_postgres() { "true" } else { "1" };
        assert_eq!(
            city["industryAssociationCount"],
            app.count(&format!(
                "SELECT COUNT(*) FROM organization WHERE {active} AND is_industry_association = {t}"
            ))
            .await
        );
        assert_eq!(
            city["charityCount"],
            app.count(&format!(
                "SELECT COUNT(*) FROM organization WHERE {active} AND charity_recognized_on IS NOT NULL"
            ))
            .await
        );
        assert_eq!(
            city["abnormalListedCount"],
            app.count(&format!("SELECT COUNT(*) FROM supervision_listing WHERE tenant_id = {tenant} AND list = 'abnormal' AND removed_on IS NULL")).await
        );
        let by_kind: i64 = city["organizationsByKind"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["count"].as_i64().unwrap())
            .sum();
        assert_eq!(json!(by_kind), city["organizationCount"]);
        assert!(city["publicFundraisingCount"].as_i64().unwrap() >= 1);
    }
}

#[tokio::test]
async fn complaints_about_illegal_organizations_are_handled_to_the_end() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let record = "mutation { recordComplaint(subjectName: \"中华爱心慈善总会\", description: \"未经登记在街头募捐\", reporter: \"市民\") { id status } }";
    let body = app.graphql(Some(&official), record, json!({})).await;
    let id = body["data"]["recordComplaint"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let handle = "mutation($id: UUID!, $a: ComplaintAction!, $h: String!) { handleComplaint(id: $id, action: $a, handling: $h) { status handling } }";
    let investigating = app
        .graphql(
            Some(&official),
            handle,
            json!({"id": id, "a": "investigate", "h": "已立案调查"}),
        )
        .await;
    assert_eq!(investigating["data"]["handleComplaint"]["status"], "investigating");
    assert_error(
        &app.graphql(Some(&official), handle, json!({"id": id, "a": "investigate", "h": "x"}))
            .await,
        "CONFLICT",
    );
    let closed = app
        .graphql(
            Some(&official),
            handle,
            json!({"id": id, "a": "close", "h": "已依法取缔并公告"}),
        )
        .await;
    assert_eq!(closed["data"]["handleComplaint"]["status"], "closed");
    assert_error(
        &app.graphql(Some(&official), handle, json!({"id": id, "a": "close", "h": "x"}))
            .await,
        "CONFLICT",
    );
    let staff = app.login("liuzhou.org_staff").await;
    assert_error(
        &app.graphql(Some(&staff), "{ complaints { edges { node { id } } } }", json!({}))
            .await,
        "FORBIDDEN",
    );
    assert_eq!(
        audit_actions(&app, &id).await,
        ["complaint.record", "complaint.handle", "complaint.handle"]
    );
}
