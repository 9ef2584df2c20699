//! The calendar the bureaus work by. Dates (due dates, listing dates,
//! registration dates) are China Standard Time, UTC+8 all year round: a
//! report filed at 07:00 in Liuzhou on 1 June is filed on 1 June, not on
//! 31 May as UTC would have it.

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

const CHINA_STANDARD_TIME_SECONDS: i32 = 8 * 3600;

/// Now, to the microsecond: what PostgreSQL stores, so a time written and
/// read back compares equal to the one kept in memory (and in the audit
/// record's hash) on both databases.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today's date in China Standard Time.
pub fn today() -> NaiveDate {
    china_date(Utc::now())
}

/// The instant a China Standard Time date begins.
pub fn china_midnight(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (midnight - chrono::Duration::seconds(i64::from(CHINA_STANDARD_TIME_SECONDS))).and_utc()
}

/// The China Standard Time date and time of an instant, to the minute.
pub fn china_time(instant: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(CHINA_STANDARD_TIME_SECONDS) {
        Some(cst) => instant.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string(),
        None => instant.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// The China Standard Time date of an instant.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(CHINA_STANDARD_TIME_SECONDS) {
        Some(cst) => instant.with_timezone(&cst).date_naive(),
        None => instant.date_naive(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_china_day_begins_at_four_in_the_afternoon_utc_the_day_before() {
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_else(|| panic!("a real date"));
        let start = china_midnight(date);
        assert_eq!(start.to_rfc3339(), "2026-05-31T16:00:00+00:00");
        assert_eq!(china_date(start), date);
        assert_eq!(
            china_date(start - chrono::Duration::seconds(1)),
            date.pred_opt().unwrap_or(date)
        );
        assert_eq!(china_time(start), "2026-06-01 00:00");
    }
}
