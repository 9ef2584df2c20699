use crate::helpers::{spawn_app, spawn_postgres_app};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = app.get(None, "/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
    let ready = app.get(None, "/readyz").await;
    assert_eq!(ready.status().as_u16(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn graphiql_and_home_page_are_served() {
    let app = spawn_app().await;
    let graphiql = app.get(None, "/graphql").await;
    assert_eq!(graphiql.status().as_u16(), 200);
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
    let home = app.get(None, "/").await;
    assert_eq!(home.status().as_u16(), 200);
    let html = home.text().await.unwrap();
    for city in ["南宁市", "柳州市", "桂林市", "广西壮族自治区"] {
        assert!(html.contains(city), "home page lists {city}");
    }
    // The home page is for people; GraphiQL (above) is for integrators and
    // is not advertised there.
    assert!(!html.contains("GraphiQL"));
}

#[tokio::test]
async fn demo_data_is_seeded_once() {
    let app = spawn_app().await;
    let users = app.count("SELECT COUNT(*) FROM app_user").await;
    // platform admin + region official + three roles in each of three cities
    assert_eq!(users, 11);
    // A second start-up against the same database adds nothing.
    let settings = api::config::Settings::from_sources(&[
        ("SHANLIAN__SERVER__PORT".into(), "0".into()),
        ("SHANLIAN__DATABASE__URL".into(), app.app_url.clone()),
        (
            "SHANLIAN__AUTH__JWT_SECRET".into(),
            crate::helpers::TEST_JWT_SECRET.into(),
        ),
        ("SHANLIAN__DATABASE__MIGRATE_ON_START".into(), "false".into()),
    ])
    .unwrap();
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
    api::startup::prepare_database(&settings).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM app_user").await, 11);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log").await,
        audit_before,
        "a no-op seed writes no audit record"
    );
}

#[tokio::test]
#[cfg_attr(not(postgres), ignore = "needs PostgreSQL: set SHANLIAN_TEST_POSTGRES")]
async fn the_database_connection_is_encrypted_when_the_url_asks_for_it() {
    // Managed PostgreSQL services refuse connections without TLS: a URL with
    // sslmode=require must get an encrypted session, not an error.
    // SQLite is a file: there is no connection to encrypt.
    let app = spawn_postgres_app().await;
    let url = format!("{}?sslmode=require", app.app_url);
    let db = sea_orm::Database::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connecting with sslmode=require (is ssl on in the server?): {e}"));
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(row.try_get_by_index::<bool>(0).unwrap(), "the session is not encrypted");
    // And the server itself runs on such a URL.
    service::Db::connect(&url, 1).await.unwrap().ping().await.unwrap();
}
