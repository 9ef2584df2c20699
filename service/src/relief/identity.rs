//! Resident identity numbers (公民身份号码, GB 11643-1999): six digits of
//! the registering division, the birth date (YYYYMMDD), three digits of
//! sequence (odd for men), and an ISO 7064 MOD 11-2 check character.

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits.
pub fn check_character(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(CHECK[(sum % 11) as usize])
}

/// A valid identity number, normalized (a lower-case x becomes X), with
/// the birth date it carries. Errors say which part is wrong.
pub fn parse(field: &'static str, value: &str, today: NaiveDate) -> Result<(String, NaiveDate)> {
    let id = value.trim().to_uppercase();
    let invalid = |why: &str, zh: &str| {
        Error::validation(
            field,
            format!("\"{value}\" is not a valid identity number: {why}"),
            format!("“{value}”不是有效的身份证号：{zh}"),
        )
    };
    if id.chars().count() != 18 {
        return Err(invalid("it must have 18 characters", "应为 18 位"));
    }
    let (first17, last) = id.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the first 17 characters must be digits", "前 17 位须为数字"));
    }
    let birth = NaiveDate::parse_from_str(&first17[6..14], "%Y%m%d")
        .ok()
        .filter(|d| d.year() >= 1890 && *d <= today)
        .ok_or_else(|| {
            invalid(
                "characters 7 to 14 are not a real birth date",
                "第 7 至 14 位不是有效的出生日期",
            )
        })?;
    let expected = check_character(first17)
        .ok_or_else(|| invalid("the first 17 characters must be digits", "前 17 位须为数字"))?;
    if last != expected.to_string() {
        return Err(invalid(
            "the check character (the last one) does not match the others",
            "校验位（最后一位）不正确",
        ));
    }
    Ok((id, birth))
}

/// Whole years between a birth date and `today`.
pub fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// 450102199001011234 -> 450102********1234.
pub fn mask(id: &str) -> String {
    if id.len() == 18 && id.is_ascii() {
        format!("{}********{}", &id[..6], &id[14..])
    } else {
        "*".repeat(id.chars().count().max(1))
    }
}

/// A valid number for a division, birth date and sequence (demo data and
/// tests).
pub fn assemble(division: &str, birth: NaiveDate, sequence: u32) -> String {
    let first17 = format!("{division}{}{:03}", birth.format("%Y%m%d"), sequence % 1000);
    let check = check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
    }

    #[test]
    fn the_standard_example_and_an_x_check_character_are_accepted() {
        // The example of GB 11643-1999.
        assert_eq!(check_character("11010519491231002"), Some('X'));
        let (id, birth) = parse("idNumber", "11010519491231002x", today()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(id, "11010519491231002X");
        assert_eq!(birth, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap_or_default());
        assert_eq!(check_character("44052418800101001"), Some('4'));
    }

    #[test]
    fn every_wrong_part_is_refused() {
        for bad in [
            "11010519491231002",   // 17 characters
            "1101051949123100231", // 19
            "11010519491231002Y",  // not the check character
            "110105194912310021",  // wrong check digit
            "11010519491332002X",  // no 32nd of December... month 13
            "1101052099010100X1",  // letters inside
            "110105209901010011",  // born in the future
        ] {
            assert!(parse("idNumber", bad, today()).is_err(), "{bad}");
        }
    }

    #[test]
    fn assembled_numbers_are_valid_and_masking_keeps_six_and_four() {
        let birth = NaiveDate::from_ymd_opt(1946, 3, 8).unwrap_or_default();
        let id = assemble("450202", birth, 12);
        assert!(parse("idNumber", &id, today()).is_ok(), "{id}");
        assert_eq!(mask(&id), format!("450202********{}", &id[14..]));
        assert_eq!(age(birth, today()), 80);
        assert_eq!(
            age(NaiveDate::from_ymd_opt(1946, 11, 27).unwrap_or_default(), today()),
            79
        );
    }
}
