//! Money: exact yuan with two decimals (fen), CNY. Held as integer fen so
//! sums are exact on both databases; shown and parsed as a decimal string.

use std::fmt;
use std::str::FromStr;

use num_format::{Locale, ToFormattedString};
use rust_decimal::Decimal;

use crate::error::Error;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Exact conversion; refuses more than two decimals or an amount that
    /// does not fit.
    pub fn from_decimal(value: Decimal) -> Result<Self, Error> {
        if value.normalize().scale() > 2 {
            return Err(Error::validation(
                "amount",
                format!("{value} has more than two decimals: amounts are in yuan to the fen (0.01)"),
                format!("{value} 超过两位小数：金额以元为单位，精确到分（0.01）"),
            ));
        }
        let fen = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|f| i64::try_from(f.trunc()).ok())
            .ok_or_else(|| {
                Error::validation(
                    "amount",
                    format!("{value} is too large"),
                    format!("{value} 超出可记录的金额"),
                )
            })?;
        Ok(Self(fen))
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// As people read an amount: yuan in groups of three, two decimals
    /// (3,013,384.00). The API keeps the plain form (`Display`).
    pub fn grouped(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (yuan, fen) = (self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100);
        format!("{sign}{}.{fen:02}", yuan.to_formatted_string(&Locale::en))
    }

    /// An amount as a person types it in a form: besides the plain form,
    /// a ¥ before or 元 after it, and commas between groups of three
    /// (60,000 or 1,280.50). A comma anywhere else is refused, so 1,28 is
    /// not read as 128.
    pub fn from_typed(s: &str) -> Result<Self, Error> {
        let bare = s.trim().trim_start_matches(['¥', '￥']).trim_end_matches('元').trim();
        if !bare.contains(',') {
            return bare.parse();
        }
        let whole = bare.split('.').next().unwrap_or_default().trim_start_matches('-');
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let grouped = (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3);
        if !grouped {
            return Err(not_an_amount(s));
        }
        bare.replace(',', "").parse()
    }
}

fn not_an_amount(s: &str) -> Error {
    Error::validation(
        "amount",
        format!("\"{s}\" is not an amount in yuan: write digits with at most two decimals, like 1280.50"),
        format!("“{s}”不是以元为单位的金额：请填写数字，最多两位小数，如 1280.50"),
    )
}

impl FromStr for Money {
    type Err = Error;

    /// Accepts `1234`, `1234.5`, `1234.56`, `-3.00`; refuses floats in
    /// scientific notation, separators and more than two decimals.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let invalid = || not_an_amount(s);
        if trimmed.is_empty() || trimmed.contains(['e', 'E', ',', '_', ' ']) {
            return Err(invalid());
        }
        let value = Decimal::from_str_exact(trimmed).map_err(|_| invalid())?;
        Self::from_decimal(value)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly_two_decimals() {
        for (input, fen, shown) in [
            ("0", 0, "0.00"),
            ("12", 1200, "12.00"),
            ("12.5", 1250, "12.50"),
            ("41139900.00", 4_113_990_000, "41139900.00"),
            ("-3.07", -307, "-3.07"),
            ("0.10", 10, "0.10"),
        ] {
            let money: Money = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(money.fen(), fen, "{input}");
            assert_eq!(money.to_string(), shown, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_exact_yuan() {
        for input in ["", "1.234", "1e3", "1,000", "abc", "NaN", "99999999999999999999999"] {
            assert!(input.parse::<Money>().is_err(), "{input} should be refused");
        }
    }

    #[test]
    fn amounts_read_as_people_read_and_type_them() {
        for (fen, shown) in [
            (301_338_400, "3,013,384.00"),
            (0, "0.00"),
            (5, "0.05"),
            (10_000_000, "100,000.00"),
            (-1_234_567, "-12,345.67"),
            (100_000_000_110, "1,000,000,001.10"),
        ] {
            assert_eq!(Money::from_fen(fen).grouped(), shown);
        }
        for (typed, fen) in [
            ("60,000", 6_000_000),
            ("¥1,280.50", 128_050),
            ("1280.5元", 128_050),
            (" ￥ 3,013,384.00 ", 301_338_400),
            ("12", 1200),
        ] {
            assert_eq!(Money::from_typed(typed).map(Money::fen).ok(), Some(fen), "{typed}");
        }
        for typed in [
            "1,28",
            "12,3456",
            ",100",
            "1,000,00",
            "1.000,50",
            "¥",
            "1e3",
            "1,000.005",
        ] {
            assert!(Money::from_typed(typed).is_err(), "{typed} should be refused");
        }
    }

    #[test]
    fn sums_are_exact() {
        let total = (0..10_000).try_fold(Money::ZERO, |acc, _| acc.checked_add("0.01".parse().ok()?));
        assert_eq!(total.map(|m| m.to_string()), Some("100.00".to_owned()));
    }
}
