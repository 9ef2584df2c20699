//! The NGO workspace and the donor's pages over HTTP with a cookie jar:
//! filtering, voiding and confirming donations, paying a disbursement,
//! the help form's field errors, and the printable receipt.

use reqwest::StatusCode;
use serde_json::json;

use crate::donations::{APPROVE, create_fund, merge, money_gift, pledged, record, request, second_staff};
use crate::helpers::spawn_app;
use crate::web::{browser, hidden, page_text, post_form, sign_in, status_of};

#[tokio::test]
async fn staff_filter_void_and_confirm_donations_in_the_browser() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.org_staff").await;
    let gift = record(
        &app,
        &token,
        merge(money_gift("88.00"), json!({"donorName": "作废测试人"})),
    )
    .await;
    let gift_id = gift["donation"]["id"].as_str().unwrap().to_owned();
    let pledge = pledged(&app, "web.pledger").await;
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let list = format!("{}/liuzhou/workspace/donations", app.address);

    // The filter keeps to the pledges; a date range before any gift is empty.
    let pledges = page_text(&staff, format!("{list}?status=pledged")).await;
    assert!(pledges.contains(&format!("confirm-{pledge}")), "{pledges}");
    assert!(!pledges.contains("作废测试人"), "only pledges: {pledges}");
    let old = page_text(&staff, format!("{list}?from=2001-01-01&to=2001-12-31")).await;
    assert!(!old.contains("作废测试人") && old.contains("暂无"), "{old}");
    let bad = page_text(&staff, format!("{list}?from=yesterday")).await;
    assert!(
        bad.contains("日期格式应为 2026-11-26"),
        "a bad date is explained: {bad}"
    );

    // A void needs a reason, then reverses the gift once.
    let page = page_text(&staff, &list).await;
    let csrf = hidden(&page, "csrf");
    let void = |reason: &'static str| {
        staff
            .post(format!("{list}/{gift_id}/void"))
            .form(&[("csrf", csrf.clone()), ("reason", reason.to_owned())])
            .send()
    };
    let refused = void("").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM donation WHERE reverses_id = {gift_id_sql}",
            gift_id_sql = app.sql_id(&gift_id)
        ))
        .await,
        0
    );
    assert_eq!(void("录入错误").await.unwrap().status(), StatusCode::SEE_OTHER);
    let again = void("录入错误").await.unwrap();
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM donation WHERE reverses_id = {gift_id_sql}",
            gift_id_sql = app.sql_id(&gift_id)
        ))
        .await,
        1
    );
    let page = page_text(&staff, &list).await;
    assert!(
        !page.contains(&format!("void-{gift_id}")),
        "a void gift offers no second void"
    );

    // Confirming the pledge issues its receipt and shows the code once.
    let confirmed = post_form(&staff, format!("{list}/{pledge}/confirm"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let confirmed = confirmed.text().await.unwrap();
    let number = app
        .scalar_string(&format!(
            "SELECT receipt_number FROM donation WHERE id = {pledge_sql} AND status = 'confirmed'",
            pledge_sql = app.sql_id(&pledge)
        ))
        .await;
    assert!(confirmed.contains(&number), "{confirmed}");

    // A forged form is refused and changes nothing.
    let forged = post_form(
        &staff,
        format!("{list}/{pledge}/decline"),
        &[("csrf", "forged"), ("reason", "x")],
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM donation WHERE id = {pledge_sql} AND status = 'confirmed'",
            pledge_sql = app.sql_id(&pledge)
        ))
        .await,
        1
    );

    // The donor prints the receipt; nobody else reads it.
    let donor = browser();
    sign_in(&app, &donor, "liuzhou", "web.pledger", "pledge-pass-1").await;
    let mine = page_text(&donor, format!("{}/liuzhou/my/donations", app.address)).await;
    let receipt_url = format!("{}/liuzhou/my/donations/{pledge}/receipt", app.address);
    assert!(
        mine.contains(&format!("/liuzhou/my/donations/{pledge}/receipt")),
        "{mine}"
    );
    let receipt = donor.get(&receipt_url).send().await.unwrap();
    assert_eq!(receipt.status(), StatusCode::OK);
    let receipt = receipt.text().await.unwrap();
    let code = app
        .scalar_string("SELECT credit_code FROM organization WHERE name = '柳州市慈善总会'")
        .await;
    assert!(
        receipt.contains(&number)
            && receipt.contains("柳州市慈善总会")
            && receipt.contains(&code)
            && receipt.contains("20.00"),
        "{receipt}"
    );
    assert!(
        receipt.contains("@media print"),
        "the receipt prints without the site's header"
    );
    let other = browser();
    sign_in(&app, &other, "liuzhou", "liuzhou.donor", "shanlian-demo").await;
    assert_eq!(status_of(&other, &receipt_url).await, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&staff, &receipt_url).await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_approved_disbursement_is_paid_in_the_browser() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.org_staff").await;
    let fund = create_fund(&app, &token, "付款登记基金").await;
    record(&app, &token, merge(money_gift("100.00"), json!({"fundId": fund}))).await;
    let asked = request(&app, &token, &fund, "30.00", "medical").await;
    let id = asked["data"]["requestDisbursement"]["id"].as_str().unwrap().to_owned();
    let reviewer = second_staff(&app, "liuzhou").await;
    let approved = app.graphql(Some(&reviewer), APPROVE, json!({"id": id})).await;
    assert!(approved["errors"].is_null(), "{approved}");

    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let url = format!("{}/liuzhou/workspace/disbursements", app.address);
    let page = page_text(&staff, &url).await;
    assert!(
        page.contains(&format!("pay-{id}")),
        "an approved request offers its payment: {page}"
    );
    let requester = app
        .scalar_string("SELECT display_name FROM app_user WHERE username = 'liuzhou.org_staff'")
        .await;
    assert!(
        page.contains(&format!("申请人 {requester}")),
        "who asked, by name: {page}"
    );
    let csrf = hidden(&page, "csrf");
    let pay = |reference: &'static str, paid_on: &'static str| {
        staff
            .post(format!("{url}/{id}/pay"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("payment_reference", reference),
                ("paid_on", paid_on),
            ])
            .send()
    };
    // Errors show beside the field in that row's payment form.
    let no_reference = pay("", "").await.unwrap();
    assert_eq!(no_reference.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let no_reference = no_reference.text().await.unwrap();
    assert!(
        no_reference.contains(&format!(r#"id="payment_reference-{id}-error""#))
            && no_reference.contains("请填写付款流水号"),
        "{no_reference}"
    );
    let bad_date = pay("BANK-1", "next week").await.unwrap().text().await.unwrap();
    assert!(
        bad_date.contains(&format!(r#"id="paid_on-{id}-error""#)) && bad_date.contains("日期格式应为"),
        "{bad_date}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM disbursement WHERE id = {id_sql} AND status = 'paid'",
            id_sql = app.sql_id(&id)
        ))
        .await,
        0
    );
    assert_eq!(
        pay("BANK-20261126-7", "").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.scalar_string(&format!(
            "SELECT payment_reference FROM disbursement WHERE id = {id_sql} AND status = 'paid'",
            id_sql = app.sql_id(&id)
        ))
        .await,
        "BANK-20261126-7"
    );
    let page = page_text(&staff, &url).await;
    assert!(
        !page.contains(&format!("pay-{id}")) && page.contains("BANK-20261126-7"),
        "{page}"
    );
}

#[tokio::test]
async fn the_help_form_shows_its_errors_beside_the_field_and_keeps_the_input() {
    let app = spawn_app().await;
    let head = crate::relief::id_number("450202", "19400101", 71);
    let (_, _, targets) =
        crate::relief::referred(&app, &head, json!([{"kind": "service", "service": "bathing"}]), &[]).await;
    let target = &targets[0];
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let url = format!("{}/liuzhou/workspace/referrals", app.address);
    let page = page_text(&staff, &url).await;
    let csrf = hidden(&page, "csrf");
    let accepted = post_form(&staff, format!("{url}/{target}/accept"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let page = page_text(&staff, &url).await;
    let key = hidden(&page, "idempotency_key");
    let help = |times: &'static str, hours: &'static str| {
        staff
            .post(format!("{url}/{target}/assist"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("idempotency_key", key.as_str()),
                ("kind", "service"),
                ("service", "bathing"),
                ("person_times", times),
                ("hours", hours),
                ("delivered_on", ""),
            ])
            .send()
    };
    let wrong = help("two", "1.5").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = wrong.text().await.unwrap();
    assert!(
        wrong.contains(&format!(r#"id="person_times-{target}-error""#)),
        "{wrong}"
    );
    assert!(
        wrong.contains(r#"value="two""#) && wrong.contains(r#"value="1.5""#),
        "the input is kept: {wrong}"
    );
    let too_fine = help("2", "1.555").await.unwrap().text().await.unwrap();
    assert!(
        too_fine.contains(&format!(r#"id="hours-{target}-error""#)),
        "{too_fine}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM assistance WHERE target_id = {target_sql}",
            target_sql = app.sql_id(&target)
        ))
        .await,
        0
    );
    assert_eq!(help("2", "1.5").await.unwrap().status(), StatusCode::SEE_OTHER);
    // The same form again (a double submit) records nothing new.
    assert_eq!(help("2", "1.5").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM assistance WHERE target_id = {target_sql}",
            target_sql = app.sql_id(&target)
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn staff_file_an_annual_report_a_change_and_a_registration_in_the_browser() {
    use chrono::Datelike;
    let app = spawn_app().await;
    // An organization that missed last year's report (the demo lists it).
    let name = app
        .scalar_string(
            "SELECT o.name FROM organization o JOIN supervision_listing l ON l.organization_id = o.id \
             WHERE l.list = 'abnormal' AND l.removed_on IS NULL AND o.tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou') \
             ORDER BY o.name LIMIT 1",
        )
        .await;
    crate::relief::staff_of(&app, "liuzhou", &name, "liuzhou.late").await;
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.late", "staff-pass-12").await;
    let url = format!("{}/liuzhou/workspace/organization", app.address);
    let page = page_text(&staff, &url).await;
    assert!(page.contains(&name) && page.contains("活动异常名录"), "{page}");
    let csrf = hidden(&page, "csrf");
    let last_year = (chrono::Utc::now().year() - 1).to_string();

    // The annual report: the summary is required, then it is filed.
    let report = |summary: &str| {
        staff
            .post(format!("{url}/annual-report"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("year", last_year.as_str()),
                ("summary", summary),
            ])
            .send()
    };
    let empty = report("  ").await.unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains(r#"id="annual-report-summary-error""#)
    );
    assert_eq!(
        report("全年开展助老活动 36 场。").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let org = app.organization_id(&name).await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM annual_report WHERE organization_id = {} AND year = {last_year} AND status = 'submitted'",
            app.sql_id(&org)
        ))
        .await,
        1
    );

    // A change application needs at least one item.
    let page = page_text(&staff, &url).await;
    let key = hidden(
        &page[page.find("/workspace/organization/change").unwrap()..],
        "idempotency_key",
    );
    let change = |representative: &str| {
        staff
            .post(format!("{url}/change"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("idempotency_key", key.as_str()),
                ("name", ""),
                ("legal_representative", representative),
            ])
            .send()
    };
    let nothing = change("").await.unwrap();
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.text().await.unwrap().contains("请至少填写一项变更事项"));
    assert_eq!(change("黄新任").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(
        change("黄新任").await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "a double submit"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM change_application WHERE organization_id = {} AND status = 'submitted'",
            app.sql_id(&org)
        ))
        .await,
        1
    );
    let page = page_text(&staff, &url).await;
    assert!(page.contains("法定代表人") && page.contains("已提交，待审核"), "{page}");

    // A registration application: a bad email is named and the input kept.
    let key = hidden(
        &page[page.find("/workspace/organization/registration").unwrap()..],
        "idempotency_key",
    );
    let apply = |email: &str| {
        staff
            .post(format!("{url}/registration"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("idempotency_key", key.as_str()),
                ("name", "柳州市网上新设协会"),
                ("kind", "social_group"),
                ("business_scope", "社区互助服务"),
                ("registered_address", "柳州市城中区文惠路1号"),
                ("legal_representative", "覃新设"),
                ("supervising_unit", ""),
                ("contact_email", email),
            ])
            .send()
    };
    let bad = apply("not-an-email").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.text().await.unwrap();
    assert!(
        bad.contains(r#"id="registration-contact_email-error""#) && bad.contains(r#"value="柳州市网上新设协会""#),
        "{bad}"
    );
    assert_eq!(
        apply("xinshe@example.org").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM registration_application WHERE name = '柳州市网上新设协会' AND status = 'submitted'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_public_register_is_searchable_and_shows_the_lists() {
    let app = spawn_app().await;
    let client = browser();
    let page = page_text(&client, format!("{}/liuzhou/organizations?q=慈善总会", app.address)).await;
    assert!(page.contains("柳州市慈善总会") && !page.contains("南宁市"), "{page}");
    let listed = page_text(&client, format!("{}/liuzhou/organizations", app.address)).await;
    let abnormal = app
        .count(
            "SELECT COUNT(*) FROM supervision_listing WHERE list = 'abnormal' AND removed_on IS NULL \
             AND tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou')",
        )
        .await;
    assert!(abnormal > 0);
    assert_eq!(listed.matches("活动异常名录").count() as i64, abnormal, "{listed}");
    assert_eq!(
        status_of(&client, format!("{}/atlantis/organizations", app.address)).await,
        StatusCode::NOT_FOUND
    );

    // The count, and "慈善" finds every charity (by name or business scope).
    const LIUZHOU: &str = "tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou') AND status = 'active'";
    let active = app
        .count(&format!("SELECT COUNT(*) FROM organization WHERE {LIUZHOU}"))
        .await;
    assert!(listed.contains(&format!("共找到 {active} 个社会组织")), "{listed}");
    let charities = app
        .count(&format!(
            "SELECT COUNT(*) FROM organization WHERE {LIUZHOU} AND charity_recognized_on IS NOT NULL"
        ))
        .await;
    let only = page_text(&client, format!("{}/liuzhou/organizations?charity=1", app.address)).await;
    assert!(only.contains(&format!("共找到 {charities} 个社会组织")), "{only}");
    let words = page_text(
        &client,
        format!("{}/liuzhou/organizations?q=慈善&charity=1", app.address),
    )
    .await;
    assert!(
        words.contains(&format!("共找到 {charities} 个社会组织")),
        "every charity's name or scope speaks of 慈善: {words}"
    );
    let foundations = app
        .count(&format!(
            "SELECT COUNT(*) FROM organization WHERE {LIUZHOU} AND kind = 'foundation'"
        ))
        .await;
    let kind = page_text(
        &client,
        format!("{}/liuzhou/organizations?kind=foundation", app.address),
    )
    .await;
    assert!(kind.contains(&format!("共找到 {foundations} 个社会组织")), "{kind}");

    // Each organization has a public record, with its lists and reasons.
    let id = app
        .scalar_string(
            "SELECT organization_id FROM supervision_listing WHERE removed_on IS NULL \
             AND tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou') LIMIT 1",
        )
        .await;
    let reason = app
        .scalar_string(&format!(
            "SELECT reason FROM supervision_listing WHERE removed_on IS NULL AND organization_id = {} LIMIT 1",
            app.sql_id(&id)
        ))
        .await;
    assert!(
        listed.contains(&format!(r#"href="/liuzhou/organizations/{id}""#)),
        "{listed}"
    );
    let record = page_text(&client, format!("{}/liuzhou/organizations/{id}", app.address)).await;
    let code = app
        .scalar_string(&format!(
            "SELECT credit_code FROM organization WHERE id = {}",
            app.sql_id(&id)
        ))
        .await;
    assert!(
        record.contains(&code) && record.contains(&reason) && record.contains("年度报告"),
        "{record}"
    );
    // Another city's organization is not found here.
    let nanning = app.organization_id("南宁市慈善总会").await;
    assert_eq!(
        status_of(&client, format!("{}/liuzhou/organizations/{nanning}", app.address)).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_funds_long_lists_page() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.org_staff").await;
    let fund = create_fund(&app, &token, "分页测试基金").await;
    for i in 0..51 {
        let amount = format!("{}.00", 10 + i);
        record(&app, &token, merge(money_gift(&amount), json!({"fundId": fund}))).await;
    }
    let client = browser();
    let url = format!("{}/liuzhou/funds/{fund}", app.address);
    let first = page_text(&client, &url).await;
    // Newest first: the last gift (60.00) is on the first page, the first
    // (10.00) only on the next.
    assert!(first.contains("¥60.00") && !first.contains("¥10.00"), "{first}");
    let marker = "?gifts_after=";
    let start = first.find(marker).unwrap_or_else(|| panic!("no next page: {first}")) + marker.len();
    let after = first[start..].split('#').next().unwrap();
    let second = page_text(&client, format!("{url}?gifts_after={after}")).await;
    assert!(second.contains("¥10.00") && !second.contains("¥60.00"), "{second}");
    assert!(!second.contains(marker), "the last page has no next link");
}

/// Staff open a donation station in the browser (a missing field is shown
/// beside it), record a gift taken there, see it named in the list, and
/// close the station.
#[tokio::test]
async fn staff_open_a_station_record_a_gift_there_and_close_it() {
    let app = spawn_app().await;
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let page_url = format!("{}/liuzhou/workspace/stations", app.address);
    let page = page_text(&staff, &page_url).await;
    let form = |page: &str, name: &str| {
        vec![
            ("csrf", hidden(page, "csrf")),
            ("idempotency_key", hidden(page, "idempotency_key")),
            ("name", name.to_owned()),
            ("district", "柳北区".to_owned()),
            ("address", String::new()),
            ("hours", "周六 9:00—12:00".to_owned()),
            ("opened_on", "2026-03-01".to_owned()),
        ]
    };
    let missing = post_form(&staff, &page_url, &form(&page, "柳北区解放社会慈善捐助站")).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let missing = missing.text().await.unwrap();
    assert!(
        missing.contains(r#"id="address-error""#) && missing.contains(r#"value="柳北区解放社会慈善捐助站""#),
        "{missing}"
    );
    let mut filled = form(&missing, "柳北区解放社会慈善捐助站");
    filled[4].1 = "柳州市柳北区解放北路1号".to_owned();
    let made = post_form(&staff, &page_url, &filled).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    // The same form again (a double submit) opens nothing more.
    post_form(&staff, &page_url, &filled).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM donation_station WHERE name = '柳北区解放社会慈善捐助站'")
            .await,
        1
    );

    // The gift form offers the open station; the list names it.
    let new_gift = page_text(&staff, format!("{}/liuzhou/workspace/donations/new", app.address)).await;
    assert!(new_gift.contains("柳北区解放社会慈善捐助站"), "{new_gift}");
    let station = app
        .scalar_string("SELECT id FROM donation_station WHERE name = '柳北区解放社会慈善捐助站'")
        .await;
    let recorded = post_form(
        &staff,
        format!("{}/liuzhou/workspace/donations/new", app.address),
        &[
            ("csrf", hidden(&new_gift, "csrf")),
            ("idempotency_key", hidden(&new_gift, "idempotency_key")),
            ("gift_kind", "money".to_owned()),
            ("amount", "66.00".to_owned()),
            ("channel", "cash".to_owned()),
            ("donor_kind", "individual".to_owned()),
            ("donor_name", "捐助站捐赠人".to_owned()),
            ("station_id", station.clone()),
            ("received_on", "2026-03-02".to_owned()),
        ],
    )
    .await;
    assert_eq!(recorded.status(), StatusCode::OK, "{}", recorded.text().await.unwrap());
    let list = page_text(&staff, format!("{}/liuzhou/workspace/donations", app.address)).await;
    assert!(list.contains("捐助站: 柳北区解放社会慈善捐助站"), "{list}");

    let page = page_text(&staff, &page_url).await;
    let closed = post_form(
        &staff,
        format!("{page_url}/{station}/close"),
        &[("csrf", hidden(&page, "csrf"))],
    )
    .await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let page = page_text(&staff, &page_url).await;
    assert!(page.contains("已关闭"), "{page}");
    let new_gift = page_text(&staff, format!("{}/liuzhou/workspace/donations/new", app.address)).await;
    assert!(
        !new_gift.contains("柳北区解放社会慈善捐助站"),
        "a closed station takes no gifts"
    );
}

#[tokio::test]
async fn the_inbox_shows_the_household_masked_filters_by_answer_and_help_is_marked_complete() {
    let app = spawn_app().await;
    let head = crate::relief::id_number("450202", "19400101", 72);
    let (_, referral, targets) =
        crate::relief::referred(&app, &head, json!([{"kind": "service", "service": "bathing"}]), &[]).await;
    let target = &targets[0];
    let section = format!(r#"id="r-{referral}""#);
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let url = format!("{}/liuzhou/workspace/referrals", app.address);
    let inbox = page_text(&staff, &url).await;
    // The household as the referral email promised: masked, never named.
    assert!(
        inbox.contains("张*")
            && inbox.contains("李*")
            && inbox.contains("配偶")
            && inbox.contains("最低生活保障 ¥770.00"),
        "{inbox}"
    );
    assert!(
        !inbox.contains("张三丰") && !inbox.contains(&head),
        "no names or numbers: {inbox}"
    );
    let csrf = hidden(&inbox, "csrf");
    let act = |action: &'static str| {
        let staff = staff.clone();
        let to = format!("{url}/{target}/{action}");
        let csrf = csrf.clone();
        async move { post_form(&staff, to, &[("csrf", csrf.as_str())]).await }
    };
    assert_eq!(act("accept").await.status(), StatusCode::SEE_OTHER);
    // Done before any help is on record: refused, said on the page.
    let early = act("complete").await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text().await.unwrap().contains("请先登记帮扶情况"));
    let page = page_text(&staff, &url).await;
    let key = hidden(&page, "idempotency_key");
    let helped = post_form(
        &staff,
        format!("{url}/{target}/assist"),
        &[
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("kind", "service"),
            ("service", "bathing"),
            ("person_times", "2"),
            ("hours", "3"),
        ],
    )
    .await;
    assert_eq!(helped.status(), StatusCode::SEE_OTHER);
    let done = act("complete").await;
    assert_eq!(
        (
            done.status(),
            done.headers()[reqwest::header::LOCATION].to_str().unwrap()
        ),
        (
            StatusCode::SEE_OTHER,
            "/liuzhou/workspace/referrals?done=referral_complete"
        )
    );
    let status = app
        .scalar_string(&format!(
            "SELECT status FROM referral_target WHERE id = {}",
            app.sql_id(target)
        ))
        .await;
    assert_eq!(status, "completed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'referral_completed'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'referral.complete'")
            .await,
        1
    );
    assert_eq!(
        act("complete").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "only once"
    );
    // Filtered by the organization's answer.
    let completed = page_text(&staff, format!("{url}?status=completed")).await;
    assert!(
        completed.contains(&section) && completed.contains("帮扶已完成"),
        "{completed}"
    );
    let waiting = page_text(&staff, format!("{url}?status=sent")).await;
    assert!(
        !waiting.contains(&section),
        "a completed referral is not waiting: {waiting}"
    );
}

#[tokio::test]
async fn nannings_disbursements_page_forward_and_back_with_their_count() {
    let app = spawn_app().await;
    let staff = browser();
    sign_in(&app, &staff, "nanning", "nanning.org_staff", "shanlian-demo").await;
    let of_the_charity =
        "organization_id = (SELECT organization_id FROM app_user WHERE username = 'nanning.org_staff')";
    let all = app
        .count(&format!("SELECT COUNT(*) FROM disbursement WHERE {of_the_charity}"))
        .await;
    let approved = app
        .count(&format!(
            "SELECT COUNT(*) FROM disbursement WHERE {of_the_charity} AND status = 'approved'"
        ))
        .await;
    assert!(
        all > 100 && approved > 0,
        "the demo's {all} disbursements, {approved} waiting to be paid"
    );
    let url = format!("{}/nanning/workspace/disbursements", app.address);
    let mut page = page_text(&staff, &url).await;
    assert!(page.contains(&format!("共 {all} 条")), "{page}");
    // Forward page by page until the last, counting rows on the way.
    let rows = |html: &str| html.matches(r#"<td class="num">¥"#).count() as i64;
    let mut seen = rows(&page);
    let marker = r#"href="/nanning/workspace/disbursements?"#;
    let mut pages = 1;
    while let Some(at) = page.find(&format!(r#"{marker}after="#)) {
        let start = at + marker.len() - 1;
        let query = &page[start..page[start..].find('"').map(|e| start + e).unwrap_or(start)];
        page = page_text(&staff, format!("{url}{query}")).await;
        seen += rows(&page);
        pages += 1;
        assert!(page.contains("第一页"), "a later page leads back to the first: {page}");
    }
    assert_eq!((seen, pages), (all, (all + 49) / 50), "every row once");
    // Those waiting for payment, by the filter, with their own count.
    let waiting = page_text(&staff, format!("{url}?status=approved")).await;
    assert!(waiting.contains(&format!("共 {approved} 条")), "{waiting}");
}
