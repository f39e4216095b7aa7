use super::*;

use serde_json::{Map, json};

use crate::domain::{
    Access, AmbiguousRoleResolution, ApiEnum, MappingRule, MatchType, PoolSpec, PrincipalTagMap,
    RoleMapping, RoleMappingType,
};
use crate::properties::NameSource;

use crate::test_support::{
    ADMIN_ROLE, AUTH_ROLE, POOL_ID, STACK_ID, UNAUTH_ROLE, USER_POOL, USER_POOL_CLIENT, string_map,
};

const FACEBOOK: &str = "graph.facebook.com";
const OIDC_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com";
const OIDC_ISSUER: &str = "oidc.example.com";
const SAML_ARN: &str = "arn:aws:iam::123456789012:saml-provider/corp-idp";

fn parse(properties: &Value) -> Result<PoolSpec, Vec<PropertyError>> {
    PoolSpec::from_properties(
        properties,
        NameSource {
            stack_id: STACK_ID,
            logical_resource_id: "IdentityPool",
        },
    )
}

/// A pool that configures one provider of every kind, with `extra` merged in.
fn pool(extra: Value) -> Value {
    let mut properties = json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
        "AllowUnauthenticatedIdentities": "true",
        "SupportedLoginProviders": {FACEBOOK: "7346241598935555"},
        "OpenIdConnectProviderARNs": [OIDC_ARN],
        "SamlProviderARNs": [SAML_ARN],
        "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "client1"}],
    });
    let target = properties.as_object_mut().unwrap();
    for (key, value) in extra.as_object().unwrap() {
        target.insert(key.clone(), value.clone());
    }
    properties
}

fn parsed(extra: Value) -> PoolSpec {
    let properties = pool(extra);
    parse(&properties).unwrap_or_else(|errors| panic!("{properties} was rejected: {errors:?}"))
}

/// `extra` must fail with exactly one error, on `field`, whose rule mentions `fragment`.
fn assert_rejects(extra: Value, field: &str, fragment: &str) -> PropertyError {
    let properties = pool(extra);
    let errors = match parse(&properties) {
        Ok(spec) => panic!("{properties} was accepted as {spec:?}"),
        Err(errors) => errors,
    };
    assert_eq!(errors.len(), 1, "expected one error, got {errors:?}");
    let error = errors.into_iter().next().unwrap();
    assert_eq!(error.field, field, "{error:?}");
    assert!(
        error.rule.contains(fragment),
        "rule {:?} does not mention {fragment:?}",
        error.rule
    );
    assert!(
        error.to_string().starts_with(&format!("{field}: ")),
        "{error}"
    );
    error
}

/// [`assert_rejects`] for a Facebook role mapping alone in `RoleMappings`:
/// `member` is the rejected field's path below the mapping.
fn assert_mapping_rejected(mapping: Value, member: &str, fragment: &str) -> PropertyError {
    let field = format!("RoleMappings.{FACEBOOK}.{member}");
    assert_rejects(
        json!({"RoleMappings": {FACEBOOK: mapping}}),
        &field,
        fragment,
    )
}

fn rule(claim: &str, match_type: &str, value: &str, role: &str) -> Value {
    json!({"Claim": claim, "MatchType": match_type, "Value": value, "RoleARN": role})
}

fn rules_mapping(rules: Vec<Value>) -> Value {
    json!({
        "Type": "Rules",
        "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": {"Rules": rules},
    })
}

fn token_mapping() -> Value {
    json!({"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"})
}

/// `object` (a mapping or a rule) with its `member` set to `value`.
fn with_member(mut object: Value, member: &str, value: &str) -> Value {
    object[member] = json!(value);
    object
}

fn numbered_rules(count: usize) -> Vec<Value> {
    (0..count)
        .map(|i| rule("cognito:groups", "Equals", &format!("group{i}"), ADMIN_ROLE))
        .collect()
}

// ---- Roles ----

#[test]
fn roles_authenticated_and_unauthenticated_are_accepted() {
    let spec = parsed(json!({
        "Roles": {"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE},
    }));
    assert_eq!(
        spec.access.roles.roles,
        string_map(&[
            ("authenticated", AUTH_ROLE),
            ("unauthenticated", UNAUTH_ROLE)
        ])
    );
    assert!(spec.access.roles.mappings.is_empty());

    let only_authenticated = parsed(json!({"Roles": {"authenticated": AUTH_ROLE}}));
    assert_eq!(
        only_authenticated.access.roles.roles,
        string_map(&[("authenticated", AUTH_ROLE)])
    );
}

#[test]
fn absent_roles_mappings_and_principal_tags_leave_access_empty() {
    let spec = parsed(json!({}));
    assert_eq!(spec.access, Access::default());
    assert!(spec.access.roles.is_empty());
    assert_eq!(spec.region, None);
}

#[test]
fn an_unknown_role_key_is_rejected_naming_it() {
    assert_rejects(
        json!({"Roles": {"authenticated": AUTH_ROLE, "admin": ADMIN_ROLE}}),
        "Roles.admin",
        "unknown role (known: authenticated, unauthenticated)",
    );
    // Role keys are case-sensitive in the API.
    assert_rejects(
        json!({"Roles": {"Authenticated": AUTH_ROLE}}),
        "Roles.Authenticated",
        "unknown role",
    );
}

#[test]
fn a_role_that_is_not_an_iam_role_arn_is_rejected_naming_its_key() {
    assert_rejects(
        json!({"Roles": {"unauthenticated": "arn:aws:iam::123456789012:user/bob"}}),
        "Roles.unauthenticated",
        "must be an IAM role ARN",
    );
    assert_rejects(
        json!({"Roles": {"authenticated": "identity-authenticated-role"}}),
        "Roles.authenticated",
        "must be an IAM role ARN",
    );
    assert_rejects(
        json!({"Roles": {"authenticated": true}}),
        "Roles.authenticated",
        "must be a string",
    );
    assert_rejects(json!({"Roles": [AUTH_ROLE]}), "Roles", "must be an object");
}

// ---- RoleMappings: accepted shapes ----

#[test]
fn a_token_mapping_keyed_by_its_provider_is_read() {
    let spec = parsed(json!({"RoleMappings": {FACEBOOK: token_mapping()}}));
    assert_eq!(
        spec.access.roles.mappings,
        BTreeMap::from([(
            FACEBOOK.to_owned(),
            RoleMapping {
                mapping_type: RoleMappingType::Token,
                ambiguous_role_resolution: AmbiguousRoleResolution::AuthenticatedRole,
                rules: Vec::new(),
            }
        )])
    );
}

#[test]
fn a_mapping_keyed_by_a_free_name_is_stored_under_its_identity_provider() {
    let mapping = with_member(token_mapping(), "IdentityProvider", USER_POOL_CLIENT);
    let spec = parsed(json!({"RoleMappings": {"userpool": mapping}}));
    let providers: Vec<&str> = spec
        .access
        .roles
        .mappings
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(providers, [USER_POOL_CLIENT]);
}

#[test]
fn a_rules_mapping_with_one_rule_is_read() {
    let spec = parsed(json!({
        "RoleMappings": {FACEBOOK: rules_mapping(vec![
            rule("cognito:groups", "Contains", "admins", ADMIN_ROLE),
        ])},
    }));
    assert_eq!(
        spec.access.roles.mappings[FACEBOOK],
        RoleMapping {
            mapping_type: RoleMappingType::Rules,
            ambiguous_role_resolution: AmbiguousRoleResolution::Deny,
            rules: vec![MappingRule {
                claim: "cognito:groups".to_owned(),
                match_type: MatchType::Contains,
                value: "admins".to_owned(),
                role_arn: ADMIN_ROLE.to_owned(),
            }],
        }
    );
}

#[test]
fn a_rules_mapping_with_25_rules_keeps_them_in_order() {
    let spec = parsed(json!({"RoleMappings": {FACEBOOK: rules_mapping(numbered_rules(25))}}));
    let values: Vec<String> = spec.access.roles.mappings[FACEBOOK]
        .rules
        .iter()
        .map(|rule| rule.value.clone())
        .collect();
    let expected: Vec<String> = (0..25).map(|i| format!("group{i}")).collect();
    assert_eq!(values, expected);
}

#[test]
fn every_match_type_and_ambiguous_role_resolution_is_accepted() {
    for match_type in ["Equals", "Contains", "StartsWith", "NotEqual"] {
        for ambiguous in ["AuthenticatedRole", "Deny"] {
            let mapping = with_member(
                rules_mapping(vec![rule("email", match_type, "a@example.com", AUTH_ROLE)]),
                "AmbiguousRoleResolution",
                ambiguous,
            );
            let spec = parsed(json!({"RoleMappings": {FACEBOOK: mapping}}));
            let read = &spec.access.roles.mappings[FACEBOOK];
            assert_eq!(read.rules[0].match_type.as_str(), match_type);
            assert_eq!(read.ambiguous_role_resolution.as_str(), ambiguous);
        }
    }
}

// ---- RoleMappings: rejected shapes ----

#[test]
fn more_than_ten_mappings_are_rejected() {
    let mappings: Map<String, Value> = (0..11)
        .map(|i| (format!("provider{i}.example.com"), token_mapping()))
        .collect();
    assert_rejects(
        json!({"RoleMappings": mappings}),
        "RoleMappings",
        "at most 10 mappings, got 11",
    );
}

#[test]
fn a_rules_mapping_with_no_rules_is_rejected() {
    assert_mapping_rejected(
        rules_mapping(vec![]),
        "RulesConfiguration.Rules",
        "1 to 25 rules, got 0",
    );
}

#[test]
fn a_rules_mapping_with_26_rules_is_rejected() {
    assert_mapping_rejected(
        rules_mapping(numbered_rules(26)),
        "RulesConfiguration.Rules",
        "at most 25 entries, got 26",
    );
}

#[test]
fn type_rules_without_rules_configuration_is_rejected() {
    assert_mapping_rejected(
        json!({"Type": "Rules", "AmbiguousRoleResolution": "Deny"}),
        "RulesConfiguration",
        "required when Type is Rules",
    );
}

#[test]
fn type_token_with_rules_configuration_is_rejected() {
    assert_mapping_rejected(
        with_member(rules_mapping(numbered_rules(1)), "Type", "Token"),
        "RulesConfiguration",
        "only allowed when Type is Rules",
    );
}

#[test]
fn a_bad_or_missing_type_is_rejected() {
    assert_mapping_rejected(
        with_member(token_mapping(), "Type", "Roles"),
        "Type",
        "must be one of Token, Rules, got \"Roles\"",
    );
    assert_mapping_rejected(
        json!({"AmbiguousRoleResolution": "Deny"}),
        "Type",
        "required property is missing",
    );
}

#[test]
fn a_missing_or_invalid_ambiguous_role_resolution_is_rejected() {
    assert_mapping_rejected(
        json!({"Type": "Token"}),
        "AmbiguousRoleResolution",
        "required property is missing",
    );
    assert_mapping_rejected(
        json!({"Type": "Token", "AmbiguousRoleResolution": null}),
        "AmbiguousRoleResolution",
        "required property is missing",
    );
    assert_mapping_rejected(
        with_member(
            rules_mapping(numbered_rules(1)),
            "AmbiguousRoleResolution",
            "Allow",
        ),
        "AmbiguousRoleResolution",
        "must be one of AuthenticatedRole, Deny, got \"Allow\"",
    );
}

#[test]
fn a_bad_match_type_is_rejected_naming_the_rule() {
    assert_mapping_rejected(
        rules_mapping(vec![
            rule("email", "Equals", "a@example.com", AUTH_ROLE),
            rule("email", "Regex", ".*", AUTH_ROLE),
        ]),
        "RulesConfiguration.Rules[1].MatchType",
        "must be one of Equals, Contains, StartsWith, NotEqual, got \"Regex\"",
    );
}

#[test]
fn a_rule_missing_its_claim_is_rejected() {
    let mut incomplete = rule("email", "Equals", "a@example.com", AUTH_ROLE);
    incomplete.as_object_mut().unwrap().remove("Claim");
    assert_mapping_rejected(
        rules_mapping(vec![incomplete]),
        "RulesConfiguration.Rules[0].Claim",
        "required property is missing",
    );
}

#[test]
fn a_rule_with_a_bad_role_arn_is_rejected() {
    assert_mapping_rejected(
        rules_mapping(vec![
            rule("email", "Equals", "a@example.com", AUTH_ROLE),
            rule(
                "email",
                "Equals",
                "b@example.com",
                "arn:aws:iam::123456789012:policy/admin",
            ),
        ]),
        "RulesConfiguration.Rules[1].RoleARN",
        "must be an IAM role ARN",
    );
}

#[test]
fn an_unknown_member_of_a_mapping_or_a_rule_is_rejected_with_its_path() {
    assert_mapping_rejected(
        with_member(token_mapping(), "AmbiguousRoleResolutoin", "Deny"),
        "AmbiguousRoleResolutoin",
        "unknown property",
    );

    let extra = with_member(
        rule("email", "Equals", "a@example.com", AUTH_ROLE),
        "Priority",
        "1",
    );
    assert_mapping_rejected(
        rules_mapping(vec![extra]),
        "RulesConfiguration.Rules[0].Priority",
        "unknown property",
    );
}

#[test]
fn two_mappings_for_the_same_provider_are_rejected() {
    let aliased = with_member(token_mapping(), "IdentityProvider", FACEBOOK);
    let error = assert_rejects(
        json!({"RoleMappings": {FACEBOOK: token_mapping(), "facebook": aliased}}),
        "RoleMappings.facebook",
        "appears twice",
    );
    assert!(error.rule.contains(FACEBOOK), "{error}");
}

// ---- RoleMappings and PrincipalTags: the provider must be configured ----

#[test]
fn a_mapping_for_any_configured_provider_is_accepted() {
    for provider in [FACEBOOK, OIDC_ARN, OIDC_ISSUER, SAML_ARN, USER_POOL_CLIENT] {
        let keyed = parsed(json!({"RoleMappings": {provider: token_mapping()}}));
        assert!(
            keyed.access.roles.mappings.contains_key(provider),
            "{provider}"
        );

        let named = with_member(token_mapping(), "IdentityProvider", provider);
        let named = parsed(json!({"RoleMappings": {"mapping": named}}));
        assert_eq!(named.access.roles, keyed.access.roles, "{provider}");
    }
}

#[test]
fn a_mapping_for_a_provider_the_pool_does_not_configure_is_rejected_listing_the_configured_ones() {
    let error = assert_rejects(
        json!({"RoleMappings": {"accounts.google.com": token_mapping()}}),
        "RoleMappings.accounts.google.com",
        "provider \"accounts.google.com\" is not configured on the pool",
    );
    for configured in [FACEBOOK, OIDC_ARN, OIDC_ISSUER, SAML_ARN, USER_POOL_CLIENT] {
        assert!(
            error.rule.contains(configured),
            "{configured} is not listed in {error}"
        );
    }

    // Another app client of a configured user pool is not configured.
    assert_rejects(
        json!({"RoleMappings": {format!("{USER_POOL}:client2"): token_mapping()}}),
        &format!("RoleMappings.{USER_POOL}:client2"),
        "is not configured on the pool",
    );
}

#[test]
fn an_unconfigured_identity_provider_of_a_free_named_mapping_is_reported_at_its_property_path() {
    let mapping = with_member(token_mapping(), "IdentityProvider", "accounts.google.com");
    let errors = parse(&pool(json!({"RoleMappings": {"google": mapping}})))
        .expect_err("the provider is not configured");
    assert_eq!(errors.len(), 1, "{errors:?}");
    // The template has no `RoleMappings.accounts.google.com`; what the user must
    // fix is the mapping they called `google`.
    assert!(
        [
            "RoleMappings.google",
            "RoleMappings.google.IdentityProvider"
        ]
        .contains(&errors[0].field.as_str()),
        "the field {:?} is not a path in the template",
        errors[0].field
    );
}

#[test]
fn a_mapping_keyed_by_a_bare_user_pool_without_its_client_id_is_rejected() {
    // Cognito names a user pool in a role mapping as `ProviderName:ClientId` and
    // refuses the bare ProviderName ("is not a valid RoleMapping ProviderName or
    // is not a configured provider", aws-cdk #22951), as the README says.
    assert_rejects(
        json!({"RoleMappings": {USER_POOL: token_mapping()}}),
        &format!("RoleMappings.{USER_POOL}"),
        "is not configured on the pool",
    );
}

// ---- PrincipalTags ----

#[test]
fn principal_tags_are_read_with_use_defaults_as_string_or_boolean() {
    let spec = parsed(json!({
        "PrincipalTags": {
            USER_POOL: {"UseDefaults": "false", "PrincipalTags": {"department": "custom:dept", "team": "custom:team"}},
            FACEBOOK: {"UseDefaults": true},
            SAML_ARN: {"UseDefaults": "TRUE"},
            OIDC_ISSUER: {"UseDefaults": false, "PrincipalTags": {"sub": "sub"}},
        },
    }));
    assert_eq!(
        spec.access.principal_tags,
        BTreeMap::from([
            (
                USER_POOL.to_owned(),
                PrincipalTagMap {
                    use_defaults: false,
                    tags: string_map(&[("department", "custom:dept"), ("team", "custom:team")]),
                }
            ),
            (FACEBOOK.to_owned(), PrincipalTagMap::defaults()),
            (SAML_ARN.to_owned(), PrincipalTagMap::defaults()),
            (
                OIDC_ISSUER.to_owned(),
                PrincipalTagMap {
                    use_defaults: false,
                    tags: string_map(&[("sub", "sub")]),
                }
            ),
        ])
    );
}

#[test]
fn a_bad_use_defaults_is_rejected_with_its_path() {
    assert_rejects(
        json!({"PrincipalTags": {FACEBOOK: {"UseDefaults": "yes"}}}),
        "PrincipalTags.graph.facebook.com.UseDefaults",
        "must be true or false, got \"yes\"",
    );
    assert_rejects(
        json!({"PrincipalTags": {FACEBOOK: {"UseDefault": "true"}}}),
        "PrincipalTags.graph.facebook.com.UseDefault",
        "unknown property",
    );
}

#[test]
fn at_most_50_principal_tags_per_provider() {
    let tags = |count: usize| -> Map<String, Value> {
        (0..count)
            .map(|i| (format!("tag{i}"), json!(format!("custom:claim{i}"))))
            .collect()
    };
    let fifty = parsed(json!({"PrincipalTags": {USER_POOL: {"PrincipalTags": tags(50)}}}));
    assert_eq!(fifty.access.principal_tags[USER_POOL].tags.len(), 50);

    assert_rejects(
        json!({"PrincipalTags": {USER_POOL: {"PrincipalTags": tags(51)}}}),
        &format!("PrincipalTags.{USER_POOL}.PrincipalTags"),
        "at most 50 tags, got 51",
    );
}

#[test]
fn principal_tags_for_a_provider_the_pool_does_not_configure_are_rejected() {
    let error = assert_rejects(
        json!({"PrincipalTags": {"accounts.google.com": {"UseDefaults": "true"}}}),
        "PrincipalTags.accounts.google.com",
        "provider \"accounts.google.com\" is not configured on the pool",
    );
    assert!(error.rule.contains(USER_POOL), "{error}");
}

#[test]
fn principal_tags_for_a_bare_user_pool_provider_name_are_accepted() {
    let spec = parsed(json!({"PrincipalTags": {USER_POOL: {"UseDefaults": "true"}}}));
    assert_eq!(
        spec.access.principal_tags,
        BTreeMap::from([(USER_POOL.to_owned(), PrincipalTagMap::defaults())])
    );
}

// ---- Region ----

#[test]
fn a_region_is_accepted() {
    assert_eq!(
        parsed(json!({"Region": "eu-west-1"})).region.as_deref(),
        Some("eu-west-1")
    );
}

#[test]
fn a_region_that_is_not_a_region_name_is_rejected() {
    assert_rejects(
        json!({"Region": "EU_WEST"}),
        "Region",
        "must match the pattern",
    );
    assert_rejects(json!({"Region": ""}), "Region", "1 to 63 characters");
    assert_rejects(
        json!({"Region": ["eu-west-1"]}),
        "Region",
        "must be a string",
    );
}

// ---- every error at once ----

#[test]
fn errors_in_every_access_property_are_reported_together_each_at_its_path() {
    let errors = parse(&pool(json!({
        "Roles": {"guest": AUTH_ROLE},
        "RoleMappings": {FACEBOOK: {"Type": "Token", "AmbiguousRoleResolution": "Maybe"}},
        "PrincipalTags": {FACEBOOK: {"UseDefaults": "sometimes"}},
        "Region": "EU_WEST",
    })))
    .expect_err("four broken rules");
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "Roles.guest",
            "RoleMappings.graph.facebook.com.AmbiguousRoleResolution",
            "PrincipalTags.graph.facebook.com.UseDefaults",
            "Region",
        ]
    );
    for error in &errors {
        assert!(
            error.to_string().starts_with(&format!("{}: ", error.field)),
            "{error}"
        );
    }
}

/// `IdentityProvider` is the provider's own member; `IdentityProviderName` is
/// how `AWS::Cognito::IdentityPoolPrincipalTag` names it, so that resource's
/// properties copied in are an entry.
#[test]
fn principal_tags_keyed_by_a_free_name_are_stored_under_the_provider_they_name() {
    for member in ["IdentityProvider", "IdentityProviderName"] {
        let spec = parsed(json!({"PrincipalTags": {
            "users": {member: USER_POOL, "UseDefaults": "false", "PrincipalTags": {"team": "custom:team"}},
        }}));
        assert_eq!(
            spec.access.principal_tags.get(USER_POOL),
            Some(&PrincipalTagMap {
                use_defaults: false,
                tags: string_map(&[("team", "custom:team")]),
            }),
            "{member}"
        );
        assert_rejects(
            json!({"PrincipalTags": {"users": {member: "accounts.google.com"}}}),
            "PrincipalTags.users",
            "not configured on the pool",
        );
        assert_rejects(
            json!({"PrincipalTags": {"users": {member: ""}}}),
            &format!("PrincipalTags.users.{member}"),
            "1 to 128",
        );
    }
}

#[test]
fn a_claim_with_an_invisible_or_private_use_character_is_refused_at_its_path() {
    let path = format!("RoleMappings.{USER_POOL_CLIENT}.RulesConfiguration.Rules[0].Claim");
    for claim in ["cognito:\u{200B}groups", "team\u{E000}", "a b"] {
        assert_rejects(
            json!({"RoleMappings": {USER_POOL_CLIENT: rules_mapping(vec![rule(claim, "Equals", "x", ADMIN_ROLE)])}}),
            &path,
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
        );
    }
    parsed(
        json!({"RoleMappings": {USER_POOL_CLIENT: rules_mapping(vec![rule("cognito:gróups€", "Equals", "x", ADMIN_ROLE)])}}),
    );
}

#[test]
fn a_principal_tag_entry_copied_with_its_pool_id_says_to_drop_it() {
    assert_rejects(
        json!({"PrincipalTags": {"users": {
            "IdentityPoolId": POOL_ID,
            "IdentityProviderName": USER_POOL,
        }}}),
        "PrincipalTags.users.IdentityPoolId",
        "the entry belongs to this pool",
    );
}

#[test]
fn a_principal_tag_entry_naming_its_provider_twice_is_refused() {
    assert_rejects(
        json!({"PrincipalTags": {"users": {"IdentityProvider": USER_POOL, "IdentityProviderName": USER_POOL}}}),
        "PrincipalTags.users",
        "not both",
    );
}
