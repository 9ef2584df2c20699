//! Custom scalars. `Money` travels as a string with exactly two decimals
//! (CNY yuan), never as a float.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use service::Money;

/// An amount in yuan, e.g. `"1280.50"`: a string, exactly two decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoneyScalar(pub Money);

#[Scalar(name = "Money")]
impl ScalarType for MoneyScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => s
                .parse::<Money>()
                .map(MoneyScalar)
                .map_err(|e| InputValueError::custom(e.to_string())),
            // Numbers are refused: JSON numbers are floats to most clients.
            other => Err(InputValueError::custom(format!(
                "Money is a string like \"1280.50\", not {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_a_two_decimal_string() {
        let parsed = <MoneyScalar as ScalarType>::parse(Value::String("9.9".into())).ok();
        assert_eq!(parsed.map(|m| m.to_value()), Some(Value::String("9.90".into())));
        assert!(<MoneyScalar as ScalarType>::parse(Value::String("9.999".into())).is_err());
        assert!(<MoneyScalar as ScalarType>::parse(Value::Number(10.into())).is_err());
    }
}
