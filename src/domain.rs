//! The pool as the provider thinks of it: what a template wants ([`PoolSpec`])
//! and what Cognito has ([`Pool`]), in types that hold their own rules.
//!
//! Nothing here reads JSON or calls AWS: [`crate::properties`] builds these
//! values from a request, [`crate::plan`] compares them, and [`crate::cognito`]
//! translates them to and from the SDK.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod access;
mod sync;

pub use access::{
    Access, AmbiguousRoleResolution, MappingRule, MatchType, PrincipalTagMap, RoleMapping,
    RoleMappingType, RoleSettings,
};
pub use sync::{CognitoStreams, PushSync, StreamingStatus, SyncSettings};

/// An identity pool id, `REGION:GUID`, checked once where it enters the
/// provider (a PhysicalResourceId, `IdentityPoolId`, or the service's answer);
/// the region a pool lives in is the part before the colon.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolId(String);

impl PoolId {
    /// The longest pool id the API accepts.
    pub const MAX_LEN: usize = 55;

    /// `id` if it has the API model's form, `[\w-]+:[0-9a-f-]+` of at most 55
    /// characters ([IdentityPoolId](https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DescribeIdentityPool.html)).
    pub fn parse(id: &str) -> Option<PoolId> {
        let (region, guid) = id.split_once(':')?;
        let region_ok = region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let guid_ok = guid
            .chars()
            .all(|c| matches!(c, '0'..='9' | 'a'..='f' | '-'));
        (id.len() <= Self::MAX_LEN
            && !region.is_empty()
            && !guid.is_empty()
            && region_ok
            && guid_ok)
            .then(|| PoolId(id.to_owned()))
    }

    /// The region the pool lives in.
    pub fn region(&self) -> &str {
        self.0.split_once(':').map_or("", |(region, _)| region)
    }

    /// The id as the API takes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for PoolId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for PoolId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Resource tags, key to value, in key order: an identity pool's (Pool, the
/// template's `IdentityPoolTags`) and a change to them. Sorted, so that plans
/// and calls come out in the same order every time.
pub type Tags = BTreeMap<String, String>;

/// A pool as Cognito describes it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: PoolId,
    pub config: PoolConfig,
    pub tags: Tags,
}

/// The desired state of one identity pool: its configuration, its user tags,
/// who gets which role, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    pub config: PoolConfig,
    pub tags: Tags,
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

impl PoolSpec {
    /// The region the pool belongs in: the template's `Region`, else `home`
    /// (the function's own).
    pub fn region_or<'a>(&'a self, home: &'a str) -> &'a str {
        self.region.as_deref().unwrap_or(home)
    }
}

/// The pool a template adopts, and the stack it may be taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    /// The pool lives in the region its id names.
    pub pool_id: PoolId,
    /// The stack (its id or guid) whose pool this one may be: without it, a
    /// pool another stack owns is refused.
    pub from_stack: Option<String>,
}

impl Adoption {
    /// The region the adopted pool lives in.
    pub fn region(&self) -> &str {
        self.pool_id.region()
    }
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

impl PoolConfig {
    /// How the pool's providers are named, by what names them. A role mapping
    /// names a user pool with its app client (`ProviderName:ClientId`), a
    /// principal tag map without it; both name the login provider domains, the
    /// OIDC and SAML provider ARNs, and an OIDC provider's issuer.
    pub fn configured_providers(&self, with_client_id: bool) -> BTreeSet<String> {
        self.provider_names(with_client_id)
            .map(Cow::into_owned)
            .collect()
    }

    /// Whether this configuration has the provider `name`, named as a role
    /// mapping (`with_client_id`) or a principal tag map names it.
    pub fn configures(&self, name: &str, with_client_id: bool) -> bool {
        self.provider_names(with_client_id)
            .any(|provider| provider == name)
    }

    /// The names of [`Self::configured_providers`] one by one, unsorted and
    /// not deduplicated; only a user pool named with its app client is built.
    fn provider_names(&self, with_client_id: bool) -> impl Iterator<Item = Cow<'_, str>> {
        let oidc = self.open_id_connect_provider_arns.iter().flat_map(|arn| {
            let issuer = arn.split_once(":oidc-provider/").map(|(_, issuer)| issuer);
            std::iter::once(arn.as_str()).chain(issuer)
        });
        let user_pools = self.cognito_identity_providers.iter().map(move |provider| {
            if with_client_id {
                Cow::Owned(format!("{}:{}", provider.provider_name, provider.client_id))
            } else {
                Cow::Borrowed(provider.provider_name.as_str())
            }
        });
        self.supported_login_providers
            .keys()
            .chain(&self.saml_provider_arns)
            .map(String::as_str)
            .chain(oidc)
            .map(Cow::Borrowed)
            .chain(user_pools)
    }
}

/// A value the API spells as one of a few fixed strings.
pub trait ApiEnum: Sized + Copy + 'static {
    /// Every value, as the API spells it, in the API model's order.
    const NAMES: &'static [&'static str];
    /// The value the API spells `name`, if any.
    fn from_name(name: &str) -> Option<Self>;
    /// The value as the API spells it.
    fn as_str(self) -> &'static str;
}

/// Declares an enum of the API with its spellings, and its [`ApiEnum`].
macro_rules! api_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $crate::domain::ApiEnum for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }

            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }
    };
}
pub(crate) use api_enum;

#[cfg(test)]
mod tests;
