//! The provider at the SDK's own seam: `aws-smithy-mocks` answers each Cognito
//! operation, and the tests assert the exact requests the provider sent.

use std::collections::HashMap;

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::operation::create_identity_pool::CreateIdentityPoolInput;
use aws_sdk_cognitoidentity::operation::delete_identity_pool::{
    DeleteIdentityPoolInput, DeleteIdentityPoolOutput,
};
use aws_sdk_cognitoidentity::operation::describe_identity_pool::DescribeIdentityPoolOutput;
use aws_sdk_cognitoidentity::operation::get_identity_pool_roles::{
    GetIdentityPoolRolesInput, GetIdentityPoolRolesOutput,
};
use aws_sdk_cognitoidentity::operation::get_principal_tag_attribute_map::GetPrincipalTagAttributeMapOutput;
use aws_sdk_cognitoidentity::operation::set_identity_pool_roles::{
    SetIdentityPoolRolesInput, SetIdentityPoolRolesOutput,
};
use aws_sdk_cognitoidentity::operation::set_principal_tag_attribute_map::{
    SetPrincipalTagAttributeMapInput, SetPrincipalTagAttributeMapOutput,
};
use aws_sdk_cognitoidentity::operation::tag_resource::{TagResourceInput, TagResourceOutput};
use aws_sdk_cognitoidentity::operation::untag_resource::{UntagResourceInput, UntagResourceOutput};
use aws_sdk_cognitoidentity::operation::update_identity_pool::{
    UpdateIdentityPoolInput, UpdateIdentityPoolOutput,
};
use aws_sdk_cognitoidentity::types::{
    AmbiguousRoleResolutionType, MappingRule, MappingRuleMatchType, RoleMappingType,
    RulesConfigurationType,
};
use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesInput;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use serde_json::{Value, json};

use super::*;
use crate::cognito::RegionClients;
use crate::domain::PoolConfig;
use crate::idempotency::REQUEST_TAG_KEY;
use crate::journal::Journal;
use crate::request::Invocation;
use crate::test_support::*;
use aws_sdk_cognitosync::operation::set_cognito_events::{
    SetCognitoEventsInput, SetCognitoEventsOutput,
};
use aws_sdk_cognitosync::operation::set_identity_pool_configuration::{
    SetIdentityPoolConfigurationInput, SetIdentityPoolConfigurationOutput,
};

#[tokio::test]
async fn create_sends_every_property_and_the_request_tag_and_answers_the_pool() {
    let creates = recorded::<CreateIdentityPoolInput>();
    let create = mock!(Client::create_identity_pool)
        .then_compute_output(recording(&creates, created_output(POOL_ID)));
    let tagged = tagged_returns(&[]);
    let provider = provider(&[&tagged, &create]);

    let (answer, journal) = provider.run(&request("Create", None, properties())).await;

    assert_eq!(
        answer,
        Answer::success(
            POOL_ID,
            BTreeMap::from([
                ("IdentityPoolId".to_owned(), POOL_ID.to_owned()),
                ("Name".to_owned(), "demo_pool".to_owned()),
                ("Arn".to_owned(), POOL_ARN.to_owned()),
            ])
        )
    );
    let sent = creates.lock().unwrap();
    let sent = &sent[0];
    assert_eq!(sent.identity_pool_name(), Some("demo_pool"));
    assert_eq!(sent.allow_unauthenticated_identities(), Some(false));
    assert_eq!(sent.allow_classic_flow(), Some(true));
    assert_eq!(
        sent.supported_login_providers()
            .and_then(|m| m.get("graph.facebook.com"))
            .map(String::as_str),
        Some("7346241598935555")
    );
    let provider = &sent.cognito_identity_providers()[0];
    assert_eq!(provider.client_id(), Some("client1"));
    assert_eq!(provider.server_side_token_check(), Some(true));
    let tags = sent.identity_pool_tags().expect("tags sent");
    assert_eq!(tags.get("team").map(String::as_str), Some("identity"));
    assert_eq!(
        tags.get(REQUEST_TAG_KEY).map(String::as_str),
        Some(REQUEST_TAG)
    );
    assert_eq!(journal.calls(), ["GetResources", "CreateIdentityPool"]);
}

#[tokio::test]
async fn a_redelivered_create_answers_the_pool_it_already_made_without_creating_another() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let tag_filters = recorded::<GetResourcesInput>();
    let tagged = mock!(aws_sdk_resourcegroupstagging::Client::get_resources)
        .then_compute_output(recording(&tag_filters, tagged_output(&[POOL_ID])));
    let describe = describe_returns(described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ));
    let rules = [&tagged, &describe, &create];
    let (answer, journal) = run(&rules, &request("Create", None, properties())).await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert!(answer.outcome.is_ok());
    assert_eq!(create.num_calls(), 0);
    assert_eq!(journal.calls(), ["GetResources", "DescribeIdentityPool"]);
    let asked = &tag_filters.lock().unwrap()[0];
    let filter = &asked.tag_filters()[0];
    assert_eq!(filter.key(), Some(REQUEST_TAG_KEY));
    assert_eq!(filter.values(), [REQUEST_TAG]);
    assert_eq!(
        asked.resource_type_filters(),
        ["cognito-identity:identitypool"]
    );
}

#[tokio::test]
async fn a_same_named_pool_of_another_request_does_not_count_as_already_created() {
    // A role without tag:GetResources: the look-up lists the pools instead.
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let tagged = tagging_refused();
    let list = list_returns(&[(POOL_ID, "demo_pool")]);
    let describe = describe_returns(described(
        POOL_ID,
        &[(REQUEST_TAG_KEY, "other-stack/other-request")],
    ));
    let rules = [&tagged, &list, &describe, &create];
    let (answer, journal) = run(&rules, &request("Create", None, properties())).await;

    assert_eq!(answer.physical_resource_id, NEW_POOL_ID);
    assert_eq!(create.num_calls(), 1);
    assert_eq!(
        journal.calls(),
        [
            "GetResources",
            "ListIdentityPools",
            "DescribeIdentityPool",
            "CreateIdentityPool"
        ]
    );
}

#[tokio::test]
async fn a_pool_the_index_still_lists_after_its_deletion_is_not_answered() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let tagged = tagged_returns(&[POOL_ID]);
    let describe = describe_not_found();
    let rules = [&tagged, &describe, &create];
    let (answer, _) = run(&rules, &request("Create", None, properties())).await;

    assert_eq!(answer.physical_resource_id, NEW_POOL_ID);
    assert_eq!(create.num_calls(), 1);
}

#[tokio::test]
async fn after_an_ambiguous_create_failure_the_retry_lists_and_finds_the_pool_the_index_does_not_show_yet()
 {
    // The first attempt timed out after Cognito had made the pool; the
    // tagging index has not caught up, the listing has.
    let create = mock!(Client::create_identity_pool)
        .sequence()
        .http_status(503, None)
        .build();
    let tagged = tagged_returns(&[]);
    let list = list_returns(&[(POOL_ID, "demo_pool")]);
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, REQUEST_TAG)]));
    let rules = [&tagged, &create, &list, &describe];
    let (answer, journal) = run(&rules, &request("Create", None, properties())).await;

    assert_eq!(success_id(&answer), POOL_ID);
    assert_eq!(create.num_calls(), 1, "no second pool");
    assert_eq!(tagged.num_calls(), 1, "the index is asked only first");
    assert_eq!(
        journal.calls(),
        [
            "GetResources",
            "CreateIdentityPool",
            "ListIdentityPools",
            "DescribeIdentityPool"
        ]
    );
}

#[tokio::test]
async fn a_create_the_service_refuses_fails_with_the_code_and_a_placeholder_id() {
    let create = mock!(Client::create_identity_pool)
        .sequence()
        .http_status(400, aws_error("InvalidParameterException", "bad provider"))
        .build();
    let tagged = tagged_returns(&[]);
    let provider = provider(&[&tagged, &create]);
    let request = request("Create", None, properties());

    let (answer, _) = provider.run(&request).await;

    let reason = failure_reason(answer, &request.failed_create_id());
    assert_eq!(
        reason,
        "CreateIdentityPool failed: InvalidParameterException: bad provider"
    );
}

#[tokio::test]
async fn invalid_properties_fail_before_any_call() {
    let list = list_returns(&[]);
    let request = request(
        "Create",
        None,
        json!({"AllowClasicFlow": "true", "AllowUnauthenticatedIdentities": "yes"}),
    );

    let (answer, journal) = run(&[&list], &request).await;

    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.contains("AllowClasicFlow: unknown property"),
        "{reason}"
    );
    assert!(
        reason.contains("AllowUnauthenticatedIdentities: must be true or false, got \"yes\""),
        "{reason}"
    );
    assert!(journal.calls().is_empty());
    assert_eq!(answer.physical_resource_id, request.failed_create_id());
}

#[tokio::test]
async fn update_sends_the_complete_configuration_so_nothing_is_reset() {
    let (update, updates) = update_recording();
    let describe = describe_returns(described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ));
    let mut renamed = properties();
    renamed["IdentityPoolName"] = json!("renamed");

    let rules = [&describe, &update];

    let (answer, journal) = run(&rules, &request("Update", Some(POOL_ID), renamed)).await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert_eq!(attribute(&answer, "Name"), "renamed");
    let sent = updates.lock().unwrap()[0].clone();
    assert_eq!(sent.identity_pool_id(), Some(POOL_ID));
    assert_eq!(sent.identity_pool_name(), Some("renamed"));
    assert_eq!(
        sent.allow_classic_flow(),
        Some(true),
        "AllowClassicFlow is sent explicitly"
    );
    assert_eq!(sent.supported_login_providers().map(|m| m.len()), Some(1));
    assert_eq!(sent.cognito_identity_providers().len(), 1);
    assert_eq!(
        sent.open_id_connect_provider_arns,
        Some(vec![]),
        "empty lists are sent, not omitted"
    );
    assert_eq!(sent.saml_provider_arns, Some(vec![]));
    assert_eq!(
        journal.calls(),
        ["DescribeIdentityPool", "UpdateIdentityPool"]
    );
}

#[tokio::test]
async fn update_removing_providers_sends_them_empty() {
    let (update, updates) = update_recording();
    let describe = unchanged(POOL_ID);
    let mut fewer = properties();
    fewer
        .as_object_mut()
        .unwrap()
        .remove("SupportedLoginProviders");
    fewer
        .as_object_mut()
        .unwrap()
        .remove("CognitoIdentityProviders");

    let rules = [&describe, &update];

    let (answer, _) = run(&rules, &request("Update", Some(POOL_ID), fewer)).await;

    assert!(answer.outcome.is_ok());
    let sent = updates.lock().unwrap()[0].clone();
    assert_eq!(sent.supported_login_providers().map(|m| m.len()), Some(0));
    assert_eq!(sent.cognito_identity_providers, Some(vec![]));
}

#[tokio::test]
async fn tags_change_by_diff_against_the_pool_and_keep_the_request_tag() {
    let tagged = recorded::<TagResourceInput>();
    let untagged = recorded::<UntagResourceInput>();
    let tag = mock!(Client::tag_resource)
        .then_compute_output(recording(&tagged, TagResourceOutput::builder().build()));
    let untag = mock!(Client::untag_resource)
        .then_compute_output(recording(&untagged, UntagResourceOutput::builder().build()));
    let update = mock!(Client::update_identity_pool)
        .then_output(|| unreachable!("the configuration did not change"));
    let describe = describe_returns(described(
        POOL_ID,
        &[
            ("team", "identity"),
            ("stale", "x"),
            ("env", "dev"),
            (REQUEST_TAG_KEY, REQUEST_TAG),
        ],
    ));
    let mut retagged = properties();
    retagged["IdentityPoolTags"] = json!([{"Key": "team", "Value": "identity"}, {"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": "42"}]);

    let rules = [&describe, &tag, &untag, &update];

    let (answer, journal) = run(&rules, &request("Update", Some(POOL_ID), retagged)).await;

    assert!(answer.outcome.is_ok(), "{answer:?}");
    let tag_input = tagged.lock().unwrap()[0].clone();
    assert_eq!(tag_input.resource_arn(), Some(POOL_ARN));
    let mut set: Vec<_> = tag_input
        .tags()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    set.sort();
    assert_eq!(set, [("cost", "42"), ("env", "prod")]);
    let untag_input = untagged.lock().unwrap()[0].clone();
    assert_eq!(untag_input.resource_arn(), Some(POOL_ARN));
    assert_eq!(untag_input.tag_keys(), ["stale"]);
    assert_eq!(
        journal.calls(),
        ["DescribeIdentityPool", "UntagResource", "TagResource"],
        "untag first, so the pool never holds more tags than before or after"
    );
}

#[tokio::test]
async fn an_update_that_changes_nothing_makes_no_write_call() {
    let describe = describe_returns(described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ));
    let rules = [&describe];
    let (answer, journal) = run(&rules, &request("Update", Some(POOL_ID), properties())).await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert!(answer.outcome.is_ok());
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn changing_a_set_developer_provider_name_replaces_the_pool() {
    let creates = recorded::<CreateIdentityPoolInput>();
    let create = mock!(Client::create_identity_pool)
        .then_compute_output(recording(&creates, created_output(NEW_POOL_ID)));
    let mut current = described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    );
    current.developer_provider_name = Some("login.old".to_owned());
    let describe = describe_returns(current);
    let tagged = tagged_returns(&[]);
    let mut changed = properties();
    changed["DeveloperProviderName"] = json!("login.new");

    let rules = [&describe, &tagged, &create];

    let (answer, journal) = run(&rules, &request("Update", Some(POOL_ID), changed)).await;

    assert_eq!(answer.physical_resource_id, NEW_POOL_ID);
    assert!(answer.outcome.is_ok());
    assert_eq!(
        creates.lock().unwrap()[0].developer_provider_name(),
        Some("login.new")
    );
    assert_eq!(
        journal.calls(),
        ["DescribeIdentityPool", "GetResources", "CreateIdentityPool"]
    );
}

#[tokio::test]
async fn an_update_of_an_unknown_pool_says_what_is_known_and_the_likely_causes() {
    let describe = describe_not_found();
    let create =
        mock!(Client::create_identity_pool).then_output(|| unreachable!("no silent new pool"));
    let rules = [&describe, &create];
    let (answer, _) = run(&rules, &request("Update", Some(POOL_ID), properties())).await;

    let reason = failure_reason(answer, POOL_ID);
    assert!(
        reason.starts_with(&format!("There is no identity pool {POOL_ID} in us-east-1")),
        "{reason}"
    );
    for cause in [
        "mistyped",
        "deleted outside CloudFormation",
        "another account or Region",
    ] {
        assert!(reason.contains(cause), "{cause}: {reason}");
    }
}

#[tokio::test]
async fn a_tag_change_whose_arn_cannot_be_known_fails_before_any_write() {
    // A pool an earlier direct invocation without StackId made: this one's own.
    let describe = describe_returns(described(
        POOL_ID,
        &[
            ("team", "identity"),
            ("stale", "x"),
            (REQUEST_TAG_KEY, "emulated-0"),
        ],
    ));
    let untag = mock!(Client::untag_resource).then_output(|| unreachable!("no write"));
    let provider = provider(&[&describe, &untag]);
    let direct = json!({
        "RequestType": "Update",
        "PhysicalResourceId": POOL_ID,
        "ResourceProperties": properties(),
    });
    let emulated = Invocation {
        request_id: "emulated-1",
        function_arn: "function-arn",
    };
    let request = CustomResourceRequest::from_event(direct, emulated).unwrap();
    let (answer, journal) = provider.run(&request).await;

    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.starts_with("The pool's ARN is needed to change its tags"),
        "{reason}"
    );
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn a_create_at_the_pool_quota_fails_at_once_naming_the_quota_and_how_to_raise_it() {
    let create = mock!(Client::create_identity_pool)
        .sequence()
        .http_status(
            400,
            aws_error("LimitExceededException", "The limit was exceeded."),
        )
        .times(5)
        .build();
    let tagged = tagged_returns(&[]);
    let (answer, _) = run(&[&tagged, &create], &request("Create", None, properties())).await;

    assert_eq!(create.num_calls(), 1, "a quota is not retried");
    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.starts_with("CreateIdentityPool failed: LimitExceededException: The limit was exceeded. The account has reached its quota of identity pools in this Region (1,000 per account per Region unless raised)"),
        "{reason}"
    );
    assert!(reason.contains("Service Quotas console"), "{reason}");
}

/// Clients whose SDK retries as the function's do (standard mode, 5 attempts).
fn retrying_provider(rules: &[&Rule]) -> Provider {
    let no_rules: &[&Rule] = &[];
    Provider::new(RegionalClients::new(RegionClients {
        identity: mock_client!(aws_sdk_cognitoidentity, RuleMode::MatchAny, rules, |conf| {
            conf.retry_config(
                aws_sdk_cognitoidentity::config::retry::RetryConfig::standard()
                    .with_max_attempts(5)
                    .with_initial_backoff(std::time::Duration::from_millis(1)),
            )
        }),
        sync: mock_client!(aws_sdk_cognitosync, RuleMode::MatchAny, no_rules).into(),
        tagging: mock_client!(aws_sdk_resourcegroupstagging, RuleMode::MatchAny, rules),
    }))
}

/// An UpdateIdentityPool that answers `code` once, then succeeds.
fn update_failing_once_with(code: &str) -> Rule {
    mock!(Client::update_identity_pool)
        .sequence()
        .http_status(400, aws_error(code, "try later"))
        .output(|| {
            UpdateIdentityPoolOutput::builder()
                .identity_pool_id(POOL_ID)
                .identity_pool_name("renamed")
                .allow_unauthenticated_identities(false)
                .build()
                .unwrap()
        })
        .build()
}

#[tokio::test]
async fn the_sdk_retries_a_concurrent_modification_but_never_a_quota() {
    let mut renamed = properties();
    renamed["IdentityPoolName"] = json!("renamed");
    for (code, succeeds) in [
        ("ConcurrentModificationException", true),
        ("LimitExceededException", false),
    ] {
        let describe = unchanged(POOL_ID);
        let update = update_failing_once_with(code);
        let provider = retrying_provider(&[&describe, &update]);

        let (answer, _) = provider
            .run(&request("Update", Some(POOL_ID), renamed.clone()))
            .await;

        assert_eq!(answer.outcome.is_ok(), succeeds, "{code}: {answer:?}");
        assert_eq!(
            update.num_calls(),
            if succeeds { 2 } else { 1 },
            "{code}: attempts"
        );
    }
}

#[tokio::test]
async fn delete_deletes_the_pool_and_a_missing_pool_is_success() {
    let (delete, deletes) = delete_recording();
    let describe = unchanged(POOL_ID);
    let rules = [&describe, &delete];
    let (answer, _) = run(&rules, &request("Delete", Some(POOL_ID), properties())).await;
    assert_eq!(answer, Answer::success(POOL_ID, BTreeMap::new()));
    assert_eq!(deletes.lock().unwrap()[0].identity_pool_id(), Some(POOL_ID));

    let gone = mock!(Client::delete_identity_pool)
        .sequence()
        .http_status(400, aws_error("ResourceNotFoundException", "not found"))
        .build();
    let (answer, _) = run(
        &[&describe, &gone],
        &request("Delete", Some(POOL_ID), properties()),
    )
    .await;
    assert_eq!(answer, Answer::success(POOL_ID, BTreeMap::new()));

    let (answer, journal) = run(
        &[&describe_not_found()],
        &request("Delete", Some(POOL_ID), properties()),
    )
    .await;
    assert_eq!(answer, Answer::success(POOL_ID, BTreeMap::new()));
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn delete_of_an_id_that_names_no_pool_makes_no_call() {
    let list = list_returns(&[]);
    let rules = [&list];
    let (answer, journal) = run(&rules, &request("Delete", Some("not-a-pool"), properties())).await;

    assert!(answer.outcome.is_ok());
    assert!(journal.calls().is_empty());
}

#[tokio::test]
async fn rollback_delete_of_a_failed_create_removes_the_pool_that_create_made() {
    let placeholder = request("Create", None, properties()).failed_create_id();
    let list = list_returns(&[(POOL_ID, "demo_pool")]);
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, REQUEST_TAG)]));
    let (delete, deletes) = delete_recording();
    let rules = [&list, &describe, &delete];
    let (answer, _) = run(&rules, &request("Delete", Some(&placeholder), properties())).await;

    assert!(answer.outcome.is_ok());
    assert_eq!(deletes.lock().unwrap()[0].identity_pool_id(), Some(POOL_ID));
}

/// Makes a pool through `provider`'s clients, as a request cut off after its
/// CreateIdentityPool would have (the journal notes it).
async fn make_pool(provider: &Provider, journal: &Journal) {
    let calls = provider.clients.for_request("us-east-1", journal);
    calls
        .create(&PoolConfig::default(), &BTreeMap::new())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_cut_off_replacement_removes_the_new_pool_and_answers_the_old_id() {
    let (delete, deletes) = delete_recording();
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let provider = provider(&[&create, &delete]);
    let journal = Journal::default();
    make_pool(&provider, &journal).await;
    let error = ProviderError::TimedOut {
        step: "SetIdentityPoolRoles",
    };

    let answer = provider
        .cut_off(
            &request("Update", Some(POOL_ID), properties()),
            &journal,
            &error,
        )
        .await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert_eq!(
        deletes.lock().unwrap()[0].identity_pool_id(),
        Some(NEW_POOL_ID)
    );
    assert!(answer.outcome.unwrap_err().contains("SetIdentityPoolRoles"));
}

#[tokio::test]
async fn a_cut_off_create_answers_the_pool_it_made_so_the_rollback_deletes_it() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let provider = provider(&[&create]);
    let request = request("Create", None, properties());
    let error = ProviderError::TimedOut {
        step: "CreateIdentityPool",
    };

    let before = provider
        .cut_off(&request, &Journal::default(), &error)
        .await;
    let journal = Journal::default();
    make_pool(&provider, &journal).await;
    let after = provider.cut_off(&request, &journal, &error).await;

    assert_eq!(before.physical_resource_id, request.failed_create_id());
    assert_eq!(after.physical_resource_id, NEW_POOL_ID);
}

// ---- Roles, role mappings and principal tags ----

/// `properties()` with both roles, a Rules mapping for the user pool's app
/// client (keyed by a free name, as `IdentityPoolRoleAttachment` allows), and
/// principal tags for the user pool.
fn with_access() -> Value {
    let mut properties = properties();
    properties["Roles"] = json!({"authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE});
    properties["RoleMappings"] = json!({
        "userpool": {
            "IdentityProvider": USER_POOL_CLIENT,
            "Type": "Rules",
            "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {"Rules": [
                {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": ADMIN_ROLE},
                {"Claim": "email", "MatchType": "StartsWith", "Value": "ops@", "RoleARN": AUTH_ROLE},
            ]},
        },
    });
    properties["PrincipalTags"] = json!({
        USER_POOL: {"UseDefaults": "false", "PrincipalTags": {"department": "custom:dept", "team": "custom:team"}},
    });
    properties
}

fn without(mut properties: Value, keys: &[&str]) -> Value {
    for key in keys {
        properties.as_object_mut().unwrap().remove(*key);
    }
    properties
}

/// `with_access()`'s roles and mapping, without its principal tags.
pub(super) fn with_roles() -> Value {
    without(with_access(), &["PrincipalTags"])
}

/// `with_access()`'s principal tags, without its roles and mapping.
fn with_principal_tags() -> Value {
    without(with_access(), &["Roles", "RoleMappings"])
}

fn sdk_rule(claim: &str, match_type: MappingRuleMatchType, value: &str, role: &str) -> MappingRule {
    MappingRule::builder()
        .claim(claim)
        .match_type(match_type)
        .value(value)
        .role_arn(role)
        .build()
        .expect("complete rule")
}

/// What GetIdentityPoolRoles answers for a pool whose roles are `with_roles()`'s.
pub(super) fn roles_as_with_roles() -> GetIdentityPoolRolesOutput {
    let rules = RulesConfigurationType::builder()
        .rules(sdk_rule(
            "cognito:groups",
            MappingRuleMatchType::Contains,
            "admins",
            ADMIN_ROLE,
        ))
        .rules(sdk_rule(
            "email",
            MappingRuleMatchType::StartsWith,
            "ops@",
            AUTH_ROLE,
        ))
        .build()
        .expect("complete rules");
    GetIdentityPoolRolesOutput::builder()
        .identity_pool_id(POOL_ID)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", UNAUTH_ROLE)
        .role_mappings(
            USER_POOL_CLIENT,
            aws_sdk_cognitoidentity::types::RoleMapping::builder()
                .r#type(RoleMappingType::Rules)
                .ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
                .rules_configuration(rules)
                .build()
                .expect("complete mapping"),
        )
        .build()
}

/// What GetIdentityPoolRoles answers for a pool without roles.
pub(super) fn no_roles() -> GetIdentityPoolRolesOutput {
    GetIdentityPoolRolesOutput::builder().build()
}

fn get_roles_returns(output: GetIdentityPoolRolesOutput) -> Rule {
    mock!(Client::get_identity_pool_roles).then_output(move || output.clone())
}

fn get_roles_recording(
    output: GetIdentityPoolRolesOutput,
) -> (Rule, Inputs<GetIdentityPoolRolesInput>) {
    let seen = recorded();
    let rule = mock!(Client::get_identity_pool_roles).then_compute_output(recording(&seen, output));
    (rule, seen)
}

pub(super) fn set_roles_recording() -> (Rule, Inputs<SetIdentityPoolRolesInput>) {
    let seen = recorded();
    let output = SetIdentityPoolRolesOutput::builder().build();
    let rule = mock!(Client::set_identity_pool_roles).then_compute_output(recording(&seen, output));
    (rule, seen)
}

pub(super) fn set_roles_refused() -> Rule {
    mock!(Client::set_identity_pool_roles)
        .sequence()
        .http_status(
            400,
            aws_error("InvalidParameterException", "Invalid role ARN"),
        )
        .build()
}

fn principal_tags_returns(use_defaults: bool, tags: &[(&str, &str)]) -> Rule {
    let output = GetPrincipalTagAttributeMapOutput::builder()
        .identity_pool_id(POOL_ID)
        .identity_provider_name(USER_POOL)
        .use_defaults(use_defaults)
        .set_principal_tags(Some(
            tags.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
        .build();
    mock!(Client::get_principal_tag_attribute_map).then_output(move || output.clone())
}

fn set_principal_tags_recording() -> (Rule, Inputs<SetPrincipalTagAttributeMapInput>) {
    let seen = recorded();
    let output = SetPrincipalTagAttributeMapOutput::builder().build();
    let rule = mock!(Client::set_principal_tag_attribute_map)
        .then_compute_output(recording(&seen, output));
    (rule, seen)
}

fn delete_recording() -> (Rule, Inputs<DeleteIdentityPoolInput>) {
    let seen = recorded();
    let output = DeleteIdentityPoolOutput::builder().build();
    let rule = mock!(Client::delete_identity_pool).then_compute_output(recording(&seen, output));
    (rule, seen)
}

/// The pools a recording DeleteIdentityPool rule was asked to delete, in order.
fn deleted(deletes: &Inputs<DeleteIdentityPoolInput>) -> Vec<Option<String>> {
    let deletes = deletes.lock().unwrap();
    let ids = deletes.iter().map(|input| input.identity_pool_id());
    ids.map(|id| id.map(str::to_owned)).collect()
}

/// The pool Cognito describes, configured as `properties()` asks and tagged as
/// this stack's pool: an Update of it changes nothing but what it is testing.
pub(super) fn unchanged(id: &str) -> Rule {
    describe_returns(described(
        id,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ))
}

/// The roles `with_roles()` hands out, as SetIdentityPoolRoles sends them.
fn both_roles() -> HashMap<String, String> {
    string_map(&[
        ("authenticated", AUTH_ROLE),
        ("unauthenticated", UNAUTH_ROLE),
    ])
}

/// (claim, match type, value, role) of each rule of one mapping, in order.
fn rules_of(
    mapping: &aws_sdk_cognitoidentity::types::RoleMapping,
) -> Vec<(&str, &str, &str, &str)> {
    mapping
        .rules_configuration()
        .expect("a Rules mapping has rules")
        .rules()
        .iter()
        .map(|rule| {
            (
                rule.claim(),
                rule.match_type().as_str(),
                rule.value(),
                rule.role_arn(),
            )
        })
        .collect()
}

#[tokio::test]
async fn create_sets_roles_mapping_and_principal_tags_on_the_new_pool() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(POOL_ID));
    let tagged = tagged_returns(&[]);
    let get_roles = get_roles_returns(no_roles());
    let (set_roles, set_roles_seen) = set_roles_recording();
    let get_tags = principal_tags_returns(true, &[]);
    let (set_tags, set_tags_seen) = set_principal_tags_recording();
    let rules = [
        &tagged, &create, &get_roles, &set_roles, &get_tags, &set_tags,
    ];
    let (answer, journal) = run(&rules, &request("Create", None, with_access())).await;

    assert_eq!(success_id(&answer), POOL_ID);
    assert_eq!(
        journal.calls(),
        [
            "GetResources",
            "CreateIdentityPool",
            "SetIdentityPoolRoles",
            "SetPrincipalTagAttributeMap"
        ],
        "a pool made just now has nothing to read before writing"
    );

    let sent = only_input(&set_roles_seen);
    assert_eq!(sent.identity_pool_id(), Some(POOL_ID));
    assert_eq!(sent.roles(), Some(&both_roles()));
    let mappings = sent.role_mappings().expect("mappings sent");
    let providers: Vec<&String> = mappings.keys().collect();
    assert_eq!(
        providers,
        [USER_POOL_CLIENT],
        "keyed by IdentityProvider, not by the free name"
    );
    let mapping = &mappings[USER_POOL_CLIENT];
    assert_eq!(mapping.r#type(), &RoleMappingType::Rules);
    assert_eq!(
        mapping.ambiguous_role_resolution(),
        Some(&AmbiguousRoleResolutionType::Deny)
    );
    assert_eq!(
        rules_of(mapping),
        [
            ("cognito:groups", "Contains", "admins", ADMIN_ROLE),
            ("email", "StartsWith", "ops@", AUTH_ROLE),
        ]
    );

    let sent = only_input(&set_tags_seen);
    assert_eq!(sent.identity_pool_id(), Some(POOL_ID));
    assert_eq!(sent.identity_provider_name(), Some(USER_POOL));
    assert_eq!(sent.use_defaults(), Some(false));
    assert_eq!(
        sent.principal_tags(),
        Some(&string_map(&[
            ("department", "custom:dept"),
            ("team", "custom:team")
        ]))
    );
}

#[tokio::test]
async fn a_create_whose_roles_are_refused_deletes_its_pool_and_fails_with_the_placeholder() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(POOL_ID));
    let tagged = tagged_returns(&[]);
    let get_roles = get_roles_returns(no_roles());
    let set_roles = set_roles_refused();
    let (delete, deletes) = delete_recording();
    let request = request("Create", None, with_access());

    let rules = [&tagged, &create, &get_roles, &set_roles, &delete];

    let (answer, journal) = run(&rules, &request).await;

    let reason = failure_reason(answer, &request.failed_create_id());
    assert!(
        reason.starts_with("SetIdentityPoolRoles failed: InvalidParameterException"),
        "{reason}"
    );
    let deleted = deleted(&deletes);
    assert_eq!(deleted, [Some(POOL_ID.to_owned())]);
    assert_eq!(
        journal.calls(),
        [
            "GetResources",
            "CreateIdentityPool",
            "SetIdentityPoolRoles",
            "DeleteIdentityPool"
        ]
    );
}

/// The calls of an Update that changes nothing but the roles: the pool and its
/// roles are read, the roles written.
const ROLES_REWRITTEN: [&str; 3] = [
    "DescribeIdentityPool",
    "GetIdentityPoolRoles",
    "SetIdentityPoolRoles",
];

#[tokio::test]
async fn an_update_with_unchanged_roles_reads_them_and_does_not_set_them() {
    let describe = unchanged(POOL_ID);
    let (get_roles, get_seen) = get_roles_recording(roles_as_with_roles());
    let (set_roles, _) = set_roles_recording();
    let rules = [&describe, &get_roles, &set_roles];
    let journal = successful_update(&rules, with_roles(), with_roles()).await;

    assert_eq!(
        get_seen.lock().unwrap()[0].identity_pool_id(),
        Some(POOL_ID)
    );
    assert_eq!(set_roles.num_calls(), 0);
    assert_eq!(
        journal.calls(),
        ["DescribeIdentityPool", "GetIdentityPoolRoles"]
    );
}

#[tokio::test]
async fn an_update_that_changes_a_rule_sets_the_new_roles() {
    let describe = unchanged(POOL_ID);
    let get_roles = get_roles_returns(roles_as_with_roles());
    let (set_roles, set_seen) = set_roles_recording();
    let mut changed = with_roles();
    changed["RoleMappings"]["userpool"]["RulesConfiguration"]["Rules"][0]["Value"] =
        json!("administrators");

    let rules = [&describe, &get_roles, &set_roles];

    let (answer, journal) = run(&rules, &update_request(POOL_ID, changed, with_roles())).await;

    assert_eq!(success_id(&answer), POOL_ID);
    let sent = only_input(&set_seen);
    assert_eq!(sent.identity_pool_id(), Some(POOL_ID));
    assert_eq!(
        sent.roles(),
        Some(&both_roles()),
        "the whole input is sent, not only the change"
    );
    assert_eq!(
        rules_of(&sent.role_mappings().unwrap()[USER_POOL_CLIENT]),
        [
            ("cognito:groups", "Contains", "administrators", ADMIN_ROLE),
            ("email", "StartsWith", "ops@", AUTH_ROLE),
        ]
    );
    assert_eq!(journal.calls(), ROLES_REWRITTEN);
}

#[tokio::test]
async fn an_update_dropping_roles_the_old_template_had_clears_them() {
    let describe = unchanged(POOL_ID);
    let get_roles = get_roles_returns(roles_as_with_roles());
    let (set_roles, set_seen) = set_roles_recording();
    let rules = [&describe, &get_roles, &set_roles];
    let journal = successful_update(&rules, properties(), with_roles()).await;

    let sent = only_input(&set_seen);
    assert_eq!(sent.identity_pool_id(), Some(POOL_ID));
    assert_eq!(sent.roles(), Some(&HashMap::new()));
    assert_eq!(sent.role_mappings().map(HashMap::len), Some(0));
    assert_eq!(journal.calls(), ROLES_REWRITTEN);
}

#[tokio::test]
async fn an_update_where_neither_old_nor_new_properties_have_roles_makes_no_roles_call() {
    // Roles attached to the pool some other way stay, and an endpoint without
    // the roles API (moto) still serves every Update that does not use them.
    let describe = unchanged(POOL_ID);
    let get_roles = get_roles_returns(roles_as_with_roles());
    let (set_roles, _) = set_roles_recording();
    let get_tags = principal_tags_returns(false, &[("department", "custom:dept")]);
    let rules = [&describe, &get_roles, &set_roles, &get_tags];
    let journal = successful_update(&rules, properties(), properties()).await;

    assert_eq!(get_roles.num_calls(), 0);
    assert_eq!(set_roles.num_calls(), 0);
    assert_eq!(get_tags.num_calls(), 0);
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn an_update_dropping_a_providers_principal_tags_sets_it_back_to_the_defaults() {
    let describe = unchanged(POOL_ID);
    let get_tags = principal_tags_returns(
        false,
        &[("department", "custom:dept"), ("team", "custom:team")],
    );
    let (set_tags, set_seen) = set_principal_tags_recording();
    let rules = [&describe, &get_tags, &set_tags];
    let journal = successful_update(&rules, properties(), with_principal_tags()).await;

    let sent = only_input(&set_seen);
    assert_eq!(sent.identity_pool_id(), Some(POOL_ID));
    assert_eq!(sent.identity_provider_name(), Some(USER_POOL));
    assert_eq!(sent.use_defaults(), Some(true));
    assert_eq!(sent.principal_tags().map_or(0, HashMap::len), 0);
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "GetPrincipalTagAttributeMap",
            "SetPrincipalTagAttributeMap"
        ]
    );
}

/// Properties whose DeveloperProviderName is `name`: changing it replaces the pool.
fn developer_provider(mut properties: Value, name: &str) -> Value {
    properties["DeveloperProviderName"] = json!(name);
    properties
}

fn described_with_developer_provider(id: &str, name: &str) -> Rule {
    let mut current = described(id, &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)]);
    current.developer_provider_name = Some(name.to_owned());
    describe_returns(current)
}

#[tokio::test]
async fn a_replacement_sets_the_roles_on_the_new_pool() {
    let describe = described_with_developer_provider(POOL_ID, "login.old");
    let tagged = tagged_returns(&[]);
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let (get_roles, get_seen) = get_roles_recording(no_roles());
    let (set_roles, set_seen) = set_roles_recording();
    let (answer, journal) = run(
        &[&describe, &tagged, &create, &get_roles, &set_roles],
        &update_request(
            POOL_ID,
            developer_provider(with_roles(), "login.new"),
            developer_provider(with_roles(), "login.old"),
        ),
    )
    .await;

    assert_eq!(success_id(&answer), NEW_POOL_ID);
    assert!(
        get_seen.lock().unwrap().is_empty(),
        "a pool made just now has no roles to read"
    );
    let sent = only_input(&set_seen);
    assert_eq!(sent.identity_pool_id(), Some(NEW_POOL_ID));
    assert_eq!(sent.roles(), Some(&both_roles()));
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "GetResources",
            "CreateIdentityPool",
            "SetIdentityPoolRoles"
        ]
    );
}

#[tokio::test]
async fn a_replacement_whose_roles_are_refused_deletes_the_new_pool_and_fails_with_the_old_id() {
    let describe = described_with_developer_provider(POOL_ID, "login.old");
    let tagged = tagged_returns(&[]);
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let get_roles = get_roles_returns(no_roles());
    let set_roles = set_roles_refused();
    let (delete, deletes) = delete_recording();
    let (answer, journal) = run(
        &[&describe, &tagged, &create, &get_roles, &set_roles, &delete],
        &update_request(
            POOL_ID,
            developer_provider(with_roles(), "login.new"),
            developer_provider(properties(), "login.old"),
        ),
    )
    .await;

    let reason = failure_reason(answer, POOL_ID);
    assert!(
        reason.starts_with("SetIdentityPoolRoles failed: InvalidParameterException"),
        "{reason}"
    );
    let deleted = deleted(&deletes);
    assert_eq!(
        deleted,
        [Some(NEW_POOL_ID.to_owned())],
        "only the new pool is removed; the old one stays in charge"
    );
    assert_eq!(journal.calls().last(), Some(&"DeleteIdentityPool"));
}

#[tokio::test]
async fn a_redelivered_replacement_that_fails_deletes_the_pool_its_first_delivery_made() {
    // The first delivery made the new pool and was cut off; this one finds it
    // by its request tag, and when it cannot finish, removes it as it would a
    // pool it made itself: no stack resource names that pool.
    let mut old = described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    );
    old.developer_provider_name = Some("login.old".to_owned());
    let describe_old = mock!(Client::describe_identity_pool)
        .match_requests(|input| input.identity_pool_id() == Some(POOL_ID))
        .then_output(move || old.clone());
    let found = described(NEW_POOL_ID, &[(REQUEST_TAG_KEY, REQUEST_TAG)]);
    let describe_found = describe_returns(found);
    let tagged = tagged_returns(&[NEW_POOL_ID]);
    let get_roles = get_roles_returns(no_roles());
    let set_roles = set_roles_refused();
    let (delete, deletes) = delete_recording();
    let rules = [
        &describe_old,
        &describe_found,
        &tagged,
        &get_roles,
        &set_roles,
        &delete,
    ];
    let replacing = update_request(
        POOL_ID,
        developer_provider(with_roles(), "login.new"),
        developer_provider(properties(), "login.old"),
    );

    let (answer, journal) = run(&rules, &replacing).await;

    let reason = failure_reason(answer, POOL_ID);
    assert!(
        reason.starts_with("SetIdentityPoolRoles failed: InvalidParameterException"),
        "{reason}"
    );
    assert_eq!(deleted(&deletes), [Some(NEW_POOL_ID.to_owned())]);
    assert!(!journal.calls().contains(&"CreateIdentityPool"));
}

// ---- Region ----

const EU_POOL_ID: &str = "eu-west-1:11111111-2222-3333-4444-555555555555";
const US_WEST_POOL_ID: &str = "us-west-2:99999999-8888-7777-6666-555555555555";
const HOME_ENDPOINT: &str = "cognito-identity.us-east-1.amazonaws.com";
const EU_ENDPOINT: &str = "cognito-identity.eu-west-1.amazonaws.com";
const US_WEST_ENDPOINT: &str = "cognito-identity.us-west-2.amazonaws.com";
const HOME_TAGGING: &str = "tagging.us-east-1.amazonaws.com";
const EU_TAGGING: &str = "tagging.eu-west-1.amazonaws.com";
const US_WEST_TAGGING: &str = "tagging.us-west-2.amazonaws.com";

/// `properties()` with this Region.
fn in_region(region: &str) -> Value {
    let mut properties = properties();
    properties["Region"] = json!(region);
    properties
}

/// The ARN of pool `id` of the tests' account in `region`.
fn arn_in(region: &str, id: &str) -> String {
    format!("arn:aws:cognito-identity:{region}:123456789012:identitypool/{id}")
}

#[tokio::test]
async fn a_create_with_a_region_creates_the_pool_through_that_regions_endpoint() {
    let tagged = tagged_returns(&[]);
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(EU_POOL_ID));
    let wire = Wire::default();
    let provider = provider_on(&[&tagged, &create], &wire);

    let (answer, _) = provider
        .run(&request("Create", None, in_region("eu-west-1")))
        .await;

    assert_eq!(answer.physical_resource_id, EU_POOL_ID);
    assert_eq!(attribute(&answer, "Arn"), arn_in("eu-west-1", EU_POOL_ID));
    assert_eq!(
        wire.calls(),
        [
            call("GetResources", EU_TAGGING),
            call("CreateIdentityPool", EU_ENDPOINT)
        ]
    );

    // Without Region, the same provider creates in its own region.
    provider.run(&request("Create", None, properties())).await;
    assert_eq!(
        wire.calls()[2..],
        [
            call("GetResources", HOME_TAGGING),
            call("CreateIdentityPool", HOME_ENDPOINT)
        ]
    );
}

#[tokio::test]
async fn update_and_delete_of_a_pool_in_another_region_share_one_client_built_for_it() {
    let describe = unchanged(EU_POOL_ID);
    let delete = mock!(Client::delete_identity_pool)
        .then_output(|| DeleteIdentityPoolOutput::builder().build());
    let wire = Wire::default();
    let home = clients(&[&describe, &delete], &wire);
    let provider = Provider::new(RegionalClients::new(home.clone()));

    let moved = update_request(EU_POOL_ID, in_region("eu-west-1"), in_region("eu-west-1"));
    let (update, _) = provider.run(&moved).await;
    let (delete_answer, _) = provider
        .run(&request("Delete", Some(EU_POOL_ID), properties()))
        .await;
    provider
        .run(&request("Delete", Some(POOL_ID), properties()))
        .await;

    assert_eq!(update.physical_resource_id, EU_POOL_ID);
    assert!(update.outcome.is_ok(), "{update:?}");
    assert_eq!(delete_answer, Answer::success(EU_POOL_ID, BTreeMap::new()));
    assert_eq!(
        wire.calls(),
        [
            call("DescribeIdentityPool", EU_ENDPOINT),
            call("DescribeIdentityPool", EU_ENDPOINT),
            call("DeleteIdentityPool", EU_ENDPOINT),
            call("DescribeIdentityPool", HOME_ENDPOINT),
            call("DeleteIdentityPool", HOME_ENDPOINT)
        ]
    );
    let sent = wire.sent();
    assert_eq!(
        sent[0].client, sent[2].client,
        "the second request reuses the eu-west-1 client the first one built"
    );
    assert_ne!(sent[2].client, sent[4].client, "the home client is another");

    // The check tells clients apart: another RegionalClients on the same home
    // clients builds its own eu-west-1 client, and that one is not the first's.
    Provider::new(RegionalClients::new(home))
        .run(&request("Delete", Some(EU_POOL_ID), properties()))
        .await;
    let rebuilt = &wire.sent()[5];
    assert_eq!(rebuilt.host, EU_ENDPOINT);
    assert_ne!(rebuilt.client, sent[0].client);
}

#[tokio::test]
async fn changing_the_region_on_update_replaces_the_pool_in_the_new_region() {
    let describe = unchanged(EU_POOL_ID);
    let tagged = tagged_returns(&[]);
    let create =
        mock!(Client::create_identity_pool).then_output(|| created_output(US_WEST_POOL_ID));
    let wire = Wire::default();
    let provider = provider_on(&[&describe, &tagged, &create], &wire);

    let moved = update_request(EU_POOL_ID, in_region("us-west-2"), in_region("eu-west-1"));
    let (answer, _) = provider.run(&moved).await;

    assert_eq!(answer.physical_resource_id, US_WEST_POOL_ID);
    assert_eq!(
        attribute(&answer, "Arn"),
        arn_in("us-west-2", US_WEST_POOL_ID)
    );
    assert_eq!(
        wire.calls(),
        [
            call("DescribeIdentityPool", EU_ENDPOINT),
            call("GetResources", US_WEST_TAGGING),
            call("CreateIdentityPool", US_WEST_ENDPOINT)
        ],
        "the old pool is left for CloudFormation's own Delete"
    );
}

#[tokio::test]
async fn rollback_delete_of_a_failed_create_with_a_region_looks_for_the_pool_in_that_region() {
    let properties = in_region("eu-west-1");
    let placeholder = request("Create", None, properties.clone()).failed_create_id();
    let list = list_returns(&[(EU_POOL_ID, "demo_pool")]);
    let describe = describe_returns(described(EU_POOL_ID, &[(REQUEST_TAG_KEY, REQUEST_TAG)]));
    let (delete, deletes) = delete_recording();
    let wire = Wire::default();
    let provider = provider_on(&[&list, &describe, &delete], &wire);

    let (answer, _) = provider
        .run(&request("Delete", Some(&placeholder), properties))
        .await;

    assert!(answer.outcome.is_ok(), "{answer:?}");
    assert_eq!(
        deletes.lock().unwrap()[0].identity_pool_id(),
        Some(EU_POOL_ID)
    );
    assert_eq!(
        wire.calls(),
        [
            call("ListIdentityPools", EU_ENDPOINT),
            call("DescribeIdentityPool", EU_ENDPOINT),
            call("DeleteIdentityPool", EU_ENDPOINT)
        ]
    );
}

#[tokio::test]
async fn removing_region_moves_a_pool_living_elsewhere_to_the_functions_region() {
    let describe = unchanged(EU_POOL_ID);
    let tagged = tagged_returns(&[]);
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let wire = Wire::default();
    let provider = provider_on(&[&describe, &tagged, &create], &wire);

    let (answer, _) = provider
        .run(&update_request(
            EU_POOL_ID,
            properties(),
            in_region("eu-west-1"),
        ))
        .await;

    assert_eq!(answer.physical_resource_id, NEW_POOL_ID);
    assert_eq!(
        wire.calls(),
        [
            call("DescribeIdentityPool", EU_ENDPOINT),
            call("GetResources", HOME_TAGGING),
            call("CreateIdentityPool", HOME_ENDPOINT)
        ]
    );
}

#[tokio::test]
async fn principal_tags_of_a_provider_removed_from_the_pool_are_reset_before_it_is_dropped() {
    let describe = unchanged(POOL_ID);
    let current = principal_tags_returns(false, &[("department", "custom:dept")]);
    let (set_tags, set) = set_principal_tags_recording();
    let no_user_pool = without(properties(), &["CognitoIdentityProviders"]);
    let rules = [&describe, &current, &set_tags];

    let operations = operations_of_update(&rules, no_user_pool, with_principal_tags()).await;

    assert_eq!(
        operations,
        [
            "DescribeIdentityPool",
            "GetPrincipalTagAttributeMap",
            "SetPrincipalTagAttributeMap",
            "UpdateIdentityPool"
        ],
        "the provider's principal tags go back to the defaults while it is still configured"
    );
    let reset = only_input(&set);
    assert_eq!(reset.identity_provider_name(), Some(USER_POOL));
    assert_eq!(reset.use_defaults(), Some(true));
}

/// An UpdateIdentityPool that succeeds, and what it was sent.
pub(super) fn update_recording() -> (Rule, Inputs<UpdateIdentityPoolInput>) {
    let seen = recorded();
    let output = UpdateIdentityPoolOutput::builder()
        .identity_pool_id(POOL_ID)
        .identity_pool_name("demo_pool")
        .allow_unauthenticated_identities(false)
        .build()
        .unwrap();
    let rule = mock!(Client::update_identity_pool).then_compute_output(recording(&seen, output));
    (rule, seen)
}

/// Carries out an Update of the pool from `old` to `new` with `provider`,
/// which must succeed: the journal of the calls begun.
async fn update_with(provider: &Provider, new: Value, old: Value) -> Journal {
    let (answer, journal) = provider.run(&update_request(POOL_ID, new, old)).await;
    success_id(&answer);
    journal
}

/// The journal of a successful Update from `old` to `new` on `rules`.
async fn successful_update(rules: &[&Rule], new: Value, old: Value) -> Journal {
    update_with(&provider(rules), new, old).await
}

/// The operations a successful Update from `old` to `new` put on the wire, in
/// order: `rules` answer, and UpdateIdentityPool succeeds.
async fn operations_of_update(rules: &[&Rule], new: Value, old: Value) -> Vec<String> {
    let wire = Wire::default();
    let (update, _) = update_recording();
    let rules = [rules, &[&update]].concat();
    update_with(&provider_on(&rules, &wire), new, old).await;
    let calls = wire.calls().into_iter();
    calls.map(|(operation, _)| operation).collect()
}

#[tokio::test]
async fn a_provider_dropped_with_its_role_mapping_loses_the_mapping_before_the_pool_update() {
    let describe = unchanged(POOL_ID);
    let roles_now = get_roles_returns(roles_as_with_roles());
    let (set_roles, set) = set_roles_recording();
    let dropped = without(with_roles(), &["CognitoIdentityProviders", "RoleMappings"]);
    let rules = [&describe, &roles_now, &set_roles];

    let operations = operations_of_update(&rules, dropped, with_roles()).await;

    assert_eq!(
        operations,
        [
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "SetIdentityPoolRoles",
            "UpdateIdentityPool"
        ]
    );
    let sent = only_input(&set);
    assert!(
        sent.role_mappings().is_none_or(HashMap::is_empty),
        "{sent:?}"
    );
    assert_eq!(sent.roles(), Some(&both_roles()));
}

#[tokio::test]
async fn a_provider_added_with_a_role_mapping_is_configured_before_it_is_mapped() {
    let describe = describe_returns(
        DescribeIdentityPoolOutput::builder()
            .identity_pool_id(POOL_ID)
            .identity_pool_name("demo_pool")
            .allow_unauthenticated_identities(false)
            .allow_classic_flow(true)
            .supported_login_providers("graph.facebook.com", "7346241598935555")
            .set_identity_pool_tags(Some(string_map(&[
                ("team", "identity"),
                (REQUEST_TAG_KEY, REQUEST_TAG),
            ])))
            .build()
            .unwrap(),
    );
    let roles_now = get_roles_returns(no_roles());
    let (set_roles, set) = set_roles_recording();
    let (set_tags, _) = set_principal_tags_recording();
    let old = without(properties(), &["CognitoIdentityProviders"]);
    let rules = [&describe, &roles_now, &set_roles, &set_tags];

    let operations = operations_of_update(&rules, with_access(), old).await;

    assert_eq!(
        operations,
        [
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "UpdateIdentityPool",
            "SetIdentityPoolRoles",
            "SetPrincipalTagAttributeMap"
        ],
        "nothing can be read or mapped for a provider before UpdateIdentityPool adds it"
    );
    let sent = only_input(&set);
    assert!(sent.role_mappings().unwrap().contains_key(USER_POOL_CLIENT));
}

// ---- Cognito Sync ----

use crate::test_support::SYNC_TRIGGER as TRIGGER;
pub(super) const STREAM_ROLE: &str = "arn:aws:iam::123456789012:role/identity-pool/streams";

pub(super) fn with_sync() -> Value {
    let mut properties = properties();
    properties["CognitoStreams"] =
        json!({"StreamName": "events", "RoleArn": STREAM_ROLE, "StreamingStatus": "ENABLED"});
    properties["CognitoEvents"] = json!({"SyncTrigger": TRIGGER});
    properties
}

/// What a provider's Cognito Sync client was sent.
struct SyncSent {
    configurations: Inputs<SetIdentityPoolConfigurationInput>,
    events: Inputs<SetCognitoEventsInput>,
}

impl SyncSent {
    /// The one SetIdentityPoolConfiguration call.
    fn configuration(&self) -> SetIdentityPoolConfigurationInput {
        only_input(&self.configurations)
    }

    /// The StreamingStatus the one SetIdentityPoolConfiguration call set.
    fn streaming_status(&self) -> Option<String> {
        let streams = self.configuration().cognito_streams().cloned();
        streams.and_then(|s| s.streaming_status().map(|s| s.as_str().to_owned()))
    }

    /// The SyncTrigger function the one SetCognitoEvents call set.
    fn trigger(&self) -> Option<String> {
        let events = only_input(&self.events).events().cloned();
        events.and_then(|events| events.get("SyncTrigger").cloned())
    }
}

/// A provider whose Cognito Identity calls `rules` answer and whose Cognito
/// Sync calls are recorded (and succeed).
fn provider_with_sync(rules: &[&Rule]) -> (Provider, SyncSent) {
    let sent = SyncSent {
        configurations: recorded(),
        events: recorded(),
    };
    let configuration = SetIdentityPoolConfigurationOutput::builder().build();
    let configure = mock!(aws_sdk_cognitosync::Client::set_identity_pool_configuration)
        .then_compute_output(recording(&sent.configurations, configuration));
    let set_events = mock!(aws_sdk_cognitosync::Client::set_cognito_events).then_compute_output(
        recording(&sent.events, SetCognitoEventsOutput::builder().build()),
    );
    let mut clients = clients(rules, &Wire::default());
    clients.sync = mock_client!(
        aws_sdk_cognitosync,
        RuleMode::MatchAny,
        &[&configure, &set_events]
    )
    .into();
    (Provider::new(RegionalClients::new(clients)), sent)
}

#[tokio::test]
async fn create_sets_the_streams_and_the_sync_trigger_on_the_new_pool() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(POOL_ID));
    let tagged = tagged_returns(&[]);
    let (provider, sync) = provider_with_sync(&[&tagged, &create]);

    let (answer, journal) = provider.run(&request("Create", None, with_sync())).await;

    assert!(answer.outcome.is_ok(), "{answer:?}");
    let configuration = sync.configuration();
    assert_eq!(configuration.identity_pool_id(), Some(POOL_ID));
    let streams = configuration.cognito_streams().expect("streams sent");
    assert_eq!(streams.stream_name(), Some("events"));
    assert_eq!(streams.role_arn(), Some(STREAM_ROLE));
    assert_eq!(sync.streaming_status().as_deref(), Some("ENABLED"));
    assert!(
        configuration.push_sync().is_none(),
        "push sync was not asked for"
    );
    assert_eq!(sync.trigger().as_deref(), Some(TRIGGER));
    assert_eq!(
        journal.calls(),
        [
            "GetResources",
            "CreateIdentityPool",
            "SetIdentityPoolConfiguration",
            "SetCognitoEvents"
        ]
    );
}

#[tokio::test]
async fn an_update_dropping_sync_settings_disables_streams_and_empties_the_trigger() {
    let describe = unchanged(POOL_ID);
    let (provider, sync) = provider_with_sync(&[&describe]);

    update_with(&provider, properties(), with_sync()).await;

    assert_eq!(sync.streaming_status().as_deref(), Some("DISABLED"));
    assert_eq!(
        sync.trigger().as_deref(),
        Some(""),
        "SetCognitoEvents merges, so a removed event is sent empty"
    );
}

#[tokio::test]
async fn an_update_with_unchanged_sync_settings_makes_no_sync_call() {
    let describe = unchanged(POOL_ID);
    let (provider, _) = provider_with_sync(&[&describe]);

    let journal = update_with(&provider, with_sync(), with_sync()).await;

    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}
#[tokio::test]
async fn dropping_principal_tags_named_by_identity_provider_resets_that_provider() {
    let describe = unchanged(POOL_ID);
    let get_tags = principal_tags_returns(false, &[("team", "custom:team")]);
    let (set_tags, set_seen) = set_principal_tags_recording();
    let provider = provider(&[&describe, &get_tags, &set_tags]);
    let mut old = properties();
    old["PrincipalTags"] = json!({
        "users": {"IdentityProvider": USER_POOL, "PrincipalTags": {"team": "custom:team"}},
    });

    let (answer, _) = provider
        .run(&update_request(POOL_ID, properties(), old))
        .await;

    assert!(answer.outcome.is_ok(), "{answer:?}");
    let sent = only_input(&set_seen);
    assert_eq!(
        sent.identity_provider_name(),
        Some(USER_POOL),
        "the provider, not the template's key"
    );
    assert_eq!(sent.use_defaults(), Some(true));
}

#[tokio::test]
async fn a_redelivered_create_with_roles_reads_them_before_writing() {
    let tagged = tagged_returns(&[POOL_ID]);
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, REQUEST_TAG)]));
    let (get_roles, _) = get_roles_recording(roles_as_with_roles());
    let rules = [&tagged, &describe, &get_roles];
    let (answer, journal) = run(&rules, &request("Create", None, with_roles())).await;

    assert_eq!(success_id(&answer), POOL_ID);
    assert_eq!(
        journal.calls(),
        [
            "GetResources",
            "DescribeIdentityPool",
            "GetIdentityPoolRoles"
        ],
        "the pool found already has its roles: read, nothing written"
    );
}
