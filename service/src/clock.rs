//! The calendar the bureaus work by. Dates (due dates, listing dates,
//! registration dates) are China Standard Time, UTC+8 all year round: a
//! report filed at 07:00 in Liuzhou on 1 June is filed on 1 June, not on
//! 31 May as UTC would have it.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

const CHINA_STANDARD_TIME_SECONDS: i32 = 8 * 3600;

/// Today's date in China Standard Time.
pub fn today() -> NaiveDate {
    china_date(Utc::now())
}

/// The China Standard Time date of an instant.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(CHINA_STANDARD_TIME_SECONDS) {
        Some(cst) => instant.with_timezone(&cst).date_naive(),
        None => instant.date_naive(),
    }
}
