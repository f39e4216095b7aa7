//! `IdentityPoolId` and `AdoptFromStack`: a template that names an existing
//! pool takes it over instead of creating one (see [`crate::ownership`]).

use serde_json::Value;

use super::{PropertyError, TextRule, text};
use crate::domain::PoolId;

/// The API model's rule for an identity pool id: its length and characters
/// first, then [`PoolId::parse`] for its form.
const POOL_ID: TextRule = TextRule {
    min: 1,
    max: PoolId::MAX_LEN,
    allowed: |c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':',
    pattern: r"[\w-]+:[0-9a-f-]+",
};

/// A StackId is at most 1024 characters long.
const STACK: TextRule = TextRule::length(1, 1024);

pub(super) fn pool_id(field: &str, value: &Value) -> Result<PoolId, PropertyError> {
    let id = text(field, value, &POOL_ID)?;
    PoolId::parse(&id).ok_or_else(|| {
        PropertyError::new(
            field,
            format!(
                "must match the pattern {} (REGION:GUID, as Cognito names pools), got {id:?}",
                POOL_ID.pattern
            ),
        )
    })
}

pub(super) fn from_stack(field: &str, value: &Value) -> Result<String, PropertyError> {
    text(field, value, &STACK)
}

/// The pool id a request's properties adopt, read as it stands, even when other
/// properties are broken: a Delete must know it whatever else the template says.
pub fn adopted_pool_id(properties: &Value) -> Option<&str> {
    properties.get("IdentityPoolId").and_then(Value::as_str)
}

#[cfg(test)]
mod tests;
