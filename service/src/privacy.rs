//! What the public may see of people. Donors who asked not to be named, and
//! anonymous ones, appear as 爱心人士 ("a caring person"); beneficiaries who
//! are people or households appear as their family name and a star.

/// How undisclosed donors are shown on every public field.
pub const UNDISCLOSED_DONOR: &str = "爱心人士";

/// The public name of a donor.
pub fn donor_display_name(name: &str, disclose: bool, anonymous: bool) -> String {
    if disclose && !anonymous {
        name.to_owned()
    } else {
        UNDISCLOSED_DONOR.to_owned()
    }
}

/// 张三丰 -> 张*; a name of one character is all star. Works on characters,
/// not bytes, so Chinese names are cut correctly.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(_)) => format!("{first}*"),
        _ => "*".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undisclosed_and_anonymous_donors_are_caring_people() {
        assert_eq!(donor_display_name("王五", true, false), "王五");
        assert_eq!(donor_display_name("王五", false, false), UNDISCLOSED_DONOR);
        assert_eq!(donor_display_name("王五", true, true), UNDISCLOSED_DONOR);
    }

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask_name("张三丰"), "张*");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("欧"), "*");
        assert_eq!(mask_name("  "), "*");
        assert_eq!(mask_name("Wang Wu"), "W*");
    }
}
