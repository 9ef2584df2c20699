//! The Shanlian server as a library, so `main` and the end-to-end tests
//! start exactly the same application (see [`startup::Application`]).

pub mod cli;
pub mod config;
pub mod graphql;
pub mod http;
pub mod startup;
pub mod telemetry;
