//! The two shapes every table module repeats, written once (issue 19).
//!
//! Both macros expand to the very tokens a module used to spell out, so the
//! tables, column types and stored strings are unchanged. They name
//! `sea_orm::entity::prelude` items (`Uuid`, `DeriveEntityModel`,
//! `DeriveActiveEnum`, `EnumIter`, `StringLen`, ...) unqualified: a module
//! that uses them starts with `use sea_orm::entity::prelude::*;`, as every
//! table module does. Literals and types are taken as `tt`s or raw token runs
//! so the sea-orm derives see plain tokens, as if typed by hand (they read a
//! field's type as text to find its column type).

/// A table's `Model`, with the usual derives and `table_name`, and the empty
/// `Relation` and default `ActiveModelBehavior` every table here has (the
/// joins are written in `service`, not declared).
///
/// `entity! { "donation" key(tenant_id: Uuid, id: Uuid) { fields } }` puts
/// the primary-key fields first, in that order (types are single names),
/// then the other fields as written. A key field with a doc comment or a
/// longer type is written among the fields with
/// `#[sea_orm(primary_key, auto_increment = false)]`, after the `key(...)`
/// ones, or with no `key(...)` at all.
macro_rules! entity {
    ($table:tt key($($key:ident: $key_type:ident),+ $(,)?) { $($fields:tt)* }) => {
        entity!($table {
            $(
                #[sea_orm(primary_key, auto_increment = false)]
                pub $key: $key_type,
            )+
            $($fields)*
        });
    };
    ($table:tt { $($fields:tt)* }) => {
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = $table)]
        pub struct Model {
            $($fields)*
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// An enum stored as text: each variant is stored, and (de)serialized, as
/// its name in snake_case (`WechatPay` is `"wechat_pay"`), in a column of
/// `String(StringLen::N(len))`; `len` is 8, 16, 24 or 32.
///
/// ```text
/// text_enum! {
///     /// Doc comments and other attributes (e.g. an extra
///     /// `#[derive(PartialOrd, Ord)]`) go on the enum and variants as usual.
///     pub enum Entry(16) {
///         Gift,
///         Reversal,
///     }
/// }
/// ```
///
/// Renaming a variant renames what is stored: `stored_strings` (the tests)
/// holds every value the database and the API already have.
macro_rules! text_enum {
    ($(#[$attr:meta])* pub enum $name:ident(8) $variants:tt) => {
        text_enum!(@column "String(StringLen::N(8))" $(#[$attr])* pub enum $name $variants);
    };
    ($(#[$attr:meta])* pub enum $name:ident(16) $variants:tt) => {
        text_enum!(@column "String(StringLen::N(16))" $(#[$attr])* pub enum $name $variants);
    };
    ($(#[$attr:meta])* pub enum $name:ident(24) $variants:tt) => {
        text_enum!(@column "String(StringLen::N(24))" $(#[$attr])* pub enum $name $variants);
    };
    ($(#[$attr:meta])* pub enum $name:ident(32) $variants:tt) => {
        text_enum!(@column "String(StringLen::N(32))" $(#[$attr])* pub enum $name $variants);
    };
    (@column $db_type:tt $(#[$attr:meta])* pub enum $name:ident {
        $($(#[$variant_attr:meta])* $variant:ident),+ $(,)?
    }) => {
        $(#[$attr])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            Hash,
            EnumIter,
            DeriveActiveEnum,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(rs_type = "String", db_type = $db_type, rename_all = "snake_case")]
        pub enum $name {
            $($(#[$variant_attr])* $variant,)+
        }
    };
}
