//! The unified social credit code (统一社会信用代码, GB 32100-2015) and the
//! organization code embedded in it (GB 11714). Parsed once at the edge;
//! past it a `CreditCode` is known to be well formed.
//!
//! Layout (18 characters): 1 registration authority (`5` = civil affairs),
//! 2 kind (`1` social group, `2` social service institution, `3`
//! foundation, `9` other), 3-8 the registering authority's division code,
//! 9-17 the organization code (8 characters and a GB 11714 check
//! character), 18 a check character over the first 17.

use std::fmt;

use entity::organization::OrganizationKind;

use crate::error::{Error, Result};

/// The 31 characters a credit code may use (no I, O, S, V, Z).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The registration authority code of civil-affairs bodies.
pub const CIVIL_AFFAIRS: char = '5';

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parse and check a code as typed (spaces and lower case tolerated).
    pub fn parse(input: &str) -> Result<Self> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let invalid = |why: &str, zh: &str| {
            Error::validation(
                "creditCode",
                format!("\"{input}\" is not a valid unified social credit code: {why}"),
                format!("“{input}”不是有效的统一社会信用代码：{zh}"),
            )
        };
        if code.chars().count() != 18 {
            return Err(invalid("it must have 18 characters", "应为 18 位"));
        }
        let values: Vec<u32> = code
            .bytes()
            .map(|b| ALPHABET.iter().position(|a| *a == b).map(|p| p as u32))
            .collect::<Option<_>>()
            .ok_or_else(|| {
                invalid(
                    "it may only use digits and the letters ABCDEFGHJKLMNPQRTUWXY",
                    "只能使用数字和字母 ABCDEFGHJKLMNPQRTUWXY",
                )
            })?;
        if !code[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "characters 3 to 8 must be the division code digits",
                "第 3 至 8 位应为行政区划代码（数字）",
            ));
        }
        let org = &code[8..17];
        if organization_check_char(&org[..8]) != Some(org.as_bytes()[8] as char) {
            return Err(invalid(
                "the check character of the embedded organization code (character 17) is wrong",
                "第 17 位（组织机构代码校验码）不正确",
            ));
        }
        if code_check_value(&values[..17]) != values[17] {
            return Err(invalid("the last check character is wrong", "最后一位校验码不正确"));
        }
        Ok(Self(code))
    }

    /// Assemble a new code for a civil-affairs registration from its parts,
    /// computing both check characters. `organization_body` is 8 characters
    /// of the alphabet.
    pub fn assemble(kind: OrganizationKind, division_code: &str, organization_body: &str) -> Result<Self> {
        let org_check = organization_check_char(organization_body).ok_or_else(|| {
            Error::internal(anyhow::anyhow!(
                "organization code body {organization_body} is not 8 alphabet characters"
            ))
        })?;
        let first17 = format!(
            "{CIVIL_AFFAIRS}{}{division_code}{organization_body}{org_check}",
            kind_char(kind)
        );
        let values: Vec<u32> = first17
            .bytes()
            .map(|b| ALPHABET.iter().position(|a| *a == b).map(|p| p as u32))
            .collect::<Option<_>>()
            .filter(|v: &Vec<u32>| v.len() == 17)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("credit code parts {first17} are malformed")))?;
        let check = ALPHABET[code_check_value(&values) as usize] as char;
        Self::parse(&format!("{first17}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Character 1: who registered it (`5` = civil affairs).
    pub fn authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// Character 2: the kind of organization.
    pub fn kind_char(&self) -> char {
        self.0.as_bytes()[1] as char
    }

    /// Characters 3-8: the registering authority's division code.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }

    /// A code belongs to a city when its division is the city's or a county
    /// under it (same first four digits: 4502xx is Liuzhou's).
    pub fn belongs_to_city(&self, city_division_code: &str) -> bool {
        city_division_code.len() == 6 && self.division()[..4] == city_division_code[..4]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn kind_char(kind: OrganizationKind) -> char {
    match kind {
        OrganizationKind::SocialGroup => '1',
        OrganizationKind::SocialServiceInstitution => '2',
        OrganizationKind::Foundation => '3',
    }
}

/// GB 32100 check value over 17 character values: 31 - sum mod 31, 31 -> 0.
fn code_check_value(values: &[u32]) -> u32 {
    let sum: u32 = values.iter().zip(CODE_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// GB 11714 check character over 8 characters (digits 0-9, letters A=10 …
/// Z=35): 11 - sum mod 11, 10 -> `X`, 11 -> `0`.
fn organization_check_char(body: &str) -> Option<char> {
    if body.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in body.bytes().zip(ORG_WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent reference implementation, written from the standard's
    /// text with different code (a lookup string and explicit loops), so the
    /// tests do not check the module against itself.
    fn reference_code_check(first17: &str) -> char {
        let alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        let mut sum = 0;
        for (i, c) in first17.chars().enumerate() {
            sum += alphabet.find(c).unwrap_or(99) * weights[i];
        }
        let c = 31 - sum % 31;
        alphabet.chars().nth(if c == 31 { 0 } else { c }).unwrap_or('?')
    }

    fn reference_org_check(body: &str) -> char {
        let weights = [3, 7, 9, 10, 5, 8, 4, 2];
        let mut sum = 0;
        for (i, c) in body.chars().enumerate() {
            let v = if c.is_ascii_digit() {
                c as usize - '0' as usize
            } else {
                c as usize - 'A' as usize + 10
            };
            sum += v * weights[i];
        }
        match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            n => (b'0' + n as u8) as char,
        }
    }

    fn reference_code(kind: char, division: &str, body: &str) -> String {
        let first17 = format!("5{kind}{division}{body}{}", reference_org_check(body));
        format!("{first17}{}", reference_code_check(&first17))
    }

    #[test]
    fn real_shaped_codes_validate() {
        for (kind, division, body) in [
            ('1', "450200", "50123456"),
            ('2', "450100", "MJ0000AB"),
            ('3', "450300", "12345678"),
            ('1', "450203", "6A7B8C9D"),
            ('9', "450100", "00000000"),
        ] {
            let code = reference_code(kind, division, body);
            let parsed = CreditCode::parse(&code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.authority(), '5');
            assert_eq!(parsed.kind_char(), kind);
            assert_eq!(parsed.division(), division);
        }
    }

    #[test]
    fn assembled_codes_match_the_reference() {
        for (kind, body) in [
            (OrganizationKind::SocialGroup, "50123456"),
            (OrganizationKind::SocialServiceInstitution, "MJ0000AB"),
            (OrganizationKind::Foundation, "9XY00017"),
        ] {
            let code = CreditCode::assemble(kind, "450200", body).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(code.as_str(), reference_code(kind_char(kind), "450200", body));
        }
    }

    #[test]
    fn any_single_character_change_is_caught() {
        let code = reference_code('1', "450200", "50123456");
        for position in 0..18 {
            for replacement in ALPHABET.iter().map(|b| *b as char) {
                let mut changed: Vec<char> = code.chars().collect();
                if changed[position] == replacement || (2..8).contains(&position) && !replacement.is_ascii_digit() {
                    continue;
                }
                changed[position] = replacement;
                let changed: String = changed.into_iter().collect();
                assert!(
                    CreditCode::parse(&changed).is_err(),
                    "{changed} (position {position}) should fail"
                );
            }
        }
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        let good = reference_code('1', "450200", "50123456");
        for bad in [
            "",
            "51450200",
            &good[..17],
            &format!("{good}0"),
            &good.replace('5', "S"),
            "51450200MJ0000ABIO",
        ] {
            assert!(CreditCode::parse(bad).is_err(), "{bad}");
        }
        assert!(
            CreditCode::parse(&good.to_lowercase()).is_ok(),
            "lower case is tolerated"
        );
    }

    #[test]
    fn division_decides_the_city() {
        let liuzhou_county =
            CreditCode::parse(&reference_code('1', "450221", "50123456")).unwrap_or_else(|e| panic!("{e}"));
        assert!(liuzhou_county.belongs_to_city("450200"));
        assert!(!liuzhou_county.belongs_to_city("450300"));
    }
}
