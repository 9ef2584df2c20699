//! Receipt numbers (公益事业捐赠票据号) and verification codes.
//!
//! A number is `ORGCODE-YYYY-NNNNNN`: the organization code (组织机构代码,
//! characters 9 to 17 of the unified social credit code), the year of
//! issue, and a sequence per organization per year. The sequence row is
//! incremented by an upsert inside the donation's transaction: the row lock
//! makes concurrent recordings take turns, and a rollback gives the number
//! back, so the numbers have no gaps.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The part of a credit code that identifies the organization.
pub fn organization_code(credit_code: &str) -> &str {
    credit_code.get(8..17).unwrap_or(credit_code)
}

pub fn format_number(organization_code: &str, year: i32, sequence: i32) -> String {
    format!("{organization_code}-{year:04}-{sequence:06}")
}

/// Take the next number of an organization's sequence for `year`.
pub(crate) async fn next_number(
    tx: &DatabaseTransaction,
    tenant_id: Uuid,
    organization_id: Uuid,
    year: i32,
) -> Result<i32> {
    use entity::receipt_sequence::{Column, Entity};
    let mut insert = Query::insert();
    insert
        .into_table(Entity)
        .columns([
            Column::TenantId,
            Column::OrganizationId,
            Column::Year,
            Column::LastNumber,
        ])
        .values([tenant_id.into(), organization_id.into(), year.into(), 1.into()])
        .map_err(Error::internal)?
        .on_conflict(
            OnConflict::columns([Column::TenantId, Column::OrganizationId, Column::Year])
                .value(Column::LastNumber, Expr::col((Entity, Column::LastNumber)).add(1))
                .to_owned(),
        )
        .returning_col(Column::LastNumber);
    let statement = tx.get_database_backend().build(&insert);
    let row = tx
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("receipt sequence upsert returned no row")))?;
    let number: i32 = row.try_get("", "last_number")?;
    if number > 999_999 {
        return Err(Error::conflict(
            format!("the organization has issued 999,999 receipts in {year}, the most one year's numbering allows"),
            format!("本机构 {year} 年已开具 999,999 张票据，已达当年编号上限"),
        ));
    }
    Ok(number)
}

/// Letters and digits that cannot be mistaken for each other when read
/// off a phone screen or a printed receipt (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LENGTH: usize = 8;

/// A fresh verification code for a receipt: 8 characters from 31, about
/// 40 bits, from the operating system's random source.
pub fn new_verification_code() -> String {
    (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[(OsRng.next_u32() % CODE_ALPHABET.len() as u32) as usize] as char)
        .collect()
}

/// What is stored: the code's SHA-256, so a leaked table does not open
/// every donor's trace. Case and spaces are forgiven.
pub fn hash_code(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_organization_code_year_and_six_digits() {
        let code = organization_code("51450100MJ0000018X");
        assert_eq!(code, "MJ0000018");
        assert_eq!(format_number(code, 2026, 42), "MJ0000018-2026-000042");
    }

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_hash_forgivingly() {
        let code = new_verification_code();
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(hash_code(&code), hash_code(&format!(" {} ", code.to_lowercase())));
        assert_ne!(hash_code("ABCDEFGH"), hash_code("ABCDEFGJ"));
    }
}
