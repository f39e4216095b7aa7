//! `IdentityPoolTags`: the user's tags, beside the one the provider keeps.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::rules::{PropertyError, TextRule, members, shown, text};
use crate::domain::Tags;
use crate::idempotency::REQUEST_TAG_KEY;

/// Cognito allows 50 tags on a pool (see the Cognito quotas page); one of them is
/// the provider's request tag.
pub(super) const MAX_USER_TAGS: usize = 49;

const TAG_KEY: TextRule = TextRule::length(1, 128);
const TAG_VALUE: TextRule = TextRule::length(0, 256);

/// Tags as CloudFormation writes them (a list of `{Key, Value}`) or as the API
/// does (a map).
pub(super) fn tags(field: &str, value: &Value) -> Result<Tags, PropertyError> {
    let pairs = pairs(field, value)?;
    if pairs.len() > MAX_USER_TAGS {
        return Err(PropertyError::new(
            field,
            format!(
                "may have at most {MAX_USER_TAGS} tags, got {} (Cognito allows 50 and the provider keeps one, {REQUEST_TAG_KEY}, to make Create idempotent)",
                pairs.len()
            ),
        ));
    }
    let mut tags = BTreeMap::new();
    for (path, key, value) in pairs {
        let key = user_key(&path, &key)?;
        let value = text(&path, value, &TAG_VALUE)?;
        if tags.insert(key.clone(), value).is_some() {
            return Err(PropertyError::new(
                &path,
                format!("tag key {key:?} appears twice"),
            ));
        }
    }
    Ok(tags)
}

/// A tag as (its path, its key, its value); a map's key is made a value here.
type Pair<'v> = (String, Cow<'v, Value>, &'v Value);

/// Each tag, from either form.
fn pairs<'v>(field: &str, value: &'v Value) -> Result<Vec<Pair<'v>>, PropertyError> {
    match value {
        Value::Object(map) => Ok(map
            .iter()
            .map(|(key, value)| {
                (
                    format!("{field}.{key}"),
                    Cow::Owned(Value::String(key.clone())),
                    value,
                )
            })
            .collect()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("{field}[{i}]");
                let [key, value] = members(&path, item, ["Key", "Value"], &["Key", "Value"])?;
                Ok((
                    path,
                    Cow::Borrowed(key.unwrap_or(&Value::Null)),
                    value.unwrap_or(&Value::Null),
                ))
            })
            .collect(),
        other => Err(PropertyError::new(
            field,
            format!(
                "must be a list of {{Key, Value}} or a map of key to value, got {}",
                shown(other)
            ),
        )),
    }
}

/// A key the user may set: not `aws:…`, and not the provider's own.
fn user_key(path: &str, key: &Value) -> Result<String, PropertyError> {
    let key = text(path, key, &TAG_KEY)?;
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(PropertyError::new(
            path,
            format!("tag key {key:?} may not start with aws:"),
        ));
    }
    if key == REQUEST_TAG_KEY {
        return Err(PropertyError::new(
            path,
            format!("tag key {key:?} is reserved for the provider"),
        ));
    }
    Ok(key)
}
