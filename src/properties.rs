//! `ResourceProperties` → [`PoolSpec`].
//!
//! CloudFormation hands every scalar over as a string (`true` → `"true"`), while
//! CDK and hand-written requests may carry real JSON booleans, so the parser reads
//! both. Everything the Cognito API would reject is rejected here first, before a
//! single call is made, with a message that names the property and the rule: the
//! message is the Reason a user reads in the CloudFormation console. Once a
//! `PoolSpec` exists it is known good, and nothing downstream validates again.
//!
//! This file holds the pool's types and the reading of the pool configuration;
//! `access` and `sync` read the roles and principal tags and the Cognito Sync
//! settings; `rules`, `arn` and `claim_chars` are the checks they share. The
//! rules are held to the Cognito API model (`model_tests`) and the properties'
//! types to the native resource's schema (`native_tests`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

mod access;
mod adoption;
mod arn;
mod claim_chars;
mod rules;
mod sync;

use rules::{
    Errors, TextRule, boolean, list, members, object_or_json, optional, text, unknown_property,
    word_char,
};

pub use access::{
    MappingRule, PrincipalTagMap, RoleMapping, RoleSettings, principal_tag_providers,
};
pub use adoption::{Adoption, adopted_pool_id};
pub use rules::PropertyError;
pub(crate) use rules::shown;
pub use sync::{CognitoStreams, PushSync, SyncSettings};

/// The tag the provider puts on every pool it creates, valued with the request
/// that created it. CreateIdentityPool has no client token, so this tag is what
/// lets a redelivered Create find the pool it already made instead of making a
/// second one, and lets the rollback Delete of a failed Create find a pool that
/// the deadline cut off.
pub const REQUEST_TAG_KEY: &str = "identity-pool-provider:create-request";

/// Cognito allows 50 tags on a pool (see the Cognito quotas page); one of them is
/// the provider's request tag.
const MAX_USER_TAGS: usize = 49;

/// User pool providers per identity pool (the Cognito quotas page).
const MAX_COGNITO_PROVIDERS: usize = 50;

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
                        unknown_property(key, &POOL_PROPERTIES),
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

fn pool_name_char(c: char) -> bool {
    word_char(c)
        || matches!(
            c,
            ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r' | '+' | '=' | ',' | '.' | '@' | '-'
        )
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
/// A region name becomes a label of the endpoint's host name
/// (`cognito-identity.<region>.amazonaws.com`), which DNS caps at 63 characters.
const REGION: TextRule = TextRule {
    min: 1,
    max: 63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
    pattern: "[a-z0-9-]+",
};
const TAG_KEY: TextRule = TextRule::length(1, 128);
const TAG_VALUE: TextRule = TextRule::length(0, 256);

/// SupportedLoginProviders: an object, or (as the native schema allows) a JSON
/// string of one.
fn login_providers(field: &str, value: &Value) -> Result<BTreeMap<String, String>, PropertyError> {
    let map = object_or_json(field, value)?;
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

/// OpenIdConnectProviderARNs / SamlProviderARNs: the model bounds each ARN, not
/// their number.
fn arns(field: &str, value: &Value) -> Result<Vec<String>, PropertyError> {
    list(field, value, None)?
        .iter()
        .enumerate()
        .map(|(i, item)| arn::any_arn(&format!("{field}[{i}]"), item))
        .collect()
}

fn cognito_providers(field: &str, value: &Value) -> Result<Vec<CognitoProvider>, PropertyError> {
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

#[cfg(test)]
mod model_tests;

#[cfg(test)]
mod native_tests;
