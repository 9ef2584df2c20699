//! End-to-end tests. Each test starts the real application on a free port
//! against a fresh database: a new SQLite file by default, or a new
//! PostgreSQL database when `SHANLIAN_TEST_POSTGRES` names a server.

mod helpers;
mod register;

mod audit;
mod auth;
mod backup;
mod browser;
mod demo;
mod distributable;
mod donations;
mod fee_reductions;
mod fuzz;
mod health;
mod idempotency;
mod input;
mod nested_lists;
mod organizations;
mod outage;
mod outbox;
mod relief;
mod rls;
mod security;
mod tenancy;
mod web;
mod web_accounts;
mod web_forms;
mod web_office;
mod web_workspace;
