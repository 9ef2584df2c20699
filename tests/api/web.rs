//! The browser portal over real HTTP with a cookie jar: sign-in with the
//! session and CSRF cookies, the donation form's field errors, kept input
//! and double-submit safety, the public city and fund pages, languages and
//! roles. The workspace's and the bureau's further pages are tested in
//! `web_workspace` and `web_office`; a real browser in `browser`.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, REFERER, SET_COOKIE};
use reqwest::redirect::Policy;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// GET a page and return its HTML.
pub(crate) async fn page_text(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The status a GET answers with.
pub(crate) async fn status_of(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> StatusCode {
    client.get(url).send().await.unwrap().status()
}

/// POST a form, as the page's form would (redirects are not followed).
pub(crate) async fn post_form<T: serde::Serialize + ?Sized>(
    client: &reqwest::Client,
    url: impl reqwest::IntoUrl,
    form: &T,
) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

/// The value of a hidden input in a page.
pub(crate) fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    tenant: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let page = page_text(client, format!("{}/login", app.address)).await;
    let csrf = hidden(&page, "csrf");
    post_form(
        client,
        format!("{}/login", app.address),
        &[
            ("csrf", csrf.as_str()),
            ("tenant", tenant),
            ("username", username),
            ("password", password),
        ],
    )
    .await
}

#[tokio::test]
async fn an_accountant_signs_in_records_a_donation_once_and_the_public_sees_it() {
    let app = spawn_app().await;
    let staff_token = app.login("liuzhou.org_staff").await;
    let fund = crate::donations::create_fund(&app, &staff_token, "网页捐赠基金").await;
    let client = browser();

    let wrong = sign_in(&app, &client, "liuzhou", "liuzhou.org_staff", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = wrong.text().await.unwrap();
    assert!(
        wrong.contains("用户名或密码不正确") && wrong.contains(r#"value="liuzhou.org_staff""#),
        "input kept: {wrong}"
    );

    let signed = sign_in(&app, &client, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed.headers()[LOCATION], "/liuzhou/workspace/donations");
    let cookie = signed
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("shanlian_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let form_url = format!("{}/liuzhou/workspace/donations/new", app.address);
    let form = page_text(&client, &form_url).await;
    assert!(form.contains("网页捐赠基金"), "the organization's funds are offered");
    let (csrf, key) = (hidden(&form, "csrf"), hidden(&form, "idempotency_key"));
    let fund_id = fund.clone();
    let fields = |amount: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("gift_kind", "money".into()),
            ("amount", amount.into()),
            ("channel", "wechat_pay".into()),
            ("donor_kind", "individual".into()),
            ("donor_name", "网页隐名捐赠人".into()),
            ("fund_id", fund_id.clone()),
            ("received_on", service::clock::today().to_string()),
        ]
    };
    let before = app.count("SELECT COUNT(*) FROM donation").await;

    // A mistyped amount: the error sits by its field and the input stays.
    let bad = post_form(&client, &form_url, &fields("12.345")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.text().await.unwrap();
    assert!(
        bad.contains(r#"id="amount-error""#) && bad.contains("超过两位小数") && !bad.contains("two decimals"),
        "in the page's language, Chinese: {bad}"
    );
    assert!(bad.contains(r#"aria-invalid="true" aria-describedby="amount-error""#));
    assert!(
        bad.contains(r#"value="网页隐名捐赠人""#) && bad.contains(r#"value="12.345""#),
        "kept: {bad}"
    );
    // Switched to English, the same mistake is explained in English.
    client.get(format!("{}/lang/en", app.address)).send().await.unwrap();
    let english = post_form(&client, &form_url, &fields("12.345"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        english.contains(r#"id="amount-error""#) && english.contains("two decimals"),
        "{english}"
    );
    client.get(format!("{}/lang/zh-CN", app.address)).send().await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM donation").await, before);

    // Without the CSRF token nothing is recorded.
    let mut forged = fields("250.00");
    forged[0].1 = "f".repeat(32);
    assert_eq!(
        post_form(&client, &form_url, &forged).await.status(),
        StatusCode::FORBIDDEN
    );

    // Submitted twice (a double click): one gift.
    let first = post_form(&client, &form_url, &fields("250.00")).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first = first.text().await.unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        first.contains(&format!("-{year}-")) && first.contains("验证码"),
        "the receipt number and its code: {first}"
    );
    let again = post_form(&client, &form_url, &fields("250.00")).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM donation").await,
        before + 1,
        "recorded once"
    );

    // The public fund page (no cookies) shows the gift, not the name.
    let public = reqwest::get(format!("{}/liuzhou/funds/{fund}", app.address))
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.unwrap();
    assert!(
        public.contains("¥250.00") && public.contains("爱心人士") && !public.contains("网页隐名捐赠人"),
        "{public}"
    );
    assert!(public.contains("<svg") && public.contains(r#"role="img""#));
    let list = page_text(&client, format!("{}/liuzhou/workspace/donations", app.address)).await;
    assert!(list.contains("网页隐名捐赠人"), "the organization sees its donor");

    // Signing out ends the session.
    let out = post_form(&client, format!("{}/logout", app.address), &[("csrf", csrf.as_str())]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = client
        .get(format!("{}/liuzhou/workspace/donations", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (after.status(), after.headers()[LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login?next=%2Fliuzhou%2Fworkspace%2Fdonations")
    );
}

#[tokio::test]
async fn public_pages_switch_language_and_workspaces_keep_to_their_roles() {
    let app = spawn_app().await;
    let client = browser();
    let overview = client.get(format!("{}/nanning", app.address)).send().await.unwrap();
    assert_eq!(overview.status(), StatusCode::OK);
    let overview = overview.text().await.unwrap();
    assert!(
        overview.contains("南宁市") && overview.contains("登记的社会组织") && overview.contains("¥956,100.00"),
        "{overview}"
    );
    let head = app
        .graphql(None, "{ auditHead(tenant: \"nanning\") { hash } }", json!({}))
        .await;
    assert!(
        overview.contains(head["data"]["auditHead"]["hash"].as_str().unwrap()),
        "the chain head is published"
    );

    let switch = client
        .get(format!("{}/lang/en", app.address))
        .header(REFERER, format!("{}/nanning/funds", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(switch.headers()[LOCATION], "/nanning/funds");
    let english = page_text(&client, format!("{}/nanning/funds", app.address)).await;
    assert!(
        english.contains("Charity funds")
            && english.contains("Community fund")
            && english.contains(r#"<html lang="en">"#),
        "{english}"
    );
    let offsite = client
        .get(format!("{}/lang/en", app.address))
        .header(REFERER, "https://evil.example//x")
        .send()
        .await
        .unwrap();
    assert_eq!(offsite.headers()[LOCATION], "/", "never redirected off the site");

    assert_eq!(
        status_of(&client, format!("{}/atlantis", app.address)).await,
        StatusCode::NOT_FOUND
    );
    // The region's address is its page of cities (web_accounts.rs).
    assert_eq!(
        status_of(&client, format!("{}/guangxi", app.address)).await,
        StatusCode::OK
    );

    // A donor is not staff; a Liuzhou accountant has no Nanning workspace.
    let donor = browser();
    sign_in(&app, &donor, "nanning", "nanning.donor", "shanlian-demo").await;
    let page = donor
        .get(format!("{}/nanning/workspace/donations", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let page = staff
        .get(format!("{}/nanning/workspace/donations/new", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_workspace_keeps_four_eyes_and_pages_to_their_roles() {
    let app = spawn_app().await;
    let token = app.login("liuzhou.org_staff").await;
    let fund = crate::donations::create_fund(&app, &token, "四眼原则基金").await;
    crate::donations::record(
        &app,
        &token,
        crate::donations::merge(crate::donations::money_gift("100.00"), json!({"fundId": fund})),
    )
    .await;
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    let url = format!("{}/liuzhou/workspace/disbursements", app.address);
    let page = page_text(&staff, &url).await;
    let (csrf, key) = (hidden(&page, "csrf"), hidden(&page, "idempotency_key"));
    let request = |amount: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("fund_id", fund.clone()),
            ("purpose", "education".into()),
            ("beneficiary_kind", "person".into()),
            ("beneficiary_name", "覃四眼".into()),
            ("description", "学费".into()),
            ("amount", amount.into()),
        ]
    };
    let too_much = post_form(&staff, &url, &request("100.01")).await;
    assert_eq!(too_much.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_much.text().await.unwrap().contains(r#"id="amount-error""#));
    let asked = post_form(&staff, &url, &request("60.00")).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let id = app
        .scalar_string("SELECT id FROM disbursement WHERE beneficiary_name = '覃四眼'")
        .await;
    let page = page_text(&staff, &url).await;
    assert!(
        page.contains("须由另一名工作人员复核") && !page.contains(&format!("approve-{id}")),
        "no approve button for the requester"
    );
    // A hand-made approval by the requester is refused by the service.
    let forced = post_form(&staff, format!("{url}/{id}/approve"), &[("csrf", csrf.as_str())]).await;
    let status = forced.status();
    let body = forced.text().await.unwrap();
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("four eyes"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM disbursement WHERE status = 'requested' AND beneficiary_name = '覃四眼'")
            .await,
        1
    );

    // Donors have no workspace; staff have no donor page.
    let donor = browser();
    sign_in(&app, &donor, "liuzhou", "liuzhou.donor", "shanlian-demo").await;
    assert_eq!(status_of(&donor, &url).await, StatusCode::FORBIDDEN);
    assert_eq!(
        status_of(&donor, format!("{}/liuzhou/my/donations", app.address)).await,
        StatusCode::OK
    );
    let mine = staff
        .get(format!("{}/liuzhou/my/donations", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), StatusCode::FORBIDDEN);
    let inbox = page_text(&staff, format!("{}/liuzhou/workspace/referrals", app.address)).await;
    assert!(
        inbox.contains("新建社区") && inbox.contains("就医陪护"),
        "the waiting referral is in the inbox: {inbox}"
    );
}

#[tokio::test]
async fn officials_see_their_queues_and_charts_and_the_region_compares_cities() {
    let app = spawn_app().await;
    let official = browser();
    let landed = sign_in(&app, &official, "liuzhou", "liuzhou.city_official", "shanlian-demo").await;
    assert_eq!(landed.headers()[LOCATION], "/liuzhou/office");
    let desk = official
        .get(format!("{}/liuzhou/office", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(desk.status(), StatusCode::OK);
    let desk = desk.text().await.unwrap();
    // The demo register has three applications waiting; the relief figures
    // and the charities out of bounds come from the demo data.
    let waiting = app.count("SELECT COUNT(*) FROM registration_application WHERE status IN ('submitted', 'accepted') AND tenant_id = (SELECT id FROM tenant WHERE slug = 'liuzhou')").await;
    assert!(
        desk.contains(&format!("待审登记申请<strong>{waiting}</strong>")),
        "{desk}"
    );
    assert!(
        desk.contains("<svg") && desk.contains("382.00") && desk.contains("195"),
        "{desk}"
    );
    assert!(
        desk.contains("慈善活动支出低于") || desk.contains("管理费用超过"),
        "out-of-bounds charities are listed"
    );
    // Staff and donors have no desk; Liuzhou's official has none in Nanning.
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.org_staff", "shanlian-demo").await;
    assert_eq!(
        status_of(&staff, format!("{}/liuzhou/office", app.address)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status_of(&official, format!("{}/nanning/office", app.address)).await,
        StatusCode::FORBIDDEN
    );

    let region = browser();
    let landed = sign_in(&app, &region, "guangxi", "guangxi.region_official", "shanlian-demo").await;
    assert_eq!(landed.headers()[LOCATION], "/guangxi/region");
    let page = page_text(&region, format!("{}/guangxi/region", app.address)).await;
    assert!(
        page.contains("南宁市") && page.contains("柳州市") && page.contains("桂林市") && page.contains("<svg"),
        "{page}"
    );
    assert!(
        page.contains("¥2,429,700.00") && page.contains("382.00"),
        "the cities' figures: {page}"
    );
    let a_head = app.scalar_string("SELECT name FROM relief_person LIMIT 1").await;
    assert!(!page.contains(&a_head), "no person on the region's page");
}

#[tokio::test]
async fn an_association_files_its_fee_report_in_the_browser_and_an_official_reviews_it() {
    let app = spawn_app().await;
    let official_token = app.login("liuzhou.city_official").await;
    crate::fee_reductions::open_period(&app, &official_token, 20).await;
    crate::relief::staff_of(&app, "liuzhou", "柳州市汽车工业协会", "liuzhou.auto").await;
    let staff = browser();
    sign_in(&app, &staff, "liuzhou", "liuzhou.auto", "staff-pass-12").await;
    let url = format!("{}/liuzhou/workspace/fee-report", app.address);
    let page = page_text(&staff, &url).await;
    assert!(
        page.contains("未填写") && page.contains(r#"name="amount_0""#) && !page.contains(r#"name="amount_1""#),
        "{page}"
    );
    let (csrf, period) = (hidden(&page, "csrf"), hidden(&page, "period_id"));
    let base = |lines: &str, action: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("period_id".to_owned(), period.clone()),
            ("lines".to_owned(), lines.to_owned()),
            ("action".to_owned(), action.to_owned()),
            ("member_count".to_owned(), "120".to_owned()),
            ("fee_item_0".to_owned(), "membership".to_owned()),
            ("measure_0".to_owned(), "lower".to_owned()),
            ("amount_0".to_owned(), "1200.00".to_owned()),
            ("enterprises_0".to_owned(), "30".to_owned()),
            ("standard_before_0".to_owned(), "1,000元".to_owned()),
            ("standard_after_0".to_owned(), "960".to_owned()),
        ]
    };
    // Add a line, then remove it again: what was typed stays.
    let added = post_form(&staff, &url, &base("1", "add")).await.text().await.unwrap();
    assert!(
        added.contains(r#"name="amount_1""#) && added.contains(r#"value="1200.00""#),
        "{added}"
    );
    let removed = post_form(&staff, &url, &base("2", "remove_1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!removed.contains(r#"name="amount_1""#) && removed.contains(r#"value="1200.00""#));
    // A bad amount is shown beside its line's field, and kept.
    let mut bad = base("1", "save");
    bad[7].1 = "12.345".into();
    let refused = post_form(&staff, &url, &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains(r#"id="amount_0-error""#) && refused.contains(r#"value="12.345""#),
        "{refused}"
    );
    // So is a line the service refuses: more enterprises than members.
    let mut too_many = base("1", "save");
    too_many[8].1 = "121".into();
    let refused = post_form(&staff, &url, &too_many).await.text().await.unwrap();
    assert!(
        refused.contains(r#"id="enterprises_0-error""#) && refused.contains("超过了协会会员企业数"),
        "{refused}"
    );
    // A fee item the form does not offer is refused, not read as 其他.
    let mut odd = base("1", "save");
    odd[5].1 = "gold".into();
    let refused = post_form(&staff, &url, &odd).await.text().await.unwrap();
    assert!(refused.contains(r#"id="fee_item_0-error""#), "{refused}");
    // "Other" needs the fee's name, asked for beside the line.
    let mut other = base("1", "save");
    other[5].1 = "other".into();
    let refused = post_form(&staff, &url, &other).await.text().await.unwrap();
    assert!(refused.contains(r#"id="fee_item_detail_0-error""#), "{refused}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM fee_reduction_report WHERE status = 'draft'")
            .await,
        0
    );
    // Amounts typed with separators are read as people write them.
    let mut grouped = base("1", "submit");
    grouped[7].1 = "1,200".into();
    let submitted = post_form(&staff, &url, &grouped).await;
    assert_eq!(
        submitted.headers()[LOCATION],
        "/liuzhou/workspace/fee-report?done=report_submitted"
    );
    // Filed, the report reads back: its lines, the standards, the total.
    let filed = page_text(&staff, format!("{url}?done=report_submitted")).await;
    assert!(
        filed.contains("已报送，待审核") && filed.contains("减负报告已报送") && filed.contains("已报送的内容"),
        "{filed}"
    );
    assert!(
        filed.contains("¥1,000.00") && filed.contains("¥960.00") && filed.contains("<strong>¥1,200.00</strong>"),
        "the standards and the total: {filed}"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM fee_reduction_line WHERE standard_before_fen = 100000 AND standard_after_fen = 96000"
        )
        .await,
        1
    );

    let official = browser();
    sign_in(&app, &official, "liuzhou", "liuzhou.city_official", "shanlian-demo").await;
    let desk = page_text(&official, format!("{}/liuzhou/office", app.address)).await;
    assert!(
        desk.contains("柳州市汽车工业协会 · 合计") && desk.contains("¥1,200.00") && desk.contains("会费"),
        "{desk}"
    );
    let id = app
        .scalar_string("SELECT id FROM fee_reduction_report WHERE status = 'submitted'")
        .await;
    let line = app
        .scalar_string(&format!(
            "SELECT id FROM fee_reduction_line WHERE report_id = {}",
            app.sql_id(&id)
        ))
        .await;
    assert!(
        desk.contains(&format!(r#"name="line_{line}""#)),
        "a comment box per line: {desk}"
    );
    let official_csrf = hidden(&desk, "csrf");
    let line_field = format!("line_{line}");
    let returned = post_form(
        &official,
        format!("{}/liuzhou/office/fee-reports/{id}/return", app.address),
        &[
            ("csrf", official_csrf.as_str()),
            ("comment", "请补充会员大会决议"),
            (line_field.as_str(), "请附收费标准调整文件"),
        ],
    )
    .await;
    assert_eq!(
        returned.headers()[LOCATION].to_str().unwrap(),
        "/liuzhou/office?done=report_returned"
    );
    let again = page_text(&staff, &url).await;
    assert!(
        again.contains("已退回")
            && again.contains("请补充会员大会决议")
            && again.contains("请附收费标准调整文件")
            && again.contains(r#"value="1200.00""#)
            && again.contains(r#"value="1000.00""#),
        "the report's and the line's comments, the form as filed: {again}"
    );
    assert_eq!(
        post_form(&staff, &url, &base("1", "submit")).await.status(),
        StatusCode::SEE_OTHER
    );
    let approved = post_form(
        &official,
        format!("{}/liuzhou/office/fee-reports/{id}/approve", app.address),
        &[("csrf", official_csrf.as_str())],
    )
    .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert!(page_text(&staff, &url).await.contains("已通过"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fee_reduction_report WHERE status = 'approved' AND id = {}",
            app.sql_id(&id)
        ))
        .await,
        1
    );
}
