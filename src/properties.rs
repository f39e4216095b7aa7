//! `ResourceProperties` → [`PoolSpec`].
//!
//! CloudFormation hands every scalar over as a string (`true` → `"true"`), while
//! CDK and hand-written requests may carry real JSON booleans, so the parser reads
//! both. Everything the Cognito API would reject is rejected here first, before a
//! single call is made, with a message that names the property and the rule: the
//! message is the Reason a user reads in the CloudFormation console. Once a
//! `PoolSpec` exists it is known good, and nothing downstream validates again.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

mod access;
mod adoption;
mod sync;

pub use access::{
    MappingRule, PrincipalTagMap, RoleMapping, RoleSettings, principal_tag_providers,
};
pub use adoption::{Adoption, adopted_pool_id};
pub use sync::{CognitoStreams, PushSync, SyncSettings};

/// The tag the provider puts on every pool it creates, valued with the request
/// that created it. CreateIdentityPool has no client token, so this tag is what
/// lets a redelivered Create find the pool it already made instead of making a
/// second one, and lets the rollback Delete of a failed Create find a pool that
/// the deadline cut off.
pub const REQUEST_TAG_KEY: &str = "identity-pool-provider:create-request";

/// Cognito allows 50 tags on a pool; one of them is the provider's request tag.
const MAX_USER_TAGS: usize = 49;

/// Properties that belong to CloudFormation, not to the pool: accepted, ignored.
pub const CLOUDFORMATION_PROPERTIES: [&str; 2] = ["ServiceToken", "ServiceTimeout"];

/// Every pool property the provider understands, named as on
/// `AWS::Cognito::IdentityPool` (plus its own); any other is refused.
pub const POOL_PROPERTIES: [&str; 18] = [
    "IdentityPoolName",
    "AllowUnauthenticatedIdentities",
    "AllowClassicFlow",
    "SupportedLoginProviders",
    "DeveloperProviderName",
    "OpenIdConnectProviderARNs",
    "CognitoIdentityProviders",
    "SamlProviderARNs",
    "IdentityPoolTags",
    "Roles",
    "RoleMappings",
    "PrincipalTags",
    "CognitoStreams",
    "PushSync",
    "CognitoEvents",
    "Region",
    "IdentityPoolId",
    "AdoptFromStack",
];

/// The desired state of one identity pool: its configuration, its user tags,
/// who gets which role, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    pub config: PoolConfig,
    pub tags: BTreeMap<String, String>,
    /// Roles and principal tags: set by their own calls once the pool exists.
    pub access: Access,
    /// Cognito Sync settings, set through the Cognito Sync API once the pool exists.
    pub sync: SyncSettings,
    /// The region to create the pool in, when it is not the function's own;
    /// for an adopted pool, the region its id names.
    pub region: Option<String>,
    /// The existing pool to take over instead of creating one (`IdentityPoolId`).
    pub adoption: Option<Adoption>,
}

/// What the pool grants: SetIdentityPoolRoles' input and, per provider,
/// SetPrincipalTagAttributeMap's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    pub roles: RoleSettings,
    pub principal_tags: BTreeMap<String, PrincipalTagMap>,
}

/// Everything UpdateIdentityPool sets. Kept apart from tags because the API
/// changes the two in different calls, and compared as a whole with what the
/// pool has now to decide whether an update is needed at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoolConfig {
    pub name: String,
    pub allow_unauthenticated_identities: bool,
    pub allow_classic_flow: bool,
    pub supported_login_providers: BTreeMap<String, String>,
    pub developer_provider_name: Option<String>,
    pub open_id_connect_provider_arns: Vec<String>,
    pub cognito_identity_providers: Vec<CognitoProvider>,
    pub saml_provider_arns: Vec<String>,
}

/// A Cognito user pool app client that may sign in to the identity pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoProvider {
    pub provider_name: String,
    pub client_id: String,
    pub server_side_token_check: bool,
}

/// One property that breaks one rule. Its text is what the user reads, so it
/// always starts with the property's path (`CognitoIdentityProviders[1].ClientId`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct PropertyError {
    pub field: String,
    pub rule: String,
}

impl PropertyError {
    fn new(field: &str, rule: impl Into<String>) -> Self {
        PropertyError {
            field: field.to_owned(),
            rule: rule.into(),
        }
    }
}

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

impl PoolSpec {
    /// The region the pool belongs in: the template's `Region`, else `home`
    /// (the function's own).
    pub fn region_or<'a>(&'a self, home: &'a str) -> &'a str {
        self.region.as_deref().unwrap_or(home)
    }

    /// Reads a request's `ResourceProperties`, reporting every broken rule at once
    /// so a user fixes a template in one round rather than one error per deploy.
    pub fn from_properties(
        properties: &Value,
        names: NameSource<'_>,
    ) -> Result<PoolSpec, Vec<PropertyError>> {
        let empty = Map::new();
        let properties = match properties {
            Value::Object(map) => map,
            Value::Null => &empty,
            other => {
                return Err(vec![PropertyError::new(
                    "ResourceProperties",
                    format!("must be an object, got {}", shown(other)),
                )]);
            }
        };
        let mut errors = Errors(
            properties
                .keys()
                .filter(|key| {
                    !POOL_PROPERTIES.contains(&key.as_str())
                        && !CLOUDFORMATION_PROPERTIES.contains(&key.as_str())
                })
                .map(|key| {
                    // An empty name still needs a field a person can see.
                    PropertyError::new(
                        if key.is_empty() { "\"\"" } else { key },
                        format!(
                            "unknown property (known properties: {})",
                            POOL_PROPERTIES.join(", ")
                        ),
                    )
                })
                .collect(),
        );
        let field = |name: &str| properties.get(name).filter(|value| !value.is_null());

        let name = errors.take(
            field("IdentityPoolName")
                .map(|v| text("IdentityPoolName", v, &POOL_NAME))
                .unwrap_or_else(|| Ok(names.generated_name())),
        );
        let allow_unauthenticated_identities = errors.take(
            field("AllowUnauthenticatedIdentities")
                .map(|v| boolean("AllowUnauthenticatedIdentities", v))
                .unwrap_or_else(|| {
                    Err(PropertyError::new(
                        "AllowUnauthenticatedIdentities",
                        "required property is missing (true or false)",
                    ))
                }),
        );
        let config = PoolConfig {
            name,
            allow_unauthenticated_identities,
            allow_classic_flow: errors.take(optional(field("AllowClassicFlow"), |v| {
                boolean("AllowClassicFlow", v)
            })),
            supported_login_providers: errors
                .take(optional(field("SupportedLoginProviders"), |v| {
                    login_providers("SupportedLoginProviders", v)
                })),
            developer_provider_name: errors.take(optional(field("DeveloperProviderName"), |v| {
                text("DeveloperProviderName", v, &DEVELOPER_PROVIDER_NAME).map(Some)
            })),
            open_id_connect_provider_arns: errors
                .take(optional(field("OpenIdConnectProviderARNs"), |v| {
                    arns("OpenIdConnectProviderARNs", v)
                })),
            cognito_identity_providers: errors
                .take(optional(field("CognitoIdentityProviders"), |v| {
                    cognito_providers("CognitoIdentityProviders", v)
                })),
            saml_provider_arns: errors.take(optional(field("SamlProviderARNs"), |v| {
                arns("SamlProviderARNs", v)
            })),
        };
        let tags = errors.take(optional(field("IdentityPoolTags"), |v| {
            tags("IdentityPoolTags", v)
        }));
        let roles = errors.take(optional(field("Roles"), |v| access::roles("Roles", v)));
        let mappings = errors.take(optional(field("RoleMappings"), |v| {
            access::role_mappings("RoleMappings", v)
        }));
        let principal_tags = errors.take(optional(field("PrincipalTags"), |v| {
            access::principal_tags("PrincipalTags", v)
        }));
        if errors.0.is_empty() {
            errors.0 = access::check_providers(&config, &mappings, &principal_tags);
        }
        let access = Access {
            roles: RoleSettings {
                roles,
                mappings: access::by_provider(mappings),
            },
            principal_tags: access::by_provider(principal_tags),
        };
        let sync = SyncSettings {
            streams: errors.take(optional(field("CognitoStreams"), |v| {
                sync::cognito_streams("CognitoStreams", v).map(Some)
            })),
            push_sync: errors.take(optional(field("PushSync"), |v| {
                sync::push_sync("PushSync", v).map(Some)
            })),
            events: errors.take(optional(field("CognitoEvents"), |v| {
                sync::cognito_events("CognitoEvents", v)
            })),
        };
        let mut region = errors.take(optional(field("Region"), |v| {
            text("Region", v, &REGION).map(Some)
        }));
        let adoption = errors.take(adopted(
            field("IdentityPoolId"),
            field("AdoptFromStack"),
            &mut region,
        ));
        if errors.0.is_empty() {
            Ok(PoolSpec {
                config,
                tags,
                access,
                sync,
                region,
                adoption,
            })
        } else {
            Err(errors.0)
        }
    }
}

/// `IdentityPoolId` and `AdoptFromStack`. The adopted pool stays where it is: a
/// `Region` must name its region, and an absent one is taken from its id.
fn adopted(
    pool_id: Option<&Value>,
    from_stack: Option<&Value>,
    region: &mut Option<String>,
) -> Result<Option<Adoption>, PropertyError> {
    let Some(pool_id) = pool_id else {
        return match from_stack {
            Some(_) => Err(PropertyError::new(
                "AdoptFromStack",
                "only means something with IdentityPoolId (the pool to adopt)",
            )),
            None => Ok(None),
        };
    };
    let adoption = Adoption {
        pool_id: adoption::pool_id("IdentityPoolId", pool_id)?,
        from_stack: from_stack
            .map(|v| adoption::from_stack("AdoptFromStack", v))
            .transpose()?,
    };
    match region.as_deref() {
        Some(named) if named != adoption.region() => Err(PropertyError::new(
            "Region",
            format!(
                "must be {} (the region IdentityPoolId names) or absent, got {named:?}",
                adoption.region()
            ),
        )),
        _ => {
            *region = Some(adoption.region().to_owned());
            Ok(Some(adoption))
        }
    }
}

/// Collects every property's error while parsing goes on, so one answer lists
/// them all; a field in error reads as its empty value until the end.
struct Errors(Vec<PropertyError>);

impl Errors {
    fn take<T: Default>(&mut self, result: Result<T, PropertyError>) -> T {
        result.unwrap_or_else(|error| {
            self.0.push(error);
            T::default()
        })
    }
}

/// An absent property takes its type's empty value (false, no providers, no tags),
/// which is also what Cognito itself assumes.
fn optional<T: Default>(
    value: Option<&Value>,
    parse: impl FnOnce(&Value) -> Result<T, PropertyError>,
) -> Result<T, PropertyError> {
    value.map(parse).unwrap_or_else(|| Ok(T::default()))
}

/// A length range and a character class: the form of every string rule in the
/// Cognito Identity API model (§2.2 of the reference).
struct TextRule {
    min: usize,
    max: usize,
    allowed: fn(char) -> bool,
    pattern: &'static str,
}

impl TextRule {
    /// A rule on length alone: the API model gives these members no pattern.
    const fn length(min: usize, max: usize) -> Self {
        TextRule {
            min,
            max,
            allowed: any_char,
            pattern: "",
        }
    }
}

/// Java's `\w`, which is what the API model's patterns mean.
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn pool_name_char(c: char) -> bool {
    word_char(c)
        || matches!(
            c,
            ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r' | '+' | '=' | ',' | '.' | '@' | '-'
        )
}

fn any_char(_: char) -> bool {
    true
}

const POOL_NAME: TextRule = TextRule {
    min: 1,
    max: 128,
    allowed: pool_name_char,
    pattern: r"[\w\s+=,.@-]+",
};
const DEVELOPER_PROVIDER_NAME: TextRule = TextRule {
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
const ARN: TextRule = TextRule::length(20, 2048);
const REGION: TextRule = TextRule {
    min: 1,
    max: 32,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
    pattern: "[a-z0-9-]+",
};
const TAG_KEY: TextRule = TextRule::length(1, 128);
const TAG_VALUE: TextRule = TextRule::length(0, 256);

/// A value as the user wrote it, short enough to quote in a Reason.
pub(crate) fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 64 {
        format!("{}…", text.chars().take(64).collect::<String>())
    } else {
        text
    }
}

fn string<'v>(field: &str, value: &'v Value) -> Result<&'v str, PropertyError> {
    value
        .as_str()
        .ok_or_else(|| PropertyError::new(field, format!("must be a string, got {}", shown(value))))
}

fn text(field: &str, value: &Value, rule: &TextRule) -> Result<String, PropertyError> {
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
fn boolean(field: &str, value: &Value) -> Result<bool, PropertyError> {
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

fn list<'v>(field: &str, value: &'v Value, max: usize) -> Result<&'v [Value], PropertyError> {
    let items = value.as_array().ok_or_else(|| {
        PropertyError::new(field, format!("must be a list, got {}", shown(value)))
    })?;
    if items.len() > max {
        return Err(PropertyError::new(
            field,
            format!("may have at most {max} entries, got {}", items.len()),
        ));
    }
    Ok(items)
}

fn object<'v>(field: &str, value: &'v Value) -> Result<&'v Map<String, Value>, PropertyError> {
    value.as_object().ok_or_else(|| {
        PropertyError::new(field, format!("must be an object, got {}", shown(value)))
    })
}

/// Reads an object's members, refusing members it does not know and insisting on
/// the ones it needs, so that nested typos fail as loudly as top-level ones.
fn members<'v, const N: usize>(
    field: &str,
    value: &'v Value,
    known: [&str; N],
    required: &[&str],
) -> Result<[Option<&'v Value>; N], PropertyError> {
    let map = object(field, value)?;
    if let Some(unknown) = map.keys().find(|key| !known.contains(&key.as_str())) {
        return Err(PropertyError::new(
            &format!("{field}.{unknown}"),
            format!("unknown property (known: {})", known.join(", ")),
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

fn login_providers(field: &str, value: &Value) -> Result<BTreeMap<String, String>, PropertyError> {
    let map = object(field, value)?;
    if map.len() > 10 {
        return Err(PropertyError::new(
            field,
            format!("may have at most 10 providers, got {}", map.len()),
        ));
    }
    map.iter()
        .map(|(provider, app_id)| {
            let path = format!("{field}.{provider}");
            text(
                &path,
                &Value::String(provider.clone()),
                &LOGIN_PROVIDER_NAME,
            )?;
            Ok((
                provider.clone(),
                text(&path, app_id, &LOGIN_PROVIDER_APP_ID)?,
            ))
        })
        .collect()
}

fn arn(field: &str, value: &Value) -> Result<String, PropertyError> {
    let arn = text(field, value, &ARN)?;
    if arn.starts_with("arn:") {
        Ok(arn)
    } else {
        Err(PropertyError::new(
            field,
            format!("must be an ARN (arn:…), got {}", shown(value)),
        ))
    }
}

fn arns(field: &str, value: &Value) -> Result<Vec<String>, PropertyError> {
    list(field, value, 100)?
        .iter()
        .enumerate()
        .map(|(i, item)| arn(&format!("{field}[{i}]"), item))
        .collect()
}

fn one_of(field: &str, value: &Value, allowed: &[&str]) -> Result<String, PropertyError> {
    let text = string(field, value)?;
    if allowed.contains(&text) {
        Ok(text.to_owned())
    } else {
        Err(PropertyError::new(
            field,
            format!("must be one of {}, got {text:?}", allowed.join(", ")),
        ))
    }
}

fn role_arn(field: &str, value: &Value) -> Result<String, PropertyError> {
    let arn = text(field, value, &ARN)?;
    if arn.starts_with("arn:") && arn.contains(":role/") {
        Ok(arn)
    } else {
        Err(PropertyError::new(
            field,
            format!("must be an IAM role ARN (arn:…:iam::…:role/…), got {arn:?}"),
        ))
    }
}

fn cognito_providers(field: &str, value: &Value) -> Result<Vec<CognitoProvider>, PropertyError> {
    list(field, value, 50)?
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
                provider_name: provider_name
                    .map(|v| text(&format!("{path}.ProviderName"), v, &COGNITO_PROVIDER_NAME))
                    .transpose()?
                    .unwrap_or_default(),
                client_id: client_id
                    .map(|v| text(&format!("{path}.ClientId"), v, &CLIENT_ID))
                    .transpose()?
                    .unwrap_or_default(),
                server_side_token_check: optional(check, |v| {
                    boolean(&format!("{path}.ServerSideTokenCheck"), v)
                })?,
            })
        })
        .collect()
}

/// Tags as CloudFormation writes them (a list of `{Key, Value}`) or as the API
/// does (a map).
fn tags(field: &str, value: &Value) -> Result<BTreeMap<String, String>, PropertyError> {
    let pairs: Vec<(String, Value, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| (format!("{field}.{key}"), Value::String(key.clone()), value))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("{field}[{i}]");
                let [key, value] = members(&path, item, ["Key", "Value"], &["Key", "Value"])?;
                Ok((
                    path,
                    key.cloned().unwrap_or_default(),
                    value.unwrap_or(&Value::Null),
                ))
            })
            .collect::<Result<_, PropertyError>>()?,
        other => {
            return Err(PropertyError::new(
                field,
                format!(
                    "must be a list of {{Key, Value}} or a map of key to value, got {}",
                    shown(other)
                ),
            ));
        }
    };
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
        let key = text(&path, &key, &TAG_KEY)?;
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(PropertyError::new(
                &path,
                format!("tag key {key:?} may not start with aws:"),
            ));
        }
        if key == REQUEST_TAG_KEY {
            return Err(PropertyError::new(
                &path,
                format!("tag key {key:?} is reserved for the provider"),
            ));
        }
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

#[cfg(test)]
mod tests;
