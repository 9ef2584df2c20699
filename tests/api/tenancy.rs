//! Nothing of one city is readable or writable from another, and region
//! officials see counts, never records.

use serde_json::json;

use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn liuzhou_cannot_reach_guilin_records_by_guessing_ids() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    let staff = app.login("liuzhou.org_staff").await;
    let guilin_user = app.user_id("guilin.donor").await;
    let guilin_org = app.organization_id("桂林市慈善总会").await;

    app.graphql_error(
        Some(&official),
        "query($id: UUID!) { user(id: $id) { username } }",
        json!({"id": guilin_user}),
        "NOT_FOUND",
    )
    .await;
    app.graphql_error(
        Some(&official),
        "query($id: UUID!) { organization(id: $id) { name } }",
        json!({"id": guilin_org}),
        "NOT_FOUND",
    )
    .await;
    app.graphql_error(
        Some(&staff),
        "query($id: UUID!) { organization(id: $id) { name } }",
        json!({"id": guilin_org}),
        "NOT_FOUND",
    )
    .await;
    app.graphql_error(
        Some(&official),
        "mutation($id: UUID!) { setUserActive(id: $id, active: false) { id } }",
        json!({"id": guilin_user}),
        "NOT_FOUND",
    )
    .await;
    let still_active = app
        .count(&format!(
            "SELECT COUNT(*) FROM app_user WHERE username = 'guilin.donor' AND active = {}",
            if app.is_postgres() { "true" } else { "1" }
        ))
        .await;
    assert_eq!(still_active, 1, "the Guilin user was not changed");

    // An org_staff account cannot be attached to another city's organization.
    app.graphql_error(Some(&official), "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            json!({"i": {"username": "sneaky", "displayName": "x", "email": "x@example.org", "password": "long-enough-1", "role": "org_staff", "organizationId": guilin_org}}), "VALIDATION").await;

    // Lists show only the caller's city.
    let users = app
        .graphql(
            Some(&official),
            "{ users(first: 100) { edges { node { username } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = users["data"]["users"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{users}");
    assert!(names.iter().all(|n| n.starts_with("liuzhou.")), "{names:?}");
    // Every page of the register, to its end.
    let mut names: Vec<String> = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let orgs = app
            .graphql(
                Some(&official),
                "query($a: String) { organizations(first: 100, after: $a) { edges { node { name } } pageInfo { hasNextPage endCursor } } }",
                json!({"a": after}),
            )
            .await;
        let page = &orgs["data"]["organizations"];
        names.extend(
            page["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{orgs}"))
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let liuzhou = "(SELECT id FROM tenant WHERE slug = 'liuzhou')";
    let expected = app
        .count(&format!(
            "SELECT COUNT(*) FROM organization WHERE tenant_id = {liuzhou}"
        ))
        .await;
    assert_eq!(names.len() as i64, expected);
    assert!(names.iter().all(|n| n.starts_with("柳州市")), "{names:?}");
}

#[tokio::test]
async fn region_officials_read_aggregates_and_no_city_records() {
    let app = spawn_app().await;
    let region = app.login("guangxi.region_official").await;
    let body = app
        .graphql(
            Some(&region),
            "{ regionOverview { region { slug } cities { city { slug divisionCode } organizationCount userCount } } }",
            json!({}),
        )
        .await;
    let overview = &body["data"]["regionOverview"];
    assert_eq!(overview["region"]["slug"], "guangxi", "{body}");
    let cities: Vec<(&str, i64, i64)> = overview["cities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["city"]["slug"].as_str().unwrap(),
                c["organizationCount"].as_i64().unwrap(),
                c["userCount"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut expected = Vec::new();
    for slug in ["nanning", "liuzhou", "guilin"] {
        let tenant = format!("(SELECT id FROM tenant WHERE slug = '{slug}')");
        let orgs = app
            .count(&format!(
                "SELECT COUNT(*) FROM organization WHERE tenant_id = {tenant} AND status = 'active'"
            ))
            .await;
        let users = app
            .count(&format!("SELECT COUNT(*) FROM app_user WHERE tenant_id = {tenant}"))
            .await;
        expected.push((slug, orgs, users));
    }
    assert_eq!(cities, expected);
    assert!(
        expected.iter().all(|(_, orgs, _)| *orgs >= 24),
        "dozens of organizations per city: {expected:?}"
    );

    let guilin_user = app.user_id("guilin.donor").await;
    let guilin_org = app.organization_id("桂林市慈善总会").await;
    for (query, vars) in [
        ("{ users { edges { node { id } } } }", json!({})),
        ("query($id: UUID!) { user(id: $id) { id } }", json!({"id": guilin_user})),
        ("{ organizations { edges { node { id } } } }", json!({})),
        (
            "query($id: UUID!) { organization(id: $id) { id } }",
            json!({"id": guilin_org}),
        ),
        ("{ auditLog { edges { node { id } } } }", json!({})),
    ] {
        assert_error(&app.graphql(Some(&region), query, vars).await, "FORBIDDEN");
    }
    // City officials may not read the region roll-up.
    let city = app.login("liuzhou.city_official").await;
    assert_error(
        &app.graphql(Some(&city), "{ regionOverview { region { slug } } }", json!({}))
            .await,
        "FORBIDDEN",
    );
}

#[tokio::test]
async fn the_platform_admin_opens_a_city_with_its_first_official() {
    let app = spawn_app().await;
    let admin = app.login("platform.platform_admin").await;
    let create = "mutation($i: CreateTenantInput!) { createTenant(input: $i) { tenant { slug kind parentId } firstOfficial { username role } } }";
    let input = json!({"i": {
        "slug": "wuzhou", "name": "梧州市", "kind": "city", "divisionCode": "450400", "parentSlug": "guangxi",
        "firstOfficial": {"username": "wz.official", "displayName": "梧州民政", "email": "official@wuzhou.example", "password": "wuzhou-first-1"}
    }});
    let body = app.graphql(Some(&admin), create, input.clone()).await;
    assert_eq!(body["data"]["createTenant"]["tenant"]["slug"], "wuzhou", "{body}");
    assert_eq!(body["data"]["createTenant"]["firstOfficial"]["role"], "city_official");

    let login = app
        .graphql(None, "mutation { login(tenant: \"wuzhou\", username: \"wz.official\", password: \"wuzhou-first-1\") { user { role } } }", json!({}))
        .await;
    assert_eq!(login["data"]["login"]["user"]["role"], "city_official", "{login}");

    // The same slug again is a conflict, and nothing half-written remains.
    app.graphql_error(Some(&admin), create, input, "CONFLICT").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM app_user WHERE username = 'wz.official'")
            .await,
        1
    );

    // The region roll-up now includes the new city.
    let region = app.login("guangxi.region_official").await;
    let overview = app
        .graphql(
            Some(&region),
            "{ regionOverview { cities { city { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        overview["data"]["regionOverview"]["cities"].as_array().unwrap().len(),
        4
    );

    // Only the platform admin may do this; bad codes are explained.
    let official = app.login("liuzhou.city_official").await;
    let other = json!({"i": {
        "slug": "hezhou", "name": "贺州市", "kind": "city", "divisionCode": "451100", "parentSlug": "guangxi",
        "firstOfficial": {"username": "hz.official", "displayName": "贺州民政", "email": "official@hezhou.example", "password": "hezhou-first-1"}
    }});
    assert_error(&app.graphql(Some(&official), create, other.clone()).await, "FORBIDDEN");
    let mut bad = other;
    bad["i"]["divisionCode"] = json!("520100");
    let body = app.graphql_error(Some(&admin), create, bad, "VALIDATION").await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "divisionCode");
}

#[tokio::test]
async fn lists_page_through_every_row_once() {
    let app = spawn_app().await;
    let official = app.login("liuzhou.city_official").await;
    for i in 0..7 {
        let body = app
            .graphql(
                Some(&official),
                "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                json!({"i": {"username": format!("donor{i}"), "displayName": format!("捐赠人{i}"), "email": format!("d{i}@example.org"), "password": "long-enough-1", "role": "donor"}}),
            )
            .await;
        assert!(body["data"]["createUser"]["id"].is_string(), "{body}");
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = app
            .graphql(
                Some(&official),
                "query($a: String) { users(first: 3, after: $a) { edges { node { username } } pageInfo { hasNextPage endCursor } } }",
                json!({"a": after}),
            )
            .await;
        let users = &body["data"]["users"];
        seen.extend(
            users["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["username"].as_str().unwrap().to_owned()),
        );
        if !users["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = users["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(seen.len(), 10, "{seen:?}");
    assert_eq!(unique.len(), 10);
}
