//! Government relief and charity referrals end to end: identity numbers,
//! masking on every personal field for every role, the referral lifecycle
//! with suggestions and escalation, money from a fund under four eyes,
//! duplicate-help warnings, tenant isolation, and the seeds' figures.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, error_code, spawn_app};

pub const REGISTER: &str = "mutation($i: ReliefCaseInput!) { registerReliefCase(input: $i) { id unmasked headName } }";
pub const CREATE: &str = "mutation($i: ReferralInput!) { createReferral(input: $i) { id needs { kind } } }";
pub const SEND: &str = "mutation($r: UUID!, $t: [ReferralTargetInput!]!) { sendReferral(referralId: $r, targets: $t) { id organizationId status } }";
pub const ACCEPT: &str = "mutation($t: UUID!) { acceptReferral(targetId: $t) { status } }";
pub const ASSIST: &str = "mutation($t: UUID!, $i: AssistanceInput!) { recordAssistance(targetId: $t, input: $i) { duplicateWarning assistance { id kind amount hours personTimes disbursementId } } }";
const CASE: &str = "query($id: UUID!) { reliefCase(id: $id) { unmasked headName address members { name idNumber health disability age } } }";

/// A valid GB 11643 number: division, birth date, sequence, check.
pub fn id_number(division: &str, birth: &str, sequence: u32) -> String {
    let first17 = format!("{division}{birth}{sequence:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{first17}{check}")
}

pub fn household(head_id: &str) -> Value {
    // The spouse's number follows from the head's, so households differ.
    let sequence = head_id.get(14..17).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let spouse = id_number("450202", "19520304", (sequence + 500) % 1000);
    json!({"district": "城中区", "street": "城中街道", "community": "河东社区", "address": "文惠路12号3栋501",
        "members": [
            {"name": "张三丰", "idNumber": head_id, "health": "慢性肾病", "disability": "肢体二级"},
            {"name": "李秀兰", "idNumber": spouse, "relationship": "配偶"},
        ],
        "benefits": [{"category": "minimum_living", "monthly": "770.00", "since": "2024-01-01"}]})
}

pub const STANDARDS: &str = "{ reliefStandards { category area amount period } }";

/// Sign in as a new staff member of a named organization.
pub async fn staff_of(app: &TestApp, tenant: &str, organization: &str, username: &str) -> String {
    let official = app.login(&format!("{tenant}.city_official")).await;
    let org = app.organization_id(organization).await;
    app.new_user(
        &official,
        tenant,
        json!({"username": username, "displayName": "社工", "email": format!("{username}@example.org"),
            "password": "staff-pass-12", "role": "org_staff", "organizationId": org}),
    )
    .await
}

/// A Liuzhou case referred to the demo charity federation (and to any
/// other organizations named); returns (case, referral, targets by org).
pub async fn referred(app: &TestApp, head_id: &str, needs: Value, others: &[&str]) -> (String, String, Vec<String>) {
    let official = app.login("liuzhou.city_official").await;
    let case = app
        .graphql(Some(&official), REGISTER, json!({"i": household(head_id)}))
        .await;
    let case_id = case["data"]["registerReliefCase"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}"))
        .to_owned();
    let deadline = (service::clock::today() + chrono::Duration::days(7)).to_string();
    let referral = app
        .graphql(
            Some(&official),
            CREATE,
            json!({"i": {"caseId": case_id, "needs": needs, "urgency": "urgent", "deadline": deadline}}),
        )
        .await;
    let referral_id = referral["data"]["createReferral"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{referral}"))
        .to_owned();
    let mut targets = vec![json!({"organizationId": app.organization_id("柳州市慈善总会").await})];
    for name in others {
        targets.push(json!({"organizationId": app.organization_id(name).await}));
    }
    let sent = app
        .graphql(Some(&official), SEND, json!({"r": referral_id, "t": targets}))
        .await;
    let ids = sent["data"]["sendReferral"]
        .as_array()
        .unwrap_or_else(|| panic!("{sent}"))
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    (case_id, referral_id, ids)
}

#[tokio::test]
async fn identity_numbers_are_checked_to_the_last_character() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let good = id_number("450202", "19450817", 31);
    let mut wrong_check = good.clone();
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '1' { '2' } else { '1' });
    for bad in [
        wrong_check.as_str(),
        "45020219450817031",
        "450202194508320311",
        "4502021945081703AX",
    ] {
        let body = app
            .graphql_error(Some(&official), REGISTER, json!({"i": household(bad)}), "VALIDATION")
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "members.idNumber", "{body}");
    }
    let ok = app
        .graphql(Some(&official), REGISTER, json!({"i": household(&good.to_lowercase())}))
        .await;
    assert_eq!(ok["data"]["registerReliefCase"]["headName"], "张三丰", "{ok}");
    // The same person cannot be in two open households.
    assert_error(
        &app.graphql(Some(&official), REGISTER, json!({"i": household(&good)}))
            .await,
        "CONFLICT",
    );
}

/// (who, their token, the error they get, or the fields they read)
type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<Value>);

#[tokio::test]
async fn personal_data_is_masked_on_every_field_for_every_role_but_the_handling_official() {
    let app = spawn_app().await;
    let head = id_number("450202", "19480102", 17);
    let (case, _, _) = referred(&app, &head, json!([{"kind": "service", "service": "bathing"}]), &[]).await;
    let official = app.login("liuzhou.city_official").await;
    let staff = app.login("liuzhou.org_staff").await;
    let other_staff = staff_of(&app, "liuzhou", "柳州市阳光社会工作服务中心", "liuzhou.sunshine").await;
    let donor = app.login("liuzhou.donor").await;
    let region = app.login("guangxi.region_official").await;
    let nanning = app.login("nanning.city_official").await;
    let masked_id = format!("{}********{}", &head[..6], &head[14..]);
    let cases: [Row; 7] = [
        (
            "handling official",
            Some(&official),
            None,
            Some(
                json!({"unmasked": true, "headName": "张三丰", "address": "文惠路12号3栋501",
            "name": "张三丰", "idNumber": head, "health": "慢性肾病", "disability": "肢体二级"}),
            ),
        ),
        (
            "staff of the referred charity",
            Some(&staff),
            None,
            Some(json!({"unmasked": false, "headName": "张*", "address": "已隐藏",
            "name": "张*", "idNumber": masked_id, "health": "已隐藏", "disability": "已隐藏"})),
        ),
        ("staff of another charity", Some(&other_staff), Some("NOT_FOUND"), None),
        ("donor", Some(&donor), Some("FORBIDDEN"), None),
        ("region official", Some(&region), Some("FORBIDDEN"), None),
        ("another city's official", Some(&nanning), Some("NOT_FOUND"), None),
        ("anonymous", None, Some("UNAUTHENTICATED"), None),
    ];
    for (who, token, error, expected) in cases {
        let before = app
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'relief_case.read'")
            .await;
        let body = app.graphql(token, CASE, json!({"id": case})).await;
        if let Some(code) = error {
            assert_eq!(error_code(&body), Some(code), "{who}: {body}");
            assert!(
                !body.to_string().contains("张三丰") && !body.to_string().contains(&head),
                "{who}: {body}"
            );
            continue;
        }
        let c = &body["data"]["reliefCase"];
        let head_member = &c["members"][0];
        let got = json!({"unmasked": c["unmasked"], "headName": c["headName"], "address": c["address"],
            "name": head_member["name"], "idNumber": head_member["idNumber"], "health": head_member["health"],
            "disability": head_member["disability"]});
        assert_eq!(Some(got), expected, "{who}: {body}");
        assert!(
            head_member["age"].as_i64().unwrap() >= 78,
            "{who}: the age shows either way"
        );
        let audited = app
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'relief_case.read'")
            .await
            - before;
        assert_eq!(
            audited,
            i64::from(c["unmasked"] == true),
            "{who}: only unmasked reads are audited"
        );
        if c["unmasked"] == false {
            assert!(
                !body.to_string().contains("李秀兰") && !body.to_string().contains("文惠路"),
                "{who}: {body}"
            );
        }
    }
    // The staff inbox and the dashboards carry no personal data at all.
    for (token, query) in [
        (
            &staff,
            "{ referrals { edges { node { district community needs { kind service } targets { status } } } } }",
        ),
        (
            &official,
            "{ reliefDashboard { deliveredFigures: delivered { money } byDistrict { district } } }",
        ),
        (
            &region,
            "{ regionReliefDashboard { cityName dashboard { referralsOpen delivered { personTimes } } } }",
        ),
    ] {
        let body = app.graphql(Some(token), query, json!({})).await;
        assert!(body["errors"].is_null(), "{body}");
        assert!(
            !body.to_string().contains("张三丰") && !body.to_string().contains(&head[6..14]),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_referral_is_suggested_sent_accepted_helped_escalated_and_closed() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let staff = app.login("liuzhou.org_staff").await;
    let head = id_number("450202", "19470611", 41);
    let case = app
        .graphql(Some(&official), REGISTER, json!({"i": household(&head)}))
        .await;
    let case_id = case["data"]["registerReliefCase"]["id"].as_str().unwrap().to_owned();
    let today = service::clock::today();
    let referral = app
        .graphql(
            Some(&official),
            CREATE,
            json!({"i": {"caseId": case_id, "urgency": "critical", "deadline": today.to_string(),
            "needs": [{"kind": "money", "amount": "500.00"}, {"kind": "service", "service": "bathing"}]}}),
        )
        .await;
    let referral_id = referral["data"]["createReferral"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{referral}"))
        .to_owned();
    assert_error(
        &app.graphql(Some(&official), CREATE, json!({"i": {"caseId": case_id, "urgency": "normal", "deadline": today.to_string(), "needs": [{"kind": "service"}]}})).await,
        "VALIDATION",
    );

    // Suggestions: charities of the city, best first, each with reasons.
    let suggestions = app
        .graphql(
            Some(&official),
            "query($r: UUID!) { referralSuggestions(referralId: $r) { organizationName score reasons } }",
            json!({"r": referral_id}),
        )
        .await;
    let list = suggestions["data"]["referralSuggestions"]
        .as_array()
        .unwrap_or_else(|| panic!("{suggestions}"));
    assert!(!list.is_empty(), "{suggestions}");
    assert!(
        list.windows(2)
            .all(|w| w[0]["score"].as_i64() >= w[1]["score"].as_i64())
    );
    assert!(
        list.iter()
            .all(|s| s["organizationName"].as_str().unwrap().starts_with("柳州市")
                && !s["reasons"].as_array().unwrap().is_empty())
    );
    let service_org = list
        .iter()
        .find(|s| s["reasons"].to_string().contains("助浴"))
        .map(|s| s["organizationName"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("an organization offering bathing is suggested: {suggestions}"));

    let federation = app.organization_id("柳州市慈善总会").await;
    let other = app.organization_id(&service_org).await;
    let sent = app
        .graphql(
            Some(&official),
            SEND,
            json!({"r": referral_id, "t": [{"organizationId": federation}, {"organizationId": other}]}),
        )
        .await;
    let targets = sent["data"]["sendReferral"]
        .as_array()
        .unwrap_or_else(|| panic!("{sent}"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'referral_received'")
            .await,
        2
    );
    assert!(
        !app.scalar_string("SELECT text_body FROM email_outbox WHERE template = 'referral_received' LIMIT 1")
            .await
            .contains("张三丰")
    );
    let ours = targets
        .iter()
        .find(|t| t["organizationId"] == federation.to_string())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &app.graphql(
            Some(&official),
            SEND,
            json!({"r": referral_id, "t": [{"organizationId": federation}]}),
        )
        .await,
        "CONFLICT",
    );

    // Help needs an accepted referral.
    let bathing = json!({"kind": "service", "service": "bathing", "personTimes": 2, "hours": "3.5"});
    assert_error(
        &app.graphql(Some(&staff), ASSIST, json!({"t": ours, "i": bathing}))
            .await,
        "CONFLICT",
    );
    assert_eq!(
        app.graphql(Some(&staff), ACCEPT, json!({"t": ours})).await["data"]["acceptReferral"]["status"],
        "accepted"
    );
    assert_error(&app.graphql(Some(&staff), ACCEPT, json!({"t": ours})).await, "CONFLICT");
    let helped = app
        .graphql(Some(&staff), ASSIST, json!({"t": ours, "i": bathing}))
        .await;
    assert_eq!(
        helped["data"]["recordAssistance"]["assistance"]["hours"], "3.50",
        "{helped}"
    );
    let money = app
        .graphql(
            Some(&staff),
            ASSIST,
            json!({"t": ours, "i": {"kind": "money", "amount": "500.00"}}),
        )
        .await;
    assert_eq!(money["data"]["recordAssistance"]["duplicateWarning"], false, "{money}");
    let bad_hours = app
        .graphql(
            Some(&staff),
            ASSIST,
            json!({"t": ours, "i": {"kind": "service", "service": "bathing", "personTimes": 1, "hours": "1.234"}}),
        )
        .await;
    assert_eq!(bad_hours["errors"][0]["extensions"]["field"], "hours", "{bad_hours}");

    // The other organization never answers: past the deadline the official
    // is told, once.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.owner,
        &format!(
            "UPDATE referral SET deadline = '{}' WHERE deadline = '{today}'",
            today.pred_opt().unwrap()
        ),
    )
    .await
    .unwrap();
    let escalate = "mutation { escalateOverdueReferrals }";
    assert_eq!(
        app.graphql(Some(&official), escalate, json!({})).await["data"]["escalateOverdueReferrals"],
        1
    );
    assert_eq!(
        app.graphql(Some(&official), escalate, json!({})).await["data"]["escalateOverdueReferrals"],
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'referral_overdue'")
            .await,
        1
    );
    let dashboard = app
        .graphql(
            Some(&official),
            "{ reliefDashboard { targetsOverdue targetsAccepted } }",
            json!({}),
        )
        .await;
    assert!(
        dashboard["data"]["reliefDashboard"]["targetsOverdue"].as_i64().unwrap() >= 1,
        "{dashboard}"
    );

    let referrals = app
        .graphql(Some(&official), "query($c: UUID!) { referrals(caseId: $c) { edges { node { firstAssistedOn status assistance { kind } targets { status escalatedAt } } } } }", json!({"c": case_id}))
        .await;
    let r = &referrals["data"]["referrals"]["edges"][0]["node"];
    assert_eq!(r["firstAssistedOn"], today.to_string(), "{referrals}");
    assert_eq!(r["assistance"].as_array().unwrap().len(), 2);

    // Closing the case closes the referral; no more help can be recorded.
    let closed = app
        .graphql(
            Some(&official),
            "mutation($id: UUID!) { closeReliefCase(id: $id, outcome: \"纳入特困供养，医疗费用已报销\") { status } }",
            json!({"id": case_id}),
        )
        .await;
    assert_eq!(closed["data"]["closeReliefCase"]["status"], "closed", "{closed}");
    let after = app
        .graphql(Some(&official), "{ reliefDashboard { targetsOverdue } }", json!({}))
        .await;
    assert_eq!(
        after["data"]["reliefDashboard"]["targetsOverdue"], 0,
        "a closed case's targets wait for nothing: {after}"
    );
    assert_error(
        &app.graphql(Some(&staff), ASSIST, json!({"t": ours, "i": bathing}))
            .await,
        "CONFLICT",
    );
}

#[tokio::test]
async fn money_paid_from_a_fund_goes_through_four_eyes_and_keeps_the_ledger_true() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let reviewer = crate::donations::second_staff(&app, "liuzhou").await;
    let fund = crate::donations::create_fund(&app, &staff, "帮扶专项基金").await;
    crate::donations::record(
        &app,
        &staff,
        crate::donations::merge(crate::donations::money_gift("1000.00"), json!({"fundId": fund})),
    )
    .await;
    let (_, _, targets) = referred(
        &app,
        &id_number("450202", "19490909", 51),
        json!([{"kind": "money", "amount": "300.00"}]),
        &[],
    )
    .await;
    app.graphql(Some(&staff), ACCEPT, json!({"t": targets[0]})).await;
    let official = app.login("liuzhou.city_official").await;
    let delivered = || async {
        let body = app
            .graphql(
                Some(&official),
                "{ reliefDashboard { delivered { money } } }",
                json!({}),
            )
            .await;
        body["data"]["reliefDashboard"]["delivered"]["money"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let baseline = delivered().await;

    let paid = app
        .graphql(
            Some(&staff),
            ASSIST,
            json!({"t": targets[0], "i": {"kind": "money", "amount": "300.00", "fundId": fund}}),
        )
        .await;
    let disbursement = paid["data"]["recordAssistance"]["assistance"]["disbursementId"].clone();
    assert!(disbursement.is_string(), "{paid}");
    assert_eq!(
        delivered().await,
        baseline,
        "money counts once the disbursement is approved"
    );
    let too_much = app
        .graphql(
            Some(&staff),
            ASSIST,
            json!({"t": targets[0], "i": {"kind": "money", "amount": "1000.01", "fundId": fund}}),
        )
        .await;
    assert_eq!(too_much["errors"][0]["extensions"]["field"], "amount", "{too_much}");

    let approved = app
        .graphql(Some(&reviewer), crate::donations::APPROVE, json!({"id": disbursement}))
        .await;
    assert_eq!(
        approved["data"]["approveDisbursement"]["status"], "approved",
        "{approved}"
    );
    let fen = |s: &str| -> i64 { s.replace('.', "").parse().unwrap() };
    assert_eq!(fen(&delivered().await) - fen(&baseline), 30_000);
    let page = app
        .graphql(None, "query($id: UUID!) { fund(tenant: \"liuzhou\", id: $id) { balance disbursements { edges { node { beneficiary amount } } } } }", json!({"id": fund}))
        .await;
    assert_eq!(page["data"]["fund"]["balance"], "700.00", "{page}");
    // The charity's own list shows the household masked too, as its case view does.
    let own = app
        .graphql(
            Some(&staff),
            "query($id: UUID!) { disbursements(fundId: $id) { edges { node { beneficiaryName } } } }",
            json!({"id": fund}),
        )
        .await;
    assert_eq!(
        own["data"]["disbursements"]["edges"][0]["node"]["beneficiaryName"], "张*",
        "{own}"
    );
    assert_eq!(
        page["data"]["fund"]["disbursements"]["edges"][0]["node"],
        json!({"beneficiary": "张*户", "amount": "300.00"})
    );
}

#[tokio::test]
async fn the_same_help_from_two_organizations_in_one_month_is_flagged_not_blocked() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let other = staff_of(&app, "liuzhou", "柳州市阳光社会工作服务中心", "liuzhou.sunshine").await;
    let (_, _, targets) = referred(
        &app,
        &id_number("450202", "19500101", 61),
        json!([{"kind": "goods", "description": "冬衣"}, {"kind": "service", "service": "meal_delivery"}]),
        &["柳州市阳光社会工作服务中心"],
    )
    .await;
    for (token, target) in [(&staff, &targets[0]), (&other, &targets[1])] {
        assert_eq!(
            app.graphql(Some(token), ACCEPT, json!({"t": target})).await["data"]["acceptReferral"]["status"],
            "accepted"
        );
    }
    let goods = json!({"kind": "goods", "amount": "200.00", "description": "冬衣两套"});
    let first = app
        .graphql(Some(&staff), ASSIST, json!({"t": targets[0], "i": goods}))
        .await;
    assert_eq!(first["data"]["recordAssistance"]["duplicateWarning"], false, "{first}");
    // A different kind of help from the other organization is no duplicate.
    let meals = app.graphql(Some(&other), ASSIST, json!({"t": targets[1], "i": {"kind": "service", "service": "meal_delivery", "personTimes": 4, "hours": "2"}})).await;
    assert_eq!(meals["data"]["recordAssistance"]["duplicateWarning"], false, "{meals}");
    let second = app
        .graphql(Some(&other), ASSIST, json!({"t": targets[1], "i": goods}))
        .await;
    assert_eq!(
        second["data"]["recordAssistance"]["duplicateWarning"], true,
        "recorded, and flagged: {second}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'duplicate_assistance'")
            .await,
        1
    );
    let official = app.login("liuzhou.city_official").await;
    let warnings = app
        .graphql(
            Some(&official),
            "{ duplicateAssistanceWarnings { assistance { id } earlier { id } } }",
            json!({}),
        )
        .await;
    let w = &warnings["data"]["duplicateAssistanceWarnings"];
    assert_eq!(w.as_array().map(Vec::len), Some(1), "{warnings}");
    assert_eq!(
        w[0]["earlier"]["id"],
        first["data"]["recordAssistance"]["assistance"]["id"]
    );
    // Declining needs a reason, and the official hears of it.
    let (_, _, more) = referred(
        &app,
        &id_number("450202", "19500202", 71),
        json!([{"kind": "goods", "description": "米"}]),
        &["柳州市阳光社会工作服务中心"],
    )
    .await;
    let decline = "mutation($t: UUID!, $r: String!) { declineReferral(targetId: $t, reason: $r) { status } }";
    assert_error(
        &app.graphql(Some(&other), decline, json!({"t": more[1], "r": " "}))
            .await,
        "VALIDATION",
    );
    assert_error(
        &app.graphql(Some(&other), decline, json!({"t": more[0], "r": "x"}))
            .await,
        "NOT_FOUND",
    );
    let declined = app
        .graphql(Some(&other), decline, json!({"t": more[1], "r": "本月服务名额已满"}))
        .await;
    assert_eq!(declined["data"]["declineReferral"]["status"], "declined", "{declined}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'referral_declined'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_dashboards_reproduce_the_seeds_figures() {
    let app = spawn_app().await;
    let query = "{ reliefDashboard { delivered { money goods personTimes hours } byService { service figures { personTimes hours } } medianDaysToFirstHelp targetsWaiting } }";
    let liuzhou = app
        .graphql(Some(&app.login("liuzhou.city_official").await), query, json!({}))
        .await;
    let d = &liuzhou["data"]["reliefDashboard"];
    assert_eq!(d["delivered"]["personTimes"], 195, "{liuzhou}");
    assert_eq!(d["delivered"]["hours"], "382.00");
    let services: Vec<(String, i64)> = d["byService"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap().to_owned(),
                s["figures"]["personTimes"].as_i64().unwrap(),
            )
        })
        .collect();
    for (service, times) in [
        ("daily_care", 60),
        ("meal_delivery", 80),
        ("medical_escort", 30),
        ("bathing", 25),
    ] {
        assert!(
            services.contains(&(service.to_owned(), times)),
            "{service}: {services:?}"
        );
    }
    assert!(d["medianDaysToFirstHelp"].is_string());
    assert_eq!(
        d["targetsWaiting"], 1,
        "one fresh referral waits in the federation's inbox"
    );
    let nanning = app
        .graphql(Some(&app.login("nanning.city_official").await), query, json!({}))
        .await;
    let d = &nanning["data"]["reliefDashboard"]["delivered"];
    assert_eq!(
        (d["money"].as_str(), d["goods"].as_str()),
        (Some("311500.00"), Some("2429700.00")),
        "{nanning}"
    );
    // The goods came in as gifts before they went out.
    let goods_in = app
        .graphql(
            Some(&app.login("nanning.city_official").await),
            "{ donationTotals { overall { goods } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        goods_in["data"]["donationTotals"]["overall"]["goods"], "2429700.00",
        "{goods_in}"
    );
    // The region sees each city's figures and no person.
    let region = app
        .graphql(
            Some(&app.login("guangxi.region_official").await),
            "{ regionReliefDashboard { citySlug dashboard { delivered { money goods personTimes hours } } } }",
            json!({}),
        )
        .await;
    let cities = region["data"]["regionReliefDashboard"]
        .as_array()
        .unwrap_or_else(|| panic!("{region}"));
    let of = |slug: &str| cities.iter().find(|c| c["citySlug"] == slug).unwrap()["dashboard"]["delivered"].clone();
    assert_eq!(of("liuzhou")["personTimes"], 195);
    assert_eq!(of("nanning")["goods"], "2429700.00");
    let a_head = app.scalar_string("SELECT name FROM relief_person LIMIT 1").await;
    assert!(!region.to_string().contains(&a_head));
    // The standards are tenant settings with the seeds' numbers.
    let standards = app
        .graphql(Some(&app.login("liuzhou.city_official").await), STANDARDS, json!({}))
        .await;
    assert!(
        standards["data"]["reliefStandards"]
            .as_array()
            .unwrap()
            .contains(&json!({"category": "minimum_living", "area": "urban", "amount": "770.00", "period": "month"})),
        "{standards}"
    );
}
