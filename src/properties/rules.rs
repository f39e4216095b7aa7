//! The validation toolkit the property readers share: one error type whose text
//! is the Reason a user reads, and checks for the forms the API model uses
//! (lengths, character classes, enums, lists and objects with known members).

use std::collections::BTreeMap;

use crate::domain::ApiEnum;
use serde_json::{Map, Value};

/// One property that breaks one rule. Its text is what the user reads, so it
/// always starts with the property's path (`CognitoIdentityProviders[1].ClientId`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct PropertyError {
    pub field: String,
    pub rule: String,
}

impl PropertyError {
    pub(super) fn new(field: &str, rule: impl Into<String>) -> Self {
        PropertyError {
            field: field.to_owned(),
            rule: rule.into(),
        }
    }
}

/// Collects every property's error while parsing goes on, so one answer lists
/// them all; a field in error reads as its empty value until the end.
pub(super) struct Errors(pub(super) Vec<PropertyError>);

impl Errors {
    pub(super) fn take<T: Default>(&mut self, result: Result<T, PropertyError>) -> T {
        result.unwrap_or_else(|error| {
            self.0.push(error);
            T::default()
        })
    }
}

/// An absent property takes its type's empty value (false, no providers, no tags),
/// which is also what Cognito itself assumes.
pub(super) fn optional<T: Default>(
    value: Option<&Value>,
    parse: impl FnOnce(&Value) -> Result<T, PropertyError>,
) -> Result<T, PropertyError> {
    value.map(parse).unwrap_or_else(|| Ok(T::default()))
}

/// A length range and a character class: the form of every string rule in the
/// Cognito API models.
pub(super) struct TextRule {
    pub(super) min: usize,
    pub(super) max: usize,
    pub(super) allowed: fn(char) -> bool,
    pub(super) pattern: &'static str,
}

impl TextRule {
    /// A rule on length alone: the API model gives these members no pattern.
    pub(super) const fn length(min: usize, max: usize) -> Self {
        TextRule {
            min,
            max,
            allowed: any_char,
            pattern: "",
        }
    }
}

/// Java's `\w` (the services' patterns are Java regular expressions, where `\w`
/// is ASCII unless asked otherwise).
pub(super) fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn any_char(_: char) -> bool {
    true
}

/// A value as the user wrote it, short enough to quote in a Reason.
pub(crate) fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 64 {
        format!("{}…", text.chars().take(64).collect::<String>())
    } else {
        text
    }
}

pub(super) fn string<'v>(field: &str, value: &'v Value) -> Result<&'v str, PropertyError> {
    value
        .as_str()
        .ok_or_else(|| PropertyError::new(field, format!("must be a string, got {}", shown(value))))
}

pub(super) fn text(field: &str, value: &Value, rule: &TextRule) -> Result<String, PropertyError> {
    let text = string(field, value)?;
    let length = text.chars().count();
    if length < rule.min || length > rule.max {
        return Err(PropertyError::new(
            field,
            format!(
                "must be {} to {} characters long, got {length}",
                rule.min, rule.max
            ),
        ));
    }
    if let Some(bad) = text.chars().find(|&c| !(rule.allowed)(c)) {
        return Err(PropertyError::new(
            field,
            format!(
                "must match the pattern {}, but {} contains {bad:?}",
                rule.pattern,
                shown(value)
            ),
        ));
    }
    Ok(text.to_owned())
}

/// `true`/`false` in any case, as CloudFormation sends them, or a JSON boolean.
pub(super) fn boolean(field: &str, value: &Value) -> Result<bool, PropertyError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(PropertyError::new(
            field,
            format!("must be true or false, got {}", shown(other)),
        )),
    }
}

/// A list, with at most `max` entries when the service documents a maximum.
pub(super) fn list<'v>(
    field: &str,
    value: &'v Value,
    max: Option<usize>,
) -> Result<&'v [Value], PropertyError> {
    let items = value.as_array().ok_or_else(|| {
        PropertyError::new(field, format!("must be a list, got {}", shown(value)))
    })?;
    match max {
        Some(max) if items.len() > max => Err(PropertyError::new(
            field,
            format!("may have at most {max} entries, got {}", items.len()),
        )),
        _ => Ok(items),
    }
}

pub(super) fn object<'v>(
    field: &str,
    value: &'v Value,
) -> Result<&'v Map<String, Value>, PropertyError> {
    value.as_object().ok_or_else(|| {
        PropertyError::new(field, format!("must be an object, got {}", shown(value)))
    })
}

/// An object, or the same object written as a JSON string: the native schema
/// types some properties `["object", "string"]` (`format: json`), so a template
/// may carry them either way.
pub(super) fn object_or_json(
    field: &str,
    value: &Value,
) -> Result<Map<String, Value>, PropertyError> {
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(PropertyError::new(
                field,
                format!(
                    "must be an object or a JSON string of one, got {}",
                    shown(value)
                ),
            )),
        },
        other => object(field, other).cloned(),
    }
}

/// Reads an object's members, refusing members it does not know and insisting on
/// the ones it needs, so that nested typos fail as loudly as top-level ones.
pub(super) fn members<'v, const N: usize>(
    field: &str,
    value: &'v Value,
    known: [&str; N],
    required: &[&str],
) -> Result<[Option<&'v Value>; N], PropertyError> {
    let map = object(field, value)?;
    if let Some(unknown) = map.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(PropertyError::new(
            &format!("{field}.{unknown}"),
            unknown_property(unknown, &known),
        ));
    }
    if let Some(missing) = required
        .iter()
        .find(|name| map.get(**name).is_none_or(Value::is_null))
    {
        return Err(PropertyError::new(
            &format!("{field}.{missing}"),
            "required property is missing",
        ));
    }
    Ok(known.map(|name| map.get(name).filter(|v| !v.is_null())))
}

/// A member [`members`] was told is required, read by `read` at its path
/// (`field.name`). [`members`] has made sure it is there; were it not, `read`
/// would be given a null to refuse.
pub(super) fn required<T>(
    field: &str,
    name: &str,
    value: Option<&Value>,
    read: impl FnOnce(&str, &Value) -> Result<T, PropertyError>,
) -> Result<T, PropertyError> {
    read(&format!("{field}.{name}"), value.unwrap_or(&Value::Null))
}

pub(super) fn choice<T: ApiEnum>(field: &str, value: &Value) -> Result<T, PropertyError> {
    let text = string(field, value)?;
    T::from_name(text).ok_or_else(|| {
        PropertyError::new(
            field,
            format!("must be one of {}, got {text:?}", T::NAMES.join(", ")),
        )
    })
}

/// How many entries a map may have, and what they are called in a Reason.
pub(super) struct Bounded {
    pub(super) max: usize,
    pub(super) noun: &'static str,
}

/// A map of strings: at most `entries.max` of them, each key by `key` and each
/// value by `value`, both errors at the entry's path.
pub(super) fn string_map(
    field: &str,
    map: &Map<String, Value>,
    entries: Bounded,
    key: &TextRule,
    value: &TextRule,
) -> Result<BTreeMap<String, String>, PropertyError> {
    if map.len() > entries.max {
        return Err(PropertyError::new(
            field,
            format!(
                "may have at most {} {}, got {}",
                entries.max,
                entries.noun,
                map.len()
            ),
        ));
    }
    map.iter()
        .map(|(name, item)| {
            let path = format!("{field}.{name}");
            text(&path, &Value::String(name.clone()), key)?;
            Ok((name.clone(), text(&path, item, value)?))
        })
        .collect()
}

/// The rule of a name no one knows: the closest known name first when it is
/// close enough to be a typo, else every known name.
pub(super) fn unknown_property(name: &str, known: &[&str]) -> String {
    match closest(name, known) {
        Some(guess) => format!("unknown property; did you mean {guess}?"),
        None => format!("unknown property (known: {})", known.join(", ")),
    }
}

/// The known name a typo most likely meant: the fewest single-character edits
/// (case ignored, a swap of neighbours counting as one), if that is one edit or
/// at most one in five characters; a different name (`IdentityPoolId` for
/// `IdentityPoolName`) is not a typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let typed: Vec<char> = name.to_lowercase().chars().collect();
    known
        .iter()
        .map(|candidate| {
            let wanted: Vec<char> = candidate.to_lowercase().chars().collect();
            (edit_distance(&typed, &wanted), *candidate)
        })
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 5).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Insertions, deletions, substitutions and swaps of adjacent characters
/// (optimal string alignment distance).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut rows = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests;
