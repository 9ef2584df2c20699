//! Every committed mutation leaves exactly one audit record, the chain is
//! tamper-evident, and concurrent writers cannot fork it.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};
use crate::register;

const SUBMIT_REPORT: &str = "mutation($o: UUID!, $y: Int!) { submitAnnualReport(organizationId: $o, year: $y, summary: \"年度工作总结\") { id } }";
const RECORD_COMPLAINT: &str =
    "mutation { recordComplaint(subjectName: \"某某慈善促进会\", description: \"未经登记以社会组织名义募捐\") { id } }";

async fn audit_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_log").await
}

const CREATE_USER: &str =
    "mutation($i: CreateUserInput!, $k: String) { createUser(input: $i, idempotencyKey: $k) { id } }";

fn new_user(username: &str) -> Value {
    json!({"username": username, "displayName": "测试", "email": format!("{username}@example.org"), "password": "long-enough-1", "role": "donor"})
}

/// Walks every mutation the schema has. A mutation added later without a
/// case here fails this test until someone shows it audits.
#[tokio::test]
async fn every_mutation_that_succeeds_writes_exactly_one_audit_record() {
    let app = spawn_app().await;
    let schema = app
        .graphql(None, "{ __schema { mutationType { fields { name } } } }", json!({}))
        .await;
    let names: Vec<String> = schema["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.len() >= 6, "{names:?}");
    let admin = app.login("platform.platform_admin").await;
    let official = app.login("liuzhou.city_official").await;
    let donor = app.login("liuzhou.donor").await;
    let donor_id = app.user_id("liuzhou.donor").await;
    let staff = app.login("liuzhou.org_staff").await;
    // The service's today is China's (UTC+8), whatever the machine's zone.
    let today = service::clock::today().to_string();
    let fee_period = crate::fee_reductions::open_period(&app, &official, 10).await;
    let reviewer = crate::donations::second_staff(&app, "liuzhou").await;
    let pledger = crate::donations::new_donor(&app, "pledge.audit").await;
    let leaving = app.login("nanning.donor").await;

    for name in &names {
        let (token, query, vars) = match name.as_str() {
            "login" => (
                None,
                "mutation { login(tenant: \"guilin\", username: \"guilin.donor\", password: \"shanlian-demo\") { token } }",
                json!({}),
            ),
            "createTenant" => (
                Some(&admin),
                "mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { id } } }",
                json!({"i": {"slug": "beihai", "name": "北海市", "kind": "city", "divisionCode": "450500", "parentSlug": "guangxi",
                    "firstOfficial": {"username": "bh.official", "displayName": "北海民政", "email": "o@beihai.example", "password": "beihai-first-1"}}}),
            ),
            "createUser" => (Some(&official), CREATE_USER, json!({"i": new_user("audited.user")})),
            "setUserActive" => (
                Some(&official),
                "mutation($id: UUID!) { setUserActive(id: $id, active: true) { id } }",
                json!({"id": donor_id}),
            ),
            "logout" => (Some(&leaving), "mutation { logout }", json!({})),
            "changePassword" => (
                Some(&donor),
                "mutation { changePassword(currentPassword: \"shanlian-demo\", newPassword: \"another-pass-1\") { id } }",
                json!({}),
            ),
            "retryEmail" => {
                let sql = "UPDATE email_outbox SET status = 'dead' WHERE recipient = 'audited.user@example.org'";
                sea_orm::ConnectionTrait::execute_unprepared(&app.owner, sql)
                    .await
                    .unwrap();
                let id = app
                    .scalar_string("SELECT id FROM email_outbox WHERE recipient = 'audited.user@example.org'")
                    .await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { retryEmail(id: $id) { id } }",
                    json!({"id": id}),
                )
            }
            "submitRegistrationApplication" => (
                Some(&staff),
                register::SUBMIT,
                json!({"i": register::particulars("柳州市审计测试服务中心", "social_service_institution")}),
            ),
            "acceptRegistrationApplication" => {
                let id = register::submit(&app, &staff, "柳州市受理测试服务中心").await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { acceptRegistrationApplication(id: $id) { id } }",
                    json!({"id": id}),
                )
            }
            "approveRegistrationApplication" => {
                let id = register::submit(&app, &staff, "柳州市批准测试服务中心").await;
                let accepted = register::decide(&app, &official, "acceptRegistrationApplication", &id).await;
                assert_eq!(
                    accepted["data"]["acceptRegistrationApplication"]["status"], "accepted",
                    "{accepted}"
                );
                (
                    Some(&official),
                    "mutation($id: UUID!) { approveRegistrationApplication(id: $id) { id } }",
                    json!({"id": id}),
                )
            }
            "rejectRegistrationApplication" => {
                let id = register::submit(&app, &staff, "柳州市驳回测试服务中心").await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { rejectRegistrationApplication(id: $id, reason: \"材料不全\") { id } }",
                    json!({"id": id}),
                )
            }
            "registerExistingOrganization" => (
                Some(&official),
                "mutation($i: ParticularsInput!, $c: String!) { registerExistingOrganization(input: $i, creditCode: $c, registeredOn: \"2015-03-01\") { id } }",
                json!({"i": register::particulars("柳州市既有测试协会", "social_group"), "c": register::credit_code('1', "450202", "7E57C0DE")}),
            ),
            "submitChangeApplication" => (
                Some(&staff),
                register::SUBMIT_CHANGE,
                json!({"o": register::org_id(&app, "柳州市慈善总会").await, "c": {"legalRepresentative": "韦红"}}),
            ),
            "approveChangeApplication" => {
                let id =
                    register::submit_change(&app, &official, &register::org_id(&app, "柳州市汽车工业协会").await).await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { approveChangeApplication(id: $id) { id } }",
                    json!({"id": id}),
                )
            }
            "returnChangeApplication" => {
                let id =
                    register::submit_change(&app, &official, &register::org_id(&app, "柳州市建筑业协会").await).await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { returnChangeApplication(id: $id, comment: \"请附会员大会决议\") { id } }",
                    json!({"id": id}),
                )
            }
            "submitAnnualReport" => (
                Some(&official),
                SUBMIT_REPORT,
                json!({"o": register::org_id(&app, "柳州市摄影家协会").await, "y": register::last_year()}),
            ),
            "reviewAnnualReport" => {
                let org = register::org_id(&app, "柳州市蓝天应急救援服务中心").await;
                let body = app
                    .graphql(
                        Some(&official),
                        SUBMIT_REPORT,
                        json!({"o": org, "y": register::last_year()}),
                    )
                    .await;
                let id = body["data"]["submitAnnualReport"]["id"].clone();
                (
                    Some(&official),
                    "mutation($id: UUID!) { reviewAnnualReport(id: $id, outcome: pass) { id } }",
                    json!({"id": id}),
                )
            }
            "recognizeCharity" => (
                Some(&official),
                "mutation($o: UUID!, $d: NaiveDate!) { recognizeCharity(organizationId: $o, on: $d) { id } }",
                json!({"o": register::org_id(&app, "柳州市老年人体育协会").await, "d": today}),
            ),
            "grantPublicFundraising" => (
                Some(&official),
                "mutation($o: UUID!, $d: NaiveDate!) { grantPublicFundraising(organizationId: $o, on: $d) { id } }",
                json!({"o": register::org_id(&app, "柳州市志愿者协会").await, "d": today}),
            ),
            "deregisterOrganization" => (
                Some(&official),
                "mutation($id: UUID!) { deregisterOrganization(id: $id, reason: \"自行解散\") { id } }",
                json!({"id": register::org_id(&app, "柳州市家具行业协会").await}),
            ),
            "listOrganizationAbnormal" => (
                Some(&official),
                "mutation($o: UUID!) { listOrganizationAbnormal(organizationId: $o, reason: \"登记住所无法联系\") { id } }",
                json!({"o": register::org_id(&app, "柳州市软件行业协会").await}),
            ),
            "removeSupervisionListing" => {
                let id = app
                    .scalar_string(
                        "SELECT id FROM supervision_listing WHERE organization_id = (SELECT id FROM organization WHERE name = '柳州市护苗青少年服务中心')",
                    )
                    .await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { removeSupervisionListing(id: $id, reason: \"已补报年度报告\") { id } }",
                    json!({"id": id}),
                )
            }
            "runSupervisionCheck" => (
                Some(&official),
                "mutation { runSupervisionCheck { listedAbnormal } }",
                json!({}),
            ),
            "recordComplaint" => (Some(&official), RECORD_COMPLAINT, json!({})),
            "handleComplaint" => {
                let body = app.graphql(Some(&official), RECORD_COMPLAINT, json!({})).await;
                let id = body["data"]["recordComplaint"]["id"].clone();
                (
                    Some(&official),
                    "mutation($id: UUID!) { handleComplaint(id: $id, action: close, handling: \"已依法取缔\") { id } }",
                    json!({"id": id}),
                )
            }
            "openFeeReductionPeriod" => (
                Some(&official),
                "mutation($d: NaiveDate!) { openFeeReductionPeriod(title: \"审计测试\", year: 2020, dueOn: $d) { id } }",
                json!({"d": today}),
            ),
            "saveFeeReductionReport" => (
                Some(&official),
                "mutation($p: UUID!, $o: UUID!, $i: FeeReportInput!) { saveFeeReductionReport(periodId: $p, organizationId: $o, input: $i) { id } }",
                json!({
                    "p": fee_period,
                    "o": register::org_id(&app, "柳州市餐饮行业协会").await,
                    "i": crate::fee_reductions::report(vec![crate::fee_reductions::line("1.00", 1, "lower")]),
                }),
            ),
            "submitFeeReductionReport" => {
                let id = crate::fee_reductions::draft(&app, &official, &fee_period, "柳州市软件行业协会").await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { submitFeeReductionReport(id: $id) { id } }",
                    json!({"id": id}),
                )
            }
            "approveFeeReductionReport" => {
                let id = crate::fee_reductions::submitted(&app, &official, &fee_period, "柳州市旅游饭店协会").await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { approveFeeReductionReport(id: $id) { id } }",
                    json!({"id": id}),
                )
            }
            "returnFeeReductionReport" => {
                let id = crate::fee_reductions::submitted(&app, &official, &fee_period, "柳州市电子商务协会").await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { returnFeeReductionReport(id: $id, comment: \"补充\") { id } }",
                    json!({"id": id}),
                )
            }
            "recordDonation" => (
                Some(&staff),
                crate::donations::RECORD,
                json!({"i": crate::donations::money_gift("10.00")}),
            ),
            "pledgeDonation" => (
                Some(&pledger),
                "mutation($i: PledgeInput!) { pledgeDonation(input: $i) { id } }",
                json!({"i": {"organizationId": register::org_id(&app, "柳州市慈善总会").await, "amount": "30.00", "channel": "alipay"}}),
            ),
            "confirmPledge" => (
                Some(&staff),
                "mutation($id: UUID!) { confirmPledge(id: $id) { verificationCode } }",
                json!({"id": crate::donations::pledged(&app, "pledge.confirm").await}),
            ),
            "declinePledge" => (
                Some(&staff),
                "mutation($id: UUID!) { declinePledge(id: $id, reason: \"捐赠人取消\") { id } }",
                json!({"id": crate::donations::pledged(&app, "pledge.decline").await}),
            ),
            "voidDonation" => {
                let gift = crate::donations::record(&app, &staff, crate::donations::money_gift("12.00")).await;
                (
                    Some(&staff),
                    "mutation($id: UUID!) { voidDonation(id: $id, reason: \"重复录入\") { id } }",
                    json!({"id": gift["donation"]["id"]}),
                )
            }
            "createCampaign" => (
                Some(&staff),
                "mutation($d: NaiveDate!) { createCampaign(input: {name: \"审计测试募捐\", startsOn: $d, endsOn: $d}) { id } }",
                json!({"d": today}),
            ),
            "createDonationStation" => (
                Some(&staff),
                "mutation { createDonationStation(input: {name: \"城中区审计测试捐助站\", district: \"城中区\", address: \"柳州市城中区文惠路1号\"}) { id } }",
                json!({}),
            ),
            "closeDonationStation" => {
                let body = app
                    .graphql(
                        Some(&staff),
                        "mutation { createDonationStation(input: {name: \"审计关闭捐助站\", district: \"城中区\", address: \"柳州市城中区文惠路2号\"}) { id } }",
                        json!({}),
                    )
                    .await;
                (
                    Some(&staff),
                    "mutation($id: UUID!) { closeDonationStation(id: $id) { closedOn } }",
                    json!({"id": body["data"]["createDonationStation"]["id"]}),
                )
            }
            "createFund" => (
                Some(&staff),
                crate::donations::CREATE_FUND,
                json!({"i": {"name": "审计测试基金", "community": "河东社区", "street": "河东街道", "district": "城中区"}}),
            ),
            "requestDisbursement" => {
                let fund = crate::donations::create_fund(&app, &staff, "审计申请基金").await;
                crate::donations::record(
                    &app,
                    &staff,
                    crate::donations::merge(crate::donations::money_gift("50.00"), json!({"fundId": fund})),
                )
                .await;
                (
                    Some(&staff),
                    crate::donations::REQUEST,
                    json!({"i": {"fundId": fund, "purpose": "disaster", "beneficiaryKind": "project", "beneficiaryName": "防汛物资", "description": "购置沙袋", "amount": "50.00"}}),
                )
            }
            "approveDisbursement" => (
                Some(&reviewer),
                crate::donations::APPROVE,
                json!({"id": crate::donations::requested_disbursement(&app, &staff, "审计批准基金").await}),
            ),
            "rejectDisbursement" => (
                Some(&reviewer),
                "mutation($id: UUID!) { rejectDisbursement(id: $id, reason: \"材料不全\") { id } }",
                json!({"id": crate::donations::requested_disbursement(&app, &staff, "审计驳回基金").await}),
            ),
            "recordDisbursementPayment" => {
                let id = crate::donations::requested_disbursement(&app, &staff, "审计支付基金").await;
                let approved = app
                    .graphql(Some(&reviewer), crate::donations::APPROVE, json!({"id": id}))
                    .await;
                assert!(approved["errors"].is_null(), "{approved}");
                (
                    Some(&staff),
                    "mutation($id: UUID!) { recordDisbursementPayment(id: $id, paymentReference: \"BANK-001\") { id } }",
                    json!({"id": id}),
                )
            }
            "submitFinancialStatement" => (
                Some(&staff),
                "mutation($o: UUID!, $y: Int!) { submitFinancialStatement(organizationId: $o, year: $y, input: {totalIncome: \"100.00\", charitableSpending: \"70.00\", managementCost: \"10.00\", totalSpending: \"90.00\", netAssets: \"50.00\"}) { year } }",
                json!({"o": register::org_id(&app, "柳州市慈善总会").await, "y": register::last_year()}),
            ),
            "setReliefStandard" => (
                Some(&official),
                "mutation { setReliefStandard(category: temporary, area: urban, amount: \"1500.00\", period: month) { amount } }",
                json!({}),
            ),
            "registerReliefCase" => (
                Some(&official),
                crate::relief::REGISTER,
                json!({"i": crate::relief::household(&crate::relief::id_number("450202", "19460101", 101))}),
            ),
            "closeReliefCase" => {
                let (case, _, _) = rice_referred(&app, 103).await;
                (
                    Some(&official),
                    "mutation($id: UUID!) { closeReliefCase(id: $id, outcome: \"已脱困\") { status } }",
                    json!({"id": case}),
                )
            }
            "createReferral" => {
                let case = registered(&app, &official, 105).await;
                (
                    Some(&official),
                    crate::relief::CREATE,
                    json!({"i": {"caseId": case["data"]["registerReliefCase"]["id"], "urgency": "normal", "deadline": today, "needs": [{"kind": "goods", "description": "棉被"}]}}),
                )
            }
            "sendReferral" => {
                let case = registered(&app, &official, 107).await;
                let referral = app
                    .graphql(
                        Some(&official),
                        crate::relief::CREATE,
                        json!({"i": {"caseId": case["data"]["registerReliefCase"]["id"], "urgency": "normal", "deadline": today, "needs": [{"kind": "goods", "description": "棉被"}]}}),
                    )
                    .await;
                (
                    Some(&official),
                    crate::relief::SEND,
                    json!({"r": referral["data"]["createReferral"]["id"], "t": [{"organizationId": register::org_id(&app, "柳州市慈善总会").await}]}),
                )
            }
            "acceptReferral" => {
                let (_, _, targets) = rice_referred(&app, 109).await;
                (Some(&staff), crate::relief::ACCEPT, json!({"t": targets[0]}))
            }
            "declineReferral" => {
                let (_, _, targets) = rice_referred(&app, 111).await;
                (
                    Some(&staff),
                    "mutation($t: UUID!) { declineReferral(targetId: $t, reason: \"超出服务范围\") { status } }",
                    json!({"t": targets[0]}),
                )
            }
            "recordAssistance" => {
                let (_, _, targets) = rice_referred(&app, 113).await;
                app.graphql(Some(&staff), crate::relief::ACCEPT, json!({"t": targets[0]}))
                    .await;
                (
                    Some(&staff),
                    crate::relief::ASSIST,
                    json!({"t": targets[0], "i": {"kind": "goods", "amount": "80.00", "description": "大米一袋"}}),
                )
            }
            "completeReferral" => {
                let (_, _, targets) = rice_referred(&app, 114).await;
                app.graphql(Some(&staff), crate::relief::ACCEPT, json!({"t": targets[0]}))
                    .await;
                app.graphql(
                    Some(&staff),
                    crate::relief::ASSIST,
                    json!({"t": targets[0], "i": {"kind": "goods", "amount": "80.00", "description": "大米一袋"}}),
                )
                .await;
                (
                    Some(&staff),
                    "mutation($t: UUID!) { completeReferral(targetId: $t) { status } }",
                    json!({"t": targets[0]}),
                )
            }
            "escalateOverdueReferrals" => (Some(&official), "mutation { escalateOverdueReferrals }", json!({})),
            other => panic!("mutation {other} has no case in this test: add one that makes it succeed"),
        };
        let before = audit_count(&app).await;
        let body = app.graphql(token.map(String::as_str), query, vars).await;
        assert!(body["errors"].is_null(), "{name} should succeed: {body}");
        assert_eq!(
            audit_count(&app).await - before,
            1,
            "{name} writes exactly one audit record"
        );
    }
}

#[tokio::test]
async fn a_failed_mutation_leaves_no_record() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let before = audit_count(&app).await;
    app.graphql_error(
        Some(&official),
        CREATE_USER,
        json!({"i": new_user("liuzhou.donor")}),
        "CONFLICT",
    )
    .await;
    app.graphql_error(
        Some(&app.login("liuzhou.donor").await),
        CREATE_USER,
        json!({"i": new_user("x.y")}),
        "FORBIDDEN",
    )
    .await;
    // The donor's sign-in is the only new record.
    assert_eq!(audit_count(&app).await - before, 1);
}

#[tokio::test]
async fn a_changed_byte_is_named_by_audit_verify_and_the_cli() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let verify = "{ auditVerify { ok recordsChecked head { seq hash } firstBroken { seq reason } } }";
    let clean = app.graphql(Some(&official), verify, json!({})).await;
    assert_eq!(clean["data"]["auditVerify"]["ok"], true, "{clean}");
    let checked = clean["data"]["auditVerify"]["recordsChecked"].as_i64().unwrap();
    assert!(checked >= 2, "seed and sign-in: {clean}");

    // Rewrite one byte of the first Liuzhou record, the way an insider with
    // database access would: the append-only trigger must be removed first.
    let liuzhou = "(SELECT id FROM tenant WHERE slug = 'liuzhou')";
    let tamper = format!(
        "UPDATE audit_log SET changes = replace(changes, 'liuzhou.donor', 'liuzhou.donoR') WHERE seq = 1 AND tenant_id = {liuzhou}"
    );
    let sql = if app.is_postgres() {
        format!(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; {tamper}; ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;"
        )
    } else {
        format!("DROP TRIGGER audit_log_no_update; {tamper};")
    };
    sea_orm::ConnectionTrait::execute_unprepared(&app.owner, &sql)
        .await
        .unwrap();

    let broken = app.graphql(Some(&official), verify, json!({})).await;
    let report = &broken["data"]["auditVerify"];
    assert_eq!(report["ok"], false, "{broken}");
    assert_eq!(report["firstBroken"]["seq"], 1);
    assert!(report["firstBroken"]["reason"].as_str().unwrap().contains("altered"));

    // `api audit verify --tenant liuzhou` fails, naming the record.
    let cli = api::cli::Cli {
        command: Some(api::cli::Command::Audit {
            command: api::cli::AuditCommand::Verify {
                tenant: "liuzhou".into(),
            },
        }),
    };
    let err = api::cli::run(cli, app.settings.clone()).await.unwrap_err().to_string();
    assert!(err.contains("broken at record 1"), "{err}");
    // Other tenants' chains are untouched.
    let guilin = app.login("guilin.city_official").await;
    assert_eq!(
        app.graphql(Some(&guilin), verify, json!({})).await["data"]["auditVerify"]["ok"],
        true
    );
}

#[tokio::test]
async fn fifty_concurrent_mutations_leave_an_unbroken_chain() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let donor_id = app.user_id("liuzhou.donor").await;
    let before = audit_count(&app).await;
    let calls = (0..50).map(|i| {
        let (app, official) = (&app, &official);
        async move {
            app.graphql(
                Some(official),
                "mutation($id: UUID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { id } }",
                json!({"id": donor_id, "a": i % 2 == 0}),
            )
            .await
        }
    });
    for body in join_all(calls).await {
        assert!(body["errors"].is_null(), "{body}");
    }
    assert_eq!(audit_count(&app).await - before, 50);
    let report = app
        .graphql(
            Some(&official),
            "{ auditVerify { ok recordsChecked head { seq } } }",
            json!({}),
        )
        .await;
    let report = &report["data"]["auditVerify"];
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["recordsChecked"], report["head"]["seq"]);
}

#[tokio::test]
async fn the_trail_is_searchable_by_officials_scoped_for_staff_and_closed_to_donors() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    app.graphql(Some(&official), CREATE_USER, json!({"i": new_user("searched.user")}))
        .await;
    let staff = app.login("liuzhou.org_staff").await;
    let query = "query($f: AuditFilterInput) { auditLog(filter: $f, first: 50) { edges { node { action entityType entityId actorRole organizationId changes requestId } } } }";

    let created = app
        .graphql(Some(&official), query, json!({"f": {"action": "user.create"}}))
        .await;
    let edges = created["data"]["auditLog"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "{created}");
    let node = &edges[0]["node"];
    assert_eq!(node["actorRole"], "city_official");
    assert_eq!(node["changes"]["after"]["username"], "searched.user");
    assert!(
        node["changes"]["after"].get("password_hash").is_none(),
        "no secrets on the trail"
    );
    assert!(node["requestId"].is_string());

    // Staff see only what concerns their organization: their own sign-in.
    let org_id = app.organization_id("柳州市慈善总会").await.to_string();
    let mine = app.graphql(Some(&staff), query, json!({})).await;
    let edges = mine["data"]["auditLog"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty(), "{mine}");
    assert!(
        edges.iter().all(|e| e["node"]["organizationId"] == org_id.as_str()),
        "{mine}"
    );

    let donor = app.login("liuzhou.donor").await;
    assert_error(&app.graphql(Some(&donor), query, json!({})).await, "FORBIDDEN");
    assert_error(&app.graphql(None, query, json!({})).await, "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_chain_head_is_public_and_moves_with_each_event() {
    let app = spawn_app().await;
    let head = "{ auditHead(tenant: \"liuzhou\") { seq hash } }";
    let first = app.graphql(None, head, json!({})).await["data"]["auditHead"].clone();
    app.login("liuzhou.donor").await;
    let second = app.graphql(None, head, json!({})).await["data"]["auditHead"].clone();
    assert_eq!(second["seq"].as_i64().unwrap(), first["seq"].as_i64().unwrap() + 1);
    assert_ne!(first["hash"], second["hash"]);
    // The saved earlier head is the predecessor of the new record.
    let tenant = "(SELECT id FROM tenant WHERE slug = 'liuzhou')";
    let prev = app
        .scalar_string(&format!(
            "SELECT prev_hash FROM audit_log WHERE tenant_id = {tenant} AND seq = {}",
            second["seq"]
        ))
        .await;
    assert_eq!(prev, first["hash"].as_str().unwrap());
    assert_error(
        &app.graphql(None, "{ auditHead(tenant: \"atlantis\") { seq } }", json!({}))
            .await,
        "NOT_FOUND",
    );
}

/// A Liuzhou relief case registered for a head of household born on
/// 1 January 1946 (the sequence makes the ID number unique); returns the
/// whole response.
async fn registered(app: &TestApp, official: &str, sequence: u32) -> Value {
    let head = crate::relief::id_number("450202", "19460101", sequence);
    app.graphql(
        Some(official),
        crate::relief::REGISTER,
        json!({"i": crate::relief::household(&head)}),
    )
    .await
}

/// Such a case, referred to the demo charity for rice; returns the case,
/// the referral and its targets.
async fn rice_referred(app: &TestApp, sequence: u32) -> (String, String, Vec<String>) {
    let head = crate::relief::id_number("450202", "19460101", sequence);
    crate::relief::referred(app, &head, json!([{"kind": "goods", "description": "米"}]), &[]).await
}
