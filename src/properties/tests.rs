use super::*;
use crate::domain::CognitoProvider;
use crate::idempotency::REQUEST_TAG_KEY;
use crate::properties::tags::MAX_USER_TAGS;
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::json;

use crate::error::ProviderError;

use crate::test_support::{STACK_ID, STACK_NAME, USER_POOL, string_map};
const LOGICAL_ID: &str = "IdentityPool";

fn names() -> NameSource<'static> {
    NameSource {
        stack_id: STACK_ID,
        logical_resource_id: LOGICAL_ID,
    }
}

pub(super) fn parse(properties: Value) -> Result<PoolSpec, Vec<PropertyError>> {
    PoolSpec::from_properties(&properties, names())
}

fn parsed(properties: Value) -> PoolSpec {
    parse(properties.clone())
        .unwrap_or_else(|errors| panic!("{properties} was rejected: {errors:?}"))
}

fn rejected(properties: Value) -> Vec<PropertyError> {
    match parse(properties.clone()) {
        Ok(spec) => panic!("{properties} was accepted as {spec:?}"),
        Err(errors) => errors,
    }
}

/// The minimal valid properties (as CloudFormation sends them) with `extra` merged in.
pub(super) fn with(extra: Value) -> Value {
    let mut properties = json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
        "AllowUnauthenticatedIdentities": "false",
    });
    let target = properties.as_object_mut().unwrap();
    for (key, value) in extra.as_object().unwrap() {
        target.insert(key.clone(), value.clone());
    }
    properties
}

/// `extra` merged into the minimal properties must fail with exactly one error,
/// on `field`, whose rule mentions `fragment`.
fn assert_rejects(extra: Value, field: &str, fragment: &str) {
    let errors = rejected(with(extra));
    assert_eq!(errors.len(), 1, "expected one error, got {errors:?}");
    assert_eq!(errors[0].field, field, "{errors:?}");
    assert!(
        errors[0].rule.contains(fragment),
        "rule {:?} does not mention {fragment:?}",
        errors[0].rule
    );
}

fn tag_list(count: usize) -> Value {
    Value::Array(
        (0..count)
            .map(|i| json!({"Key": format!("key{i}"), "Value": format!("value{i}")}))
            .collect(),
    )
}

fn cognito_provider(client_id: &str) -> Value {
    json!({
        "ProviderName": USER_POOL,
        "ClientId": client_id,
        "ServerSideTokenCheck": "false",
    })
}

// ---- accepted input ----

#[test]
fn stringified_and_json_booleans_are_read_in_any_case() {
    let cases = [
        (json!("true"), true),
        (json!("FALSE"), false),
        (json!("True"), true),
        (json!("false"), false),
        (json!(true), true),
        (json!(false), false),
    ];
    for (value, expected) in cases {
        let spec = parsed(with(json!({
            "AllowUnauthenticatedIdentities": value,
            "AllowClassicFlow": value,
            "CognitoIdentityProviders": [{
                "ProviderName": USER_POOL,
                "ClientId": "abc",
                "ServerSideTokenCheck": value,
            }],
        })));
        assert_eq!(
            spec.config.allow_unauthenticated_identities, expected,
            "{value}"
        );
        assert_eq!(spec.config.allow_classic_flow, expected, "{value}");
        assert_eq!(
            spec.config.cognito_identity_providers[0].server_side_token_check, expected,
            "{value}"
        );
    }
}

#[test]
fn every_property_as_cloudformation_sends_it_is_read() {
    let spec = parsed(json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
        "ServiceTimeout": "300",
        "IdentityPoolName": "My pool, v2 @prod",
        "AllowUnauthenticatedIdentities": "true",
        "AllowClassicFlow": "false",
        "SupportedLoginProviders": {
            "graph.facebook.com": "1234567890",
            "accounts.google.com": "123-abc.apps.googleusercontent.com",
        },
        "DeveloperProviderName": "login.mycompany.myapp",
        "OpenIdConnectProviderARNs": ["arn:aws:iam::123456789012:oidc-provider/example.com"],
        "CognitoIdentityProviders": [
            cognito_provider("client1"),
            {
                "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_ZyXwVuTsR",
                "ClientId": "client_2",
                "ServerSideTokenCheck": "true",
            },
        ],
        "SamlProviderARNs": ["arn:aws:iam::123456789012:saml-provider/okta"],
        "IdentityPoolTags": [
            {"Key": "team", "Value": "identity"},
            {"Key": "cost-center", "Value": ""},
        ],
    }));
    let expected = PoolSpec {
        config: PoolConfig {
            name: "My pool, v2 @prod".to_owned(),
            allow_unauthenticated_identities: true,
            allow_classic_flow: false,
            supported_login_providers: string_map(&[
                ("graph.facebook.com", "1234567890"),
                ("accounts.google.com", "123-abc.apps.googleusercontent.com"),
            ]),
            developer_provider_name: Some("login.mycompany.myapp".to_owned()),
            open_id_connect_provider_arns: vec![
                "arn:aws:iam::123456789012:oidc-provider/example.com".to_owned(),
            ],
            cognito_identity_providers: vec![
                CognitoProvider {
                    provider_name: USER_POOL.to_owned(),
                    client_id: "client1".to_owned(),
                    server_side_token_check: false,
                },
                CognitoProvider {
                    provider_name: "cognito-idp.us-east-1.amazonaws.com/us-east-1_ZyXwVuTsR"
                        .to_owned(),
                    client_id: "client_2".to_owned(),
                    server_side_token_check: true,
                },
            ],
            saml_provider_arns: vec!["arn:aws:iam::123456789012:saml-provider/okta".to_owned()],
        },
        tags: string_map(&[("team", "identity"), ("cost-center", "")]),
        access: Access::default(),
        sync: Default::default(),
        region: None,
        adoption: None,
    };
    assert_eq!(spec, expected);
}

#[test]
fn absent_and_null_optional_properties_take_empty_values() {
    let expected = PoolConfig {
        name: format!("{STACK_NAME}-{LOGICAL_ID}"),
        ..PoolConfig::default()
    };
    let absent = parsed(with(json!({})));
    assert_eq!(absent.config, expected);
    assert!(absent.tags.is_empty());

    let nulls = parsed(with(json!({
        "IdentityPoolName": null,
        "AllowClassicFlow": null,
        "SupportedLoginProviders": null,
        "DeveloperProviderName": null,
        "OpenIdConnectProviderARNs": null,
        "CognitoIdentityProviders": null,
        "SamlProviderARNs": null,
        "IdentityPoolTags": null,
    })));
    assert_eq!(nulls, absent);
}

#[test]
fn server_side_token_check_defaults_to_false() {
    let spec = parsed(with(json!({
        "CognitoIdentityProviders": [{"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_A", "ClientId": "c"}],
    })));
    assert!(!spec.config.cognito_identity_providers[0].server_side_token_check);
}

#[test]
fn tags_as_a_cloudformation_list_and_as_a_map_read_the_same() {
    let expected = string_map(&[("team", "identity"), ("env", "prod")]);
    let from_list = parsed(with(json!({
        "IdentityPoolTags": [{"Key": "team", "Value": "identity"}, {"Key": "env", "Value": "prod"}],
    })));
    let from_map = parsed(with(
        json!({"IdentityPoolTags": {"team": "identity", "env": "prod"}}),
    ));
    assert_eq!(from_list.tags, expected);
    assert_eq!(from_map.tags, expected);
}

#[test]
fn cloudformation_service_properties_are_ignored() {
    let bare = parsed(json!({"AllowUnauthenticatedIdentities": "true"}));
    let with_service = parsed(json!({
        "AllowUnauthenticatedIdentities": "true",
        "ServiceToken": "arn:aws:sns:us-east-1:123456789012:provider-topic",
        "ServiceTimeout": "3600",
    }));
    assert_eq!(with_service, bare);
}

#[test]
fn a_given_name_is_used_verbatim() {
    let name = "a".repeat(128);
    assert_eq!(
        parsed(with(json!({"IdentityPoolName": name}))).config.name,
        name
    );
}

// ---- the generated name ----

fn generated(stack_id: &str, logical_resource_id: &str) -> String {
    NameSource {
        stack_id,
        logical_resource_id,
    }
    .generated_name()
}

#[test]
fn absent_name_is_generated_from_stack_name_and_logical_id() {
    assert_eq!(
        parsed(with(json!({}))).config.name,
        format!("{STACK_NAME}-{LOGICAL_ID}")
    );
    assert_eq!(
        parsed(with(json!({}))).config.name,
        parsed(with(json!({}))).config.name,
        "the same stack and logical id must give the same name"
    );
    assert_ne!(
        generated(STACK_ID, "OtherPool"),
        generated(STACK_ID, LOGICAL_ID)
    );
    assert_ne!(
        generated(
            "arn:aws:cloudformation:us-east-1:123456789012:stack/other-stack/guid",
            LOGICAL_ID
        ),
        generated(STACK_ID, LOGICAL_ID)
    );
}

#[test]
fn generated_name_replaces_characters_the_api_refuses() {
    let name = generated(
        "arn:aws:cloudformation:us-east-1:1:stack/stäck#1/guid",
        "Pool:é!",
    );
    assert_eq!(name, "st_ck_1-Pool___");
    assert_eq!(
        parsed(with(json!({"IdentityPoolName": name}))).config.name,
        name
    );
}

#[test]
fn generated_name_is_cut_to_128_characters() {
    let stack_name = "s".repeat(100);
    let stack_id = format!("arn:aws:cloudformation:us-east-1:1:stack/{stack_name}/guid");
    let name = generated(&stack_id, &"L".repeat(255));
    assert_eq!(name.chars().count(), 128);
    assert!(name.starts_with(&format!("{stack_name}-LLL")), "{name}");
}

#[test]
fn generated_name_without_a_stack_name_is_the_logical_id_alone() {
    assert_eq!(generated("", "MyPool"), "MyPool");
    assert_eq!(generated("not-an-arn", "MyPool"), "MyPool");
    assert_eq!(
        generated("", ""),
        "IdentityPool",
        "an empty name is never generated"
    );
}

// ---- rejected input ----

#[test]
fn missing_or_null_allow_unauthenticated_identities_is_rejected() {
    for properties in [
        json!({}),
        json!({"AllowUnauthenticatedIdentities": null}),
        Value::Null,
    ] {
        let errors = rejected(properties);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "AllowUnauthenticatedIdentities");
        assert!(errors[0].rule.contains("required"), "{}", errors[0].rule);
    }
}

#[test]
fn bad_booleans_are_rejected_naming_the_field_and_quoting_the_value() {
    let cases = [
        (json!("yes"), "\"yes\""),
        (json!("1"), "\"1\""),
        (json!(""), "\"\""),
        (json!("true "), "\"true \""),
        (json!(1), "1"),
        (json!(["true"]), "[\"true\"]"),
    ];
    for field in ["AllowUnauthenticatedIdentities", "AllowClassicFlow"] {
        for (value, quoted) in &cases {
            assert_rejects(
                json!({field: value}),
                field,
                &format!("must be true or false, got {quoted}"),
            );
        }
    }
    assert_rejects(
        json!({"CognitoIdentityProviders": [{"ProviderName": "p", "ClientId": "c", "ServerSideTokenCheck": "no"}]}),
        "CognitoIdentityProviders[0].ServerSideTokenCheck",
        "must be true or false, got \"no\"",
    );
}

#[test]
fn unknown_top_level_property_is_named() {
    assert_rejects(
        json!({"AllowClasicFlow": "true"}),
        "AllowClasicFlow",
        "unknown property",
    );
    let errors = rejected(with(json!({"AllowClasicFlow": "true"})));
    assert_eq!(
        errors[0].rule,
        "unknown property; did you mean AllowClassicFlow?"
    );
    let errors = rejected(with(json!({"Tags": []})));
    assert!(
        errors[0].rule.contains(&POOL_PROPERTIES.join(", ")),
        "far from every name, the known names are listed: {}",
        errors[0].rule
    );
}

#[test]
fn a_nested_typo_gets_the_closest_member_name() {
    assert_rejects(
        json!({"CognitoIdentityProviders": [{"ProviderName": "p", "ClientID": "c"}]}),
        "CognitoIdentityProviders[0].ClientID",
        "did you mean ClientId?",
    );
}

#[test]
fn provider_arn_lists_have_no_count_limit() {
    for field in ["OpenIdConnectProviderARNs", "SamlProviderARNs"] {
        let arns: Vec<String> = (0..101)
            .map(|i| format!("arn:aws:iam::123456789012:saml-provider/idp{i}"))
            .collect();
        assert!(parse(with(json!({field: arns}))).is_ok(), "{field}");
    }
}

#[test]
fn supported_login_providers_may_be_a_json_string_as_in_the_native_schema() {
    let as_object = parsed(with(
        json!({"SupportedLoginProviders": {"accounts.google.com": "123-abc.apps.googleusercontent.com"}}),
    ));
    let as_string = parsed(with(
        json!({"SupportedLoginProviders": "{\"accounts.google.com\": \"123-abc.apps.googleusercontent.com\"}"}),
    ));
    assert_eq!(as_string, as_object);
    assert_rejects(
        json!({"SupportedLoginProviders": "accounts.google.com=123"}),
        "SupportedLoginProviders",
        "must be an object or a JSON string of one",
    );
}

#[test]
fn unknown_nested_member_is_named_with_its_path() {
    assert_rejects(
        json!({"CognitoIdentityProviders": [
            cognito_provider("ok"),
            {"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_A", "ClientID": "abc"},
        ]}),
        "CognitoIdentityProviders[1].ClientID",
        "unknown property",
    );
    assert_rejects(
        json!({"IdentityPoolTags": [{"Key": "a", "Value": "b", "Valeu": "c"}]}),
        "IdentityPoolTags[0].Valeu",
        "unknown property",
    );
}

#[test]
fn missing_nested_member_is_named_with_its_path() {
    assert_rejects(
        json!({"CognitoIdentityProviders": [{"ProviderName": "p"}]}),
        "CognitoIdentityProviders[0].ClientId",
        "required",
    );
    assert_rejects(
        json!({"IdentityPoolTags": [{"Key": "a"}]}),
        "IdentityPoolTags[0].Value",
        "required",
    );
}

#[test]
fn pool_name_must_match_pattern_and_length() {
    for (name, fragment) in [
        (json!("my/pool"), r"pattern [\w\s+=,.@-]+"),
        (json!("my/pool"), "'/'"),
        (json!("pool-é"), "'é'"),
        (json!(""), "1 to 128 characters long, got 0"),
        (json!("a".repeat(129)), "got 129"),
        (json!(true), "must be a string"),
    ] {
        assert_rejects(
            json!({"IdentityPoolName": name}),
            "IdentityPoolName",
            fragment,
        );
    }
}

#[test]
fn developer_provider_name_must_match_pattern() {
    for (name, fragment) in [
        ("login my app".to_owned(), r"[\w._-]+"),
        ("login:app".to_owned(), "':'"),
        ("d".repeat(129), "got 129"),
    ] {
        assert_rejects(
            json!({"DeveloperProviderName": name}),
            "DeveloperProviderName",
            fragment,
        );
    }
}

#[test]
fn at_most_ten_supported_login_providers() {
    let providers = |n: usize| -> Value {
        Value::Object(
            (0..n)
                .map(|i| (format!("provider{i}.example.com"), json!("app")))
                .collect(),
        )
    };
    assert_eq!(
        parsed(with(json!({"SupportedLoginProviders": providers(10)})))
            .config
            .supported_login_providers
            .len(),
        10
    );
    assert_rejects(
        json!({"SupportedLoginProviders": providers(11)}),
        "SupportedLoginProviders",
        "at most 10 providers, got 11",
    );
}

#[test]
fn login_provider_app_id_must_match_pattern() {
    assert_rejects(
        json!({"SupportedLoginProviders": {"graph.facebook.com": "123 456"}}),
        "SupportedLoginProviders.graph.facebook.com",
        r"pattern [\w.;_/-]+",
    );
    assert_rejects(
        json!({"SupportedLoginProviders": {"graph.facebook.com": ""}}),
        "SupportedLoginProviders.graph.facebook.com",
        "got 0",
    );
}

#[test]
fn provider_arns_must_be_arns_of_the_right_length() {
    for field in ["OpenIdConnectProviderARNs", "SamlProviderARNs"] {
        let good = "arn:aws:iam::123456789012:saml-provider/okta";
        assert_rejects(
            json!({field: [good, "arn:aws:iam::1:x"]}),
            &format!("{field}[1]"),
            "20 to 2048 characters long, got 16",
        );
        let long = format!("arn:{}", "a".repeat(2045));
        assert_rejects(json!({field: [long]}), &format!("{field}[0]"), "got 2049");
        assert_rejects(
            json!({field: ["https://accounts.google.com/o/oauth2"]}),
            &format!("{field}[0]"),
            "must be an ARN (arn:…), got \"https://accounts.google.com/o/oauth2\"",
        );
        assert_rejects(json!({field: good}), field, "must be a list");
    }
}

#[test]
fn client_id_must_match_pattern() {
    assert_rejects(
        json!({"CognitoIdentityProviders": [cognito_provider("abc-def")]}),
        "CognitoIdentityProviders[0].ClientId",
        r#"pattern [\w_]+, but "abc-def" contains '-'"#,
    );
}

#[test]
fn at_most_49_user_tags() {
    assert_eq!(
        parsed(with(json!({"IdentityPoolTags": tag_list(49)})))
            .tags
            .len(),
        49
    );
    assert_rejects(
        json!({"IdentityPoolTags": tag_list(50)}),
        "IdentityPoolTags",
        "at most 49 tags, got 50",
    );
}

#[test]
fn tag_keys_may_not_start_with_aws_in_any_case() {
    for key in ["aws:cloudformation:stack-name", "AWS:team", "Aws:x"] {
        assert_rejects(
            json!({"IdentityPoolTags": [{"Key": "ok", "Value": "1"}, {"Key": key, "Value": "x"}]}),
            "IdentityPoolTags[1]",
            "may not start with aws:",
        );
    }
    assert_eq!(
        parsed(with(json!({"IdentityPoolTags": {"my-aws:key": "x"}})))
            .tags
            .len(),
        1
    );
}

#[test]
fn the_providers_request_tag_key_is_reserved() {
    assert_rejects(
        json!({"IdentityPoolTags": [{"Key": REQUEST_TAG_KEY, "Value": "forged"}]}),
        "IdentityPoolTags[0]",
        "reserved for the provider",
    );
    assert_rejects(
        json!({"IdentityPoolTags": {REQUEST_TAG_KEY: "forged"}}),
        &format!("IdentityPoolTags.{REQUEST_TAG_KEY}"),
        "reserved",
    );
}

#[test]
fn duplicate_tag_keys_are_rejected() {
    assert_rejects(
        json!({"IdentityPoolTags": [{"Key": "team", "Value": "a"}, {"Key": "team", "Value": "b"}]}),
        "IdentityPoolTags[1]",
        "\"team\" appears twice",
    );
}

#[test]
fn tag_lengths_and_shape_are_checked() {
    assert_rejects(
        json!({"IdentityPoolTags": {"k": "v".repeat(257)}}),
        "IdentityPoolTags.k",
        "0 to 256 characters long, got 257",
    );
    assert_rejects(
        json!({"IdentityPoolTags": [{"Key": "", "Value": "v"}]}),
        "IdentityPoolTags[0]",
        "1 to 128",
    );
    assert_rejects(
        json!({"IdentityPoolTags": "team=identity"}),
        "IdentityPoolTags",
        "must be a list of {Key, Value} or a map",
    );
}

#[test]
fn non_object_properties_are_rejected() {
    for properties in [
        json!([]),
        json!("AllowUnauthenticatedIdentities"),
        json!(7),
        json!(true),
    ] {
        let errors = rejected(properties.clone());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "ResourceProperties");
        assert!(
            errors[0].rule.starts_with("must be an object, got "),
            "{}",
            errors[0].rule
        );
        assert!(
            errors[0].rule.contains(&properties.to_string()),
            "{}",
            errors[0].rule
        );
    }
}

#[test]
fn every_broken_rule_is_reported_at_once() {
    let errors = rejected(json!({
        "AllowClasicFlow": "true",
        "IdentityPoolName": "bad/name",
        "SupportedLoginProviders": {"graph.facebook.com": "has space"},
        "CognitoIdentityProviders": [cognito_provider("bad-id")],
        "IdentityPoolTags": [{"Key": "aws:x", "Value": "y"}],
    }));
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "AllowClasicFlow",
            "IdentityPoolName",
            "AllowUnauthenticatedIdentities",
            "SupportedLoginProviders.graph.facebook.com",
            "CognitoIdentityProviders[0].ClientId",
            "IdentityPoolTags[0]",
        ]
    );
}

#[test]
fn an_empty_property_name_is_reported_under_a_nonempty_field() {
    let errors = rejected(with(json!({"": "x"})));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(!errors[0].field.is_empty(), "{errors:?}");
    assert!(errors[0].rule.contains("unknown property"), "{errors:?}");
}

#[test]
fn property_error_text_starts_with_its_field() {
    let error = PropertyError::new("IdentityPoolTags[3]", "tag key \"a\" appears twice");
    assert_eq!(
        error.to_string(),
        "IdentityPoolTags[3]: tag key \"a\" appears twice"
    );
}

#[test]
fn invalid_properties_reason_lists_every_error() {
    let errors = rejected(json!({"AllowClassicFlow": "maybe"}));
    let reason = ProviderError::InvalidProperties(errors).to_string();
    assert_eq!(
        reason,
        "Invalid properties: AllowUnauthenticatedIdentities: required property is missing (true or false); \
         AllowClassicFlow: must be true or false, got \"maybe\""
    );
}

// ---- property-based ----

/// Names the parser looks for, so arbitrary input often reaches the deeper rules:
/// the properties, and the members of the nested ones.
fn keys() -> Vec<&'static str> {
    let members = [
        "ProviderName",
        "ClientId",
        "ServerSideTokenCheck",
        "Key",
        "Value",
    ];
    [
        &POOL_PROPERTIES[..],
        &CLOUDFORMATION_PROPERTIES[..],
        &members[..],
    ]
    .concat()
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(keys()).prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(
            &[
                "true",
                "FALSE",
                "arn:aws:iam::123456789012:x",
                "aws:tag",
                REQUEST_TAG_KEY
            ][..]
        )
        .prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(json_key(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Arbitrary properties, mostly objects.
fn properties_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => json_value(),
        3 => proptest::collection::btree_map(json_key(), json_value(), 0..10)
            .prop_map(|map| Value::Object(map.into_iter().collect())),
    ]
}

/// A boolean in one of the spellings the parser must accept.
fn spelled(value: bool) -> impl Strategy<Value = Value> {
    let text = if value { "true" } else { "false" };
    prop_oneof![
        Just(Value::Bool(value)),
        Just(Value::from(text)),
        Just(Value::from(text.to_uppercase())),
        Just(Value::from(format!(
            "{}{}",
            &text[..1].to_uppercase(),
            &text[1..]
        ))),
    ]
}

fn any_spelled_bool() -> impl Strategy<Value = (bool, Value)> {
    any::<bool>().prop_flat_map(|b| spelled(b).prop_map(move |v| (b, v)))
}

fn arn_list() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        "arn:aws:iam::[0-9]{12}:(oidc|saml)-provider/[a-z.]{1,30}",
        0..4,
    )
}

fn config_strategy() -> impl Strategy<Value = (PoolConfig, Value)> {
    let providers = proptest::collection::vec(
        (
            "[a-zA-Z0-9._:/-]{1,128}",
            "[a-zA-Z0-9_]{1,128}",
            any_spelled_bool(),
        ),
        0..4,
    );
    (
        "[a-zA-Z0-9_ \t+=,.@-]{1,128}",
        any_spelled_bool(),
        any_spelled_bool(),
        proptest::collection::btree_map(".{1,20}", "[a-zA-Z0-9_.;/-]{1,128}", 0..=10),
        proptest::option::of("[a-zA-Z0-9._-]{1,128}"),
        arn_list(),
        providers,
        arn_list(),
    )
        .prop_map(|(name, unauth, classic, logins, developer, oidc, providers, saml)| {
            let config = PoolConfig {
                name: name.clone(),
                allow_unauthenticated_identities: unauth.0,
                allow_classic_flow: classic.0,
                supported_login_providers: logins.clone(),
                developer_provider_name: developer.clone(),
                open_id_connect_provider_arns: oidc.clone(),
                cognito_identity_providers: providers
                    .iter()
                    .map(|(provider_name, client_id, check)| CognitoProvider {
                        provider_name: provider_name.clone(),
                        client_id: client_id.clone(),
                        server_side_token_check: check.0,
                    })
                    .collect(),
                saml_provider_arns: saml.clone(),
            };
            let providers: Vec<Value> = providers
                .into_iter()
                .map(|(provider_name, client_id, check)| {
                    json!({"ProviderName": provider_name, "ClientId": client_id, "ServerSideTokenCheck": check.1})
                })
                .collect();
            let properties = json!({
                "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "IdentityPoolName": name,
                "AllowUnauthenticatedIdentities": unauth.1,
                "AllowClassicFlow": classic.1,
                "SupportedLoginProviders": logins,
                "DeveloperProviderName": developer,
                "OpenIdConnectProviderARNs": oidc,
                "CognitoIdentityProviders": providers,
                "SamlProviderARNs": saml,
            });
            (config, properties)
        })
}

fn user_tags() -> impl Strategy<Value = BTreeMap<String, String>> {
    proptest::collection::btree_map(
        ".{1,128}".prop_filter("not reserved", |key| {
            !key.to_ascii_lowercase().starts_with("aws:") && key != REQUEST_TAG_KEY
        }),
        ".{0,256}",
        0..=MAX_USER_TAGS,
    )
}

proptest! {
    #[test]
    fn arbitrary_properties_never_panic_and_every_error_names_its_field(properties in properties_value()) {
        if let Err(errors) = PoolSpec::from_properties(&properties, names()) {
            prop_assert!(!errors.is_empty());
            for error in &errors {
                prop_assert!(!error.field.is_empty(), "empty field in {:?}", error);
                prop_assert!(error.to_string().starts_with(&error.field));
            }
        }
    }

    #[test]
    fn a_valid_spec_round_trips((config, mut properties) in config_strategy(), tags in user_tags(), as_list in any::<bool>()) {
        properties["IdentityPoolTags"] = if as_list {
            tags.iter().map(|(key, value)| json!({"Key": key, "Value": value})).collect()
        } else {
            json!(tags)
        };
        let spec = PoolSpec::from_properties(&properties, names());
        prop_assert_eq!(spec, Ok(PoolSpec { config, tags, access: Access::default(),
        sync: Default::default(), region: None, adoption: None }));
    }
}
