//! `ResourceProperties` → [`PoolSpec`].
//!
//! CloudFormation hands every scalar over as a string (`true` → `"true"`), while
//! CDK and hand-written requests may carry real JSON booleans, so the parser reads
//! both. Everything the Cognito API would reject is rejected here first, before a
//! single call is made, with a message that names the property and the rule: the
//! message is the Reason a user reads in the CloudFormation console. Once a
//! `PoolSpec` exists it is known good, and nothing downstream validates again.
//!
//! This file reads the top level (which properties exist, each read in turn,
//! every error kept) into the types of [`crate::domain`]. The readers are
//! `config` (the name and the identity providers), `tags`, `access` (roles,
//! role mappings, principal tags), `sync` (the Cognito Sync settings) and
//! `adoption` (`IdentityPoolId`, `AdoptFromStack`), over a validation toolkit,
//! `rules`, `arn` and `claim_chars`, holding every rule of the Cognito API
//! model. The rules are held to that model (`model_tests`) and the properties'
//! types to the native resource's schema (`native_tests`).

use serde_json::{Map, Value};

mod access;
mod adoption;
mod arn;
mod claim_chars;
mod config;
mod rules;
mod sync;
mod tags;

use access::principal_tag_providers;
pub use config::NameSource;
use config::{DEVELOPER_PROVIDER_NAME, POOL_NAME, arns, cognito_providers, login_providers};
use tags::tags;

use rules::{Errors, TextRule, boolean, optional, text, unknown_property};

pub use adoption::adopted_pool_id;
pub(crate) use arn::Arn;
pub use rules::PropertyError;
pub(crate) use rules::shown;

use crate::domain::{Access, Adoption, PoolConfig, PoolSpec, RoleSettings, SyncSettings};
use crate::plan::Managed;

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

impl PoolSpec {
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
        let mut reader = Reader {
            properties,
            errors: Errors(unknown_properties(properties)),
        };
        let config = reader.pool_config(names);
        let tags = reader.read("IdentityPoolTags", tags);
        let access = reader.access(&config);
        let sync = reader.sync_settings();
        let mut region = reader.read("Region", |field, v| text(field, v, &REGION).map(Some));
        let adoption = adopted(
            reader.field("IdentityPoolId"),
            reader.field("AdoptFromStack"),
            &mut region,
        );
        let adoption = reader.errors.take(adoption);
        match reader.errors.0.is_empty() {
            true => Ok(PoolSpec {
                config,
                tags,
                access,
                sync,
                region,
                adoption,
            }),
            false => Err(reader.errors.0),
        }
    }
}

/// Every property no one knows, each an error (a close known name suggested).
fn unknown_properties(properties: &Map<String, Value>) -> Vec<PropertyError> {
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
        .collect()
}

/// The top-level properties being read, and every error found so far: a
/// property in error reads as its empty value until the end.
struct Reader<'p> {
    properties: &'p Map<String, Value>,
    errors: Errors,
}

impl<'p> Reader<'p> {
    /// A property that is set (a JSON null counts as absent).
    fn field(&self, name: &str) -> Option<&'p Value> {
        self.properties.get(name).filter(|value| !value.is_null())
    }

    /// An optional property, read by `parse` (given its name); absent, it takes
    /// its type's empty value, which is also what Cognito assumes.
    fn read<T: Default>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str, &Value) -> Result<T, PropertyError>,
    ) -> T {
        let value = self.field(name);
        self.errors.take(optional(value, |v| parse(name, v)))
    }

    /// What UpdateIdentityPool sets; the name is generated when absent.
    fn pool_config(&mut self, names: NameSource<'_>) -> PoolConfig {
        let name = match self.field("IdentityPoolName") {
            Some(v) => text("IdentityPoolName", v, &POOL_NAME),
            None => Ok(names.generated_name()),
        };
        let name = self.errors.take(name);
        let allow_unauthenticated_identities = match self.field("AllowUnauthenticatedIdentities") {
            Some(v) => boolean("AllowUnauthenticatedIdentities", v),
            None => Err(PropertyError::new(
                "AllowUnauthenticatedIdentities",
                "required property is missing (true or false)",
            )),
        };
        PoolConfig {
            name,
            allow_unauthenticated_identities: self.errors.take(allow_unauthenticated_identities),
            allow_classic_flow: self.read("AllowClassicFlow", boolean),
            supported_login_providers: self.read("SupportedLoginProviders", login_providers),
            developer_provider_name: self.read("DeveloperProviderName", |field, v| {
                text(field, v, &DEVELOPER_PROVIDER_NAME).map(Some)
            }),
            open_id_connect_provider_arns: self.read("OpenIdConnectProviderARNs", arns),
            cognito_identity_providers: self.read("CognitoIdentityProviders", cognito_providers),
            saml_provider_arns: self.read("SamlProviderARNs", arns),
        }
    }

    /// Roles, role mappings and principal tags, each naming a provider that
    /// `config` configures: checked when everything read so far (the property
    /// names, the configuration, the tags and these three) reads well, whatever
    /// the Cognito Sync settings, `Region` and the adoption, read after, hold.
    fn access(&mut self, config: &PoolConfig) -> Access {
        let roles = self.read("Roles", access::roles);
        let mappings = self.read("RoleMappings", access::role_mappings);
        let principal_tags = self.read("PrincipalTags", access::principal_tags);
        if self.errors.0.is_empty() {
            self.errors.0 = access::check_providers(config, &mappings, &principal_tags);
        }
        Access {
            roles: RoleSettings {
                roles,
                mappings: access::by_provider(mappings),
            },
            principal_tags: access::by_provider(principal_tags),
        }
    }

    /// The Cognito Sync settings.
    fn sync_settings(&mut self) -> SyncSettings {
        SyncSettings {
            streams: self.read("CognitoStreams", |field, v| {
                sync::cognito_streams(field, v).map(Some)
            }),
            push_sync: self.read("PushSync", |field, v| sync::push_sync(field, v).map(Some)),
            events: self.read("CognitoEvents", sync::cognito_events),
        }
    }
}

/// What an Update's `OldResourceProperties` managed, each part read on its
/// own (a part that no longer parses counts as not set), to know what to clear.
pub fn previously_managed(old_properties: &Value) -> Managed {
    Managed {
        sync: SyncSettings::from_old_properties(old_properties),
        roles: ["Roles", "RoleMappings"]
            .iter()
            .any(|key| old_properties.get(key).is_some_and(|v| !v.is_null())),
        principal_tag_providers: principal_tag_providers(old_properties),
        created_now: false,
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

/// A region name becomes a label of the endpoint's host name
/// (`cognito-identity.<region>.amazonaws.com`), which DNS caps at 63 characters.
const REGION: TextRule = TextRule {
    min: 1,
    max: 63,
    allowed: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
    pattern: "[a-z0-9-]+",
};
#[cfg(test)]
mod tests;

#[cfg(test)]
mod model_tests;

#[cfg(test)]
mod native_tests;
