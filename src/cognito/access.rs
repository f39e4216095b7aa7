//! Roles and principal tags at the SDK: SetIdentityPoolRoles / GetIdentityPoolRoles
//! and SetPrincipalTagAttributeMap / GetPrincipalTagAttributeMap, translated to and
//! from the provider's [`RoleSettings`] and [`PrincipalTagMap`].

use std::collections::HashMap;

use aws_sdk_cognitoidentity::types::{
    AmbiguousRoleResolutionType, MappingRuleMatchType, RulesConfigurationType,
};

use super::{CognitoError, PoolCalls, sorted, unsorted};
use crate::domain::{ApiEnum, MappingRule, PoolId, PrincipalTagMap, RoleMapping, RoleSettings};

type SdkRoleMapping = aws_sdk_cognitoidentity::types::RoleMapping;
type SdkMappingRule = aws_sdk_cognitoidentity::types::MappingRule;

/// A request the SDK's builders refuse: only possible if a required field is
/// missing, which a parsed [`RoleSettings`] rules out; reported, not panicked on.
fn unbuildable(operation: &'static str, error: impl std::fmt::Display) -> CognitoError {
    CognitoError {
        operation,
        code: "InvalidRequest".to_owned(),
        message: error.to_string(),
        transient: false,
    }
}

fn to_sdk_mapping(mapping: &RoleMapping) -> Result<SdkRoleMapping, CognitoError> {
    const OP: &str = "SetIdentityPoolRoles";
    let rules = if mapping.rules.is_empty() {
        None
    } else {
        let rules = mapping
            .rules
            .iter()
            .map(|rule| {
                SdkMappingRule::builder()
                    .claim(&rule.claim)
                    .match_type(MappingRuleMatchType::from(rule.match_type.as_str()))
                    .value(&rule.value)
                    .role_arn(&rule.role_arn)
                    .build()
                    .map_err(|e| unbuildable(OP, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(
            RulesConfigurationType::builder()
                .set_rules(Some(rules))
                .build()
                .map_err(|e| unbuildable(OP, e))?,
        )
    };
    SdkRoleMapping::builder()
        .r#type(aws_sdk_cognitoidentity::types::RoleMappingType::from(
            mapping.mapping_type.as_str(),
        ))
        .ambiguous_role_resolution(AmbiguousRoleResolutionType::from(
            mapping.ambiguous_role_resolution.as_str(),
        ))
        .set_rules_configuration(rules)
        .build()
        .map_err(|e| unbuildable(OP, e))
}

/// A mapping as the service reads it back. One with a value this provider
/// does not know (never one it wrote) is `None`: it is left out of what was
/// read, and [`PoolCalls::roles`] then differs from any template that has it.
fn from_sdk_mapping(mapping: &SdkRoleMapping) -> Option<RoleMapping> {
    let rules = mapping
        .rules_configuration()
        .map_or(Some(Vec::new()), |config| {
            config.rules().iter().map(from_sdk_rule).collect()
        })?;
    Some(RoleMapping {
        mapping_type: ApiEnum::from_name(mapping.r#type().as_str())?,
        ambiguous_role_resolution: ApiEnum::from_name(
            mapping.ambiguous_role_resolution()?.as_str(),
        )?,
        rules,
    })
}

fn from_sdk_rule(rule: &SdkMappingRule) -> Option<MappingRule> {
    Some(MappingRule {
        claim: rule.claim().to_owned(),
        match_type: ApiEnum::from_name(rule.match_type().as_str())?,
        value: rule.value().to_owned(),
        role_arn: rule.role_arn().to_owned(),
    })
}

impl PoolCalls<'_> {
    /// GetIdentityPoolRoles: the roles and mappings the pool has now.
    pub async fn roles(&self, pool_id: &PoolId) -> Result<RoleSettings, CognitoError> {
        const OP: &str = "GetIdentityPoolRoles";
        let output = self
            .send(
                OP,
                self.clients
                    .identity
                    .get_identity_pool_roles()
                    .identity_pool_id(pool_id.as_str())
                    .send(),
            )
            .await?;
        Ok(RoleSettings {
            roles: sorted(output.roles()),
            mappings: output
                .role_mappings()
                .map(|m| {
                    m.iter()
                        .filter_map(|(provider, mapping)| {
                            Some((provider.clone(), from_sdk_mapping(mapping)?))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// SetIdentityPoolRoles: replaces the pool's roles and mappings with these
    /// (empty ones clear them).
    pub async fn set_roles(
        &self,
        pool_id: &PoolId,
        settings: &RoleSettings,
    ) -> Result<(), CognitoError> {
        const OP: &str = "SetIdentityPoolRoles";
        let mappings = settings
            .mappings
            .iter()
            .map(|(provider, mapping)| Ok((provider.clone(), to_sdk_mapping(mapping)?)))
            .collect::<Result<HashMap<_, _>, CognitoError>>()?;
        self.send(
            OP,
            self.clients
                .identity
                .set_identity_pool_roles()
                .identity_pool_id(pool_id.as_str())
                .set_roles(Some(unsorted(&settings.roles)))
                .set_role_mappings(Some(mappings))
                .send(),
        )
        .await?;
        Ok(())
    }

    /// GetPrincipalTagAttributeMap for one provider.
    pub async fn principal_tags(
        &self,
        pool_id: &PoolId,
        provider: &str,
    ) -> Result<PrincipalTagMap, CognitoError> {
        const OP: &str = "GetPrincipalTagAttributeMap";
        let output = self
            .send(
                OP,
                self.clients
                    .identity
                    .get_principal_tag_attribute_map()
                    .identity_pool_id(pool_id.as_str())
                    .identity_provider_name(provider)
                    .send(),
            )
            .await?;
        Ok(PrincipalTagMap {
            use_defaults: output.use_defaults().unwrap_or(false),
            tags: sorted(output.principal_tags()),
        })
    }

    /// SetPrincipalTagAttributeMap for one provider.
    pub async fn set_principal_tags(
        &self,
        pool_id: &PoolId,
        provider: &str,
        map: &PrincipalTagMap,
    ) -> Result<(), CognitoError> {
        let call = self.clients.identity.set_principal_tag_attribute_map();
        let call = call
            .identity_pool_id(pool_id.as_str())
            .identity_provider_name(provider)
            .use_defaults(map.use_defaults)
            .set_principal_tags(Some(unsorted(&map.tags)));
        self.send("SetPrincipalTagAttributeMap", call.send())
            .await
            .map(drop)
    }
}
