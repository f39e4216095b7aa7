//! `Roles`, `RoleMappings` and `PrincipalTags`: who gets which IAM role, and which
//! claims become principal tags. The native stack needs two more resources for
//! these (`AWS::Cognito::IdentityPoolRoleAttachment`, `…PrincipalTag`); here they
//! are properties of the pool, read in the same shapes, with the same rules as
//! the API model, and checked against the providers the pool configures.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::arn::role_arn;
use super::claim_chars::claim_char;
use super::rules::{
    Bounded, PropertyError, TextRule, boolean, choice, list, members, object, optional, required,
    string_map, text,
};
use crate::domain::{MappingRule, PoolConfig, PrincipalTagMap, RoleMapping, RoleMappingType};

const CLAIM: TextRule = TextRule {
    min: 1,
    max: 64,
    allowed: claim_char,
    pattern: r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
};
/// Rules per role mapping: <https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RulesConfigurationType.html>
const MAX_RULES: usize = 25;
const RULE_VALUE: TextRule = TextRule::length(1, 128);
const PROVIDER_NAME: TextRule = TextRule::length(1, 128);
const PRINCIPAL_TAG_KEY: TextRule = TextRule::length(1, 128);
const PRINCIPAL_TAG_CLAIM: TextRule = TextRule::length(1, 256);

/// `Roles`: `authenticated` and/or `unauthenticated` → role ARN.
pub(super) fn roles(field: &str, value: &Value) -> Result<BTreeMap<String, String>, PropertyError> {
    object(field, value)?
        .iter()
        .map(|(key, arn)| {
            let path = format!("{field}.{key}");
            if key != "authenticated" && key != "unauthenticated" {
                return Err(PropertyError::new(
                    &path,
                    "unknown role (known: authenticated, unauthenticated)",
                ));
            }
            Ok((key.clone(), role_arn(&path, arn)?))
        })
        .collect()
}

/// A role mapping or principal tag map as the template wrote it: where it
/// stands (for error messages), and for which provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry<T> {
    path: String,
    provider: String,
    value: T,
}

/// The entries by provider, as the API takes them.
pub(super) fn by_provider<T>(entries: Vec<Entry<T>>) -> BTreeMap<String, T> {
    entries
        .into_iter()
        .map(|entry| (entry.provider, entry.value))
        .collect()
}

/// The provider an entry is for: the member that names it (`IdentityProvider`,
/// or `IdentityProviderName` as on `AWS::Cognito::IdentityPoolPrincipalTag`)
/// when it has one, so that a name known only at deploy time need not be a map
/// key, which CloudFormation requires to be literal; its key otherwise.
fn provider_of(
    path: &str,
    key: &str,
    named_by: Option<(&str, &Value)>,
) -> Result<String, PropertyError> {
    match named_by {
        Some((member, v)) => text(&format!("{path}.{member}"), v, &PROVIDER_NAME),
        None => text(path, &Value::String(key.to_owned()), &PROVIDER_NAME),
    }
}

/// Adds an entry, refusing a second one for the same provider.
fn push_unique<T>(entries: &mut Vec<Entry<T>>, entry: Entry<T>) -> Result<(), PropertyError> {
    if entries.iter().any(|e| e.provider == entry.provider) {
        return Err(PropertyError::new(
            &entry.path,
            format!("provider {:?} appears twice", entry.provider),
        ));
    }
    entries.push(entry);
    Ok(())
}

/// `RoleMappings`, keyed by the provider, or by a free name when the mapping
/// names its provider in `IdentityProvider` (as the native resource allows).
pub(super) fn role_mappings(
    field: &str,
    value: &Value,
) -> Result<Vec<Entry<RoleMapping>>, PropertyError> {
    let map = object(field, value)?;
    if map.len() > 10 {
        return Err(PropertyError::new(
            field,
            format!("may have at most 10 mappings, got {}", map.len()),
        ));
    }
    let mut mappings = Vec::new();
    for (key, item) in map {
        push_unique(
            &mut mappings,
            role_mapping(&format!("{field}.{key}"), key, item)?,
        )?;
    }
    Ok(mappings)
}

/// One `RoleMappings` entry, at `path`, under the key `key`.
fn role_mapping(path: &str, key: &str, item: &Value) -> Result<Entry<RoleMapping>, PropertyError> {
    let [provider, mapping_type, ambiguous, rules] = members(
        path,
        item,
        [
            "IdentityProvider",
            "Type",
            "AmbiguousRoleResolution",
            "RulesConfiguration",
        ],
        &["Type", "AmbiguousRoleResolution"],
    )?;
    let provider = provider_of(path, key, provider.map(|v| ("IdentityProvider", v)))?;
    let mapping_type = required(path, "Type", mapping_type, choice)?;
    let rules_path = format!("{path}.RulesConfiguration");
    let rules = match (mapping_type, rules) {
        (RoleMappingType::Rules, Some(rules)) => mapping_rules(&rules_path, rules)?,
        (RoleMappingType::Rules, None) => {
            return Err(PropertyError::new(
                &rules_path,
                "is required when Type is Rules",
            ));
        }
        (RoleMappingType::Token, Some(_)) => {
            return Err(PropertyError::new(
                &rules_path,
                "is only allowed when Type is Rules",
            ));
        }
        (RoleMappingType::Token, None) => Vec::new(),
    };
    let mapping = RoleMapping {
        mapping_type,
        ambiguous_role_resolution: required(path, "AmbiguousRoleResolution", ambiguous, choice)?,
        rules,
    };
    Ok(Entry {
        path: path.to_owned(),
        provider,
        value: mapping,
    })
}

fn mapping_rules(field: &str, value: &Value) -> Result<Vec<MappingRule>, PropertyError> {
    let [rules] = members(field, value, ["Rules"], &["Rules"])?;
    let path = format!("{field}.Rules");
    // The model says 400; the API reference (RulesConfigurationType) and the
    // service say 25.
    let items = list(&path, rules.unwrap_or(&Value::Null), Some(MAX_RULES))?;
    if items.is_empty() {
        return Err(PropertyError::new(&path, "must have 1 to 25 rules, got 0"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let path = format!("{path}[{i}]");
            let [claim, match_type, value, arn] = members(
                &path,
                item,
                ["Claim", "MatchType", "Value", "RoleARN"],
                &["Claim", "MatchType", "Value", "RoleARN"],
            )?;
            Ok(MappingRule {
                claim: required(&path, "Claim", claim, |field, v| text(field, v, &CLAIM))?,
                match_type: required(&path, "MatchType", match_type, choice)?,
                value: required(&path, "Value", value, |field, v| {
                    text(field, v, &RULE_VALUE)
                })?,
                role_arn: required(&path, "RoleARN", arn, role_arn)?,
            })
        })
        .collect()
}

/// `PrincipalTags`: provider → `{UseDefaults, PrincipalTags}`, the entry naming
/// its provider by key, `IdentityProvider` or `IdentityProviderName` (so the
/// properties of an `AWS::Cognito::IdentityPoolPrincipalTag` are an entry as they are).
pub(super) fn principal_tags(
    field: &str,
    value: &Value,
) -> Result<Vec<Entry<PrincipalTagMap>>, PropertyError> {
    let mut entries = Vec::new();
    for (key, item) in object(field, value)? {
        push_unique(
            &mut entries,
            principal_tag_entry(&format!("{field}.{key}"), key, item)?,
        )?;
    }
    Ok(entries)
}

/// One `PrincipalTags` entry, at `path`, under the key `key`.
fn principal_tag_entry(
    path: &str,
    key: &str,
    item: &Value,
) -> Result<Entry<PrincipalTagMap>, PropertyError> {
    if item.get("IdentityPoolId").is_some() {
        return Err(PropertyError::new(
            &format!("{path}.IdentityPoolId"),
            "not needed here: the entry belongs to this pool (remove it when moving an AWS::Cognito::IdentityPoolPrincipalTag in)",
        ));
    }
    let [provider, provider_name, use_defaults, tags] = members(
        path,
        item,
        [
            "IdentityProvider",
            "IdentityProviderName",
            "UseDefaults",
            "PrincipalTags",
        ],
        &[],
    )?;
    let named_by = match (provider, provider_name) {
        (Some(_), Some(_)) => {
            return Err(PropertyError::new(
                path,
                "give IdentityProvider or IdentityProviderName, not both",
            ));
        }
        (Some(v), None) => Some(("IdentityProvider", v)),
        (None, Some(v)) => Some(("IdentityProviderName", v)),
        (None, None) => None,
    };
    let provider = provider_of(path, key, named_by)?;
    let tags = optional(tags, |v| tag_claims(&format!("{path}.PrincipalTags"), v))?;
    let use_defaults = optional(use_defaults, |v| boolean(&format!("{path}.UseDefaults"), v))?;
    Ok(Entry {
        path: path.to_owned(),
        provider,
        value: PrincipalTagMap { use_defaults, tags },
    })
}

/// An entry's `PrincipalTags`: principal tag → the claim it is taken from.
fn tag_claims(field: &str, value: &Value) -> Result<BTreeMap<String, String>, PropertyError> {
    let entries = Bounded {
        max: 50,
        noun: "tags",
    };
    string_map(
        field,
        object(field, value)?,
        entries,
        &PRINCIPAL_TAG_KEY,
        &PRINCIPAL_TAG_CLAIM,
    )
}

/// The providers that the `PrincipalTags` of some properties (an Update's old
/// ones) name, by key or by `IdentityProvider`; none if they do not parse.
pub(super) fn principal_tag_providers(properties: &Value) -> BTreeSet<String> {
    properties
        .get("PrincipalTags")
        .filter(|v| !v.is_null())
        .and_then(|v| principal_tags("PrincipalTags", v).ok())
        .map(|entries| entries.into_iter().map(|entry| entry.provider).collect())
        .unwrap_or_default()
}

/// Every mapping and principal tag map must name a provider the pool configures:
/// Cognito refuses the others, and it is better to hear so before the pool exists.
pub(super) fn check_providers(
    config: &PoolConfig,
    mappings: &[Entry<RoleMapping>],
    principal_tags: &[Entry<PrincipalTagMap>],
) -> Vec<PropertyError> {
    fn unknown<T>(configured: &BTreeSet<String>, entry: &Entry<T>) -> Option<PropertyError> {
        (!configured.contains(&entry.provider)).then(|| {
            PropertyError::new(
                &entry.path,
                format!(
                    "provider {:?} is not configured on the pool (configured: {})",
                    entry.provider,
                    configured
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }
    let mapped = config.configured_providers(true);
    let tagged = config.configured_providers(false);
    mappings
        .iter()
        .filter_map(|entry| unknown(&mapped, entry))
        .chain(
            principal_tags
                .iter()
                .filter_map(|entry| unknown(&tagged, entry)),
        )
        .collect()
}

#[cfg(test)]
mod tests;
