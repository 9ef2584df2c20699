//! The shapes the migrations build their tables from, so that each migration
//! reads as the list of what its tables hold.
//!
//! The SQL these produce must stay exactly what the migrations produced when
//! they were applied (deployed databases are never re-created), so each
//! helper makes the very statement the migrations used to spell out: a
//! column's type and nullability, the keys and foreign keys in the order
//! they were declared (the table builder writes columns, then the primary
//! key, then foreign keys, then checks, each in the order given).

use sea_orm_migration::prelude::*;

use crate::postgres::enable_tenant_rls;

/// The tenant every tenant-owned row belongs to.
const TENANT: &str = "tenant";
const TENANT_ID: &str = "tenant_id";
const ID: &str = "id";
const ORGANIZATION: &str = "organization";
const ORGANIZATION_ID: &str = "organization_id";
const YEAR: &str = "year";

fn tenant_id() -> Alias {
    Alias::new(TENANT_ID)
}

// Columns. Each is `NOT NULL`; an optional one says so with `.null()`,
// which replaces the nullability rather than adding to it.

pub(crate) fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).uuid().not_null().to_owned()
}

/// Unbounded text: JSON snapshots, descriptions, mail bodies.
pub(crate) fn text(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

pub(crate) fn integer(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).integer().not_null().to_owned()
}

/// A bounded string: names, codes, and the enum-like `status`/`kind`
/// columns the entities map to Rust enums.
pub(crate) fn string(column: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).not_null().to_owned()
}

pub(crate) fn boolean(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).boolean().not_null().to_owned()
}

pub(crate) fn date(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).date().not_null().to_owned()
}

/// An amount of money in fen (1/100 yuan), as a whole number: never a float.
pub(crate) fn fen(column: impl IntoIden) -> ColumnDef {
    big_integer(column)
}

pub(crate) fn big_integer(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

/// An instant, with its time zone.
pub(crate) fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().not_null().to_owned()
}

// Tables.

/// A tenant-owned table keyed by `(tenant_id, id)`: the two columns first,
/// the key, and the reference to the tenant. Every key of a tenant-owned
/// table leads with `tenant_id`, so the table distributes by tenant on Citus.
pub(crate) fn tenant_table(name: &str) -> TableCreateStatement {
    tenant_owned_table(name)
        .col(uuid(Alias::new(ID)))
        .primary_key(Index::create().col(tenant_id()).col(Alias::new(ID)))
        .to_owned()
}

/// A tenant-owned table with a key of its own: the `tenant_id` column and the
/// reference to the tenant; the caller adds the key with [`tenant_key`].
pub(crate) fn tenant_owned_table(name: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .col(uuid(tenant_id()))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new(name), tenant_id())
                .to(Alias::new(TENANT), Alias::new(ID)),
        )
        .to_owned()
}

/// A tenant-owned table of rows that each belong to one organization of
/// the city: [`tenant_table`], then `organization_id` referencing it.
pub(crate) fn organization_table(name: &str) -> TableCreateStatement {
    tenant_table(name)
        .col(uuid(Alias::new(ORGANIZATION_ID)))
        .foreign_key(&mut tenant_fk(name, Alias::new(ORGANIZATION_ID), ORGANIZATION))
        .to_owned()
}

/// A table of one row per organization and year, keyed
/// `(tenant_id, organization_id, year)`.
pub(crate) fn organization_year_table(name: &str) -> TableCreateStatement {
    let (organization_id, year) = (Alias::new(ORGANIZATION_ID), Alias::new(YEAR));
    tenant_owned_table(name)
        .col(uuid(organization_id.clone()))
        .col(integer(year.clone()))
        .primary_key(&mut tenant_key(&[organization_id.clone(), year]))
        .foreign_key(&mut tenant_fk(name, organization_id, ORGANIZATION))
        .to_owned()
}

/// A primary key `(tenant_id, columns…)`.
pub(crate) fn tenant_key<C: IntoIden + Clone>(columns: &[C]) -> IndexCreateStatement {
    let mut key = Index::create();
    key.col(tenant_id());
    for column in columns {
        key.col(column.clone());
    }
    key
}

/// A foreign key within the tenant: `(tenant_id, column)` of `table` to
/// `(tenant_id, id)` of `target`, so a row can point only at a row of its
/// own city.
pub(crate) fn tenant_fk(table: &str, column: impl IntoIden, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), (tenant_id(), column.into_iden()))
        .to(Alias::new(target), (tenant_id(), Alias::new(ID)))
        .to_owned()
}

/// An index on `(tenant_id, columns…)`: every query of the server names its
/// city, so every index leads with it.
pub(crate) fn tenant_index<C: IntoIden + Copy>(name: &str, table: &str, columns: &[C]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table)).col(tenant_id());
    for column in columns {
        index.col(*column);
    }
    index
}

/// A unique index on `(tenant_id, columns…)`: unique within each city.
pub(crate) fn tenant_unique<C: IntoIden + Copy>(name: &str, table: &str, columns: &[C]) -> IndexCreateStatement {
    tenant_index(name, table, columns).unique().to_owned()
}

// Statements.

/// Create a tenant-owned table and put it behind the row-level-security
/// wall (PostgreSQL; nothing more on SQLite).
pub(crate) async fn create_tenant_table(
    manager: &SchemaManager<'_>,
    table: &mut TableCreateStatement,
) -> Result<(), DbErr> {
    manager.create_table(table.to_owned()).await?;
    let name = match table.get_table_name() {
        Some(TableRef::Table(name, _)) => name.1.to_string(),
        _ => return Err(DbErr::Migration("a tenant table without a plain name".into())),
    };
    enable_tenant_rls(manager, &name).await
}

pub(crate) async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: impl IntoIterator<Item = IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Add a column to a table that has rows already.
pub(crate) async fn add_column(manager: &SchemaManager<'_>, table: &str, column: &mut ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(Alias::new(table)).add_column(column).to_owned())
        .await
}

pub(crate) async fn drop_column(manager: &SchemaManager<'_>, table: &str, column: impl IntoIden) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(Alias::new(table)).drop_column(column).to_owned())
        .await
}

/// Drop tables, in the order given (those that others reference last).
pub(crate) async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
            .await?;
    }
    Ok(())
}
