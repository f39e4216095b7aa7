//! The property rules held to the Cognito API model, member by member.
//!
//! `tests/model/cognito-constraints.json` is botocore's model of every request the
//! provider sends, reduced to the members with a length, pattern or enum (the
//! pytest in `tests/model` keeps it equal to the installed botocore). Each member
//! maps to the property that fills it, and from its constraints this test makes
//! the values at and across each bound, the model's own strings inside and outside
//! each pattern, and the enum's values and near misses, and asserts that the
//! parser accepts or refuses each one with an error naming the property.

use serde_json::{Value, json};

use super::{NameSource, PoolSpec, PropertyError};

const CONSTRAINTS: &str = include_str!("../../tests/model/cognito-constraints.json");

use crate::test_support::ADMIN_ROLE as ROLE;
use crate::test_support::{USER_POOL, USER_POOL_CLIENT};
const ROLE_PREFIX: &str = "arn:aws:iam::123456789012:role/";

/// Members the provider fills itself: no template value reaches them.
const PROVIDER_FILLED: [&str; 6] = [
    "cognito-identity:SetIdentityPoolRoles.IdentityPoolId",
    "cognito-identity:SetPrincipalTagAttributeMap.IdentityPoolId",
    "cognito-identity:TagResource.ResourceArn",
    "cognito-identity:UntagResource.ResourceArn",
    "cognito-sync:SetIdentityPoolConfiguration.IdentityPoolId",
    "cognito-sync:SetCognitoEvents.IdentityPoolId",
];

/// Where the provider is stricter than the model, and the documentation that says so.
const DOCUMENTED_MAX: [(&str, usize, &str); 1] = [(
    "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.RulesConfiguration.Rules",
    25,
    "https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RulesConfigurationType.html",
)];

/// The properties with one template value in a member's place, and the field an
/// error about it names.
type Build = Box<dyn Fn(&str) -> (Value, String)>;
/// The properties with `n` entries in a list or map member, and the field named.
type BuildCount = Box<dyn Fn(usize) -> (Value, String)>;

/// How a member of the model is filled from the template.
enum Probe {
    /// A string member: a valid value, a character that keeps it valid when
    /// repeated (none when the pattern allows no padding), and the builder.
    Text(&'static str, Option<char>, Build),
    /// A list or map member.
    Count(BuildCount),
}

fn properties(extra: Value) -> Value {
    let mut properties = json!({"AllowUnauthenticatedIdentities": "false"});
    properties
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    properties
}

fn text(
    sample: &'static str,
    pad: Option<char>,
    build: impl Fn(&str) -> (Value, String) + 'static,
) -> Probe {
    Probe::Text(sample, pad, Box::new(build))
}

fn count(build: impl Fn(usize) -> (Value, String) + 'static) -> Probe {
    Probe::Count(Box::new(build))
}

/// A member filled from the property at a `.`-separated path of objects, which
/// an error names as it is.
fn at(path: &'static str, sample: &'static str, pad: Option<char>) -> Probe {
    text(sample, pad, move |s| {
        let value = path
            .rsplit('.')
            .fold(json!(s), |inner, name| json!({name: inner}));
        (properties(value), path.to_owned())
    })
}

/// A pool configuring the user pool client the role mappings name.
fn mapped(mappings: Value) -> Value {
    properties(json!({
        "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "client1"}],
        "RoleMappings": mappings,
    }))
}

fn rules_mapping(rules: Value) -> Value {
    json!({"Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": rules}})
}

fn rule(claim: &str, match_type: &str, value: &str, role: &str) -> Value {
    json!({"Claim": claim, "MatchType": match_type, "Value": value, "RoleARN": role})
}

fn principal_tags(tags: Value) -> Value {
    properties(json!({
        "CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": "client1"}],
        "PrincipalTags": {USER_POOL: {"PrincipalTags": tags}},
    }))
}

fn numbered(n: usize, entry: impl Fn(usize) -> (String, Value)) -> Value {
    Value::Object((0..n).map(entry).collect())
}

/// The template property that fills `member` (the model's path without its
/// service and operation), or None for a member the mapping does not know.
#[allow(clippy::too_many_lines)] // A table: one arm for each member of the API models.
fn probe(member: &str) -> Option<Probe> {
    let rules_path = format!("RoleMappings.{USER_POOL_CLIENT}.RulesConfiguration.Rules");
    let pool = match member.split_once('.') {
        Some((
            "cognito-identity:CreateIdentityPool" | "cognito-identity:UpdateIdentityPool",
            rest,
        )) => rest,
        _ => "",
    };
    let tag_key = || {
        text("team", Some('t'), |s| {
            (
                properties(json!({"IdentityPoolTags": {s: "v"}})),
                format!("IdentityPoolTags.{s}"),
            )
        })
    };
    let tag_value = || {
        text("", Some('v'), |s| {
            (
                properties(json!({"IdentityPoolTags": {"team": s}})),
                "IdentityPoolTags.team".to_owned(),
            )
        })
    };
    Some(match (member, pool) {
        (_, "IdentityPoolName") => at("IdentityPoolName", "pool", Some('p')),
        // The pool an adopting template names (the provider fills it otherwise).
        ("cognito-identity:UpdateIdentityPool.IdentityPoolId", _) => {
            at("IdentityPoolId", "us-east-1:0c5e2a4b", Some('0'))
        }
        (_, "SupportedLoginProviders") => count(|n| {
            (
                properties(
                    json!({"SupportedLoginProviders": numbered(n, |i| (format!("p{i}.example.com"), json!("app")))}),
                ),
                "SupportedLoginProviders".to_owned(),
            )
        }),
        (_, "SupportedLoginProviders{key}") => text("accounts.google.com", Some('g'), |s| {
            (
                properties(json!({"SupportedLoginProviders": {s: "app"}})),
                format!("SupportedLoginProviders.{s}"),
            )
        }),
        (_, "SupportedLoginProviders{value}") => text("app", Some('a'), |s| {
            (
                properties(json!({"SupportedLoginProviders": {"accounts.google.com": s}})),
                "SupportedLoginProviders.accounts.google.com".to_owned(),
            )
        }),
        (_, "DeveloperProviderName") => at("DeveloperProviderName", "login.app", Some('a')),
        (_, "OpenIdConnectProviderARNs[]") => {
            text("arn:aws:iam::123456789012:oidc-provider/", Some('o'), |s| {
                (
                    properties(json!({"OpenIdConnectProviderARNs": [s]})),
                    "OpenIdConnectProviderARNs[0]".to_owned(),
                )
            })
        }
        (_, "SamlProviderARNs[]") => {
            text("arn:aws:iam::123456789012:saml-provider/", Some('s'), |s| {
                (
                    properties(json!({"SamlProviderARNs": [s]})),
                    "SamlProviderARNs[0]".to_owned(),
                )
            })
        }
        (_, "CognitoIdentityProviders[].ProviderName") => text(USER_POOL, Some('a'), |s| {
            (
                properties(
                    json!({"CognitoIdentityProviders": [{"ProviderName": s, "ClientId": "c"}]}),
                ),
                "CognitoIdentityProviders[0].ProviderName".to_owned(),
            )
        }),
        (_, "CognitoIdentityProviders[].ClientId") => text("client", Some('c'), |s| {
            (
                properties(
                    json!({"CognitoIdentityProviders": [{"ProviderName": USER_POOL, "ClientId": s}]}),
                ),
                "CognitoIdentityProviders[0].ClientId".to_owned(),
            )
        }),
        (_, "IdentityPoolTags{key}")
        | (
            "cognito-identity:TagResource.Tags{key}" | "cognito-identity:UntagResource.TagKeys[]",
            _,
        ) => tag_key(),
        (_, "IdentityPoolTags{value}") | ("cognito-identity:TagResource.Tags{value}", _) => {
            tag_value()
        }
        ("cognito-identity:SetIdentityPoolRoles.Roles", _) => count(|n| {
            (
                properties(
                    json!({"Roles": numbered(n, |i| ([String::from("authenticated"), String::from("unauthenticated")].get(i).cloned().unwrap_or(format!("role{i}")), json!(ROLE)))}),
                ),
                "Roles".to_owned(),
            )
        }),
        ("cognito-identity:SetIdentityPoolRoles.Roles{key}", _) => {
            text("authenticated", None, |s| {
                (
                    properties(json!({"Roles": {s: ROLE}})),
                    format!("Roles.{s}"),
                )
            })
        }
        ("cognito-identity:SetIdentityPoolRoles.Roles{value}", _) => {
            text(ROLE_PREFIX, Some('r'), |s| {
                (
                    properties(json!({"Roles": {"authenticated": s}})),
                    "Roles.authenticated".to_owned(),
                )
            })
        }
        ("cognito-identity:SetIdentityPoolRoles.RoleMappings", _) => count(|n| {
            let providers: Vec<Value> = (0..n)
                .map(|i| json!({"ProviderName": USER_POOL, "ClientId": format!("client{i}")}))
                .collect();
            let mappings = numbered(n, |i| {
                (
                    format!("{USER_POOL}:client{i}"),
                    json!({"Type": "Token", "AmbiguousRoleResolution": "Deny"}),
                )
            });
            (
                properties(
                    json!({"CognitoIdentityProviders": providers, "RoleMappings": mappings}),
                ),
                "RoleMappings".to_owned(),
            )
        }),
        ("cognito-identity:SetIdentityPoolRoles.RoleMappings{key}", _) => {
            text("accounts.google.com", Some('g'), |s| {
                (
                    properties(
                        json!({"SupportedLoginProviders": {s: "app"}, "RoleMappings": {s: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}}),
                    ),
                    format!("RoleMappings.{s}"),
                )
            })
        }
        ("cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.Type", _) => {
            text("Token", None, |s| {
                let mut mapping = json!({"Type": s, "AmbiguousRoleResolution": "Deny"});
                if s == "Rules" {
                    mapping["RulesConfiguration"] =
                        json!({"Rules": [rule("groups", "Contains", "admin", ROLE)]});
                }
                (
                    mapped(json!({USER_POOL_CLIENT: mapping})),
                    format!("RoleMappings.{USER_POOL_CLIENT}.Type"),
                )
            })
        }
        (
            "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.AmbiguousRoleResolution",
            _,
        ) => text("Deny", None, |s| {
            (
                mapped(json!({USER_POOL_CLIENT: {"Type": "Token", "AmbiguousRoleResolution": s}})),
                format!("RoleMappings.{USER_POOL_CLIENT}.AmbiguousRoleResolution"),
            )
        }),
        (
            "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.RulesConfiguration.Rules",
            _,
        ) => count(move |n| {
            (
                mapped(
                    json!({USER_POOL_CLIENT: rules_mapping((0..n).map(|i| rule("groups", "Equals", &format!("g{i}"), ROLE)).collect())}),
                ),
                rules_path.clone(),
            )
        }),
        (
            "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.RulesConfiguration.Rules[].Claim",
            _,
        ) => text("groups", Some('g'), |s| {
            (
                mapped(
                    json!({USER_POOL_CLIENT: rules_mapping(json!([rule(s, "Equals", "v", ROLE)]))}),
                ),
                format!("RoleMappings.{USER_POOL_CLIENT}.RulesConfiguration.Rules[0].Claim"),
            )
        }),
        (
            "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.RulesConfiguration.Rules[].MatchType",
            _,
        ) => text("Equals", None, |s| {
            (
                mapped(
                    json!({USER_POOL_CLIENT: rules_mapping(json!([rule("groups", s, "v", ROLE)]))}),
                ),
                format!("RoleMappings.{USER_POOL_CLIENT}.RulesConfiguration.Rules[0].MatchType"),
            )
        }),
        (
            "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.RulesConfiguration.Rules[].Value",
            _,
        ) => text("v", Some('v'), |s| {
            (
                mapped(
                    json!({USER_POOL_CLIENT: rules_mapping(json!([rule("groups", "Equals", s, ROLE)]))}),
                ),
                format!("RoleMappings.{USER_POOL_CLIENT}.RulesConfiguration.Rules[0].Value"),
            )
        }),
        (
            "cognito-identity:SetIdentityPoolRoles.RoleMappings{value}.RulesConfiguration.Rules[].RoleARN",
            _,
        ) => text(ROLE_PREFIX, Some('r'), |s| {
            (
                mapped(
                    json!({USER_POOL_CLIENT: rules_mapping(json!([rule("groups", "Equals", "v", s)]))}),
                ),
                format!("RoleMappings.{USER_POOL_CLIENT}.RulesConfiguration.Rules[0].RoleARN"),
            )
        }),
        ("cognito-identity:SetPrincipalTagAttributeMap.IdentityProviderName", _) => {
            text("accounts.google.com", Some('g'), |s| {
                (
                    properties(
                        json!({"SupportedLoginProviders": {s: "app"}, "PrincipalTags": {s: {"PrincipalTags": {"team": "custom:team"}}}}),
                    ),
                    format!("PrincipalTags.{s}"),
                )
            })
        }
        ("cognito-identity:SetPrincipalTagAttributeMap.PrincipalTags", _) => count(|n| {
            (
                principal_tags(numbered(n, |i| (format!("tag{i}"), json!("claim")))),
                format!("PrincipalTags.{USER_POOL}.PrincipalTags"),
            )
        }),
        ("cognito-identity:SetPrincipalTagAttributeMap.PrincipalTags{key}", _) => {
            text("team", Some('t'), |s| {
                (
                    principal_tags(json!({s: "custom:team"})),
                    format!("PrincipalTags.{USER_POOL}.PrincipalTags.{s}"),
                )
            })
        }
        ("cognito-identity:SetPrincipalTagAttributeMap.PrincipalTags{value}", _) => {
            text("claim", Some('c'), |s| {
                (
                    principal_tags(json!({"team": s})),
                    format!("PrincipalTags.{USER_POOL}.PrincipalTags.team"),
                )
            })
        }
        ("cognito-sync:SetIdentityPoolConfiguration.PushSync.ApplicationArns[]", _) => text(
            "arn:aws:sns:us-east-1:123456789012:app/GCM/a",
            Some('a'),
            |s| {
                (
                    properties(json!({"PushSync": {"ApplicationArns": [s]}})),
                    "PushSync.ApplicationArns[0]".to_owned(),
                )
            },
        ),
        ("cognito-sync:SetIdentityPoolConfiguration.PushSync.RoleArn", _) => {
            at("PushSync.RoleArn", ROLE_PREFIX, Some('r'))
        }
        ("cognito-sync:SetIdentityPoolConfiguration.CognitoStreams.StreamName", _) => {
            at("CognitoStreams.StreamName", "events", Some('e'))
        }
        ("cognito-sync:SetIdentityPoolConfiguration.CognitoStreams.RoleArn", _) => {
            at("CognitoStreams.RoleArn", ROLE_PREFIX, Some('r'))
        }
        ("cognito-sync:SetIdentityPoolConfiguration.CognitoStreams.StreamingStatus", _) => {
            at("CognitoStreams.StreamingStatus", "ENABLED", None)
        }
        ("cognito-sync:SetCognitoEvents.Events", _) => count(|n| {
            (
                properties(
                    json!({"CognitoEvents": numbered(n, |i| (if i == 0 { "SyncTrigger".to_owned() } else { format!("Event{i}") }, json!("arn:aws:lambda:us-east-1:123456789012:function:trigger")))}),
                ),
                "CognitoEvents".to_owned(),
            )
        }),
        _ => return None,
    })
}

fn parse(properties: &Value) -> Result<PoolSpec, Vec<PropertyError>> {
    PoolSpec::from_properties(
        properties,
        NameSource {
            stack_id: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid",
            logical_resource_id: "Pool",
        },
    )
}

/// What the checks found, one line per value the parser got wrong.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn accepts(&mut self, member: &str, what: &str, (properties, field): (Value, String)) {
        if let Err(errors) = parse(&properties) {
            self.0.push(format!(
                "{member}: {what} should be accepted at {field}, got {errors:?}"
            ));
        }
    }

    /// Refused, with an error on `field` (or inside it, for a list or map).
    fn refuses(&mut self, member: &str, what: &str, (properties, field): (Value, String)) {
        match parse(&properties) {
            Ok(_) => self
                .0
                .push(format!("{member}: {what} should be refused, was accepted")),
            Err(errors) if !errors.iter().any(|e| e.field.starts_with(&field)) => self.0.push(
                format!("{member}: {what} should be refused at {field}, got {errors:?}"),
            ),
            Err(_) => {}
        }
    }
}

fn padded(sample: &str, pad: char, length: usize) -> String {
    let mut text: String = sample.chars().take(length).collect();
    while text.chars().count() < length {
        text.push(pad);
    }
    text
}

fn check_text(
    findings: &mut Findings,
    member: &str,
    constraint: &Value,
    patterns: &Value,
    sample: &str,
    pad: Option<char>,
    build: &Build,
) {
    let bound = |key: &str| {
        constraint
            .get(key)
            .and_then(Value::as_u64)
            .map(|n| n as usize)
    };
    findings.accepts(member, &format!("{sample:?}"), build(sample));
    if let Some(max) = bound("max") {
        if let Some(pad) = pad {
            findings.accepts(
                member,
                &format!("{max} characters"),
                build(&padded(sample, pad, max)),
            );
        }
        findings.refuses(
            member,
            &format!("{} characters", max + 1),
            build(&padded(sample, pad.unwrap_or('a'), max + 1)),
        );
    }
    if let Some(min) = bound("min").filter(|&min| min > 0) {
        findings.refuses(
            member,
            &format!("{} characters", min - 1),
            build(&padded(sample, 'a', min - 1)),
        );
    }
    if let Some(pattern) = constraint.get("pattern").and_then(Value::as_str) {
        for (kind, accept) in [("inside", true), ("outside", false)] {
            for probe in patterns[pattern][kind].as_array().unwrap() {
                let probe = probe.as_str().unwrap();
                let what = format!("{probe:?} ({kind} {pattern})");
                if accept {
                    findings.accepts(member, &what, build(probe));
                } else {
                    findings.refuses(member, &what, build(probe));
                }
            }
        }
    }
    for value in constraint
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let value = value.as_str().unwrap();
        findings.accepts(member, &format!("enum value {value:?}"), build(value));
        findings.refuses(
            member,
            &format!("{:?} (not in the enum)", value.to_lowercase()),
            build(&value.to_lowercase()),
        );
    }
}

fn check_count(findings: &mut Findings, member: &str, constraint: &Value, build: &BuildCount) {
    let model_max = constraint
        .get("max")
        .and_then(Value::as_u64)
        .map(|n| n as usize);
    let documented = DOCUMENTED_MAX.iter().find(|(name, ..)| *name == member);
    if let (Some((_, max, source)), Some(model_max)) = (documented, model_max) {
        assert!(
            *max <= model_max,
            "{member}: {source} allows more than the model"
        );
    }
    if let Some(max) = documented.map(|(_, max, _)| *max).or(model_max) {
        findings.accepts(member, &format!("{max} entries"), build(max));
        findings.refuses(member, &format!("{} entries", max + 1), build(max + 1));
    }
    if let Some(min) = constraint
        .get("min")
        .and_then(Value::as_u64)
        .filter(|&min| min > 0)
    {
        findings.refuses(
            member,
            &format!("{} entries", min - 1),
            build(min as usize - 1),
        );
    }
}

#[test]
fn every_constrained_member_of_every_request_is_checked_as_strictly_as_the_model_does() {
    let extract: Value = serde_json::from_str(CONSTRAINTS).expect("the extract is JSON");
    let mut findings = Findings::default();
    let mut unmapped = Vec::new();
    for constraint in extract["members"].as_array().unwrap() {
        let member = constraint["member"].as_str().unwrap();
        if PROVIDER_FILLED.contains(&member) {
            continue;
        }
        match probe(member) {
            None => unmapped.push(member),
            Some(Probe::Text(sample, pad, build)) => check_text(
                &mut findings,
                member,
                constraint,
                &extract["patterns"],
                sample,
                pad,
                &build,
            ),
            Some(Probe::Count(build)) => check_count(&mut findings, member, constraint, &build),
        }
    }
    let members: Vec<&str> = extract["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member"].as_str().unwrap())
        .collect();
    let stale: Vec<&&str> = PROVIDER_FILLED
        .iter()
        .filter(|name| !members.contains(name))
        .collect();
    assert!(stale.is_empty(), "not members of the model: {stale:?}");
    assert!(
        unmapped.is_empty(),
        "members of the model no property fills (map them in probe() or list them in PROVIDER_FILLED): {unmapped:#?}"
    );
    assert!(
        findings.0.is_empty(),
        "{} values handled unlike the model:\n{}",
        findings.0.len(),
        findings.0.join("\n")
    );
}
