//! Parsing of free text at the edge of the domain: trimmed, non-empty,
//! bounded, printable. Messages name the field so a person can fix it.

use crate::error::{Error, Result};

/// A required single-line text field.
pub fn required_text(field: &'static str, value: &str, max_chars: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::validation(
            field,
            format!("{field} must not be empty"),
            format!("请填写{}", label(field)),
        ));
    }
    bounded(field, value, max_chars)
}

/// A field's name in Chinese, so a message read away from its field (a
/// banner above a list of rows, an API client) still says what is missing.
pub fn label(field: &str) -> &'static str {
    match field {
        "reason" => "原因",
        "outcome" => "结案情况",
        "summary" => "报告内容",
        "name" => "名称",
        "displayName" => "姓名",
        "donorName" => "捐赠人名称",
        "username" => "用户名",
        "tenant" => "城市",
        "password" => "密码",
        "paymentReference" => "付款流水号",
        "description" => "说明",
        "beneficiaryName" => "受益对象",
        "businessScope" => "业务范围",
        "registeredAddress" => "住所",
        "legalRepresentative" => "法定代表人",
        "goodsDescription" => "物资名称",
        "goodsQuantity" => "数量",
        "goodsUnit" => "单位",
        "valuationBasis" => "估值依据",
        "comment" | "lineComments" => "意见",
        "handling" => "处理情况",
        "subjectName" => "被投诉对象",
        "title" => "标题",
        "district" => "区",
        "street" => "街道",
        "community" => "社区",
        "address" => "地址",
        _ => "此项",
    }
}

/// An optional text field: blank becomes `None`.
pub fn optional_text(field: &'static str, value: Option<&str>, max_chars: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max_chars).map(Some),
    }
}

fn bounded(field: &'static str, value: &str, max_chars: usize) -> Result<String> {
    if value.chars().count() > max_chars {
        return Err(Error::validation(
            field,
            format!("{field} may have at most {max_chars} characters"),
            format!("最多 {max_chars} 个字"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            format!("{field} must not contain control characters"),
            "不能含有控制字符（如换行、制表符）",
        ));
    }
    Ok(value.to_owned())
}

/// A machine name: lower-case ASCII letters, digits, `.`, `_` and `-`,
/// starting with a letter (usernames, tenant slugs).
pub fn identifier(field: &'static str, value: &str, min: usize, max: usize) -> Result<String> {
    let value = value.trim();
    let ok = (min..=max).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(Error::validation(
            field,
            format!("{field} must be {min} to {max} characters of a-z, 0-9, '.', '_' or '-', starting with a letter"),
            format!("须为 {min} 至 {max} 个字符，只用小写字母、数字和 . _ -，以字母开头"),
        ))
    }
}

/// A bare address (`name@example.org`): no display text (`王五 <…>`), no
/// domain literal, no whitespace or control characters, which would let a
/// value add headers to the mail it is written into.
pub fn email(field: &'static str, value: &str) -> Result<String> {
    use email_address::{EmailAddress, Options};
    let value = value.trim();
    let options = Options::default().without_display_text().without_domain_literal();
    let clean = !value.chars().any(|c| c.is_control() || c.is_whitespace());
    if clean && value.len() <= 254 && EmailAddress::parse_with_options(value, options).is_ok() {
        return Ok(value.to_owned());
    }
    if clean {
        Err(Error::validation(
            field,
            format!("\"{value}\" is not an email address: write it as name@example.org"),
            format!("“{value}”不是有效的邮箱地址，请写成 name@example.org 的形式"),
        ))
    } else {
        Err(Error::validation(
            field,
            "an email address has no spaces, line breaks or other control characters",
            "邮箱地址不能含空格、换行或其他控制字符",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_a_bare_address() {
        assert_eq!(
            email("e", " wang@example.org ").ok().as_deref(),
            Some("wang@example.org")
        );
        for bad in [
            "王五 <wang@example.org>",
            "wang@example.org\r\nBcc: all@example.org",
            "wang @example.org",
            "wang@[127.0.0.1]",
            "not-an-address",
        ] {
            assert!(email("e", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            required_text("name", "  柳州市慈善总会 ", 10).ok().as_deref(),
            Some("柳州市慈善总会")
        );
        assert!(required_text("name", "   ", 10).is_err());
        assert!(required_text("name", "一二三四五六七八九十一", 10).is_err());
        assert!(required_text("name", "a\u{0}b", 10).is_err());
        assert_eq!(optional_text("note", Some("  "), 10).ok(), Some(None));
    }

    #[test]
    fn identifiers_and_emails() {
        assert!(identifier("username", "liuzhou.city_official", 3, 64).is_ok());
        assert!(identifier("username", "Liuzhou", 3, 64).is_err());
        assert!(identifier("username", "1abc", 3, 64).is_err());
        assert!(email("email", "a@example.org").is_ok());
        assert!(email("email", "not-an-email").is_err());
    }
}
