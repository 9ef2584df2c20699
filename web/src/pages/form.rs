//! Posted forms as typed structs. Text fields are strings (blank when
//! missing); a choice among an enum's values is a [`Choice`], read by the
//! enum's serde name, so a value that is none of them is reported against
//! its field (400, the form shown again) instead of quietly becoming a
//! default.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use serde::de::{DeserializeOwned, Deserializer, value};
use serde::{Deserialize, Serialize, Serializer};

/// A form field choosing one value of `T`: blank, one of `T`'s serde
/// names, or something else (kept, to be reported and shown again).
#[derive(Clone, Debug)]
pub enum Choice<T> {
    Blank,
    Known(T),
    Unknown(String),
}

// By hand: a derived Default would ask `T: Default` of every choice.
#[allow(clippy::derivable_impls)]
impl<T> Default for Choice<T> {
    fn default() -> Self {
        Self::Blank
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Self::Blank);
        }
        Ok(match T::deserialize(value::StrDeserializer::<value::Error>::new(raw)) {
            Ok(known) => Self::Known(known),
            Err(_) => Self::Unknown(raw.to_owned()),
        })
    }
}

impl<T: Serialize> Serialize for Choice<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Blank => serializer.serialize_str(""),
            Self::Known(known) => known.serialize(serializer),
            Self::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

/// A form field that is not what the form offers.
#[derive(Debug)]
pub struct Rejected {
    /// The form's name of the field (`gift_kind`, `need_0_kind`).
    pub field: String,
    pub error: service::Error,
    pub status: StatusCode,
}

impl Rejected {
    /// A value the form does not offer: 400, the form shown again with the
    /// error beside the field.
    pub fn unknown(field: impl Into<String>, value: &str) -> Self {
        let field = field.into();
        Self {
            error: service::Error::validation(
                "choice",
                format!("\"{value}\" is not one of the choices: choose one from the list"),
                format!("“{value}”不是可选的值，请从列表中选择"),
            ),
            field,
            status: StatusCode::BAD_REQUEST,
        }
    }

    /// A value that does not parse (a date, an amount): 422 like the
    /// service's own validation errors.
    pub fn invalid(field: impl Into<String>, error: service::Error) -> Self {
        Self {
            field: field.into(),
            error,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// A value that does not parse, beside the field the error names (422).
impl From<service::Error> for Rejected {
    fn from(error: service::Error) -> Self {
        let field = match &error {
            service::Error::Validation { field: Some(f), .. } => super::form_field(f),
            _ => "_form".to_owned(),
        };
        Self::invalid(field, error)
    }
}

impl<T> Choice<T> {
    /// The chosen value, `None` when blank; an unknown value is rejected
    /// against `field`.
    pub fn optional(self, field: &str) -> Result<Option<T>, Rejected> {
        match self {
            Self::Blank => Ok(None),
            Self::Known(known) => Ok(Some(known)),
            Self::Unknown(raw) => Err(Rejected::unknown(field, &raw)),
        }
    }

    /// The chosen value, or `default` when the field was left blank (or not
    /// sent); an unknown value is rejected against `field`.
    pub fn or(self, field: &str, default: T) -> Result<T, Rejected> {
        Ok(self.optional(field)?.unwrap_or(default))
    }
}

/// A typed form from the posted fields (fields the type does not name,
/// like `csrf`, are left to their own checks).
pub fn typed<T: DeserializeOwned>(fields: &HashMap<String, String>) -> Result<T, Rejected> {
    typed_from(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// A typed form from the fields whose names start with `prefix` (one row
/// of a form with several: `need_0_kind`, `need_0_amount`…), the prefix
/// taken off.
pub fn typed_row<T: DeserializeOwned>(fields: &HashMap<String, String>, prefix: &str) -> Result<T, Rejected> {
    typed_from(
        fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?, v.as_str()))),
    )
}

fn typed_from<'a, T: DeserializeOwned>(fields: impl Iterator<Item = (&'a str, &'a str)>) -> Result<T, Rejected> {
    T::deserialize(value::MapDeserializer::<_, value::Error>::new(fields)).map_err(|e| {
        // Only a form type that is wrong itself gets here (every field has
        // a default and a choice never fails): say so above the form.
        tracing::error!(error = %e, "a form type does not read its fields");
        Rejected::invalid(
            "_form",
            service::Error::validation("form", e.to_string(), "表单无法读取"),
        )
    })
}

/// A value of `T` by its serde name (`"wechat_pay"`), `None` for anything
/// else: for fields named per row, which a typed form cannot name.
pub fn named<T: DeserializeOwned>(value: &str) -> Option<T> {
    T::deserialize(value::StrDeserializer::<value::Error>::new(value.trim())).ok()
}

/// A text field: trimmed, `None` when blank.
pub fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::donation::GiftKind;

    #[derive(Deserialize)]
    struct Form {
        #[serde(default)]
        gift_kind: Choice<GiftKind>,
        #[serde(default)]
        note: String,
    }

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_choice_is_read_by_its_serde_name_and_an_unknown_one_is_refused() {
        let form: Form =
            typed(&fields(&[("gift_kind", "goods"), ("note", "x"), ("csrf", "t")])).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(
            form.gift_kind.or("gift_kind", GiftKind::Money),
            Ok(GiftKind::Goods)
        ));
        assert_eq!(form.note, "x");
        let blank: Form = typed(&fields(&[])).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(
            blank.gift_kind.or("gift_kind", GiftKind::Money),
            Ok(GiftKind::Money)
        ));
        let odd: Form = typed(&fields(&[("gift_kind", "gold")])).unwrap_or_else(|e| panic!("{e:?}"));
        let rejected = odd.gift_kind.or("gift_kind", GiftKind::Money).err();
        assert_eq!(
            rejected.map(|r| (r.field, r.status)),
            Some(("gift_kind".to_owned(), StatusCode::BAD_REQUEST))
        );
    }
}
