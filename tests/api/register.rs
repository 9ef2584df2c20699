//! Helpers for the organization register tests: an independent credit-code
//! calculator (written from GB 32100 / GB 11714, not from the service) and
//! lookups.

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The full 18-character code for civil-affairs kind `kind` ('1', '2',
/// '3'), division and an 8-character organization code body.
pub fn credit_code(kind: char, division: &str, body: &str) -> String {
    let alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    let org_weights = [3, 7, 9, 10, 5, 8, 4, 2];
    let org_sum: usize = body
        .chars()
        .zip(org_weights)
        .map(|(c, w)| {
            w * if c.is_ascii_digit() {
                c as usize - '0' as usize
            } else {
                c as usize - 'A' as usize + 10
            }
        })
        .sum();
    let org_check = match 11 - org_sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n as u32, 10).unwrap(),
    };
    let first17 = format!("5{kind}{division}{body}{org_check}");
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| w * alphabet.find(c).unwrap())
        .sum();
    let check = (31 - sum % 31) % 31;
    format!("{first17}{}", alphabet.chars().nth(check).unwrap())
}

/// True when both check characters of a code are right.
pub fn code_is_valid(code: &str) -> bool {
    code.len() == 18 && {
        let kind = code.chars().nth(1).unwrap();
        credit_code(kind, &code[2..8], &code[8..16]) == code
    }
}

pub async fn org_id(app: &TestApp, name: &str) -> String {
    app.scalar_string(&format!("SELECT id FROM organization WHERE name = '{name}'"))
        .await
}

pub fn particulars(name: &str, kind: &str) -> Value {
    json!({
        "name": name, "kind": kind, "businessScope": "开展社区志愿服务",
        "registeredAddress": "柳州市城中区文惠路1号", "legalRepresentative": "覃明",
        "contactEmail": "apply@example.org",
    })
}

pub const SUBMIT: &str = "mutation($i: ParticularsInput!) { submitRegistrationApplication(input: $i) { id status } }";

/// Submit an application as `token`; returns its id.
pub async fn submit(app: &TestApp, token: &str, name: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            SUBMIT,
            json!({"i": particulars(name, "social_service_institution")}),
        )
        .await;
    body["data"]["submitRegistrationApplication"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

pub async fn decide(app: &TestApp, token: &str, mutation: &str, id: &str) -> Value {
    let query = if mutation == "rejectRegistrationApplication" {
        format!("mutation($id: UUID!) {{ {mutation}(id: $id, reason: \"名称不规范\") {{ id status organizationId }} }}")
    } else {
        format!("mutation($id: UUID!) {{ {mutation}(id: $id) {{ id status organizationId }} }}")
    };
    app.graphql(Some(token), &query, json!({"id": id})).await
}

pub const SUBMIT_CHANGE: &str = "mutation($o: UUID!, $c: ChangeItemsInput!) { submitChangeApplication(organizationId: $o, changes: $c) { id status } }";

pub async fn submit_change(app: &TestApp, token: &str, org: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            SUBMIT_CHANGE,
            json!({"o": org, "c": {"registeredAddress": "柳州市鱼峰区新地址8号"}}),
        )
        .await;
    body["data"]["submitChangeApplication"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

pub fn last_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year() - 1
}
