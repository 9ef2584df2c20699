//! Tasks that were the API's alone, done in the portal over HTTP with a
//! cookie jar: signing in by the city's name and coming back to the page
//! asked for, the bureau's accounts (open, stop, let in again), one's own
//! password, a charity's new fund and a new fee-reduction period. Each
//! answers with errors beside its fields, a success message and its email.

use chrono::Datelike;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::helpers::{TestApp, spawn_app};
use crate::web::{browser, hidden, page_text, post_form, sign_in};

const LIUZHOU: &str = "(SELECT id FROM tenant WHERE slug = 'liuzhou')";

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// A signed-in browser of `username` (demo password) and the CSRF token of
/// its session, read off `page`.
async fn signed_in(app: &TestApp, username: &str, page: &str) -> (reqwest::Client, String) {
    let client = browser();
    let signed = sign_in(app, &client, "liuzhou", username, "shanlian-demo").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER, "{username} signs in");
    let html = page_text(&client, format!("{}{page}", app.address)).await;
    let csrf = hidden(&html, "csrf");
    (client, csrf)
}

async fn emails_to(app: &TestApp, recipient: &str, template: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM email_outbox WHERE recipient = '{recipient}' AND template = '{template}'"
    ))
    .await
}

#[tokio::test]
async fn the_city_is_chosen_by_name_and_sign_in_returns_to_the_page_asked_for() {
    let app = spawn_app().await;
    let client = browser();
    let login = page_text(&client, format!("{}/login", app.address)).await;
    assert!(
        login.contains(r#"<select id="tenant" name="tenant""#)
            && login.contains(r#"<option value="liuzhou">柳州市</option>"#),
        "the city is a choice, by name: {login}"
    );

    // A page that needs signing in sends the reader to sign in, and back.
    let asked = client
        .get(format!("{}/liuzhou/office/users?role=donor", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let to_login = location(&asked);
    assert_eq!(to_login, "/login?next=%2Fliuzhou%2Foffice%2Fusers%3Frole%3Ddonor");
    let login = page_text(&client, format!("{}{to_login}", app.address)).await;
    // (The page escapes the slashes of the value, as HTML may.)
    let (csrf, next) = (hidden(&login, "csrf"), hidden(&login, "next").replace("&#x2f;", "/"));
    assert_eq!(next, "/liuzhou/office/users?role=donor");
    let form = |tenant: &'static str, next: String| {
        vec![
            ("csrf", csrf.clone()),
            ("tenant", tenant.to_owned()),
            ("username", "liuzhou.city_official".to_owned()),
            ("password", "shanlian-demo".to_owned()),
            ("next", next),
        ]
    };
    // Typed as its name or in pinyin, the city is still found.
    let signed = post_form(&client, format!("{}/login", app.address), &form("柳州市", next.clone())).await;
    assert_eq!(
        (signed.status(), location(&signed)),
        (StatusCode::SEE_OTHER, next.clone())
    );
    for (tenant, next, landing) in [
        ("Liuzhou", "https://evil.example/".to_owned(), "/liuzhou/office"),
        ("柳州", "/nanning/office".to_owned(), "/liuzhou/office"),
    ] {
        let client = browser();
        let login = page_text(&client, format!("{}/login", app.address)).await;
        let csrf = hidden(&login, "csrf");
        let signed = post_form(
            &client,
            format!("{}/login", app.address),
            &[
                ("csrf", csrf.as_str()),
                ("tenant", tenant),
                ("username", "liuzhou.city_official"),
                ("password", "shanlian-demo"),
                ("next", next.as_str()),
            ],
        )
        .await;
        assert_eq!(
            (signed.status(), location(&signed)),
            (StatusCode::SEE_OTHER, landing.to_owned()),
            "{tenant}: a next outside the city is not followed"
        );
    }
}

#[tokio::test]
async fn an_official_opens_stops_and_lets_in_an_account_in_the_portal() {
    let app = spawn_app().await;
    let (official, csrf) = signed_in(&app, "liuzhou.city_official", "/liuzhou/office/users").await;
    let users = format!("{}/liuzhou/office/users", app.address);
    let list = page_text(&official, &users).await;
    assert!(
        list.contains("liuzhou.org_staff") && list.contains("机构工作人员"),
        "{list}"
    );
    assert!(!list.contains("nanning."), "only this city's accounts: {list}");
    let key = hidden(&list, "idempotency_key");
    let organization = app
        .scalar_string(&format!(
            "SELECT id FROM organization WHERE tenant_id = {LIUZHOU} AND charity_recognized_on IS NOT NULL ORDER BY id LIMIT 1"
        ))
        .await;
    let account = |role: &str, organization: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("role", role.to_owned()),
            ("organization_id", organization.to_owned()),
            ("username", "liuzhou.cashier".to_owned()),
            ("display_name", "出纳 黄敏".to_owned()),
            ("email", "cashier@example.org".to_owned()),
            ("password", "cashier-pass-1".to_owned()),
            ("language", "zh-CN".to_owned()),
        ]
    };

    // Staff without their organization, or a role the city cannot open,
    // are refused beside the field, and nothing is written.
    let missing = post_form(&official, &users, &account("org_staff", "")).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = missing.text().await.unwrap();
    assert!(
        html.contains(r#"id="organization_id-error""#) && html.contains("须选择所属机构"),
        "{html}"
    );
    assert!(html.contains(r#"value="liuzhou.cashier""#), "what was typed is kept");
    assert!(!html.contains("cashier-pass-1"), "but never the password");
    let admin = post_form(&official, &users, &account("platform_admin", "")).await;
    assert_eq!(admin.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(admin.text().await.unwrap().contains(r#"id="role-error""#));
    let odd = post_form(&official, &users, &account("mayor", "")).await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'liuzhou.cashier'")
            .await,
        0
    );

    // Opened: a success message, the account listed, its owner emailed.
    let opened = post_form(&official, &users, &account("org_staff", &organization)).await;
    assert_eq!(
        (opened.status(), location(&opened)),
        (
            StatusCode::SEE_OTHER,
            "/liuzhou/office/users?done=user_created".to_owned()
        )
    );
    let list = page_text(&official, format!("{}{}", app.address, location(&opened))).await;
    assert!(
        list.contains(r#"role="status""#) && list.contains("账号已开设"),
        "{list}"
    );
    assert!(list.contains("出纳 黄敏"), "{list}");
    assert_eq!(emails_to(&app, "cashier@example.org", "account_created").await, 1);
    // The same form sent twice opens one account.
    let again = post_form(&official, &users, &account("org_staff", &organization)).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'liuzhou.cashier'")
            .await,
        1
    );

    // The cashier signs in; stopped, their session ends and sign-in is
    // refused; let in again, they sign in.
    let cashier = browser();
    let signed = sign_in(&app, &cashier, "liuzhou", "liuzhou.cashier", "cashier-pass-1").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let workspace = format!("{}/liuzhou/workspace/donations", app.address);
    assert_eq!(cashier.get(&workspace).send().await.unwrap().status(), StatusCode::OK);
    let id = app
        .scalar_string("SELECT id FROM app_user WHERE username = 'liuzhou.cashier'")
        .await;
    let stop = post_form(
        &official,
        format!("{users}/{id}/deactivate"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(location(&stop), "/liuzhou/office/users?done=user_deactivated");
    assert_eq!(
        cashier.get(&workspace).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "the stopped account's session has ended"
    );
    let refused = sign_in(&app, &browser(), "liuzhou", "liuzhou.cashier", "cashier-pass-1").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let list = page_text(&official, &users).await;
    assert!(
        list.contains(&format!("activate-{id}")) && list.contains("已停用"),
        "{list}"
    );
    let back = post_form(&official, format!("{users}/{id}/activate"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(location(&back), "/liuzhou/office/users?done=user_activated");
    let signed = sign_in(&app, &browser(), "liuzhou", "liuzhou.cashier", "cashier-pass-1").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);

    // An official cannot lock themselves out; a forged form changes nothing.
    let me = app
        .scalar_string("SELECT id FROM app_user WHERE username = 'liuzhou.city_official'")
        .await;
    assert!(!list.contains(&format!("deactivate-{me}")), "no button to stop oneself");
    let own = post_form(
        &official,
        format!("{users}/{me}/deactivate"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(own.status(), StatusCode::CONFLICT);
    assert!(own.text().await.unwrap().contains("不能停用自己的账号"));
    let forged = post_form(&official, format!("{users}/{id}/deactivate"), &[("csrf", "forged")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'liuzhou.cashier' AND active")
            .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('user.create', 'user.deactivate', 'user.activate') AND entity_id = '{id}'"
        ))
        .await,
        3
    );
}

#[tokio::test]
async fn a_donor_changes_their_password_in_the_portal() {
    let app = spawn_app().await;
    let (donor, csrf) = signed_in(&app, "liuzhou.donor", "/liuzhou/account").await;
    let url = format!("{}/liuzhou/account/password", app.address);
    let change = |current: &str, new: &str| {
        let form = [
            ("csrf", csrf.clone()),
            ("current_password", current.to_owned()),
            ("new_password", new.to_owned()),
        ];
        let (donor, url) = (&donor, &url);
        async move { post_form(donor, url, &form).await }
    };
    let wrong = change("not-my-password", "donor-new-pass-1").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await.unwrap();
    assert!(
        html.contains(r#"id="current_password-error""#) && html.contains("当前密码不正确"),
        "{html}"
    );
    let short = change("shanlian-demo", "short").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = short.text().await.unwrap();
    assert!(
        html.contains(r#"id="new_password-error""#) && html.contains("密码至少 8 个字符"),
        "{html}"
    );

    let changed = change("shanlian-demo", "donor-new-pass-1").await;
    assert_eq!(
        (changed.status(), location(&changed)),
        (StatusCode::SEE_OTHER, "/login?done=password_changed".to_owned())
    );
    let login = page_text(&donor, format!("{}/login?done=password_changed", app.address)).await;
    assert!(login.contains("密码已修改"), "{login}");
    assert_eq!(
        donor
            .get(format!("{}/liuzhou/account", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER,
        "the session opened with the old password has ended"
    );
    let old = sign_in(&app, &browser(), "liuzhou", "liuzhou.donor", "shanlian-demo").await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = sign_in(&app, &browser(), "liuzhou", "liuzhou.donor", "donor-new-pass-1").await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);
    let email = app
        .scalar_string("SELECT email FROM app_user WHERE username = 'liuzhou.donor'")
        .await;
    assert_eq!(emails_to(&app, &email, "password_changed").await, 1);
}

#[tokio::test]
async fn a_charity_opens_a_fund_and_the_bureau_opens_a_fee_period_in_the_portal() {
    let app = spawn_app().await;
    let (staff, csrf) = signed_in(&app, "liuzhou.org_staff", "/liuzhou/workspace/funds").await;
    let funds = format!("{}/liuzhou/workspace/funds", app.address);
    let fund = |community: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", "fund-form-1".to_owned()),
            ("name", "鱼峰区荣军社区慈善基金".to_owned()),
            ("kind", "community".to_owned()),
            ("community", community.to_owned()),
            ("street", "荣军街道".to_owned()),
            ("district", "鱼峰区".to_owned()),
        ]
    };
    let missing = post_form(&staff, &funds, &fund("")).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = missing.text().await.unwrap();
    assert!(
        html.contains(r#"id="community-error""#) && html.contains(r#"value="鱼峰区""#),
        "{html}"
    );
    let opened = post_form(&staff, &funds, &fund("荣军社区")).await;
    assert_eq!(location(&opened), "/liuzhou/workspace/funds?done=fund_created");
    let list = page_text(&staff, format!("{}{}", app.address, location(&opened))).await;
    assert!(
        list.contains("基金已设立") && list.contains("鱼峰区荣军社区慈善基金"),
        "{list}"
    );
    let disbursements = page_text(&staff, format!("{}/liuzhou/workspace/disbursements", app.address)).await;
    assert!(
        disbursements.contains("鱼峰区荣军社区慈善基金（¥0.00）"),
        "{disbursements}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM charity_fund WHERE tenant_id = {LIUZHOU} AND name = '鱼峰区荣军社区慈善基金' AND community = '荣军社区'"
        ))
        .await,
        1
    );

    let (official, csrf) = signed_in(&app, "liuzhou.city_official", "/liuzhou/office/fee-periods").await;
    let periods = format!("{}/liuzhou/office/fee-periods", app.address);
    let next_year = (chrono::Utc::now().date_naive().year() + 1).to_string();
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(40)).to_string();
    let period = |due_on: &str, half: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", "period-form-1".to_owned()),
            ("title", "涉企收费减负情况报送".to_owned()),
            ("year", next_year.clone()),
            ("half", half.to_owned()),
            ("due_on", due_on.to_owned()),
        ]
    };
    let bad_date = post_form(&official, &periods, &period("next month", "1")).await;
    assert_eq!(bad_date.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.text().await.unwrap().contains(r#"id="due_on-error""#));
    let bad_half = post_form(&official, &periods, &period(&due, "3")).await;
    assert_eq!(bad_half.status(), StatusCode::BAD_REQUEST);
    let asked_before = app
        .count("SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_period_opened'")
        .await;
    let opened = post_form(&official, &periods, &period(&due, "1")).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let to = location(&opened);
    assert!(to.ends_with("&done=period_opened"), "{to}");
    let page = page_text(&official, format!("{}{to}", app.address)).await;
    assert!(page.contains("报送期间已开启") && page.contains(&due), "{page}");
    let associations = app
        .count(&format!(
            "SELECT COUNT(*) FROM organization WHERE tenant_id = {LIUZHOU} AND is_industry_association AND status = 'active'"
        ))
        .await;
    assert!(associations > 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE template = 'fee_period_opened'")
            .await
            - asked_before,
        associations,
        "every association is asked to report"
    );
}

#[tokio::test]
async fn addresses_and_errors_speak_the_readers_language() {
    let app = spawn_app().await;
    let client = browser();
    // The region's address is a page of its cities, not a 404.
    let region = client.get(format!("{}/guangxi", app.address)).send().await.unwrap();
    assert_eq!(region.status(), StatusCode::OK);
    let html = region.text().await.unwrap();
    for city in ["南宁市", "柳州市", "桂林市"] {
        assert!(html.contains(city), "{city} on the region's page: {html}");
    }
    assert!(html.contains(r#"href="/liuzhou""#), "{html}");
    // Amounts are grouped by thousands.
    let overview = page_text(&client, format!("{}/nanning", app.address)).await;
    assert!(overview.contains("¥956,100.00"), "{overview}");

    // A mistyped id or query is the error page, not the extractor's text.
    let bad_id = client
        .get(format!("{}/liuzhou/funds/not-an-id", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_id.status(), StatusCode::NOT_FOUND);
    let html = bad_id.text().await.unwrap();
    assert!(html.contains("没有找到您要的内容") && html.contains("<html"), "{html}");
    assert!(
        !html.contains("UUID") && !html.contains("not found"),
        "no developer text: {html}"
    );
    let bad_query = client
        .get(format!("{}/liuzhou/organizations?after=yesterday", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_query.status(), StatusCode::BAD_REQUEST);
    let html = bad_query.text().await.unwrap();
    assert!(html.contains("无法识别") && !html.contains("deserialize"), "{html}");

    // Chosen English stays English on error pages, with no Chinese reason.
    client.get(format!("{}/lang/en", app.address)).send().await.unwrap();
    let html = page_text(&client, format!("{}/nowhere", app.address)).await;
    assert!(
        html.contains("There is nothing here") && !html.contains("没有找到"),
        "{html}"
    );
    let html = page_text(&client, format!("{}/liuzhou/funds/not-an-id", app.address)).await;
    assert!(
        html.contains(r#"<html lang="en">"#) && html.contains("There is nothing here"),
        "{html}"
    );
}

#[tokio::test]
async fn a_donor_gives_from_a_funds_page() {
    let app = spawn_app().await;
    let staff = app.login("liuzhou.org_staff").await;
    let fund = crate::donations::create_fund(&app, &staff, "网页认捐基金").await;
    let client = browser();
    let page = page_text(&client, format!("{}/liuzhou/funds/{fund}", app.address)).await;
    let give = format!("/liuzhou/give?fund={fund}");
    assert!(
        page.contains(&format!(r#"href="{give}""#)),
        "the fund page says how to give: {page}"
    );
    let charity = app
        .scalar_string(&format!(
            "SELECT o.name FROM organization o JOIN charity_fund f ON f.organization_id = o.id WHERE f.id = {}",
            app.sql_id(&fund)
        ))
        .await;
    assert!(page.contains(&charity), "and which charity runs it: {page}");

    // Giving asks the donor to sign in, then comes back to the form.
    let asked = client.get(format!("{}{give}", app.address)).send().await.unwrap();
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert!(location(&asked).starts_with("/login?next="), "{}", location(&asked));
    let login = page_text(&client, format!("{}{}", app.address, location(&asked))).await;
    let signed = post_form(
        &client,
        format!("{}/login", app.address),
        &[
            ("csrf", hidden(&login, "csrf")),
            ("tenant", "liuzhou".to_owned()),
            ("username", "liuzhou.donor".to_owned()),
            ("password", "shanlian-demo".to_owned()),
            ("next", hidden(&login, "next").replace("&#x2f;", "/")),
        ],
    )
    .await;
    assert_eq!(location(&signed), give);
    let form = page_text(&client, format!("{}{give}", app.address)).await;
    assert!(form.contains("网页认捐基金") && form.contains(&charity), "{form}");
    let (csrf, key) = (hidden(&form, "csrf"), hidden(&form, "idempotency_key"));
    let pledge = |amount: &str| {
        let fields = [
            ("csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("fund", fund.clone()),
            ("amount", amount.to_owned()),
            ("channel", "alipay".to_owned()),
            ("disclose", "yes".to_owned()),
        ];
        let (client, url) = (&client, format!("{}/liuzhou/give", app.address));
        async move { post_form(client, url, &fields).await }
    };
    let bad = pledge("一千").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains(r#"id="amount-error""#));
    // Typed as people write it: with a thousands comma and 元.
    let done = pledge("1,000元").await;
    assert_eq!(location(&done), "/liuzhou/my/donations?done=pledge_made");
    let mine = page_text(&client, format!("{}{}", app.address, location(&done))).await;
    assert!(mine.contains("认捐已登记") && mine.contains("¥1,000.00"), "{mine}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM donation WHERE status = 'pledged' AND amount_fen = 100000 AND channel = 'alipay' AND fund_id = {}",
            app.sql_id(&fund)
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM email_outbox WHERE template = 'pledge_received' AND text_body LIKE '%1000.00%'"
        )
        .await,
        1,
        "the charity is told of the pledge"
    );
}

#[tokio::test]
async fn an_official_registers_a_household_in_the_portal() {
    use crate::relief::id_number;
    let app = spawn_app().await;
    let (official, csrf) = signed_in(&app, "liuzhou.city_official", "/liuzhou/office/cases/new").await;
    let cases = page_text(&official, format!("{}/liuzhou/office/cases", app.address)).await;
    assert!(cases.contains(r#"href="/liuzhou/office/cases/new""#), "{cases}");
    let url = format!("{}/liuzhou/office/cases/new", app.address);
    let (head, spouse) = (
        id_number("450203", "19580712", 321),
        id_number("450203", "19600105", 322),
    );
    let household = |head_id: &str, spouse_id: &str| {
        let fields: Vec<(&str, String)> = vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", "household-form-1".to_owned()),
            ("district", "鱼峰区".to_owned()),
            ("street", "荣军街道".to_owned()),
            ("community", "荣军社区".to_owned()),
            ("address", "荣军路8号2栋301".to_owned()),
            ("name", "韦建国".to_owned()),
            ("id_number", head_id.to_owned()),
            ("health", "高血压".to_owned()),
            ("member_1_name", "覃秀梅".to_owned()),
            ("member_1_id_number", spouse_id.to_owned()),
            ("member_1_relationship", "配偶".to_owned()),
            ("category", "minimum_living".to_owned()),
            ("monthly", "1,230.00".to_owned()),
            ("since", "2025-01-01".to_owned()),
        ];
        let (client, url) = (&official, url.clone());
        async move { post_form(client, url, &fields).await }
    };
    let before = app.count("SELECT COUNT(*) FROM relief_case").await;

    // A wrong identity number is refused beside its own row's field.
    // (The head's number with its check character changed.)
    let wrong = format!("{}{}", &head[..17], if head.ends_with('1') { '2' } else { '1' });
    let bad_head = household(&wrong, &spouse).await;
    assert_eq!(bad_head.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad_head.text().await.unwrap();
    assert!(html.contains(r#"id="id_number-error""#), "{html}");
    assert!(html.contains(r#"value="韦建国""#), "what was typed is kept");
    let bad_spouse = household(&head, "12345").await;
    assert_eq!(bad_spouse.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_spouse
            .text()
            .await
            .unwrap()
            .contains(r#"id="member_1_id_number-error""#)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM relief_case").await, before);

    let registered = household(&head, &spouse).await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    let to = location(&registered);
    assert!(
        to.starts_with("/liuzhou/office/cases/") && to.ends_with("?done=case_registered"),
        "{to}"
    );
    let page = page_text(&official, format!("{}{to}", app.address)).await;
    assert!(
        page.contains("救助家庭已登记") && page.contains("韦建国") && page.contains("覃秀梅"),
        "{page}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM relief_case").await, before + 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM relief_person WHERE id_number IN ('{head}', '{spouse}')"
        ))
        .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM relief_benefit WHERE category = 'minimum_living' AND amount_fen = 123000")
            .await,
        1,
        "the benefit, typed with a comma, is exact"
    );
}

#[tokio::test]
async fn a_founder_applies_without_an_account_and_acts_for_the_organization_once_approved() {
    let app = spawn_app().await;
    let founder = browser();
    let form_page = page_text(&founder, format!("{}/liuzhou/apply", app.address)).await;
    assert!(
        form_page.contains(r#"name="kind""#) && form_page.contains(r#"name="password_again""#),
        "{form_page}"
    );
    let csrf = hidden(&form_page, "csrf");
    let key = hidden(&form_page, "idempotency_key");
    let name = "柳州市青禾社区服务中心";
    let fields = |kind: &'static str, username: &'static str, again: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.clone()),
            ("name", name.to_owned()),
            ("kind", kind.to_owned()),
            ("business_scope", "社区居家养老服务".to_owned()),
            ("registered_address", "柳州市城中区潭中东路1号".to_owned()),
            ("legal_representative", "韦青禾".to_owned()),
            ("contact_email", "qinghe@example.org".to_owned()),
            ("display_name", "韦青禾".to_owned()),
            ("username", username.to_owned()),
            ("password", "a-long-founder-passphrase".to_owned()),
            ("password_again", again.to_owned()),
        ]
    };
    let applications = format!("SELECT COUNT(*) FROM registration_application WHERE name = '{name}'");
    let apply = format!("{}/liuzhou/apply", app.address);

    // A kind the form does not offer, or passwords that differ: the form
    // again, the error beside the field, nothing written.
    let odd = post_form(&founder, &apply, &fields("gold", "qinghe", "a-long-founder-passphrase")).await;
    assert_eq!(odd.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let odd = odd.text().await.unwrap();
    assert!(
        odd.contains(r#"id="kind-error""#) && odd.contains("请从列表中选择"),
        "{odd}"
    );
    let differ = post_form(
        &founder,
        &apply,
        &fields("social_service_institution", "qinghe", "other"),
    )
    .await;
    assert_eq!(differ.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let differ = differ.text().await.unwrap();
    assert!(differ.contains(r#"id="password_again-error""#), "{differ}");
    assert!(
        !differ.contains("a-long-founder-passphrase"),
        "a password is never sent back"
    );
    // A username that is taken: a clash, said above the form.
    let taken = post_form(
        &founder,
        &apply,
        &fields(
            "social_service_institution",
            "liuzhou.org_staff",
            "a-long-founder-passphrase",
        ),
    )
    .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert!(taken.text().await.unwrap().contains("已被占用"));
    assert_eq!(app.count(&applications).await, 0);

    // Filed: the founder is signed in and sees the application waiting.
    let filed = post_form(
        &founder,
        &apply,
        &fields("social_service_institution", "qinghe", "a-long-founder-passphrase"),
    )
    .await;
    assert_eq!(
        (filed.status(), location(&filed)),
        (
            StatusCode::SEE_OTHER,
            "/liuzhou/workspace/organization?done=applied".to_owned()
        )
    );
    // The same form sent again once signed in (the back button) files
    // nothing more: its token belongs to the session before sign-in.
    let again = post_form(
        &founder,
        &apply,
        &fields("social_service_institution", "qinghe", "a-long-founder-passphrase"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    let status = page_text(
        &founder,
        format!("{}/liuzhou/workspace/organization?done=applied", app.address),
    )
    .await;
    assert!(
        status.contains("申请已提交") && status.contains(name) && status.contains("已提交，待受理"),
        "{status}"
    );
    assert!(
        !status.contains("/workspace/donations"),
        "no charity work before registration: {status}"
    );
    assert_eq!(app.count(&applications).await, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM app_user WHERE username = 'qinghe' AND role = 'org_staff' AND organization_id IS NULL"
        )
        .await,
        1
    );
    assert_eq!(emails_to(&app, "qinghe@example.org", "application_received").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.apply'")
            .await,
        1
    );

    // The bureau approves it; the founder's account now acts for it.
    let official = app.login("liuzhou.city_official").await;
    let id = app
        .scalar_string(&format!(
            "SELECT id FROM registration_application WHERE name = '{name}'"
        ))
        .await;
    for action in ["accept", "approve"] {
        app.graphql_ok(
            Some(&official),
            &format!("mutation($id: UUID!) {{ {action}RegistrationApplication(id: $id) {{ status }} }}"),
            serde_json::json!({ "id": id }),
        )
        .await;
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM app_user u JOIN organization o ON o.id = u.organization_id WHERE u.username = 'qinghe' AND o.name = '{name}'"
        ))
        .await,
        1
    );
    let approved = app
        .scalar_string("SELECT text_body FROM email_outbox WHERE template = 'application_approved' AND recipient = 'qinghe@example.org'")
        .await;
    assert!(approved.contains("qinghe"), "the email names the account: {approved}");
    let record = page_text(&founder, format!("{}/liuzhou/workspace/organization", app.address)).await;
    assert!(
        record.contains(&format!("<h1>{name}</h1>")) && record.contains("统一社会信用代码"),
        "{record}"
    );
}

#[tokio::test]
async fn every_page_has_the_footer_of_a_government_site() {
    let app = crate::helpers::spawn_app_with(&[
        ("SHANLIAN__SITE__CONTACT", "0772-2800000".to_owned()),
        ("SHANLIAN__SITE__ICP_RECORD", "桂ICP备2026000001号-1".to_owned()),
    ])
    .await;
    let client = browser();
    let city = page_text(&client, format!("{}/liuzhou", app.address)).await;
    assert!(
        city.contains("主办单位: 柳州市民政局") && city.contains("联系方式: 0772-2800000"),
        "{city}"
    );
    assert!(
        city.contains(r#"<a href="https://beian.miit.gov.cn/" rel="noopener">桂ICP备2026000001号-1</a>"#),
        "{city}"
    );
    let region = page_text(&client, format!("{}/guangxi", app.address)).await;
    assert!(region.contains("主办单位: 广西壮族自治区民政厅"), "{region}");
    let login = page_text(&client, format!("{}/login", app.address)).await;
    assert!(!login.contains("主办单位") && login.contains("桂ICP备"), "{login}");
    // Unconfigured, the lines are left out rather than shown empty.
    let plain = spawn_app().await;
    let page = page_text(&client, format!("{}/liuzhou", plain.address)).await;
    assert!(
        page.contains("主办单位: 柳州市民政局") && !page.contains("联系方式") && !page.contains("beian"),
        "{page}"
    );
}
