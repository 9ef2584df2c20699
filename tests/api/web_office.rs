//! The bureau's pages over HTTP with a cookie jar: acting on the queues,
//! an organization's record and supervision, the audit trail, the
//! fee-reduction period with its downloads, and relief cases with their
//! referrals.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::web::{browser, hidden, page_text, post_form, sign_in, status_of};

const LIUZHOU: &str = "(SELECT id FROM tenant WHERE slug = 'liuzhou')";

async fn official(app: &TestApp) -> (reqwest::Client, String) {
    let client = browser();
    sign_in(app, &client, "liuzhou", "liuzhou.city_official", "shanlian-demo").await;
    let desk = page_text(&client, format!("{}/liuzhou/office", app.address)).await;
    let csrf = hidden(&desk, "csrf");
    (client, csrf)
}

#[tokio::test]
async fn an_official_works_the_queues_from_the_desk() {
    let app = spawn_app().await;
    let (client, csrf) = official(&app).await;
    let base = format!("{}/liuzhou/office", app.address);
    let id = app
        .scalar_string(&format!(
            "SELECT id FROM registration_application WHERE status = 'submitted' AND tenant_id = {LIUZHOU} ORDER BY id LIMIT 1"
        ))
        .await;
    let name = app
        .scalar_string(&format!(
            "SELECT name FROM registration_application WHERE id = {id_sql}",
            id_sql = app.sql_id(&id)
        ))
        .await;
    let act = |action: &str, reason: &str| {
        client
            .post(format!("{base}/applications/{id}/{action}"))
            .form(&[("csrf", csrf.as_str()), ("reason", reason)])
            .send()
    };
    // Approval before acceptance is refused by the workflow.
    assert_eq!(act("approve", "").await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(act("accept", "").await.unwrap().status(), StatusCode::SEE_OTHER);
    let desk = page_text(&client, &base).await;
    assert!(desk.contains(&format!("approve-application-{id}")), "{desk}");
    // The desk links to the application, which shows what was applied for.
    assert!(
        desk.contains(&format!(r#"href="/liuzhou/office/applications/{id}""#)),
        "{desk}"
    );
    let application = page_text(&client, format!("{base}/applications/{id}")).await;
    assert!(
        application.contains(&name) && application.contains("确认准予登记") && application.contains("统一社会信用代码"),
        "{application}"
    );
    // Approved, the official is taken to the new record, with its code.
    let approved = act("approve", "").await.unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let record = approved.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        record.starts_with("/liuzhou/office/organizations/") && record.ends_with("?done=registration_approved"),
        "{record}"
    );
    let organization = record
        .trim_start_matches("/liuzhou/office/organizations/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let record = page_text(&client, format!("{}{record}", app.address)).await;
    let code = app
        .scalar_string(&format!("SELECT credit_code FROM organization WHERE name = '{name}'"))
        .await;
    assert!(record.contains("已准予登记") && record.contains(&code), "{record}");
    // Its audit trail, from its record, holds the registration that made it.
    let trail_link = format!("/liuzhou/office/audit?organization={organization}");
    assert!(record.contains(&trail_link), "{record}");
    let trail = page_text(&client, format!("{}{trail_link}", app.address)).await;
    assert!(
        trail.contains("registration.approve") && trail.contains("准予登记"),
        "{trail}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM organization WHERE name = '{name}' AND tenant_id = {LIUZHOU}"
        ))
        .await,
        1
    );
    // A forged form changes nothing.
    let other = app
        .scalar_string(&format!(
            "SELECT id FROM registration_application WHERE status = 'submitted' AND tenant_id = {LIUZHOU} ORDER BY id LIMIT 1"
        ))
        .await;
    let forged = post_form(
        &client,
        format!("{base}/applications/{other}/accept"),
        &[("csrf", "forged")],
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar_string(&format!(
            "SELECT status FROM registration_application WHERE id = {other_sql}",
            other_sql = app.sql_id(&other)
        ))
        .await,
        "submitted"
    );

    // An email that gave up is listed and sent back to the queue.
    let sql = format!(
        "UPDATE email_outbox SET status = 'dead', last_error = '550 mailbox unavailable' WHERE id = (SELECT id FROM email_outbox WHERE tenant_id = {LIUZHOU} ORDER BY id LIMIT 1)"
    );
    sea_orm::ConnectionTrait::execute_unprepared(&app.owner, &sql)
        .await
        .unwrap();
    let dead = app
        .scalar_string(&format!(
            "SELECT id FROM email_outbox WHERE status = 'dead' AND tenant_id = {LIUZHOU}"
        ))
        .await;
    let desk = page_text(&client, &base).await;
    assert!(
        desk.contains("550 mailbox unavailable") && desk.contains(&format!("retry-{dead}")),
        "{desk}"
    );
    let retried = post_form(
        &client,
        format!("{base}/emails/{dead}/retry"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(retried.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_string(&format!(
            "SELECT status FROM email_outbox WHERE id = {dead_sql}",
            dead_sql = app.sql_id(&dead)
        ))
        .await,
        "pending"
    );
    // A charity that let a referral's deadline pass is on the desk, with a
    // link to the case.
    let head = crate::relief::id_number("450202", "19420202", 63);
    let (case, referral, _) =
        crate::relief::referred(&app, &head, json!([{"kind": "service", "service": "daily_care"}]), &[]).await;
    let sql = format!(
        "UPDATE referral SET deadline = '2020-01-01' WHERE id = {}",
        app.sql_id(&referral)
    );
    sea_orm::ConnectionTrait::execute_unprepared(&app.owner, &sql)
        .await
        .unwrap();
    let desk = page_text(&client, &base).await;
    assert!(
        desk.contains("2020-01-01") && desk.contains(&format!("/liuzhou/office/cases/{case}")),
        "{desk}"
    );
    // Staff cannot act on the bureau's queues.
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let page = page_text(&staff, format!("{}/liuzhou/workspace/donations", app.address)).await;
    let staff_csrf = hidden(&page, "csrf");
    let refused = post_form(
        &staff,
        format!("{base}/applications/{other}/accept"),
        &[("csrf", staff_csrf.as_str())],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_official_reads_an_organization_lists_it_and_finds_it_in_the_audit_trail() {
    let app = spawn_app().await;
    let (client, csrf) = official(&app).await;
    let found = page_text(
        &client,
        format!("{}/liuzhou/office/organizations?q=慈善总会", app.address),
    )
    .await;
    let org = app.organization_id("柳州市慈善总会").await;
    assert!(
        found.contains(&format!("/liuzhou/office/organizations/{org}")),
        "{found}"
    );
    assert!(
        !found.contains("南宁市"),
        "another city's organizations never show: {found}"
    );
    let url = format!("{}/liuzhou/office/organizations/{org}", app.address);
    let page = page_text(&client, &url).await;
    assert!(
        page.contains("成立登记") && page.contains("柳州市慈善总会"),
        "the history: {page}"
    );

    let list = |reason: &str| {
        client
            .post(format!("{url}/list-abnormal"))
            .form(&[("csrf", csrf.as_str()), ("reason", reason)])
            .send()
    };
    let no_reason = list(" ").await.unwrap();
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text().await.unwrap().contains("请填写原因"));
    assert_eq!(
        list("通过登记的住所无法联系").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let page = page_text(&client, &url).await;
    assert!(
        page.contains("通过登记的住所无法联系") && page.contains("移出名录"),
        "{page}"
    );
    let listing = app
        .scalar_string(&format!(
            "SELECT id FROM supervision_listing WHERE organization_id = {org_sql} AND removed_on IS NULL",
            org_sql = app.sql_id(&org)
        ))
        .await;
    let removed = post_form(
        &client,
        format!("{url}/remove"),
        &[
            ("csrf", csrf.as_str()),
            ("listing", listing.as_str()),
            ("reason", "已恢复联系"),
        ],
    )
    .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM supervision_listing WHERE organization_id = {org_sql} AND removed_on IS NOT NULL",
            org_sql = app.sql_id(&org)
        ))
        .await,
        1
    );

    // Both acts are in the trail, found by action; a bad date is explained.
    let audit = format!("{}/liuzhou/office/audit", app.address);
    let trail = page_text(&client, format!("{audit}?action=supervision.list")).await;
    assert!(
        trail.contains(&listing) && !trail.contains("supervision.remove"),
        "{trail}"
    );
    // Read as people read it: the act in words, the official by name.
    let official = app
        .scalar_string("SELECT display_name FROM app_user WHERE username = 'liuzhou.city_official'")
        .await;
    assert!(
        trail.contains("列入名录") && trail.contains(&official) && trail.contains("市民政局工作人员"),
        "{trail}"
    );
    // Found by what people call the act, too.
    let words = page_text(&client, format!("{audit}?action=列入名录")).await;
    assert!(
        words.contains(&listing) && words.contains("supervision.list") && !words.contains("supervision.remove"),
        "{words}"
    );
    let nothing = page_text(&client, format!("{audit}?action=没有这种操作")).await;
    assert!(
        !nothing.contains("supervision.list") && nothing.contains("暂无"),
        "{nothing}"
    );
    let today = service::clock::today();
    let window = format!(
        "{audit}?entity_type=supervision_listing&from={}&to={}",
        today.pred_opt().unwrap(),
        today.succ_opt().unwrap()
    );
    let trail = page_text(&client, &window).await;
    assert!(
        trail.contains("supervision.list") && trail.contains("supervision.remove"),
        "{trail}"
    );
    let past = page_text(
        &client,
        format!("{audit}?entity_type=supervision_listing&to=2001-01-01"),
    )
    .await;
    assert!(!past.contains("supervision.remove"), "{past}");
    // Every list of the desk pages back to its first page, keeping its filter.
    let nil = "00000000-0000-0000-0000-000000000000";
    for (path, filter, after) in [
        ("office/audit", "action=%E5%88%97%E5%85%A5%E5%90%8D%E5%BD%95", "1"),
        ("office/cases", "status=open&district=", nil),
        ("office/organizations", "q=%E5%8D%8F%E4%BC%9A", nil),
        ("office/users", "role=donor", nil),
    ] {
        let later = page_text(
            &client,
            format!("{}/liuzhou/{path}?{filter}&after={after}", app.address),
        )
        .await;
        // (The page writes the link's `&` as `&amp;`, as HTML does.)
        // The link keeps the filter (and may add the form's empty fields).
        let back = format!(r#"<a href="/liuzhou/{path}?{}"#, filter.replace('&', "&amp;"));
        let link = later.find(&back).map(|at| &later[at..]).unwrap_or_default();
        assert!(
            link.split("</a>").next().is_some_and(|a| a.ends_with(">第一页")),
            "{path}: {back} in {later}"
        );
    }
    let bad = page_text(&client, format!("{audit}?from=01/02/2026")).await;
    assert!(bad.contains("日期格式应为 2026-11-26"), "{bad}");
    // Nanning's official does not see Liuzhou's trail.
    let nanning = browser();
    sign_in(&app, &nanning, "nanning", "nanning.city_official", "shanlian-demo").await;
    let theirs = page_text(
        &nanning,
        format!("{}/nanning/office/audit?action=supervision.list", app.address),
    )
    .await;
    assert!(!theirs.contains(&listing), "{theirs}");
    assert_eq!(
        status_of(&nanning, &url).await,
        StatusCode::FORBIDDEN,
        "another city's official"
    );
}

#[tokio::test]
async fn an_official_sees_a_periods_totals_and_downloads_them() {
    let app = spawn_app().await;
    let official_token = app.login("liuzhou.city_official").await;
    let period = crate::fee_reductions::open_period(&app, &official_token, 20).await;
    let staff = crate::relief::staff_of(&app, "liuzhou", "柳州市汽车工业协会", "liuzhou.auto.web").await;
    let report = crate::fee_reductions::draft(&app, &staff, &period, "柳州市汽车工业协会").await;
    let submitted = app
        .graphql(Some(&staff), crate::fee_reductions::SUBMIT, json!({"id": report}))
        .await;
    assert!(submitted["errors"].is_null(), "{submitted}");
    let approved = app
        .graphql(
            Some(&official_token),
            crate::fee_reductions::APPROVE,
            json!({"id": report}),
        )
        .await;
    assert!(approved["errors"].is_null(), "{approved}");

    let (client, _) = official(&app).await;
    let url = format!("{}/liuzhou/office/fee-periods", app.address);
    let page = page_text(&client, &url).await;
    assert!(
        page.contains("柳州市汽车工业协会") && page.contains("<svg") && page.contains("会费") && page.contains("¥1.00"),
        "{page}"
    );
    assert!(page.contains(&format!("{period}.xlsx")) && page.contains(&format!("{period}.csv")));
    let csv = client.get(format!("{url}/{period}.csv")).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.bytes().await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "Excel reads it as UTF-8");
    assert!(String::from_utf8_lossy(&csv).contains("柳州市汽车工业协会"));
    let xlsx = client.get(format!("{url}/{period}.xlsx")).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let xlsx = xlsx.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    assert_eq!(
        status_of(&client, format!("{url}/{period}.pdf")).await,
        StatusCode::NOT_FOUND
    );
    // Staff have no downloads of the city's figures.
    let association = browser();
    sign_in(&app, &association, "liuzhou", "liuzhou.auto.web", "staff-pass-12").await;
    assert_eq!(
        status_of(&association, format!("{url}/{period}.csv")).await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_official_refers_a_case_to_a_suggested_charity_and_closes_it() {
    let app = spawn_app().await;
    let official_token = app.login("liuzhou.city_official").await;
    let head = crate::relief::id_number("450202", "19380405", 52);
    let case = app
        .graphql(
            Some(&official_token),
            crate::relief::REGISTER,
            json!({"i": crate::relief::household(&head)}),
        )
        .await;
    let case = case["data"]["registerReliefCase"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}"))
        .to_owned();
    let head_name = app
        .scalar_string(&format!(
            "SELECT name FROM relief_person WHERE case_id = {case_sql} AND position = 1",
            case_sql = app.sql_id(&case)
        ))
        .await;
    let (client, csrf) = official(&app).await;
    let reads = format!("SELECT COUNT(*) FROM audit_log WHERE action = 'relief_case.read' AND tenant_id = {LIUZHOU}");
    let before = app.count(&reads).await;
    let list = page_text(&client, format!("{}/liuzhou/office/cases?status=open", app.address)).await;
    assert!(list.contains(&head_name), "officials read names in full: {list}");
    assert_eq!(app.count(&reads).await, before + 1, "the read is audited");

    let url = format!("{}/liuzhou/office/cases/{case}", app.address);
    let page = page_text(&client, &url).await;
    let key = hidden(&page, "idempotency_key");
    // Who read the household in full: the list that showed it, this page.
    let reader = app
        .scalar_string("SELECT display_name FROM app_user WHERE username = 'liuzhou.city_official'")
        .await;
    let who_read = &page[page.find("查阅记录").unwrap_or_else(|| panic!("{page}"))..];
    assert_eq!(who_read.matches(&reader).count(), 2, "{who_read}");
    assert!(
        who_read.contains("救助家庭列表") && who_read.contains("本户详情页"),
        "{who_read}"
    );
    let deadline = (service::clock::today() + chrono::Duration::days(5)).to_string();
    let refer = |amount: &str| {
        client
            .post(format!("{url}/referrals"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("idempotency_key", key.as_str()),
                ("need_0_kind", "money"),
                ("need_0_amount", amount),
                ("need_1_kind", "service"),
                ("need_1_service", "meal_delivery"),
                ("need_2_kind", ""),
                ("urgency", "urgent"),
                ("deadline", deadline.as_str()),
            ])
            .send()
    };
    // A money need without an amount is refused by the service, and the
    // page says so.
    let no_amount = refer("").await.unwrap();
    assert_eq!(no_amount.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let no_amount = no_amount.text().await.unwrap();
    assert!(no_amount.contains("资金需求请填写大于 0 的金额"), "{no_amount}");
    let wrong = refer("三百").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = wrong.text().await.unwrap();
    assert!(
        wrong.contains(r#"id="need_0_amount-error""#) && wrong.contains(r#"value="三百""#),
        "{wrong}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM referral WHERE case_id = {case_sql}",
            case_sql = app.sql_id(&case)
        ))
        .await,
        0
    );
    assert_eq!(refer("300.00").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(
        refer("300.00").await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "a double submit"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM referral WHERE case_id = {case_sql}",
            case_sql = app.sql_id(&case)
        ))
        .await,
        1
    );
    let referral = app
        .scalar_string(&format!(
            "SELECT id FROM referral WHERE case_id = {case_sql}",
            case_sql = app.sql_id(&case)
        ))
        .await;

    // The suggestions are offered; the official ticks the first.
    let page = page_text(&client, &url).await;
    let marker = r#"name="target" value=""#;
    let start = page.find(marker).unwrap_or_else(|| panic!("no suggestion: {page}")) + marker.len();
    let target = page[start..].split('"').next().unwrap().to_owned();
    let sent = post_form(
        &client,
        format!("{url}/referrals/{referral}/send"),
        &[("csrf", csrf.as_str()), ("target", target.as_str())],
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let org = target.split(':').next().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM referral_target WHERE referral_id = {referral_sql} AND organization_id = {org_sql}",
            referral_sql = app.sql_id(&referral),
            org_sql = app.sql_id(&org)
        ))
        .await,
        1
    );
    let none = post_form(
        &client,
        format!("{url}/referrals/{referral}/send"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY, "nothing ticked");

    let closed = post_form(
        &client,
        format!("{url}/close"),
        &[("csrf", csrf.as_str()), ("outcome", "已纳入特困供养")],
    )
    .await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_string(&format!(
            "SELECT status FROM relief_case WHERE id = {case_sql}",
            case_sql = app.sql_id(&case)
        ))
        .await,
        "closed"
    );
    // Charity staff do not reach the bureau's case pages.
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    assert_eq!(status_of(&staff, &url).await, StatusCode::FORBIDDEN);
}
