//! Fresh PostgreSQL databases for tests and drills.

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

/// Set to a PostgreSQL server URL (a superuser, like
/// `postgres://postgres@127.0.0.1:5432/postgres`) to run on PostgreSQL.
pub const SERVER_VAR: &str = "SHANLIAN_TEST_POSTGRES";

/// The server named by `SHANLIAN_TEST_POSTGRES`, if any.
pub fn server() -> Option<String> {
    std::env::var(SERVER_VAR).ok().filter(|s| !s.is_empty())
}

/// A fresh database named after a new UUID; returns the application-role
/// URL (`shanlian_app`, which the migrations create) and the owner URL.
pub async fn create_database(server: &str) -> (String, String) {
    let name = format!("shanlian_test_{}", Uuid::now_v7().simple());
    let admin = Database::connect(server).await.expect("PostgreSQL server");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let mut owner = url::Url::parse(server).expect("SHANLIAN_TEST_POSTGRES is a URL");
    owner.set_path(&name);
    let mut app = owner.clone();
    app.set_username("shanlian_app").expect("URL takes a username");
    app.set_password(None).expect("URL takes a password");
    (app.to_string(), owner.to_string())
}
