//! Failed attempts of one kind (sign-in, password, receipt code) by one key
//! (an account or a client address), for throttling guesses. Not
//! tenant-owned: an address guesses across cities.

use sea_orm::entity::prelude::*;

entity! {
    "attempt_counter" key(kind: String, key: String) {
        /// Failures since the counter last started (a success or a quiet
        /// window resets it).
        pub failures: i32,
        pub last_failure_at: DateTimeUtc,
    }
}
