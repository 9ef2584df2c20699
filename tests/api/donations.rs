//! Donations, funds and disbursements end to end: receipts and their
//! gaplessness under concurrency, four-eyes approval that can never
//! overdraw a fund, the donor's trace, voids, matching, privacy of
//! undisclosed donors on public fields, exact totals, the spending-rule
//! check and the demo figures.

use std::collections::BTreeSet;

use chrono::Datelike;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app, spawn_app_with};

pub const RECORD: &str = "mutation($i: DonationInput!, $k: String) { recordDonation(input: $i, idempotencyKey: $k) {
    verificationCode donation { id receiptNumber amount voided publicDonorName unallocated }
    matched { id amount receiptNumber matchesId } } }";
pub const CREATE_FUND: &str = "mutation($i: FundInput!) { createFund(input: $i) { id name raised disbursed balance } }";
pub const REQUEST: &str = "mutation($i: DisbursementInput!) { requestDisbursement(input: $i) { id status } }";
pub const APPROVE: &str = "mutation($id: UUID!) { approveDisbursement(id: $id) { id status } }";
const VOID: &str =
    "mutation($id: UUID!, $r: String!) { voidDonation(id: $id, reason: $r) { id voided voidReason receiptNumber } }";
const FUND_PAGE: &str = "query($t: String!, $id: UUID!) { fund(tenant: $t, id: $id) { name raised disbursed balance
    spending { month purpose amount }
    disbursements { edges { node { purpose beneficiaryKind beneficiary amount status } } }
    gifts { edges { node { donor amount giftKind voided } } } } }";
const TRACE: &str = "query($t: String!, $r: String!, $c: String!) { traceDonation(tenant: $t, receiptNumber: $r, verificationCode: $c) {
    receiptNumber organizationName fundName allocated unspent
    gift { donor amount voided }
    uses { purpose beneficiary beneficiaryKind amount } } }";

/// The undisclosed donor whose name must never reach a public field.
const SECRET_DONOR: &str = "隐名捐赠人甲";

/// `base` with the fields of `extra` added or replaced.
pub fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    base
}

pub fn money_gift(amount: &str) -> Value {
    json!({"giftKind": "money", "amount": amount, "channel": "bank_transfer", "donorKind": "individual",
        "donorName": "王五", "disclose": true})
}

/// A second member of the demo charity (柳州市慈善总会), for four eyes.
pub async fn second_staff(app: &TestApp, tenant: &str) -> String {
    let official = app.login(&format!("{tenant}.city_official")).await;
    let city = if tenant == "liuzhou" { "柳州市" } else { "南宁市" };
    let org = app.organization_id(&format!("{city}慈善总会")).await;
    let username = format!("{tenant}.reviewer");
    app.new_user(
        &official,
        tenant,
        json!({"username": username, "displayName": "复核员", "email": format!("{username}@example.org"),
            "password": "reviewer-pass-1", "role": "org_staff", "organizationId": org}),
    )
    .await
}

pub async fn create_fund(app: &TestApp, token: &str, name: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            CREATE_FUND,
            json!({"i": {"name": name, "community": "鱼峰社区", "street": "五里亭街道", "district": "鱼峰区"}}),
        )
        .await;
    body["data"]["createFund"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

pub async fn record(app: &TestApp, token: &str, gift: Value) -> Value {
    let body = app.graphql(Some(token), RECORD, json!({"i": gift})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["recordDonation"].clone()
}

pub async fn request(app: &TestApp, token: &str, fund: &str, amount: &str, purpose: &str) -> Value {
    app.graphql(
        Some(token),
        REQUEST,
        json!({"i": {"fundId": fund, "purpose": purpose, "beneficiaryKind": "person", "beneficiaryName": "张三丰",
            "description": "住院自付费用补助", "amount": amount}}),
    )
    .await
}

pub fn receipt_sequence(receipt: &str) -> u32 {
    receipt.rsplit('-').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_gift_gets_a_receipt_pays_for_a_disbursement_and_its_donor_can_trace_it() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let reviewer = second_staff(&app, "liuzhou").await;
    let fund = create_fund(&app, &staff, "鱼峰社区发展慈善基金").await;

    let older = record(
        &app,
        &staff,
        merge(
            money_gift("300.00"),
            json!({"fundId": fund, "receivedOn": "2026-01-05"}),
        ),
    )
    .await;
    let gift = json!({"giftKind": "money", "amount": "1000.00", "channel": "wechat_pay", "donorKind": "individual",
        "donorName": SECRET_DONOR, "donorEmail": "donor@example.org", "disclose": false, "fundId": fund,
        "restrictedPurpose": "medical"});
    let recorded = record(&app, &staff, gift).await;
    let receipt = recorded["donation"]["receiptNumber"].as_str().unwrap().to_owned();
    let code = recorded["verificationCode"].as_str().unwrap().to_owned();
    let credit_code = app
        .scalar_string("SELECT credit_code FROM organization WHERE name = '柳州市慈善总会'")
        .await;
    let year = chrono::Utc::now().year();
    assert_eq!(
        &receipt[..9],
        &credit_code[8..17],
        "the receipt starts with the organization code"
    );
    assert!(
        receipt.starts_with(&format!("{}-{year}-", &credit_code[8..17])),
        "{receipt}"
    );
    assert_eq!(
        receipt_sequence(&receipt),
        receipt_sequence(older["donation"]["receiptNumber"].as_str().unwrap()) + 1
    );
    assert_eq!(recorded["donation"]["publicDonorName"], "爱心人士");

    // The receipt email carries the number, the code and the trace link.
    let email = app
        .scalar_string("SELECT text_body FROM email_outbox WHERE recipient = 'donor@example.org' AND template = 'donation_receipt'")
        .await;
    assert!(
        email.contains(&receipt) && email.contains(&code) && email.contains("/liuzhou/trace?receipt="),
        "{email}"
    );

    // Four eyes: the requester cannot approve; a second member can.
    let asked = request(&app, &staff, &fund, "1100.00", "medical").await;
    let id = asked["data"]["requestDisbursement"]["id"].as_str().unwrap().to_owned();
    assert_error(
        &app.graphql(Some(&staff), APPROVE, json!({"id": id})).await,
        "FORBIDDEN",
    );
    let approved = app.graphql(Some(&reviewer), APPROVE, json!({"id": id})).await;
    assert_eq!(
        approved["data"]["approveDisbursement"]["status"], "approved",
        "{approved}"
    );
    // The gift restricted to medical care goes first, then the oldest.
    let traced = app
        .graphql(
            None,
            TRACE,
            json!({"t": "liuzhou", "r": receipt, "c": code.to_lowercase()}),
        )
        .await;
    let t = &traced["data"]["traceDonation"];
    assert_eq!(t["allocated"], "1000.00", "{traced}");
    assert_eq!(t["unspent"], "0.00");
    assert_eq!(t["uses"][0]["beneficiary"], "张*");
    assert_eq!(t["uses"][0]["amount"], "1000.00");
    assert_eq!(t["fundName"], "鱼峰社区发展慈善基金");
    assert_eq!(t["gift"]["donor"], "爱心人士");
    let older_trace = app
        .graphql(
            Some(&staff),
            "query($id: UUID!) { donationTrace(id: $id) { allocated unspent } }",
            json!({"id": older["donation"]["id"]}),
        )
        .await;
    assert_eq!(
        older_trace["data"]["donationTrace"],
        json!({"allocated": "100.00", "unspent": "200.00"})
    );

    // A wrong code, or the right code in another city, finds nothing.
    for (tenant, c) in [("liuzhou", "WRONGCOD"), ("nanning", code.as_str())] {
        app.graphql_error(None, TRACE, json!({"t": tenant, "r": receipt, "c": c}), "NOT_FOUND")
            .await;
    }

    // The public fund page: exact figures, masked beneficiary, no secret name.
    let page = app.graphql(None, FUND_PAGE, json!({"t": "liuzhou", "id": fund})).await;
    let f = &page["data"]["fund"];
    assert_eq!(
        (f["raised"].as_str(), f["disbursed"].as_str(), f["balance"].as_str()),
        (Some("1300.00"), Some("1100.00"), Some("200.00")),
        "{page}"
    );
    assert_eq!(f["disbursements"]["edges"][0]["node"]["beneficiary"], "张*");
    assert_eq!(f["spending"][0]["purpose"], "medical");
    assert_eq!(f["spending"][0]["amount"], "1100.00");
    let donors: Vec<&str> = f["gifts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["donor"].as_str().unwrap())
        .collect();
    assert_eq!(donors, ["爱心人士", "王五"]);

    // No public field anywhere carries the undisclosed donor's name.
    let public = [
        page,
        traced,
        app.graphql(None, "query { campaigns(tenant: \"liuzhou\") { name } }", json!({}))
            .await,
        app.graphql(
            None,
            "query { funds(tenant: \"liuzhou\") { edges { node { name gifts { edges { node { donor } } } } } } }",
            json!({}),
        )
        .await,
        app.graphql(
            None,
            "query { publicOrganizations(tenant: \"liuzhou\") { edges { node { name } } } }",
            json!({}),
        )
        .await,
    ];
    for body in public {
        assert!(!body.to_string().contains(SECRET_DONOR), "leaked in {body}");
        assert!(!body.to_string().contains("张三丰"), "beneficiary leaked in {body}");
    }
    // The organization itself sees the name.
    let own = app
        .graphql(
            Some(&staff),
            "query { donations { edges { node { donorName } } } }",
            json!({}),
        )
        .await;
    assert!(own.to_string().contains(SECRET_DONOR));

    // Another city's staff cannot act on this fund's disbursements.
    let nanning = app.login("nanning.org_staff").await;
    assert_error(
        &app.graphql(Some(&nanning), APPROVE, json!({"id": id})).await,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn receipt_numbers_stay_gapless_under_fifty_concurrent_recordings() {
    let app = spawn_app_with(&[("SHANLIAN__DATABASE__MAX_CONNECTIONS", "20".into())]).await;
    let staff = app.login("liuzhou.org_staff").await;
    let year = service::clock::today().year();
    let sequence = format!(
        "SELECT CAST(COALESCE(MAX(last_number), 0) AS BIGINT) FROM receipt_sequence WHERE year = {year} AND organization_id = (SELECT id FROM organization WHERE name = '柳州市慈善总会')"
    );
    // The demo's gifts of this year took the first numbers.
    let start = app.count(&sequence).await as u32;
    let calls = (0..50).map(|n| {
        let gift = money_gift(&format!("{}.{:02}", 10 + n, n));
        let (app, staff) = (&app, &staff);
        async move { app.graphql(Some(staff), RECORD, json!({"i": gift})).await }
    });
    let numbers: BTreeSet<u32> = join_all(calls)
        .await
        .into_iter()
        .map(|body| {
            assert!(body["errors"].is_null(), "{body}");
            receipt_sequence(
                body["data"]["recordDonation"]["donation"]["receiptNumber"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(numbers, (start + 1..=start + 50).collect::<BTreeSet<u32>>());
    assert_eq!(app.count(&sequence).await, i64::from(start) + 50);
}

#[tokio::test]
async fn a_hundred_concurrent_approvals_never_overdraw_a_fund() {
    let app = spawn_app_with(&[("SHANLIAN__DATABASE__MAX_CONNECTIONS", "20".into())]).await;
    let staff = app.login("liuzhou.org_staff").await;
    let reviewer = second_staff(&app, "liuzhou").await;
    let fund = create_fund(&app, &staff, "竞争测试基金").await;
    for amount in ["2000.00", "1500.00", "1500.00"] {
        record(&app, &staff, merge(money_gift(amount), json!({"fundId": fund}))).await;
    }
    let mut ids = Vec::new();
    for _ in 0..100 {
        let body = request(&app, &staff, &fund, "100.00", "living_aid").await;
        ids.push(
            body["data"]["requestDisbursement"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .to_owned(),
        );
    }
    let approvals = ids.iter().map(|id| {
        let (app, reviewer) = (&app, &reviewer);
        async move { app.graphql(Some(reviewer), APPROVE, json!({"id": id})).await }
    });
    let results = join_all(approvals).await;
    let approved = results.iter().filter(|b| b["errors"].is_null()).count();
    for refused in results.iter().filter(|b| !b["errors"].is_null()) {
        assert_error(refused, "CONFLICT");
    }
    assert_eq!(approved, 50, "5,000.00 covers exactly fifty 100.00 disbursements");
    let page = app.graphql(None, FUND_PAGE, json!({"t": "liuzhou", "id": fund})).await;
    assert_eq!(page["data"]["fund"]["balance"], "0.00", "{page}");
    assert_eq!(page["data"]["fund"]["disbursed"], "5000.00");
    // The ledger agrees with the running totals, to the fen.
    let fund_filter = "(SELECT id FROM charity_fund WHERE name = '竞争测试基金')";
    assert_eq!(app.count(&format!("SELECT CAST(SUM(amount_fen) AS BIGINT) FROM allocation WHERE disbursement_id IN (SELECT id FROM disbursement WHERE fund_id = {fund_filter})")).await, 500_000);
    assert_eq!(
        app.count(&format!(
            "SELECT CAST(SUM(unallocated_fen) AS BIGINT) FROM donation WHERE fund_id = {fund_filter}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM disbursement WHERE status = 'approved' AND fund_id = {fund_filter}"
        ))
        .await,
        50
    );
}

#[tokio::test]
async fn a_void_reverses_the_gift_and_its_match_and_never_reuses_the_number() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let today = service::clock::today();
    let campaign = app
        .graphql(
            Some(&staff),
            "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
            json!({"i": {"name": "测试配捐日", "startsOn": today.pred_opt().unwrap(), "endsOn": today.succ_opt().unwrap(),
                "matchSponsor": "某配捐企业", "matchPercent": 100, "matchCap": "150.00"}}),
        )
        .await;
    let campaign = campaign["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{campaign}"))
        .to_owned();
    let gift = |amount: &str| {
        merge(
            money_gift(amount),
            json!({"campaignId": campaign, "donorEmail": "wang@example.org"}),
        )
    };
    let first = record(&app, &staff, gift("100.00")).await;
    assert_eq!(first["matched"]["amount"], "100.00");
    assert_eq!(first["matched"]["matchesId"], first["donation"]["id"]);
    let second = record(&app, &staff, gift("100.00")).await;
    assert_eq!(second["matched"]["amount"], "50.00", "the cap leaves 50.00 to match");

    let id = first["donation"]["id"].as_str().unwrap();
    let voided = app
        .graphql(Some(&staff), VOID, json!({"id": id, "r": "银行退票"}))
        .await;
    let v = &voided["data"]["voidDonation"];
    assert_eq!(
        (v["voided"].as_bool(), v["voidReason"].as_str()),
        (Some(true), Some("银行退票")),
        "{voided}"
    );
    assert_eq!(
        v["receiptNumber"], first["donation"]["receiptNumber"],
        "the number stays on the voided gift"
    );
    assert_error(
        &app.graphql(Some(&staff), VOID, json!({"id": id, "r": "again"})).await,
        "CONFLICT",
    );
    assert_error(
        &app.graphql(Some(&staff), VOID, json!({"id": first["matched"]["id"], "r": "x"}))
            .await,
        "CONFLICT",
    );
    assert_error(
        &app.graphql(Some(&staff), VOID, json!({"id": second["donation"]["id"], "r": " "}))
            .await,
        "VALIDATION",
    );

    // Reversals, never edits: two new entries with negated amounts.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM donation WHERE entry = 'reversal'")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT CAST(SUM(amount_fen) AS BIGINT) FROM donation WHERE entry = 'reversal'")
            .await,
        -20_000
    );
    let campaigns = app
        .graphql(
            None,
            "query { campaigns(tenant: \"liuzhou\") { name matched raisedMoney gifts } }",
            json!({}),
        )
        .await;
    let ours = campaigns["data"]["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "测试配捐日")
        .unwrap()
        .clone();
    assert_eq!(
        ours,
        json!({"name": "测试配捐日", "matched": "50.00", "raisedMoney": "150.00", "gifts": 2})
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM email_outbox WHERE template = 'donation_voided' AND recipient = 'wang@example.org'"
        )
        .await,
        1
    );

    // The next gift takes the next number; the void one is not reused.
    let third = record(&app, &staff, money_gift("1.00")).await;
    let last = receipt_sequence(second["matched"]["receiptNumber"].as_str().unwrap());
    assert_eq!(
        receipt_sequence(third["donation"]["receiptNumber"].as_str().unwrap()),
        last + 1
    );

    // A gift a disbursement already spent cannot be voided.
    let reviewer = second_staff(&app, "liuzhou").await;
    let fund = create_fund(&app, &staff, "作废测试基金").await;
    let spent = record(&app, &staff, merge(money_gift("80.00"), json!({"fundId": fund}))).await;
    let asked = request(&app, &staff, &fund, "30.00", "education").await;
    app.graphql(
        Some(&reviewer),
        APPROVE,
        json!({"id": asked["data"]["requestDisbursement"]["id"]}),
    )
    .await;
    let refused = app
        .graphql_error(
            Some(&staff),
            VOID,
            json!({"id": spent["donation"]["id"], "r": "重复录入"}),
            "CONFLICT",
        )
        .await;
    assert!(refused.to_string().contains("30.00"), "{refused}");
}

/// What the dashboards show, read through the API.
async fn dashboards(app: &TestApp, official: &str, region: &str) -> Value {
    let year = chrono::Utc::now().year();
    let totals = "query($y: Int) { donationTotals(year: $y) { overall { money goods gifts }
        byOrganization { id figures { money goods gifts } } byCampaign { id figures { money goods gifts } }
        byChannel { channel figures { money gifts } } byMonth { month figures { money goods gifts } } } }";
    json!({
        "thisYear": app.graphql(Some(official), totals, json!({"y": year})).await,
        "allYears": app.graphql(Some(official), totals, json!({})).await,
        "region": app.graphql(Some(region), "query { regionDonationTotals { citySlug figures { money goods gifts } } }", json!({})).await,
        "campaigns": app.graphql(None, "query { campaigns(tenant: \"liuzhou\") { id raisedMoney raisedGoods gifts } }", json!({})).await,
    })
}

#[tokio::test]
async fn the_running_tallies_always_equal_a_recount_of_the_ledger() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let official = app.login("liuzhou.city_official").await;
    let region = app.login("guangxi.region_official").await;
    let today = service::clock::today();
    let campaign = app
        .graphql(
            Some(&staff),
            "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
            json!({"i": {"name": "对账配捐日", "startsOn": today, "endsOn": today,
                "matchSponsor": "某配捐企业", "matchPercent": 50, "matchCap": "1000.00"}}),
        )
        .await;
    let campaign = campaign["data"]["createCampaign"]["id"].clone();
    // Every way an entry reaches the ledger: a gift with its sponsor's
    // match, a goods gift, a confirmed pledge, and a void of a matched gift.
    let matched = record(
        &app,
        &staff,
        merge(money_gift("300.00"), json!({"campaignId": campaign})),
    )
    .await;
    record(
        &app,
        &staff,
        json!({"giftKind": "goods", "amount": "1200.00", "goodsDescription": "棉被", "goodsQuantity": "40",
            "goodsUnit": "床", "valuationBasis": "发票", "donorKind": "enterprise", "donorName": "某商贸公司",
            "disclose": true, "campaignId": campaign}),
    )
    .await;
    record(&app, &staff, merge(money_gift("0.01"), json!({"channel": "cash"}))).await;
    let pledge = pledged(&app, "tally.donor").await;
    let confirmed = app
        .graphql(
            Some(&staff),
            "mutation($id: UUID!) { confirmPledge(id: $id) { donation { status } } }",
            json!({"id": pledge}),
        )
        .await;
    assert_eq!(
        confirmed["data"]["confirmPledge"]["donation"]["status"], "confirmed",
        "{confirmed}"
    );
    let voided = app
        .graphql(
            Some(&staff),
            VOID,
            json!({"id": matched["donation"]["id"], "r": "对账测试"}),
        )
        .await;
    assert_eq!(voided["data"]["voidDonation"]["voided"], true, "{voided}");

    let kept = dashboards(&app, &official, &region).await;
    let year = chrono::Utc::now().year();
    let t = &kept["thisYear"]["data"]["donationTotals"];
    // Checked against the ledger itself, not only against the recount.
    let ledger_money = app
        .count(&format!(
            "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM donation WHERE status = 'confirmed' AND gift_kind = 'money'
               AND tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou') AND received_on >= '{year}-01-01'"
        ))
        .await;
    assert_eq!(
        t["overall"]["money"]
            .as_str()
            .unwrap()
            .replace('.', "")
            .parse::<i64>()
            .unwrap(),
        ledger_money,
        "{kept}"
    );
    let ours = t["byCampaign"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == campaign)
        .cloned();
    assert_eq!(
        ours.map(|c| c["figures"].clone()),
        Some(json!({"money": "0.00", "goods": "1200.00", "gifts": 1})),
        "the voided gift and its match cancel out; the goods stay: {kept}"
    );
    // The operator's recount, `api recount-tallies`, changes nothing.
    let recount = api::cli::Cli {
        command: Some(api::cli::Command::RecountTallies),
    };
    api::cli::run(recount, app.settings.clone()).await.unwrap();
    assert_eq!(dashboards(&app, &official, &region).await, kept);

    // The dashboard names as many organizations as asked, the richest first
    // and equal sums by name. Three more organizations' gifts of the same
    // amount, loaded in bulk and recounted, so there is something to rank.
    let others = "SELECT id FROM organization WHERE tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou')
        AND name <> '柳州市慈善总会' ORDER BY name LIMIT 3";
    let (id, at) = if app.is_postgres() {
        ("gen_random_uuid()", "now()")
    } else {
        ("randomblob(16)", "'2026-01-01T00:00:00Z'")
    };
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.owner,
        &format!(
            "INSERT INTO donation (tenant_id, id, organization_id, entry, status, gift_kind, amount_fen, channel,
                external_reference, goods_description, goods_quantity, goods_unit, valuation_basis, donor_kind, donor_name,
                disclose, unallocated_fen, received_on, note, created_at)
             SELECT tenant_id, {id}, id, 'gift', 'confirmed', 'money', 500, 'cash', '', '', '', '', '', 'anonymous',
                '匿名', false, 0, '{today}', '', {at} FROM organization WHERE id IN ({others})"
        ),
    )
    .await
    .unwrap();
    migration::rebuild_donation_tally(&app.owner).await.unwrap();
    let top = "query($n: Int!) { donationTotals(organizations: $n) { organizationCount byOrganization { name figures { money } } } }";
    let all = app.graphql(Some(&official), top, json!({"n": 1000})).await;
    let count = all["data"]["donationTotals"]["organizationCount"].as_u64().unwrap();
    let listed = all["data"]["donationTotals"]["byOrganization"]
        .as_array()
        .unwrap()
        .clone();
    assert!(count >= 4 && listed.len() as u64 == count, "{all}");
    let tied: Vec<&Value> = listed.iter().filter(|o| o["figures"]["money"] == "5.00").collect();
    let mut by_name: Vec<&str> = tied.iter().map(|o| o["name"].as_str().unwrap()).collect();
    by_name.sort_unstable();
    assert_eq!(tied.len(), 3, "{all}");
    assert_eq!(
        tied.iter().map(|o| o["name"].as_str().unwrap()).collect::<Vec<_>>(),
        by_name
    );
    // Cut inside the tie: the first of the tied by name is shown.
    let position = listed.iter().position(|o| o["figures"]["money"] == "5.00").unwrap();
    let cut = app.graphql(Some(&official), top, json!({"n": position + 1})).await;
    assert_eq!(
        cut["data"]["donationTotals"]["byOrganization"],
        json!(listed[..=position]),
        "{cut}"
    );
    let one = app.graphql(Some(&official), top, json!({"n": 1})).await;
    assert_eq!(
        one["data"]["donationTotals"]["byOrganization"],
        json!([listed[0]]),
        "{one}"
    );
    assert_eq!(one["data"]["donationTotals"]["organizationCount"].as_u64(), Some(count));
    // The office desk asks for none: the count still comes.
    let none = app.graphql(Some(&official), top, json!({"n": 0})).await;
    assert_eq!(none["data"]["donationTotals"]["byOrganization"], json!([]), "{none}");
    assert_eq!(
        none["data"]["donationTotals"]["organizationCount"].as_u64(),
        Some(count)
    );
    assert_error(&app.graphql(Some(&official), top, json!({"n": -1})).await, "VALIDATION");
}

#[tokio::test]
async fn reads_that_span_several_records_work_on_a_pool_of_one_connection() {
    // A request must never hold a pooled connection while asking for
    // another: under load every request would wait for one that never
    // comes. With one connection, such a read fails (after the pool's
    // timeout) instead of answering.
    let app = spawn_app_with(&[("SHANLIAN__DATABASE__MAX_CONNECTIONS", "1".into())]).await;
    let funds = app
        .graphql(
            None,
            "query { funds(tenant: \"nanning\") { edges { node { id name spending { month }
                gifts(first: 2) { edges { node { amount } } } disbursements(first: 2) { edges { node { amount } } } } } } }",
            json!({}),
        )
        .await;
    let edges = funds["data"]["funds"]["edges"].as_array().cloned().unwrap_or_default();
    assert!(edges.len() >= 2 && funds.get("errors").is_none(), "{funds}");
    // One fund's page beside another read in the same request: the page is
    // read up front, and its connection is back in the pool before the
    // other field asks for one.
    let page = app
        .graphql(
            None,
            "query($id: UUID!) { fund(tenant: \"nanning\", id: $id) { name spending { month }
                gifts(first: 3) { edges { node { amount } } } disbursements { edges { node { amount } } } }
              campaigns(tenant: \"nanning\") { name } }",
            json!({"id": edges[0]["node"]["id"]}),
        )
        .await;
    assert!(
        page.get("errors").is_none() && page["data"]["fund"]["name"].is_string(),
        "{page}"
    );
    let region = app.login("guangxi.region_official").await;
    let cities = app
        .graphql(Some(&region), "query { regionDonationTotals { citySlug } }", json!({}))
        .await;
    assert_eq!(
        cities["data"]["regionDonationTotals"].as_array().map(Vec::len),
        Some(3),
        "{cities}"
    );
}

#[tokio::test]
async fn bad_gifts_get_field_errors_and_write_nothing() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let before = app.count("SELECT COUNT(*) FROM donation").await;
    for (gift, field) in [
        (
            json!({"giftKind": "money", "amount": "0.00", "channel": "cash", "donorKind": "anonymous"}),
            "amount",
        ),
        (
            json!({"giftKind": "money", "amount": "5.00", "donorKind": "anonymous"}),
            "channel",
        ),
        (
            json!({"giftKind": "money", "amount": "5.00", "channel": "cash", "donorKind": "individual"}),
            "donorName",
        ),
        (
            json!({"giftKind": "goods", "amount": "5.00", "donorKind": "anonymous", "goodsDescription": "棉被", "goodsQuantity": "十", "goodsUnit": "床", "valuationBasis": "发票"}),
            "goodsQuantity",
        ),
        (
            json!({"giftKind": "money", "amount": "5.00", "channel": "cash", "donorKind": "anonymous", "fundId": "00000000-0000-7000-8000-000000000000"}),
            "fundId",
        ),
        (
            json!({"giftKind": "money", "amount": "5.00", "channel": "cash", "donorKind": "anonymous", "donorEmail": "not-an-email"}),
            "donorEmail",
        ),
    ] {
        let body = app
            .graphql_error(Some(&staff), RECORD, json!({"i": gift}), "VALIDATION")
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let overscale = app
        .graphql(Some(&staff), RECORD, json!({"i": money_gift("1.001")}))
        .await;
    assert!(
        overscale["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("two decimals"),
        "{overscale}"
    );
    // Only the staff of a charity record gifts.
    let donor = app.login("liuzhou.donor").await;
    assert_error(
        &app.graphql(Some(&donor), RECORD, json!({"i": money_gift("5.00")}))
            .await,
        "FORBIDDEN",
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM donation").await, before);
}

#[tokio::test]
async fn a_donor_pledges_online_and_the_charity_confirms_it() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let donor = app.login("liuzhou.donor").await;
    let org = app.organization_id("柳州市慈善总会").await;
    let pledge = "mutation($i: PledgeInput!) { pledgeDonation(input: $i) { id status receiptNumber } }";
    let body = app
        .graphql(
            Some(&donor),
            pledge,
            json!({"i": {"organizationId": org, "amount": "66.00", "channel": "alipay"}}),
        )
        .await;
    assert_eq!(body["data"]["pledgeDonation"]["status"], "pledged", "{body}");
    assert!(body["data"]["pledgeDonation"]["receiptNumber"].is_null());
    let id = body["data"]["pledgeDonation"]["id"].clone();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'pledge_received'")
            .await,
        1
    );

    let confirmed = app
        .graphql(
            Some(&staff),
            "mutation($id: UUID!) { confirmPledge(id: $id) { verificationCode donation { status receiptNumber } } }",
            json!({"id": id}),
        )
        .await;
    let c = &confirmed["data"]["confirmPledge"];
    assert_eq!(c["donation"]["status"], "confirmed", "{confirmed}");
    assert!(c["donation"]["receiptNumber"].as_str().is_some());
    assert_error(
        &app.graphql(
            Some(&staff),
            "mutation($id: UUID!) { confirmPledge(id: $id) { verificationCode } }",
            json!({"id": id}),
        )
        .await,
        "CONFLICT",
    );
    // The donor sees it under their donations, with its trace.
    let mine = app
        .graphql(
            Some(&donor),
            "query { donations { edges { node { id status amount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["donations"]["edges"].as_array().unwrap().len(),
        1,
        "{mine}"
    );
    let trace = app
        .graphql(
            Some(&donor),
            "query($id: UUID!) { donationTrace(id: $id) { gift { amount } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(trace["data"]["donationTrace"]["gift"]["amount"], "66.00", "{trace}");
    // Another donor cannot read it.
    let other = app
        .graphql(
            Some(&staff),
            "query($id: UUID!) { donation(id: $id) { id } }",
            json!({"id": id}),
        )
        .await;
    assert!(other["errors"].is_null());
    let nanning_donor = app.login("nanning.donor").await;
    assert_error(
        &app.graphql(
            Some(&nanning_donor),
            "query($id: UUID!) { donationTrace(id: $id) { allocated } }",
            json!({"id": id}),
        )
        .await,
        "NOT_FOUND",
    );
}

#[tokio::test]
async fn a_million_gifts_of_one_fen_sum_to_exactly_ten_thousand_yuan() {
    let app = spawn_app().await;
    // Guilin's demo has no gifts in 2019, so that year's totals are exactly
    // what goes in here.
    let org = "(SELECT id FROM organization WHERE name = '桂林市慈善总会')";
    let tenant = "(SELECT id FROM tenant WHERE slug = 'guilin')";
    let today = chrono::NaiveDate::from_ymd_opt(2019, 6, 15).unwrap();
    let region = app.login("guangxi.region_official").await;
    let guilin_money = || async {
        let cities = app
            .graphql(
                Some(&region),
                "query { regionDonationTotals { citySlug figures { money } } }",
                json!({}),
            )
            .await;
        let guilin = cities["data"]["regionDonationTotals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["citySlug"] == "guilin")
            .unwrap()
            .clone();
        guilin["figures"]["money"]
            .as_str()
            .unwrap()
            .parse::<service::Money>()
            .unwrap()
    };
    let before = guilin_money().await;
    let insert = if app.is_postgres() {
        format!(
            "INSERT INTO donation (tenant_id, id, organization_id, entry, status, gift_kind, amount_fen, channel, external_reference,
                goods_description, goods_quantity, goods_unit, valuation_basis, donor_kind, donor_name, disclose, unallocated_fen,
                received_on, note, created_at)
             SELECT {tenant}, gen_random_uuid(), {org}, 'gift', 'confirmed', 'money', 1, 'wechat_pay', '', '', '', '', '',
                'anonymous', '匿名', false, 0, DATE '{today}', '', now() FROM generate_series(1, 1000000)"
        )
    } else {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
             INSERT INTO donation (tenant_id, id, organization_id, entry, status, gift_kind, amount_fen, channel, external_reference,
                goods_description, goods_quantity, goods_unit, valuation_basis, donor_kind, donor_name, disclose, unallocated_fen,
                received_on, note, created_at)
             SELECT {tenant}, randomblob(16), {org}, 'gift', 'confirmed', 'money', 1, 'wechat_pay', '', '', '', '', '',
                'anonymous', '匿名', 0, 0, '{today}', '', '{today}T00:00:00Z' FROM n"
        )
    };
    sea_orm::ConnectionTrait::execute_unprepared(&app.owner, &insert)
        .await
        .unwrap();
    // A bulk load outside the service, so the running tallies are recounted
    // as an operator would after one.
    migration::rebuild_donation_tally(&app.owner).await.unwrap();
    let official = app.login("guilin.city_official").await;
    let totals = app
        .graphql(
            Some(&official),
            "query($y: Int) { donationTotals(year: $y) { overall { money goods gifts } byChannel { channel figures { money } } byOrganization { name figures { money } } byMonth { month figures { money gifts } } } }",
            json!({"y": today.year()}),
        )
        .await;
    let t = &totals["data"]["donationTotals"];
    assert_eq!(
        t["overall"],
        json!({"money": "10000.00", "goods": "0.00", "gifts": 1_000_000}),
        "{totals}"
    );
    assert_eq!(
        t["byChannel"],
        json!([{"channel": "wechat_pay", "figures": {"money": "10000.00"}}])
    );
    assert_eq!(t["byOrganization"][0]["figures"]["money"], "10000.00");
    assert_eq!(t["byMonth"][0]["figures"]["gifts"], 1_000_000);
    // The region's figures (all years) grew by exactly as much.
    assert_eq!(
        guilin_money().await.fen() - before.fen(),
        1_000_000,
        "ten thousand yuan more"
    );
}

#[tokio::test]
async fn the_spending_rule_check_lists_charities_out_of_bounds() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let staff = app.login("liuzhou.org_staff").await;
    let last_year = chrono::Utc::now().year() - 1;
    let check = "query($y: Int!, $o: Boolean!) { spendingRuleCheck(year: $y, outOfBoundsOnly: $o) { organizationName withinBounds rule spendingOk managementOk managementExempt findings } }";
    let out = app
        .graphql(Some(&official), check, json!({"y": last_year, "o": true}))
        .await;
    let names: Vec<&str> = out["data"]["spendingRuleCheck"]
        .as_array()
        .unwrap_or_else(|| panic!("{out}"))
        .iter()
        .map(|r| r["organizationName"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.starts_with("柳州市")),
        "{out}"
    );
    let all = app
        .graphql(Some(&official), check, json!({"y": last_year, "o": false}))
        .await;
    assert!(all["data"]["spendingRuleCheck"].as_array().unwrap().len() > names.len());

    // The federation (a social group with public fundraising: 70% of last
    // year's income, management at most 13%) files figures on the boundary.
    let org = app.organization_id("柳州市慈善总会").await;
    let file = "mutation($o: UUID!, $y: Int!, $i: FinancialStatementInput!) { submitFinancialStatement(organizationId: $o, year: $y, input: $i) { year } }";
    let figures = |income: &str, charitable: &str, management: &str, total: &str| json!({"totalIncome": income, "charitableSpending": charitable, "managementCost": management, "totalSpending": total, "netAssets": "5000000.00"});
    // The three years before have the same income, so the three-year
    // average asks as much as last year alone.
    for (year, f) in [
        (
            last_year - 3,
            figures("3000000.01", "2000000.00", "100000.00", "2500000.00"),
        ),
        (
            last_year - 2,
            figures("3000000.01", "2000000.00", "100000.00", "2500000.00"),
        ),
        (
            last_year - 1,
            figures("3000000.01", "2000000.00", "100000.00", "2500000.00"),
        ),
        (
            last_year,
            figures("3200000.00", "2100000.01", "390000.00", "3000000.00"),
        ),
    ] {
        let body = app
            .graphql(Some(&staff), file, json!({"o": org, "y": year, "i": f}))
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let find = |body: &Value| {
        body["data"]["spendingRuleCheck"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["organizationName"] == "柳州市慈善总会")
            .cloned()
    };
    let at_boundary = find(
        &app.graphql(Some(&official), check, json!({"y": last_year, "o": false}))
            .await,
    )
    .unwrap();
    // 70% of 3,000,000.01 is 2,100,000.007: 2,100,000.01 is just enough;
    // 13% of 3,000,000.00 is 390,000.00: exactly at the cap.
    assert_eq!(at_boundary["withinBounds"], true, "{at_boundary}");
    let over = figures("3200000.00", "2100000.00", "390000.01", "3000000.00");
    app.graphql(Some(&staff), file, json!({"o": org, "y": last_year, "i": over}))
        .await;
    let failed = find(
        &app.graphql(Some(&official), check, json!({"y": last_year, "o": true}))
            .await,
    )
    .unwrap();
    assert_eq!(
        (failed["spendingOk"].as_bool(), failed["managementOk"].as_bool()),
        (Some(false), Some(false)),
        "{failed}"
    );
    assert_eq!(failed["findings"].as_array().unwrap().len(), 2);
    // Inconsistent figures are refused with the field named.
    let bad = app
        .graphql(
            Some(&staff),
            file,
            json!({"o": org, "y": last_year, "i": figures("1.00", "2.00", "1.00", "2.00")}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "totalSpending", "{bad}");
    assert_error(
        &app.graphql(Some(&staff), check, json!({"y": last_year, "o": true}))
            .await,
        "FORBIDDEN",
    );
}

#[tokio::test]
async fn the_demo_reproduces_nannings_funds_and_liuzhous_campaigns() {
    let app = spawn_app().await;
    let funds = app
        .graphql(
            None,
            "query { funds(tenant: \"nanning\", first: 100) { edges { node { id raised disbursed balance } } } }",
            json!({}),
        )
        .await;
    let edges = funds["data"]["funds"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{funds}"));
    assert_eq!(edges.len(), 76);
    let fen = |v: &Value| -> i64 { v.as_str().unwrap().replace('.', "").parse().unwrap() };
    let raised: i64 = edges.iter().map(|e| fen(&e["node"]["raised"])).sum();
    assert_eq!(raised, 95_610_000, "76 funds raised 956,100.00 yuan");
    for e in edges {
        assert!(fen(&e["node"]["disbursed"]) > 0, "every fund has disbursements: {e}");
        assert_eq!(
            fen(&e["node"]["raised"]) - fen(&e["node"]["disbursed"]),
            fen(&e["node"]["balance"])
        );
    }
    // Every demo receipt is traceable with the demo code.
    let receipt = app
        .scalar_string("SELECT receipt_number FROM donation WHERE receipt_number IS NOT NULL AND fund_id IS NOT NULL ORDER BY receipt_number LIMIT 1")
        .await;
    let trace = app
        .graphql(
            None,
            TRACE,
            json!({"t": "nanning", "r": receipt, "c": service::seed::DEMO_VERIFICATION_CODE}),
        )
        .await;
    assert!(
        !trace["data"]["traceDonation"]["uses"]
            .as_array()
            .unwrap_or_else(|| panic!("{trace}"))
            .is_empty()
    );

    let campaigns = app
        .graphql(
            None,
            "query { campaigns(tenant: \"liuzhou\") { name raisedMoney raisedGoods matched matchSponsor } }",
            json!({}),
        )
        .await;
    let list = campaigns["data"]["campaigns"].as_array().unwrap();
    assert_eq!(
        list.iter()
            .filter(|c| c["name"].as_str().unwrap().ends_with("慈善一日捐"))
            .count(),
        2,
        "{campaigns}"
    );
    assert_eq!(
        list.iter()
            .filter(|c| c["name"].as_str().unwrap().ends_with("99公益日"))
            .count(),
        2
    );
    for c in list
        .iter()
        .filter(|c| c["name"].as_str().unwrap().ends_with("99公益日"))
    {
        assert_eq!(
            c["matched"],
            c["raisedMoney"]
                .as_str()
                .map(|m| format!("{:.2}", m.parse::<f64>().unwrap() / 2.0))
                .unwrap(),
            "{c}"
        );
    }
    // The ledger's running totals match the ledger itself in every fund.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM charity_fund f WHERE f.raised_fen <> (SELECT CAST(SUM(amount_fen) AS BIGINT) FROM donation d WHERE d.fund_id = f.id)").await,
        0
    );
}

/// A fund of the demo charity with 100.00 in it and a request for 40.00;
/// returns the request's id.
pub async fn requested_disbursement(app: &TestApp, staff: &str, fund_name: &str) -> String {
    let fund = create_fund(app, staff, fund_name).await;
    record(app, staff, merge(money_gift("100.00"), json!({"fundId": fund}))).await;
    let body = request(app, staff, &fund, "40.00", "children").await;
    body["data"]["requestDisbursement"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// A new Liuzhou donor pledges 20.00 to the demo charity; returns the
/// pledge's id.
pub async fn pledged(app: &TestApp, username: &str) -> String {
    let token = new_donor(app, username).await;
    let org = app.organization_id("柳州市慈善总会").await;
    let body = app
        .graphql(
            Some(&token),
            "mutation($i: PledgeInput!) { pledgeDonation(input: $i) { id } }",
            json!({"i": {"organizationId": org, "amount": "20.00", "channel": "wechat_pay"}}),
        )
        .await;
    body["data"]["pledgeDonation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// A new Liuzhou donor account, signed in; returns the token.
pub async fn new_donor(app: &TestApp, username: &str) -> String {
    let official = app.login("liuzhou.city_official").await;
    app.new_user(
        &official,
        "liuzhou",
        json!({"username": username, "displayName": "网上捐赠人", "email": format!("{username}@example.org"),
            "password": "pledge-pass-1", "role": "donor"}),
    )
    .await
}

#[tokio::test]
async fn the_receipt_email_link_opens_a_trace_page_without_the_donors_name() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let reviewer = second_staff(&app, "liuzhou").await;
    let fund = create_fund(&app, &staff, "网页查询基金").await;
    let gift = json!({"giftKind": "money", "amount": "500.00", "channel": "alipay", "donorKind": "individual",
        "donorName": SECRET_DONOR, "donorEmail": "page@example.org", "fundId": fund});
    let recorded = record(&app, &staff, gift).await;
    let id = request(&app, &staff, &fund, "120.00", "education").await["data"]["requestDisbursement"]["id"].clone();
    app.graphql(Some(&reviewer), APPROVE, json!({"id": id})).await;

    // The link in the email, with the code the donor types.
    let email = app
        .scalar_string("SELECT text_body FROM email_outbox WHERE recipient = 'page@example.org'")
        .await;
    let link = email
        .lines()
        .find(|l| l.contains("/liuzhou/trace?receipt="))
        .unwrap()
        .trim()
        .to_owned();
    let path = &link[link.find("/liuzhou/").unwrap()..];
    let code = recorded["verificationCode"].as_str().unwrap();
    let get = |url: String| {
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let form = get(format!("{}{path}", app.address)).await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains(recorded["donation"]["receiptNumber"].as_str().unwrap()),
        "the number is filled in"
    );

    let found = get(format!("{}{path}&code={code}", app.address)).await;
    assert_eq!(found.status(), 200);
    let html = found.text().await.unwrap();
    assert!(
        html.contains("助学") && html.contains("张*") && html.contains("¥120.00") && html.contains("¥380.00"),
        "{html}"
    );
    assert!(
        html.contains("爱心人士") && !html.contains(SECRET_DONOR) && !html.contains("张三丰"),
        "{html}"
    );

    let wrong = get(format!("{}{path}&code=AAAAAAAA", app.address)).await;
    assert_eq!(wrong.status(), 404);
    assert!(wrong.text().await.unwrap().contains("没有找到这张捐赠回执"));
    assert_eq!(get(format!("{}/atlantis/trace", app.address)).await.status(), 404);
}

/// A gift names the donation station that took it: the organization's own,
/// open that day; the public sees what each station took. A special fund
/// needs no community.
#[tokio::test]
async fn a_station_takes_gifts_while_open_and_the_public_sees_its_total() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let create = "mutation($i: DonationStationInput!) { createDonationStation(input: $i) { id openedOn closedOn } }";
    let station = app
        .graphql(
            Some(&staff),
            create,
            json!({"i": {"name": "鱼峰区五里亭社会慈善捐助站", "district": "鱼峰区", "address": "柳州市鱼峰区五里亭路8号", "openedOn": "2026-01-05"}}),
        )
        .await;
    let id = station["data"]["createDonationStation"]["id"].clone();
    assert!(id.is_string(), "{station}");
    assert_error(
        &app.graphql(
            Some(&staff),
            create,
            json!({"i": {"name": "鱼峰区五里亭社会慈善捐助站", "district": "鱼峰区", "address": "另一处"}}),
        )
        .await,
        "CONFLICT",
    );
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .date_naive()
        .to_string();
    let future = app
        .graphql(
            Some(&staff),
            create,
            json!({"i": {"name": "未开放捐助站", "district": "鱼峰区", "address": "x", "openedOn": tomorrow}}),
        )
        .await;
    assert_eq!(future["errors"][0]["extensions"]["field"], "openedOn", "{future}");

    let at_station = |received_on: &str| {
        merge(
            money_gift("88.00"),
            json!({"channel": "cash", "stationId": id, "receivedOn": received_on}),
        )
    };
    let gift = record(&app, &staff, at_station("2026-02-01")).await;
    assert!(gift["donation"]["receiptNumber"].is_string());
    // Before the station opened: refused, beside the station.
    let early = app
        .graphql(Some(&staff), RECORD, json!({"i": at_station("2025-12-31")}))
        .await;
    assert_eq!(early["errors"][0]["extensions"]["field"], "stationId", "{early}");
    assert!(
        early["errors"][0]["extensions"]["messageZh"]
            .as_str()
            .unwrap()
            .contains("捐助站")
    );
    // Another organization's station: not found among its own.
    let other = app.login("guilin.org_staff").await;
    let foreign = app
        .graphql(Some(&other), RECORD, json!({"i": at_station("2026-02-01")}))
        .await;
    assert_eq!(foreign["errors"][0]["extensions"]["field"], "stationId", "{foreign}");

    let public = "{ donationStations(tenant: \"liuzhou\") { name gifts money closedOn } }";
    let listed = app.graphql(None, public, json!({})).await;
    let mine = listed["data"]["donationStations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "鱼峰区五里亭社会慈善捐助站")
        .unwrap()
        .clone();
    assert_eq!(
        (mine["gifts"].as_i64(), mine["money"].as_str()),
        (Some(1), Some("88.00"))
    );

    // Closed from today: no more gifts, and the count stays.
    let close = "mutation($id: UUID!) { closeDonationStation(id: $id) { closedOn } }";
    let closed = app.graphql(Some(&staff), close, json!({"id": id})).await;
    assert!(
        closed["data"]["closeDonationStation"]["closedOn"].is_string(),
        "{closed}"
    );
    assert_error(&app.graphql(Some(&staff), close, json!({"id": id})).await, "CONFLICT");
    let today = service::clock::today().to_string();
    let after = app
        .graphql(Some(&staff), RECORD, json!({"i": at_station(&today)}))
        .await;
    assert_eq!(after["errors"][0]["extensions"]["field"], "stationId", "{after}");
    let listed = app.graphql(None, public, json!({})).await;
    assert!(listed.to_string().contains("\"gifts\":1"), "{listed}");

    // A special fund is named for its cause, not a community.
    let special = app
        .graphql(
            Some(&staff),
            "mutation { createFund(input: {name: \"困境儿童助学专项基金\", kind: special}) { kind community } }",
            json!({}),
        )
        .await;
    assert_eq!(special["data"]["createFund"]["kind"], "special", "{special}");
    let community = app
        .graphql(
            Some(&staff),
            "mutation { createFund(input: {name: \"无社区的社区基金\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        community["errors"][0]["extensions"]["field"], "community",
        "{community}"
    );
}
