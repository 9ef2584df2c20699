//! The portal in a real headless Chromium, driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`; `.ci/run` installs them). Signs in as
//! each role, records a donation through the form and finds it on the fund
//! page and the trace page, checks that pages fit a 360 px phone, and saves
//! screenshots of the main pages at 1280 px and 360 px into
//! `target/screenshots/` (or `$SHANLIAN_SCREENSHOTS`). They run when
//! `SHANLIAN_TEST_BROWSER=1` is set (CI sets it) and are reported as ignored
//! otherwise; asked for without the browser, they fail.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// A chromedriver process, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
    let child = Command::new(&program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("SHANLIAN_TEST_BROWSER is set but the browser tests need {program} (Debian: apt-get install chromium chromium-driver; .ci/run installs them): {e}")
        });
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    // Wait for it to listen: poll its status endpoint, up to ten seconds.
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{}/status", driver.url)).send().await.is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start listening on {}", driver.url);
}

async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    // The test binary links two TLS backends (ring and aws-lc-rs); rustls
    // must be told which one the WebDriver client uses. Only the first call
    // installs it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": binary, "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            format!("--window-size={width},{height}"), "--lang=zh-CN"]}),
    );
    let client = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("Chromium did not start: {e}"));
    client.set_window_size(width, height).await.unwrap();
    client
}

fn screenshots() -> PathBuf {
    let dir = std::env::var("SHANLIAN_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Save a screenshot of the page, after measuring the contrast of all of
/// its text against WCAG AA: every page the test shows is measured.
async fn shoot(client: &Client, name: &str) {
    let failures = client.execute(include_str!("contrast.js"), vec![]).await.unwrap();
    assert_eq!(failures, json!([]), "text below WCAG AA contrast on {name}");
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

/// Open a page of the application.
async fn visit(client: &Client, app: &TestApp, path: &str) {
    client.goto(&format!("{}{path}", app.address)).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Choose an option of a `<select>` by its value.
async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// Wait for an element to appear.
async fn wait_for(client: &Client, locator: Locator<'_>) {
    client.wait().for_element(locator).await.unwrap();
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn sign_in(app: &TestApp, client: &Client, tenant: &str, username: &str) -> String {
    sign_in_with(app, client, tenant, username, "shanlian-demo").await
}

async fn sign_in_with(app: &TestApp, client: &Client, tenant: &str, username: &str, password: &str) -> String {
    visit(client, app, "/login").await;
    select(client, "#tenant", tenant).await;
    fill(client, "#username", username).await;
    fill(client, "#password", password).await;
    click(client, "main button[type=submit]").await;
    if client
        .wait()
        .for_element(Locator::Css("header form.inline"))
        .await
        .is_err()
    {
        panic!(
            "{username} is not signed in: {}",
            client.source().await.unwrap_or_default()
        );
    }
    client.current_url().await.unwrap().path().to_owned()
}

async fn sign_out(client: &Client) {
    click(client, "header form.inline button").await;
    wait_for(client, Locator::Css("header a[href='/login']")).await;
}

/// True when the page needs no sideways scrolling.
async fn fits(client: &Client) -> bool {
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    fits == json!(true)
}

/// The figures, dates and codes (`.num` outside headings, `.date`, `.code`) that break over
/// more than one line, as their text: none on a page that reads well on a
/// phone.
async fn broken_figures(client: &Client) -> Vec<String> {
    let broken = client
        .execute(
            r#"return [...document.querySelectorAll('.num:not(th), .date, .code')].filter(e => {
                 const range = document.createRange();
                 range.selectNodeContents(e);
                 const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                 return tops.size > 1;
               }).map(e => e.textContent.trim());"#,
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(broken).unwrap_or_default()
}

/// What a reader of a Chinese page should never see in its text: an id
/// (UUID), a stored code (`org_staff`, `wechat_pay`) or a sentence of
/// English (four English words in a row).
async fn raw_text(client: &Client) -> Vec<String> {
    let found = client
        .execute(
            r#"// Email addresses are what people typed, not codes.
               const text = document.body.innerText.replace(/\S+@\S+/g, '');
               const patterns = [
                 /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
                 // (not inside a dotted username such as liuzhou.org_staff)
                 /(?<![\w.])[a-z]+(?:_[a-z]+)+(?![\w.])/g,
                 /\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){3,}/g,
               ];
               return patterns.flatMap(p => text.match(p) || []);"#,
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap_or_default()
}

/// A phone's page: no sideways scrolling, no figure broken, no code, id or
/// English on it, a screenshot.
async fn on_a_phone(phone: &Client, app: &TestApp, path: &str, name: &str) {
    visit(phone, app, path).await;
    assert!(fits(phone).await, "{path} fits 360 px");
    let broken = broken_figures(phone).await;
    assert!(broken.is_empty(), "{path}: figures broken over lines: {broken:?}");
    // The trace page is in both languages by design: a receipt's reader
    // may read either. Ids and codes are still never on it.
    let bilingual = path.contains("/trace");
    let raw: Vec<_> = raw_text(phone)
        .await
        .into_iter()
        .filter(|found| !(bilingual && found.contains(' ')))
        .collect();
    assert!(
        raw.is_empty(),
        "{path}: codes, ids or English on a Chinese page: {raw:?}"
    );
    shoot(phone, name).await;
}

#[tokio::test]
#[cfg_attr(
    not(browser),
    ignore = "needs Chromium and chromedriver: set SHANLIAN_TEST_BROWSER=1"
)]
async fn in_chromium_an_accountant_records_a_donation_the_public_sees_it_and_pages_fit_a_phone() {
    let app = spawn_app().await;
    let driver = chromedriver().await;
    let staff_token = app.login("liuzhou.org_staff").await;
    let fund = crate::donations::create_fund(&app, &staff_token, "浏览器测试基金").await;
    let nanning_fund = app
        .scalar_string("SELECT id FROM charity_fund WHERE name LIKE '桃源%' LIMIT 1")
        .await;

    let desktop = browser(&driver, 1280, 900).await;
    // Every role signs in through the form and lands on its page.
    for (tenant, username, landing, shot) in [
        (
            "liuzhou",
            "liuzhou.city_official",
            "/liuzhou/office",
            Some("office-1280"),
        ),
        ("liuzhou", "liuzhou.donor", "/liuzhou/my/donations", None),
        (
            "guangxi",
            "guangxi.region_official",
            "/guangxi/region",
            Some("region-1280"),
        ),
    ] {
        assert_eq!(sign_in(&app, &desktop, tenant, username).await, landing, "{username}");
        if let Some(name) = shot {
            assert!(
                desktop.source().await.unwrap().contains("<svg"),
                "{username}'s page has its chart"
            );
            shoot(&desktop, name).await;
        }
        sign_out(&desktop).await;
    }

    visit(&desktop, &app, "/nanning").await;
    assert!(desktop.source().await.unwrap().contains("¥956,100.00"));
    shoot(&desktop, "overview-1280").await;
    visit(&desktop, &app, &format!("/nanning/funds/{nanning_fund}")).await;
    assert!(desktop.source().await.unwrap().contains("<svg"));
    shoot(&desktop, "fund-1280").await;

    // The accountant records a gift through the form.
    assert_eq!(
        sign_in(&app, &desktop, "liuzhou", "liuzhou.org_staff").await,
        "/liuzhou/workspace/donations"
    );
    visit(&desktop, &app, "/liuzhou/workspace/donations/new").await;
    fill(&desktop, "#amount", "88.00").await;
    fill(&desktop, "#donor_name", "浏览器隐名捐赠人").await;
    fill(&desktop, "#donor_email", "liuzhou.donor@demo.shanlian.invalid").await;
    select(&desktop, "#fund_id", &fund).await;
    shoot(&desktop, "donation-form-1280").await;
    click(&desktop, "main button[type=submit]").await;
    wait_for(&desktop, Locator::Css("main dl")).await;
    let values: Vec<String> = {
        let mut out = Vec::new();
        for strong in desktop.find_all(Locator::Css("main dd strong")).await.unwrap() {
            out.push(strong.text().await.unwrap());
        }
        out
    };
    let (receipt, code) = (values[0].clone(), values[1].clone());
    assert!(receipt.contains('-') && code.len() == 8, "{values:?}");
    shoot(&desktop, "donation-recorded-1280").await;

    // The accountant asks for a disbursement: it waits for a second pair
    // of eyes, which the page does not offer its requester.
    visit(&desktop, &app, "/liuzhou/workspace/disbursements").await;
    // The request form is folded above the list until asked for.
    click(&desktop, "#request summary").await;
    select(&desktop, "#fund_id", &fund).await;
    select(&desktop, "#purpose", "medical").await;
    fill(&desktop, "#beneficiary_name", "王桂英").await;
    fill(&desktop, "#description", "住院自付费用").await;
    fill(&desktop, "#amount", "50.00").await;
    click(&desktop, "main form[action$='/workspace/disbursements'] button").await;
    wait_for(&desktop, Locator::XPath("//td[text()='王桂英']")).await;
    let page = desktop.source().await.unwrap();
    assert!(
        page.contains("王桂英") && page.contains("须由另一名工作人员复核") && !page.contains("id=\"approve-"),
        "{page}"
    );

    // The referral waiting in the inbox is accepted and help recorded.
    visit(&desktop, &app, "/liuzhou/workspace/referrals").await;
    // The inbox also lists the demo's accepted referrals with their own help
    // forms: every step below names the waiting referral's target, and waits
    // for what only the next page can show.
    let accept = desktop.find(Locator::Css("button[id^='accept-']")).await.unwrap();
    let target = accept
        .attr("id")
        .await
        .unwrap()
        .unwrap()
        .trim_start_matches("accept-")
        .to_owned();
    accept.click().await.unwrap();
    wait_for(&desktop, Locator::Css(&format!("form[action$='/{target}/assist']"))).await;
    select(&desktop, &format!("#service-{target}"), "medical_escort").await;
    fill(&desktop, &format!("#person_times-{target}"), "1").await;
    fill(&desktop, &format!("#hours-{target}"), "3.5").await;
    click(&desktop, &format!("form[action$='/{target}/assist'] button")).await;
    wait_for(
        &desktop,
        Locator::XPath("//li[contains(text(), '就医陪护 · 1 人次 · 3.50 小时')]"),
    )
    .await;
    shoot(&desktop, "referrals-1280").await;
    sign_out(&desktop).await;

    // A colleague approves it.
    crate::donations::second_staff(&app, "liuzhou").await;
    sign_in_with(&app, &desktop, "liuzhou", "liuzhou.reviewer", "reviewer-pass-1").await;
    visit(&desktop, &app, "/liuzhou/workspace/disbursements").await;
    click(&desktop, "button[id^='approve-']").await;
    // The page comes back with the row approved (waiting for that text, not
    // for any table, which the old page also has).
    if desktop
        .wait()
        .for_element(Locator::XPath("//td[text()='已批准']"))
        .await
        .is_err()
    {
        panic!("not approved: {}", desktop.source().await.unwrap_or_default());
    }
    shoot(&desktop, "disbursements-1280").await;
    sign_out(&desktop).await;

    // The donor, signed in, sees where the gift went.
    sign_in(&app, &desktop, "liuzhou", "liuzhou.donor").await;
    visit(&desktop, &app, "/liuzhou/my/donations").await;
    let mine = desktop.source().await.unwrap();
    assert!(
        mine.contains("¥88.00") && mine.contains("医疗救助") && mine.contains("王*") && mine.contains("¥38.00"),
        "{mine}"
    );
    shoot(&desktop, "my-donations-1280").await;
    click(&desktop, "a[href$='/receipt']").await;
    wait_for(&desktop, Locator::Css("article.receipt")).await;
    assert!(desktop.source().await.unwrap().contains("¥88.00"));
    shoot(&desktop, "receipt-1280").await;
    sign_out(&desktop).await;

    // An association files its fee-reduction report; an official approves it.
    let official_token = app.login("liuzhou.city_official").await;
    crate::fee_reductions::open_period(&app, &official_token, 20).await;
    crate::relief::staff_of(&app, "liuzhou", "柳州市汽车工业协会", "liuzhou.auto").await;
    // An association's staff land on their report, not a charity's gifts.
    assert_eq!(
        sign_in_with(&app, &desktop, "liuzhou", "liuzhou.auto", "staff-pass-12").await,
        "/liuzhou/workspace/fee-report"
    );
    fill(&desktop, "#member_count", "150").await;
    fill(&desktop, "#amount_0", "800.00").await;
    fill(&desktop, "#enterprises_0", "12").await;
    shoot(&desktop, "fee-report-1280").await;
    click(&desktop, "#submit-report").await;
    wait_for(&desktop, Locator::XPath("//p[contains(text(), '已报送，待审核')]")).await;
    sign_out(&desktop).await;
    sign_in(&app, &desktop, "liuzhou", "liuzhou.city_official").await;
    let desk = desktop.source().await.unwrap();
    assert!(
        desk.contains("柳州市汽车工业协会 · 合计") && desk.contains("¥800.00"),
        "{desk}"
    );
    click(&desktop, "button[id^='approve-report-']").await;
    wait_for(
        &desktop,
        Locator::XPath("//h2[text()='待审减负报告']/following-sibling::*[1][self::p]"),
    )
    .await;
    // The report of this year's period (the demo's periods are of years past).
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM fee_reduction_report WHERE status = 'approved' AND period_id IN (SELECT id FROM fee_reduction_period WHERE year = {})",
            chrono::Datelike::year(&service::clock::today())
        ))
        .await,
        1
    );
    // The bureau's other pages: the period's totals, an organization's
    // record, the relief cases and one case, the audit trail.
    let liuzhou_charity = app.organization_id("柳州市慈善总会").await;
    for (path, name, expected) in [
        ("/liuzhou/office/fee-periods".to_owned(), "fee-periods-1280", "¥800.00"),
        (
            format!("/liuzhou/office/organizations/{liuzhou_charity}"),
            "organization-1280",
            "成立登记",
        ),
        ("/liuzhou/office/cases".to_owned(), "cases-1280", "特困人员供养"),
        ("/liuzhou/office/audit".to_owned(), "audit-1280", "fee_report.approve"),
    ] {
        visit(&desktop, &app, &path).await;
        let page = desktop.source().await.unwrap();
        assert!(page.contains(expected), "{path} shows {expected}: {page}");
        shoot(&desktop, name).await;
    }
    visit(&desktop, &app, "/liuzhou/office/cases").await;
    click(&desktop, "table a[href*='/office/cases/']").await;
    wait_for(&desktop, Locator::Css("#create-referral")).await;
    shoot(&desktop, "case-1280").await;
    sign_out(&desktop).await;

    // The public fund page and the donor's trace show it, without the name.
    visit(&desktop, &app, &format!("/liuzhou/funds/{fund}")).await;
    let page = desktop.source().await.unwrap();
    assert!(page.contains("¥88.00") && page.contains("爱心人士") && !page.contains("浏览器隐名捐赠人"));
    visit(&desktop, &app, &format!("/liuzhou/trace?receipt={receipt}&code={code}")).await;
    assert!(desktop.source().await.unwrap().contains("¥88.00"));
    shoot(&desktop, "trace-1280").await;
    desktop.close().await.unwrap();

    // On a 360 px phone the main pages need no sideways scrolling.
    let phone = browser(&driver, 360, 780).await;
    for (path, name) in [
        ("/nanning".to_owned(), "overview-360"),
        ("/guilin".to_owned(), "guilin-overview-360"),
        ("/guilin/stations".to_owned(), "stations-360"),
        ("/guilin/funds".to_owned(), "guilin-funds-360"),
        (format!("/nanning/funds/{nanning_fund}"), "fund-360"),
        (format!("/liuzhou/trace?receipt={receipt}&code={code}"), "trace-360"),
        ("/login".to_owned(), "login-360"),
        ("/liuzhou/organizations".to_owned(), "register-360"),
        (
            format!("/liuzhou/organizations/{liuzhou_charity}"),
            "organization-record-360",
        ),
        ("/liuzhou/apply".to_owned(), "apply-360"),
        ("/guangxi".to_owned(), "region-public-360"),
    ] {
        on_a_phone(&phone, &app, &path, name).await;
    }
    sign_in(&app, &phone, "liuzhou", "liuzhou.city_official").await;
    for (path, name) in [
        ("/liuzhou/office", "office-360"),
        ("/liuzhou/office/fee-periods", "fee-periods-360"),
        ("/liuzhou/office/cases", "cases-360"),
        ("/liuzhou/office/cases/new", "household-form-360"),
        ("/liuzhou/office/organizations", "organizations-360"),
        ("/liuzhou/office/users", "users-360"),
        ("/liuzhou/office/audit", "audit-360"),
        ("/liuzhou/account", "account-360"),
    ] {
        on_a_phone(&phone, &app, path, name).await;
    }
    sign_out(&phone).await;
    sign_in(&app, &phone, "liuzhou", "liuzhou.org_staff").await;
    for (path, name) in [
        ("/liuzhou/workspace/donations/new", "donation-form-360"),
        ("/liuzhou/workspace/donations", "donations-360"),
        ("/liuzhou/workspace/disbursements", "disbursements-360"),
        ("/liuzhou/workspace/referrals", "referrals-360"),
        ("/liuzhou/workspace/funds", "workspace-funds-360"),
        ("/liuzhou/workspace/organization", "my-organization-360"),
    ] {
        on_a_phone(&phone, &app, path, name).await;
    }
    sign_out(&phone).await;
    sign_in(&app, &phone, "liuzhou", "liuzhou.donor").await;
    for (path, name) in [("/liuzhou/my/donations", "my-donations-360")] {
        on_a_phone(&phone, &app, path, name).await;
    }
    phone.close().await.unwrap();
}
