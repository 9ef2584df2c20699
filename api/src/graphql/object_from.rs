//! GraphQL output objects derived from the service's structs, instead of a
//! hand-written getter per field.
//!
//! ```text
//! object_from! {
//!     pub struct Donation from GiftView as v in (v.gift) {
//!         id: Uuid,                                        // v.gift.id
//!         status: DonationStatus,                          // v.gift.status.into()
//!         /// Money, or the valuation of goods.
//!         amount: MoneyScalar = money(v.gift.amount_fen),  // computed
//!         public_donor_name: String = v.public_donor_name(),
//!     }
//! }
//! ```
//!
//! defines `#[derive(SimpleObject)] pub struct Donation { pub id: Uuid, … }`
//! with the fields in the order listed (the SDL's order) and
//! `From<GiftView>` and `From<&GiftView>` for `Donation`. A field without
//! `= expr` is cloned from the base (`in (…)`, else the source itself) and
//! converted with `From` (so an entity enum becomes its GraphQL twin); a
//! field with `= expr` is computed from a reference to the source, named by
//! the identifier after `as`. Fields that need the
//! database (nested lists) go in a `#[ComplexObject]` impl: put
//! `#[graphql(complex)]` on the struct; they come after the listed fields.
//!
//! `…, keeping reader { … }` also keeps the source, by value, in a field
//! `reader` the schema does not show.
//!
//! Doc comments on a field are its description. Those on the struct are the
//! type's description too, so write `//` comments there to leave the type
//! undescribed.

use service::Money;

use super::scalars::MoneyScalar;

macro_rules! object_from {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident from $src:ty as $v:ident $(in ($base:expr))? {
            $( $(#[$fattr:meta])* $field:ident : $fty:ty $(= $expr:expr)? ),* $(,)?
        }
    ) => {
        #[derive(async_graphql::SimpleObject)]
        $(#[$attr])*
        $vis struct $name {
            $( $(#[$fattr])* pub $field: $fty, )*
        }

        impl From<&$src> for $name {
            #[allow(clippy::clone_on_copy, clippy::useless_conversion)]
            fn from($v: &$src) -> Self {
                let base = $crate::graphql::object_from::object_from!(@base $v $(, $base)?);
                Self {
                    $( $field: $crate::graphql::object_from::object_from!(@value base, $field $(, $expr)?), )*
                }
            }
        }

        impl From<$src> for $name {
            fn from(source: $src) -> Self {
                Self::from(&source)
            }
        }
    };
    // The same, keeping the source itself (not in the schema) for the
    // `#[ComplexObject]` fields to read with.
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident from $src:ty as $v:ident $(in ($base:expr))?, keeping $keep:ident {
            $( $(#[$fattr:meta])* $field:ident : $fty:ty $(= $expr:expr)? ),* $(,)?
        }
    ) => {
        #[derive(async_graphql::SimpleObject)]
        $(#[$attr])*
        $vis struct $name {
            $( $(#[$fattr])* pub $field: $fty, )*
            #[graphql(skip)]
            pub $keep: $src,
        }

        impl From<$src> for $name {
            #[allow(clippy::clone_on_copy, clippy::useless_conversion)]
            fn from(source: $src) -> Self {
                let $v = &source;
                let base = $crate::graphql::object_from::object_from!(@base $v $(, $base)?);
                Self {
                    $( $field: $crate::graphql::object_from::object_from!(@value base, $field $(, $expr)?), )*
                    $keep: source,
                }
            }
        }
    };
    (@base $v:ident) => { $v };
    (@base $v:ident, $base:expr) => { &$base };
    (@value $b:ident, $field:ident) => {
        ::core::convert::From::from(::core::clone::Clone::clone(&$b.$field))
    };
    (@value $b:ident, $field:ident, $expr:expr) => { $expr };
}

pub(crate) use object_from;

/// An amount kept in fen, as the `Money` scalar (a decimal string).
pub fn money(fen: i64) -> MoneyScalar {
    MoneyScalar(Money::from_fen(fen))
}

/// JSON kept as text, as the `JSON` scalar (null if it does not parse).
pub fn json(text: &str) -> async_graphql::Json<serde_json::Value> {
    async_graphql::Json(serde_json::from_str(text).unwrap_or(serde_json::Value::Null))
}
