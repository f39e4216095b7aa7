//! The pool's configuration, the part UpdateIdentityPool sets: its name (or
//! the name generated when there is none) and its identity providers.

use std::collections::BTreeMap;

use serde_json::Value;

use super::arn;
use super::rules::{
    Bounded, PropertyError, TextRule, boolean, list, members, object_or_json, optional, required,
    string_map, text, word_char,
};
use crate::domain::CognitoProvider;

/// User pool providers per identity pool (the Cognito quotas page).
const MAX_COGNITO_PROVIDERS: usize = 50;

/// What the generated pool name is derived from when `IdentityPoolName` is
/// absent: the same stack and logical id always give the same name.
#[derive(Debug, Clone, Copy)]
pub struct NameSource<'a> {
    pub stack_id: &'a str,
    pub logical_resource_id: &'a str,
}

impl NameSource<'_> {
    /// `<stack name>-<logical id>`, with any character the API refuses replaced
    /// by `_` and cut to the API's 128 characters.
    pub fn generated_name(&self) -> String {
        let stack_name = self.stack_id.split('/').nth(1).unwrap_or_default();
        let joined = if stack_name.is_empty() {
            self.logical_resource_id.to_owned()
        } else {
            format!("{stack_name}-{}", self.logical_resource_id)
        };
        let name: String = joined
            .chars()
            .map(|c| if pool_name_char(c) { c } else { '_' })
            .take(POOL_NAME.max)
            .collect();
        if name.is_empty() {
            "IdentityPool".to_owned()
        } else {
            name
        }
    }
}

fn pool_name_char(c: char) -> bool {
    word_char(c)
        || matches!(
            c,
            ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r' | '+' | '=' | ',' | '.' | '@' | '-'
        )
}

pub(super) const POOL_NAME: TextRule = TextRule {
    min: 1,
    max: 128,
    allowed: pool_name_char,
    pattern: r"[\w\s+=,.@-]+",
};
pub(super) const DEVELOPER_PROVIDER_NAME: TextRule = TextRule {
    min: 1,
    max: 128,
    allowed: |c| word_char(c) || matches!(c, '.' | '_' | '-'),
    pattern: r"[\w._-]+",
};
const LOGIN_PROVIDER_NAME: TextRule = TextRule::length(1, 128);
const LOGIN_PROVIDER_APP_ID: TextRule = TextRule {
    min: 1,
    max: 128,
    allowed: |c| word_char(c) || matches!(c, '.' | ';' | '_' | '/' | '-'),
    pattern: r"[\w.;_/-]+",
};
const COGNITO_PROVIDER_NAME: TextRule = TextRule {
    min: 1,
    max: 128,
    allowed: |c| word_char(c) || matches!(c, '.' | '_' | ':' | '/' | '-'),
    pattern: r"[\w._:/-]+",
};
const CLIENT_ID: TextRule = TextRule {
    min: 1,
    max: 128,
    allowed: word_char,
    pattern: r"[\w_]+",
};
/// SupportedLoginProviders: an object, or (as the native schema allows) a JSON
/// string of one.
pub(super) fn login_providers(
    field: &str,
    value: &Value,
) -> Result<BTreeMap<String, String>, PropertyError> {
    let map = object_or_json(field, value)?;
    let entries = Bounded {
        max: 10,
        noun: "providers",
    };
    string_map(
        field,
        &map,
        entries,
        &LOGIN_PROVIDER_NAME,
        &LOGIN_PROVIDER_APP_ID,
    )
}

/// OpenIdConnectProviderARNs / SamlProviderARNs: the model bounds each ARN, not
/// their number.
pub(super) fn arns(field: &str, value: &Value) -> Result<Vec<String>, PropertyError> {
    list(field, value, None)?
        .iter()
        .enumerate()
        .map(|(i, item)| arn::any_arn(&format!("{field}[{i}]"), item))
        .collect()
}

pub(super) fn cognito_providers(
    field: &str,
    value: &Value,
) -> Result<Vec<CognitoProvider>, PropertyError> {
    list(field, value, Some(MAX_COGNITO_PROVIDERS))?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let path = format!("{field}[{i}]");
            let [provider_name, client_id, check] = members(
                &path,
                item,
                ["ProviderName", "ClientId", "ServerSideTokenCheck"],
                &["ProviderName", "ClientId"],
            )?;
            Ok(CognitoProvider {
                provider_name: required(&path, "ProviderName", provider_name, |field, v| {
                    text(field, v, &COGNITO_PROVIDER_NAME)
                })?,
                client_id: required(&path, "ClientId", client_id, |field, v| {
                    text(field, v, &CLIENT_ID)
                })?,
                server_side_token_check: optional(check, |v| {
                    boolean(&format!("{path}.ServerSideTokenCheck"), v)
                })?,
            })
        })
        .collect()
}
