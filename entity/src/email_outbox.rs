//! An email waiting to leave, or that left. Written in the transaction of
//! the event that causes it; only the outbox worker sends it.

use sea_orm::entity::prelude::*;

entity! {
    "email_outbox" key(tenant_id: Uuid) {
        /// Also the stable Message-ID: `<id@domain>`, the same on every retry.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub recipient: String,
        pub language: String,
        pub template: String,
        pub subject: String,
        pub text_body: String,
        pub html_body: String,
        pub status: EmailStatus,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        /// While `sending`: when the claiming worker's lease runs out and
        /// another worker may take the row over.
        pub lease_until: Option<DateTimeUtc>,
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub sent_at: Option<DateTimeUtc>,
    }
}

text_enum! {
    pub enum EmailStatus(16) {
        Pending,
        Sending,
        Sent,
        /// Gave up after the last attempt or a permanent refusal; an official
        /// can send it back to `pending`.
        Dead,
    }
}
