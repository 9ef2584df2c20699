//! Which end-to-end tests this run can honestly run. A test that needs
//! PostgreSQL or a browser is marked `#[cfg_attr(not(postgres), ignore =
//! "…")]` (or `not(browser)`), so without them `cargo test` reports it as
//! ignored, with the reason, instead of a pass that checked nothing.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres)");
    println!("cargo::rustc-check-cfg=cfg(browser)");
    println!("cargo::rerun-if-env-changed=SHANLIAN_TEST_POSTGRES");
    println!("cargo::rerun-if-env-changed=SHANLIAN_TEST_BROWSER");
    // The same test as `tests::postgres::server()`: set and not empty.
    if std::env::var("SHANLIAN_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=postgres");
    }
    // Chromium and chromedriver are asked for, not guessed at: with
    // SHANLIAN_TEST_BROWSER=1 a missing browser fails the browser tests.
    if std::env::var("SHANLIAN_TEST_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0") {
        println!("cargo::rustc-cfg=browser");
    }
}
