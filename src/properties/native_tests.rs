//! Type-swap parity: every property path of `AWS::Cognito::IdentityPool` (and of
//! the role attachment and principal tag resources whose shapes `RoleMappings`,
//! `Roles` and `PrincipalTags` take), in every JSON type CloudFormation's schema
//! allows for it, is read, and read to the same pool.
//!
//! `tests/model/native-schema.json` is the schemas as cfn-lint ships them,
//! reduced to paths and types (the pytest in `tests/model` keeps it current).
//! A path is `Name`, `Name.Member`, `Name[]` (every list entry) or `Name{}`
//! (every map value).

use serde_json::{Value, json};

use super::{NameSource, PoolSpec};

const NATIVE: &str = include_str!("../../tests/model/native-schema.json");

use crate::test_support::ADMIN_ROLE as ROLE;
use crate::test_support::{USER_POOL, USER_POOL_CLIENT};

/// Properties with a value at every path any of the three schemas has.
fn complete() -> Value {
    json!({
        "IdentityPoolName": "pool",
        "AllowUnauthenticatedIdentities": true,
        "AllowClassicFlow": false,
        "SupportedLoginProviders": {"accounts.google.com": "123-abc.apps.googleusercontent.com"},
        "DeveloperProviderName": "login.app",
        "OpenIdConnectProviderARNs": ["arn:aws:iam::123456789012:oidc-provider/example.com"],
        "CognitoIdentityProviders": [
            {"ProviderName": USER_POOL, "ClientId": "client1", "ServerSideTokenCheck": true}
        ],
        "SamlProviderARNs": ["arn:aws:iam::123456789012:saml-provider/corp"],
        "IdentityPoolTags": [{"Key": "team", "Value": "identity"}],
        "CognitoEvents": {"SyncTrigger": "arn:aws:lambda:us-east-1:123456789012:function:trigger"},
        "CognitoStreams": {"StreamName": "events", "RoleArn": ROLE, "StreamingStatus": "ENABLED"},
        "PushSync": {
            "ApplicationArns": ["arn:aws:sns:us-east-1:123456789012:app/GCM/my-app"],
            "RoleArn": ROLE
        },
        "Roles": {"authenticated": ROLE},
        "RoleMappings": {
            "users": {
                "IdentityProvider": USER_POOL_CLIENT,
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [
                    {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admin", "RoleARN": ROLE}
                ]}
            }
        },
        "PrincipalTags": {
            "users": {
                "IdentityProviderName": USER_POOL,
                "UseDefaults": false,
                "PrincipalTags": {"team": "custom:team"}
            }
        }
    })
}

/// Where a native resource's properties sit in the pool's properties, and the
/// ones that have no place there: the pool itself, which they name by id.
fn placement(resource: &str) -> (&'static str, &'static [&'static str]) {
    match resource {
        "AWS::Cognito::IdentityPool" => ("", &[]),
        "AWS::Cognito::IdentityPoolRoleAttachment" => ("", &["IdentityPoolId"]),
        "AWS::Cognito::IdentityPoolPrincipalTag" => ("PrincipalTags{}.", &["IdentityPoolId"]),
        other => panic!("no placement for {other}"),
    }
}

/// The path split into steps: a member name, `[]` or `{}`.
fn steps(path: &str) -> Vec<String> {
    let mut steps = Vec::new();
    let mut name = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => steps.push(std::mem::take(&mut name)),
            '[' | '{' => {
                if !name.is_empty() {
                    steps.push(std::mem::take(&mut name));
                }
                steps.push(format!("{c}{}", chars.next().unwrap()));
                if chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            _ => name.push(c),
        }
    }
    if !name.is_empty() {
        steps.push(name);
    }
    steps
}

/// Applies `change` at every value the path reaches; the number reached.
fn at_path(value: &mut Value, steps: &[String], change: &mut dyn FnMut(&mut Value)) -> usize {
    let Some((step, rest)) = steps.split_first() else {
        change(value);
        return 1;
    };
    match (step.as_str(), value) {
        ("[]", Value::Array(items)) => items.iter_mut().map(|v| at_path(v, rest, change)).sum(),
        ("{}", Value::Object(map)) => map.values_mut().map(|v| at_path(v, rest, change)).sum(),
        (name, Value::Object(map)) => map.get_mut(name).map_or(0, |v| at_path(v, rest, change)),
        _ => 0,
    }
}

/// The value written in the JSON type `kind` in every way a template may write
/// it: a boolean as JSON or as CloudFormation's string, an object as itself or
/// as a JSON string.
fn spellings(value: &Value, kind: &str) -> Vec<Value> {
    match (kind, value) {
        ("boolean", Value::Bool(b)) => vec![json!(b), json!(b.to_string())],
        ("string", Value::Object(_)) => vec![json!(value.to_string())],
        ("string", Value::String(_))
        | ("object", Value::Object(_))
        | ("array", Value::Array(_)) => vec![value.clone()],
        _ => panic!("no {kind} spelling of {value}"),
    }
}

fn parse(properties: &Value) -> PoolSpec {
    PoolSpec::from_properties(
        properties,
        NameSource {
            stack_id: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid",
            logical_resource_id: "Pool",
        },
    )
    .unwrap_or_else(|errors| panic!("refused: {errors:?}\n{properties:#}"))
}

#[test]
fn every_native_property_in_every_type_its_schema_allows_reads_to_the_same_pool() {
    let schemas: Value = serde_json::from_str(NATIVE).expect("the extract is JSON");
    let base = complete();
    let expected = parse(&base);
    for (resource, paths) in schemas.as_object().unwrap() {
        let (prefix, elsewhere) = placement(resource);
        for (path, kinds) in paths.as_object().unwrap() {
            if elsewhere.contains(&path.as_str()) {
                continue;
            }
            let steps = steps(&format!("{prefix}{path}"));
            for kind in kinds.as_array().unwrap() {
                let kind = kind.as_str().unwrap();
                let mut ways = 0;
                let reached = at_path(&mut base.clone(), &steps, &mut |v| {
                    ways = spellings(v, kind).len();
                });
                assert!(reached > 0, "{resource} {path}: not in complete()");
                for way in 0..ways {
                    let mut properties = base.clone();
                    at_path(&mut properties, &steps, &mut |v| {
                        *v = spellings(v, kind).swap_remove(way);
                    });
                    assert_eq!(
                        parse(&properties),
                        expected,
                        "{resource} {path} as {kind}: {properties}"
                    );
                }
            }
        }
    }
}
