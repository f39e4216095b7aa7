//! `ResourceProperties` built by `arbitrary` → `PoolSpec::from_properties`.
//!
//! The generator keeps to the shapes CloudFormation sends (the real property
//! names, string booleans, `{Key, Value}` tag lists, counts and lengths near the
//! API's limits) so that most inputs get past the first check, and sometimes
//! puts any JSON at all in their place. A quarter of the inputs start from the
//! property sets of the seed events (`fuzz/seeds/parse_request/*.json`) and edit
//! them; the seeds in `fuzz/seeds/parse_properties/` select those sets unedited.
//!
//! The same goes for the access properties (Roles, RoleMappings, PrincipalTags)
//! and Region, which name the providers configured above.
//!
//! What is checked: an error always names a non-empty field and its text starts
//! with it; a spec, once made, keeps every rule the module documents ("once a
//! `PoolSpec` exists it is known good"); the generated pool name is always a
//! valid one; and a spec written back as CloudFormation properties reads back
//! the same.

#![no_main]

#[path = "checks.rs"]
mod checks;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use identity_pool_provider::domain::{ApiEnum, PoolSpec};
use identity_pool_provider::idempotency::REQUEST_TAG_KEY;
use identity_pool_provider::properties::{CLOUDFORMATION_PROPERTIES, NameSource, POOL_PROPERTIES};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};


const SEED_EVENTS: [&str; 5] = [
    include_str!("../seeds/parse_request/create.json"),
    include_str!("../seeds/parse_request/create-invalid.json"),
    include_str!("../seeds/parse_request/update.json"),
    include_str!("../seeds/parse_request/update-replace.json"),
    include_str!("../seeds/parse_request/delete.json"),
];

fn templates() -> &'static [Value] {
    static TEMPLATES: OnceLock<Vec<Value>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        SEED_EVENTS
            .iter()
            .map(|text| {
                let event: Value = serde_json::from_str(text).expect("seed event is JSON");
                event
                    .get("ResourceProperties")
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect()
    })
}

/// One call's input: the properties and what a missing name is generated from.
struct Input {
    properties: Value,
    stack_id: String,
    logical_resource_id: String,
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "StackId: {:?}", self.stack_id)?;
        writeln!(f, "LogicalResourceId: {:?}", self.logical_resource_id)?;
        let json = serde_json::to_string_pretty(&self.properties).unwrap_or_default();
        write!(f, "ResourceProperties: {json}")
    }
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Input {
            properties: properties(u)?,
            stack_id: stack_id(u)?,
            logical_resource_id: pick_text(u, &["IdentityPool", "Pool", "", "a b/c"])?,
        })
    }
}

fn properties(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=15)? {
        // A seed event's properties, then a few edits.
        0..=3 => {
            let templates = templates();
            let index = u.int_in_range(0..=(templates.len() - 1) as u8)?;
            let mut value = templates[index as usize].clone();
            if let Value::Object(map) = &mut value {
                for _ in 0..8 {
                    if !u.arbitrary::<bool>()? {
                        break;
                    }
                    edit(u, map)?;
                }
            }
            value
        }
        // A fresh object of mostly known properties.
        4..=13 => {
            let mut map = Map::new();
            if u.ratio(7u8, 8)? {
                map.insert("AllowUnauthenticatedIdentities".to_owned(), boolean(u)?);
            }
            let count = u.int_in_range(0u8..=10)?;
            for _ in 0..count {
                edit(u, &mut map)?;
            }
            Value::Object(map)
        }
        14 => Value::Null,
        _ => any_json(u, 2)?,
    })
}

fn edit(u: &mut Unstructured, map: &mut Map<String, Value>) -> Result<()> {
    match u.int_in_range(0u8..=9)? {
        0 => {
            let key = property_name(u)?;
            map.remove(&key);
        }
        1 => {
            let key = property_name(u)?;
            map.insert(key, Value::Null);
        }
        2 => {
            let key = pick_text(u, &["AllowClasicFlow", "identityPoolName", "", "Tags"])?;
            let value = any_json(u, 1)?;
            map.insert(key, value);
        }
        _ => {
            let key = property_name(u)?;
            let value = property_value(u, &key)?;
            map.insert(key, value);
        }
    }
    Ok(())
}

fn property_name(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(9u8, 10)? {
        (*u.choose(&POOL_PROPERTIES)?).to_owned()
    } else {
        (*u.choose(&CLOUDFORMATION_PROPERTIES)?).to_owned()
    })
}

fn property_value(u: &mut Unstructured, name: &str) -> Result<Value> {
    if u.ratio(1u8, 10)? {
        return any_json(u, 2);
    }
    Ok(match name {
        "IdentityPoolName" => Value::String(pick_text(
            u,
            &[
                "identity_demo_pool",
                "my pool+=,.@-",
                "pool\tname\n",
                "pool/name",
                "ü",
            ],
        )?),
        "DeveloperProviderName" => Value::String(pick_text(
            u,
            &["login.identity-demo", "login_provider-1", "login:bad", "x"],
        )?),
        "AllowUnauthenticatedIdentities" | "AllowClassicFlow" => boolean(u)?,
        "SupportedLoginProviders" => {
            let mut map = Map::new();
            for _ in 0..count(u, 3, 10)? {
                let provider = pick_text(
                    u,
                    &[
                        "accounts.google.com",
                        "graph.facebook.com",
                        "www.amazon.com",
                        "appleid.apple.com",
                        "",
                    ],
                )?;
                let app_id = text_or_any(
                    u,
                    &[
                        "123456789012-abc.apps.googleusercontent.com",
                        "1234567890",
                        "a;b/c_d-e.f",
                        "a b",
                    ],
                )?;
                map.insert(provider, app_id);
            }
            Value::Object(map)
        }
        "OpenIdConnectProviderARNs" | "SamlProviderARNs" => {
            let n = count(u, 3, 100)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(text_or_any(
                    u,
                    &[
                        "arn:aws:iam::123456789012:oidc-provider/example.com",
                        "arn:aws:iam::123456789012:saml-provider/corp",
                        "arn:",
                        "not-an-arn-but-long-enough",
                    ],
                )?);
            }
            Value::Array(items)
        }
        "CognitoIdentityProviders" => {
            let n = count(u, 3, 50)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(cognito_provider(u)?);
            }
            Value::Array(items)
        }
        "IdentityPoolTags" => {
            let n = count(u, 4, 49)?;
            let as_map = u.ratio(1u8, 4)?;
            let mut list = Vec::with_capacity(n);
            let mut map = Map::new();
            for _ in 0..n {
                let key = pick_text(
                    u,
                    &[
                        "team",
                        "env",
                        "aws:cloudformation:stack-name",
                        "AWS:x",
                        REQUEST_TAG_KEY,
                        "",
                    ],
                )?;
                let value = text_or_any(u, &["identity", "dev", ""])?;
                if as_map {
                    map.insert(key, value);
                } else {
                    let mut tag = Map::new();
                    if u.ratio(15u8, 16)? {
                        tag.insert("Key".to_owned(), Value::String(key));
                    }
                    if u.ratio(15u8, 16)? {
                        tag.insert("Value".to_owned(), value);
                    }
                    if u.ratio(1u8, 16)? {
                        tag.insert("Extra".to_owned(), any_json(u, 0)?);
                    }
                    list.push(Value::Object(tag));
                }
            }
            if as_map {
                Value::Object(map)
            } else {
                Value::Array(list)
            }
        }
        "Roles" => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0u8..=3)? {
                let key = pick_text(u, &["authenticated", "unauthenticated", "Authenticated"])?;
                map.insert(key, text_or_any(u, ROLE_ARNS)?);
            }
            Value::Object(map)
        }
        "RoleMappings" => {
            let mut map = Map::new();
            for _ in 0..count(u, 2, 10)? {
                let key = pick_text(u, PROVIDERS)?;
                map.insert(key, role_mapping(u)?);
            }
            Value::Object(map)
        }
        "PrincipalTags" => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0u8..=2)? {
                let provider = pick_text(u, PROVIDERS)?;
                let mut item = Map::new();
                if u.ratio(2u8, 3)? {
                    item.insert("UseDefaults".to_owned(), boolean(u)?);
                }
                if u.ratio(2u8, 3)? {
                    let mut tags = Map::new();
                    for _ in 0..count(u, 3, 50)? {
                        let tag = pick_text(u, &["department", "team", ""])?;
                        tags.insert(tag, text_or_any(u, &["custom:department", "sub", "aud"])?);
                    }
                    item.insert("PrincipalTags".to_owned(), Value::Object(tags));
                }
                if u.ratio(1u8, 16)? {
                    item.insert("Extra".to_owned(), any_json(u, 0)?);
                }
                map.insert(provider, Value::Object(item));
            }
            Value::Object(map)
        }
        "Region" => Value::String(pick_text(
            u,
            &["us-east-1", "eu-west-1", "US-EAST-1", "us east"],
        )?),
        "IdentityPoolId" => text_or_any(
            u,
            &[
                "us-east-1:11111111-2222-3333-4444-555555555555",
                "eu-west-1:0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d",
                "us-east-1:NOT-HEX",
                "us-east-1",
            ],
        )?,
        "AdoptFromStack" => text_or_any(
            u,
            &[
                "arn:aws:cloudformation:us-east-1:123456789012:stack/old/0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d",
                "0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d",
            ],
        )?,
        _ => Value::String(pick_text(
            u,
            &[
                "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
                "300",
            ],
        )?),
    })
}

const ROLE_ARNS: &[&str] = &[
    "arn:aws:iam::123456789012:role/authenticated",
    "arn:aws:iam::123456789012:role/unauthenticated",
    "arn:aws:iam::123456789012:user/not-a-role",
];

/// Provider names as role mappings and principal tags refer to them: mostly the
/// ones the generated configurations use, so that the cross-check passes.
const PROVIDERS: &[&str] = &[
    "accounts.google.com",
    "graph.facebook.com",
    "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
    "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI:4example7clientid",
    "arn:aws:iam::123456789012:oidc-provider/example.com",
    "example.com",
    "arn:aws:iam::123456789012:saml-provider/corp",
    "unconfigured.example.org",
];

fn role_mapping(u: &mut Unstructured) -> Result<Value> {
    let mut map = Map::new();
    if u.ratio(1u8, 4)? {
        map.insert("IdentityProvider".to_owned(), text_or_any(u, PROVIDERS)?);
    }
    let rules = u.ratio(1u8, 2)?;
    if u.ratio(15u8, 16)? {
        let kind = if rules { "Rules" } else { "Token" };
        map.insert(
            "Type".to_owned(),
            text_or_any(u, &[kind, "token", "Rules"])?,
        );
    }
    if u.ratio(15u8, 16)? {
        map.insert(
            "AmbiguousRoleResolution".to_owned(),
            text_or_any(u, &["AuthenticatedRole", "Deny", "deny"])?,
        );
    }
    if rules != u.ratio(1u8, 16)? {
        let mut list = Vec::new();
        for _ in 0..count(u, 3, 25)? {
            let mut rule = Map::new();
            for (name, samples) in [
                ("Claim", &["custom:group", "sub", "a b", ""][..]),
                (
                    "MatchType",
                    &["Equals", "Contains", "StartsWith", "NotEqual", "equals"][..],
                ),
                ("Value", &["admin", "x", ""][..]),
                ("RoleARN", ROLE_ARNS),
            ] {
                if u.ratio(15u8, 16)? {
                    rule.insert(name.to_owned(), text_or_any(u, samples)?);
                }
            }
            list.push(Value::Object(rule));
        }
        map.insert("RulesConfiguration".to_owned(), json!({ "Rules": list }));
    }
    Ok(Value::Object(map))
}

fn cognito_provider(u: &mut Unstructured) -> Result<Value> {
    let mut map = Map::new();
    if u.ratio(15u8, 16)? {
        let name = text_or_any(
            u,
            &[
                "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
                "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x",
                "bad name",
            ],
        )?;
        map.insert("ProviderName".to_owned(), name);
    }
    if u.ratio(15u8, 16)? {
        let id = text_or_any(u, &["4example7clientid", "client_id_2", "client-id"])?;
        map.insert("ClientId".to_owned(), id);
    }
    if u.ratio(1u8, 2)? {
        map.insert("ServerSideTokenCheck".to_owned(), boolean(u)?);
    }
    if u.ratio(1u8, 16)? {
        let key = pick_text(u, &["providerName", "ClientID", ""])?;
        map.insert(key, any_json(u, 0)?);
    }
    Ok(Value::Object(map))
}

fn boolean(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Value::Bool(u.arbitrary()?),
        1 => json!("true"),
        2 => json!("false"),
        3 => json!("TRUE"),
        4 => json!("False"),
        5 => json!(1),
        6 => Value::Null,
        _ => Value::String(pick_text(u, &["yes", "tru", "true ", ""])?),
    })
}

/// Mostly a few, sometimes right at the limit.
fn count(u: &mut Unstructured, usual: usize, limit: usize) -> Result<usize> {
    Ok(if u.ratio(1u8, 8)? {
        u.int_in_range(limit - 1..=limit + 1)?
    } else {
        u.int_in_range(0..=usual)?
    })
}

fn text_or_any(u: &mut Unstructured, samples: &[&str]) -> Result<Value> {
    Ok(if u.ratio(1u8, 16)? {
        any_json(u, 1)?
    } else {
        Value::String(pick_text(u, samples)?)
    })
}

/// A sample, a sample cut or padded to a length near one of the API's limits
/// (with multi-byte characters, since the limits count characters), or any string.
fn pick_text(u: &mut Unstructured, samples: &[&str]) -> Result<String> {
    const LENGTHS: [usize; 12] = [0, 1, 19, 20, 21, 127, 128, 129, 256, 257, 2048, 2049];
    const FILLERS: [char; 8] = ['a', '_', '.', ' ', '/', ':', 'é', '\u{1F600}'];
    Ok(match u.int_in_range(0u8..=7)? {
        0..=3 => (*u.choose(samples)?).to_owned(),
        4 | 5 => {
            let base = *u.choose(samples)?;
            let length = *u.choose(&LENGTHS)?;
            let filler = *u.choose(&FILLERS)?;
            let mut text: String = base.chars().take(length).collect();
            let missing = length.saturating_sub(text.chars().count());
            text.extend(std::iter::repeat_n(filler, missing));
            text
        }
        6 => {
            let base = *u.choose(samples)?;
            let extra: String = u.arbitrary()?;
            format!("{base}{extra}")
        }
        _ => u.arbitrary()?,
    })
}

fn stack_id(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 | 1 => {
            let name = pick_text(u, &["identity-demo", "my_stack", "", "a b"])?;
            format!(
                "arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/5b8c3f10-7d2e-11ef-8a4b-0e9f6c2d1a3b"
            )
        }
        2 => String::new(),
        _ => u.arbitrary()?,
    })
}

fn any_json(u: &mut Unstructured, depth: u8) -> Result<Value> {
    let last = if depth == 0 { 4u8 } else { 6 };
    Ok(match u.int_in_range(0..=last)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 => Value::String(u.arbitrary()?),
        5 => {
            let n = u.int_in_range(0u8..=3)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(any_json(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let n = u.int_in_range(0u8..=3)?;
            let mut map = Map::new();
            for _ in 0..n {
                let key = if u.ratio(1u8, 2)? {
                    property_name(u)?
                } else {
                    u.arbitrary()?
                };
                map.insert(key, any_json(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

fuzz_target!(|input: Input| {
    let names = NameSource {
        stack_id: &input.stack_id,
        logical_resource_id: &input.logical_resource_id,
    };
    let generated = names.generated_name();
    assert!(
        valid_text(&generated, 1, 128, pool_name_char),
        "generated pool name {generated:?} breaks the IdentityPoolName rule"
    );

    match PoolSpec::from_properties(&input.properties, names) {
        Err(errors) => {
            checks::check_property_errors(&errors);
        }
        Ok(spec) => {
            check_spec(&spec);
            let name_given = input
                .properties
                .get("IdentityPoolName")
                .is_some_and(|v| !v.is_null());
            if !name_given {
                assert_eq!(
                    spec.config.name, generated,
                    "a missing name is not the generated one"
                );
            }
            let written = as_properties(&spec);
            let reread = PoolSpec::from_properties(&written, names);
            assert_eq!(
                reread.as_ref(),
                Ok(&spec),
                "the spec written back as properties {written} does not read back the same"
            );
        }
    }
});

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn pool_name_char(c: char) -> bool {
    word_char(c) || " \t\n\x0B\x0C\r+=,.@-".contains(c)
}

fn valid_text(text: &str, min: usize, max: usize, allowed: fn(char) -> bool) -> bool {
    let length = text.chars().count();
    (min..=max).contains(&length) && text.chars().all(allowed)
}

/// The rules of the Cognito Identity API, as `src/properties.rs` documents them.
fn check_spec(spec: &PoolSpec) {
    let config = &spec.config;
    assert!(
        valid_text(&config.name, 1, 128, pool_name_char),
        "name {:?}",
        config.name
    );
    if let Some(name) = &config.developer_provider_name {
        assert!(
            valid_text(name, 1, 128, |c| word_char(c) || ".-".contains(c)),
            "DeveloperProviderName {name:?}"
        );
    }
    assert!(config.supported_login_providers.len() <= 10);
    for (provider, app_id) in &config.supported_login_providers {
        assert!(
            valid_text(provider, 1, 128, |_| true),
            "login provider {provider:?}"
        );
        assert!(
            valid_text(app_id, 1, 128, |c| word_char(c) || ".;/-".contains(c)),
            "login provider app id {app_id:?}"
        );
    }
    for arns in [
        &config.open_id_connect_provider_arns,
        &config.saml_provider_arns,
    ] {
        for arn in arns {
            assert!(
                valid_text(arn, 20, 2048, |_| true) && arn.starts_with("arn:"),
                "ARN {arn:?}"
            );
        }
    }
    assert!(config.cognito_identity_providers.len() <= 50);
    for provider in &config.cognito_identity_providers {
        assert!(
            valid_text(&provider.provider_name, 1, 128, |c| word_char(c)
                || ".:/-".contains(c)),
            "ProviderName {:?}",
            provider.provider_name
        );
        assert!(
            valid_text(&provider.client_id, 1, 128, word_char),
            "ClientId {:?}",
            provider.client_id
        );
    }
    assert!(spec.tags.len() <= 49, "{} user tags", spec.tags.len());
    for (key, value) in &spec.tags {
        assert!(valid_text(key, 1, 128, |_| true), "tag key {key:?}");
        assert!(
            !key.to_ascii_lowercase().starts_with("aws:"),
            "tag key {key:?}"
        );
        assert_ne!(key, REQUEST_TAG_KEY);
        assert!(valid_text(value, 0, 256, |_| true), "tag value {value:?}");
    }
    if let Some(adoption) = &spec.adoption {
        let pool_id = adoption.pool_id.as_str();
        let (region, guid) = pool_id.split_once(':').expect("REGION:GUID");
        assert!(
            pool_id.len() <= 55
                && !region.is_empty()
                && region.chars().all(|c| word_char(c) || c == '-')
                && !guid.is_empty()
                && guid.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f' | '-')),
            "IdentityPoolId {pool_id:?}"
        );
        assert_eq!(spec.region.as_deref(), Some(region), "an adopted pool stays in its region");
    }
    if let Some(region) = &spec.region {
        assert!(
            valid_text(region, 1, 63, |c| c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '-'),
            "Region {region:?}"
        );
    }
    let role_arn = |arn: &str| {
        valid_text(arn, 20, 2048, |_| true) && arn.starts_with("arn:") && arn.contains(":role/")
    };
    let roles = &spec.access.roles;
    for (kind, arn) in &roles.roles {
        assert!(
            kind == "authenticated" || kind == "unauthenticated",
            "role {kind:?}"
        );
        assert!(role_arn(arn), "role ARN {arn:?}");
    }
    assert!(
        roles.mappings.len() <= 10,
        "{} role mappings",
        roles.mappings.len()
    );
    for (provider, mapping) in &roles.mappings {
        assert!(
            valid_text(provider, 1, 128, |_| true),
            "role mapping provider {provider:?}"
        );
        assert!(
            ["AuthenticatedRole", "Deny"].contains(&mapping.ambiguous_role_resolution.as_str())
        );
        match mapping.mapping_type.as_str() {
            "Token" => assert!(mapping.rules.is_empty(), "a Token mapping with rules"),
            "Rules" => assert!(
                (1..=25).contains(&mapping.rules.len()),
                "{} rules",
                mapping.rules.len()
            ),
            other => panic!("role mapping Type {other:?}"),
        }
        for rule in &mapping.rules {
            assert!(
                valid_text(&rule.claim, 1, 64, |c| !c.is_whitespace()
                    && !c.is_control()),
                "Claim {:?}",
                rule.claim
            );
            assert!(
                ["Equals", "Contains", "StartsWith", "NotEqual"]
                    .contains(&rule.match_type.as_str())
            );
            assert!(
                valid_text(&rule.value, 1, 128, |_| true),
                "rule Value {:?}",
                rule.value
            );
            assert!(role_arn(&rule.role_arn), "RoleARN {:?}", rule.role_arn);
        }
    }
    for (provider, map) in &spec.access.principal_tags {
        assert!(
            valid_text(provider, 1, 128, |_| true),
            "principal tag provider {provider:?}"
        );
        assert!(map.tags.len() <= 50, "{} principal tags", map.tags.len());
        for (tag, claim) in &map.tags {
            assert!(valid_text(tag, 1, 128, |_| true), "principal tag {tag:?}");
            assert!(
                valid_text(claim, 1, 256, |_| true),
                "principal tag claim {claim:?}"
            );
        }
    }
}

/// A spec as CloudFormation would send it: every scalar a string, tags as a list.
fn as_properties(spec: &PoolSpec) -> Value {
    let config = &spec.config;
    let mut map = Map::new();
    map.insert("IdentityPoolName".to_owned(), json!(config.name));
    map.insert(
        "AllowUnauthenticatedIdentities".to_owned(),
        json!(config.allow_unauthenticated_identities.to_string()),
    );
    map.insert(
        "AllowClassicFlow".to_owned(),
        json!(config.allow_classic_flow.to_string()),
    );
    map.insert(
        "SupportedLoginProviders".to_owned(),
        json!(config.supported_login_providers),
    );
    if let Some(name) = &config.developer_provider_name {
        map.insert("DeveloperProviderName".to_owned(), json!(name));
    }
    map.insert(
        "OpenIdConnectProviderARNs".to_owned(),
        json!(config.open_id_connect_provider_arns),
    );
    map.insert(
        "CognitoIdentityProviders".to_owned(),
        Value::Array(
            config
                .cognito_identity_providers
                .iter()
                .map(|p| {
                    json!({
                        "ProviderName": p.provider_name,
                        "ClientId": p.client_id,
                        "ServerSideTokenCheck": p.server_side_token_check.to_string(),
                    })
                })
                .collect(),
        ),
    );
    map.insert(
        "SamlProviderARNs".to_owned(),
        json!(config.saml_provider_arns),
    );
    let tags: BTreeMap<&String, &String> = spec.tags.iter().collect();
    map.insert(
        "IdentityPoolTags".to_owned(),
        Value::Array(
            tags.into_iter()
                .map(|(key, value)| json!({ "Key": key, "Value": value }))
                .collect(),
        ),
    );
    let roles = &spec.access.roles;
    map.insert("Roles".to_owned(), json!(roles.roles));
    map.insert(
        "RoleMappings".to_owned(),
        Value::Object(
            roles
                .mappings
                .iter()
                .map(|(provider, mapping)| {
                    let mut item = json!({
                        "Type": mapping.mapping_type.as_str(),
                        "AmbiguousRoleResolution": mapping.ambiguous_role_resolution.as_str(),
                    });
                    if mapping.mapping_type.as_str() == "Rules" {
                        let rules: Vec<Value> = mapping
                            .rules
                            .iter()
                            .map(|r| {
                                json!({
                                    "Claim": r.claim,
                                    "MatchType": r.match_type.as_str(),
                                    "Value": r.value,
                                    "RoleARN": r.role_arn,
                                })
                            })
                            .collect();
                        item["RulesConfiguration"] = json!({ "Rules": rules });
                    }
                    (provider.clone(), item)
                })
                .collect(),
        ),
    );
    map.insert(
        "PrincipalTags".to_owned(),
        Value::Object(
            spec.access
                .principal_tags
                .iter()
                .map(|(provider, tags)| {
                    let item = json!({
                        "UseDefaults": tags.use_defaults.to_string(),
                        "PrincipalTags": tags.tags,
                    });
                    (provider.clone(), item)
                })
                .collect(),
        ),
    );
    if let Some(region) = &spec.region {
        map.insert("Region".to_owned(), json!(region));
    }
    if let Some(adoption) = &spec.adoption {
        map.insert("IdentityPoolId".to_owned(), json!(adoption.pool_id.as_str()));
        if let Some(stack) = &adoption.from_stack {
            map.insert("AdoptFromStack".to_owned(), json!(stack));
        }
    }
    // Cognito Sync: an absent member reads back as null, which is absent too.
    if let Some(streams) = &spec.sync.streams {
        let item = json!({
            "StreamName": streams.stream_name,
            "RoleArn": streams.role_arn,
            "StreamingStatus": streams.streaming_status.map(ApiEnum::as_str),
        });
        map.insert("CognitoStreams".to_owned(), item);
    }
    if let Some(push) = &spec.sync.push_sync {
        let item = json!({"ApplicationArns": push.application_arns, "RoleArn": push.role_arn});
        map.insert("PushSync".to_owned(), item);
    }
    map.insert("CognitoEvents".to_owned(), json!(spec.sync.events));
    map.insert(
        "ServiceToken".to_owned(),
        json!("arn:aws:lambda:us-east-1:123456789012:function:x"),
    );
    Value::Object(map)
}
