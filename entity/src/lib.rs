//! Table definitions, one module per table. Entities are data: every rule
//! about them lives in the `service` crate.

#[macro_use]
mod macros;

pub mod allocation;
pub mod annual_report;
pub mod annual_report_reminder;
pub mod app_user;
pub mod assistance;
pub mod attempt_counter;
pub mod audit_head;
pub mod audit_log;
pub mod campaign;
pub mod change_application;
pub mod charity_fund;
pub mod complaint;
pub mod disbursement;
pub mod donation;
pub mod donation_station;
pub mod donation_tally;
pub mod email_outbox;
pub mod fee_reduction_line;
pub mod fee_reduction_period;
pub mod fee_reduction_report;
pub mod fee_reduction_report_version;
pub mod financial_statement;
pub mod idempotency_key;
pub mod organization;
pub mod organization_version;
pub mod receipt_sequence;
pub mod referral;
pub mod referral_need;
pub mod referral_target;
pub mod registration_application;
pub mod relief_benefit;
pub mod relief_case;
pub mod relief_person;
pub mod relief_standard;
pub mod supervision_listing;
pub mod tenant;

#[cfg(test)]
mod stored_strings;
