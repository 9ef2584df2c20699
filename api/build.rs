//! The drills that need PostgreSQL (a cluster restarted under load) are
//! marked `#[cfg_attr(not(postgres), ignore = "…")]`, so without
//! `SHANLIAN_TEST_POSTGRES` `cargo test` reports them as ignored, with the
//! reason, instead of a pass that checked nothing (see `tests/build.rs`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres)");
    println!("cargo::rerun-if-env-changed=SHANLIAN_TEST_POSTGRES");
    if std::env::var("SHANLIAN_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=postgres");
    }
}
