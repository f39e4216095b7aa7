//! Who gets which IAM role, and which claims become principal tags:
//! SetIdentityPoolRoles' and SetPrincipalTagAttributeMap's inputs.

use std::collections::BTreeMap;

use super::api_enum;

/// What the pool grants: SetIdentityPoolRoles' input and, per provider,
/// SetPrincipalTagAttributeMap's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    pub roles: RoleSettings,
    pub principal_tags: BTreeMap<String, PrincipalTagMap>,
}

/// The roles the pool hands out: SetIdentityPoolRoles' whole input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleSettings {
    /// `authenticated` / `unauthenticated` → IAM role ARN.
    pub roles: BTreeMap<String, String>,
    /// Provider → how its users' roles are chosen.
    pub mappings: BTreeMap<String, RoleMapping>,
}

impl RoleSettings {
    /// No roles and no mappings: what SetIdentityPoolRoles clears a pool to.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && self.mappings.is_empty()
    }
}

api_enum! {
    /// Where a provider's users get their role from.
    RoleMappingType {
        /// The token's `cognito:roles` claim.
        Token = "Token",
        /// Rules on the token's claims.
        Rules = "Rules",
    }
}

api_enum! {
    /// What happens when no role is chosen for a user.
    AmbiguousRoleResolution {
        AuthenticatedRole = "AuthenticatedRole",
        Deny = "Deny",
    }
}

api_enum! {
    /// How a rule compares a claim with its value.
    MatchType {
        Equals = "Equals",
        Contains = "Contains",
        StartsWith = "StartsWith",
        NotEqual = "NotEqual",
    }
}

/// How one provider's users get their role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMapping {
    pub mapping_type: RoleMappingType,
    pub ambiguous_role_resolution: AmbiguousRoleResolution,
    /// The rules of a `Rules` mapping, in order; empty for `Token`.
    pub rules: Vec<MappingRule>,
}

/// One rule: if `claim` `match_type` `value`, the user gets `role_arn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRule {
    pub claim: String,
    pub match_type: MatchType,
    pub value: String,
    pub role_arn: String,
}

/// One provider's principal tags: SetPrincipalTagAttributeMap's input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrincipalTagMap {
    pub use_defaults: bool,
    /// Principal tag → the claim it is taken from.
    pub tags: BTreeMap<String, String>,
}

impl PrincipalTagMap {
    /// What a provider returns to when the template no longer mentions it.
    pub fn defaults() -> Self {
        PrincipalTagMap {
            use_defaults: true,
            tags: BTreeMap::new(),
        }
    }
}
