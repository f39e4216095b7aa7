//! The provider at the SDK's own seam: `aws-smithy-mocks` answers each Cognito
//! operation, and the tests assert the exact requests the provider sent.

use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::operation::create_identity_pool::{
    CreateIdentityPoolInput, CreateIdentityPoolOutput,
};
use aws_sdk_cognitoidentity::operation::delete_identity_pool::{
    DeleteIdentityPoolInput, DeleteIdentityPoolOutput,
};
use aws_sdk_cognitoidentity::operation::describe_identity_pool::DescribeIdentityPoolOutput;
use aws_sdk_cognitoidentity::operation::list_identity_pools::ListIdentityPoolsOutput;
use aws_sdk_cognitoidentity::operation::tag_resource::{TagResourceInput, TagResourceOutput};
use aws_sdk_cognitoidentity::operation::untag_resource::{UntagResourceInput, UntagResourceOutput};
use aws_sdk_cognitoidentity::operation::update_identity_pool::{
    UpdateIdentityPoolInput, UpdateIdentityPoolOutput,
};
use aws_sdk_cognitoidentity::types::{CognitoIdentityProvider, IdentityPoolShortDescription};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use serde_json::{Value, json};

use super::*;
use crate::properties::PoolConfig;
use crate::request::Invocation;

const STACK_ID: &str =
    "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/8e2f1b40-5a4d-11ef-9c1e-0a1b2c3d4e5f";
const REQUEST_TAG: &str = "8e2f1b40-5a4d-11ef-9c1e-0a1b2c3d4e5f/req-1";
const POOL_ID: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
const NEW_POOL_ID: &str = "us-east-1:99999999-8888-7777-6666-555555555555";
const POOL_ARN: &str = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:11111111-2222-3333-4444-555555555555";

/// A request as CloudFormation sends it: every scalar a string.
fn request(
    request_type: &str,
    physical_id: Option<&str>,
    properties: Value,
) -> CustomResourceRequest {
    let mut event = json!({
        "RequestType": request_type,
        "ResponseURL": "https://example.invalid/response?X-Amz-Signature=secret",
        "StackId": STACK_ID,
        "RequestId": "req-1",
        "ResourceType": "Custom::IdentityPool",
        "LogicalResourceId": "Pool",
        "ResourceProperties": properties,
    });
    if let Some(id) = physical_id {
        event["PhysicalResourceId"] = json!(id);
    }
    if request_type == "Update" {
        event["OldResourceProperties"] = json!({});
    }
    CustomResourceRequest::from_event(
        event,
        Invocation {
            request_id: "lambda-1",
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:provider",
        },
    )
    .expect("a valid envelope")
}

fn properties() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
        "IdentityPoolName": "demo_pool",
        "AllowUnauthenticatedIdentities": "false",
        "AllowClassicFlow": "true",
        "SupportedLoginProviders": {"graph.facebook.com": "7346241598935555"},
        "CognitoIdentityProviders": [{
            "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
            "ClientId": "client1",
            "ServerSideTokenCheck": "true"
        }],
        "IdentityPoolTags": [{"Key": "team", "Value": "identity"}]
    })
}

/// The pool Cognito describes, configured exactly as `properties()` asks.
fn described(id: &str, tags: &[(&str, &str)]) -> DescribeIdentityPoolOutput {
    DescribeIdentityPoolOutput::builder()
        .identity_pool_id(id)
        .identity_pool_name("demo_pool")
        .allow_unauthenticated_identities(false)
        .allow_classic_flow(true)
        .supported_login_providers("graph.facebook.com", "7346241598935555")
        .cognito_identity_providers(
            CognitoIdentityProvider::builder()
                .provider_name("cognito-idp.us-east-1.amazonaws.com/us-east-1_abc")
                .client_id("client1")
                .server_side_token_check(true)
                .build(),
        )
        .set_identity_pool_tags(Some(
            tags.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
        .build()
        .expect("complete output")
}

fn describe_returns(output: DescribeIdentityPoolOutput) -> Rule {
    mock!(Client::describe_identity_pool).then_output(move || output.clone())
}

fn describe_not_found() -> Rule {
    mock!(Client::describe_identity_pool)
        .sequence()
        .http_status(
            400,
            Some(
                r#"{"__type":"ResourceNotFoundException","message":"IdentityPool 'x' not found."}"#
                    .to_owned(),
            ),
        )
        .build()
}

fn list_returns(pools: &[(&str, &str)]) -> Rule {
    let pools: Vec<IdentityPoolShortDescription> = pools
        .iter()
        .map(|(id, name)| {
            IdentityPoolShortDescription::builder()
                .identity_pool_id(*id)
                .identity_pool_name(*name)
                .build()
        })
        .collect();
    mock!(Client::list_identity_pools).then_output(move || {
        ListIdentityPoolsOutput::builder()
            .set_identity_pools(Some(pools.clone()))
            .build()
    })
}

/// A rule that records every input it receives and answers `output`.
fn recording<I: Clone + Send + 'static, O: Clone + Send + Sync + 'static>(
    seen: &Arc<Mutex<Vec<I>>>,
    output: O,
) -> impl Fn(&I) -> O + Send + Sync + 'static {
    let seen = seen.clone();
    move |input| {
        seen.lock().unwrap().push(input.clone());
        output.clone()
    }
}

fn recorded<I>() -> Arc<Mutex<Vec<I>>> {
    Arc::new(Mutex::new(Vec::new()))
}

fn created_output(id: &str) -> CreateIdentityPoolOutput {
    CreateIdentityPoolOutput::builder()
        .identity_pool_id(id)
        .identity_pool_name("demo_pool")
        .allow_unauthenticated_identities(false)
        .build()
        .expect("complete output")
}

fn provider(rules: &[&Rule]) -> Provider {
    let client = mock_client!(aws_sdk_cognitoidentity, RuleMode::MatchAny, rules);
    Provider::new(IdentityPools::new(client))
}

#[tokio::test]
async fn create_sends_every_property_and_the_request_tag_and_answers_the_pool() {
    let creates = recorded::<CreateIdentityPoolInput>();
    let create = mock!(Client::create_identity_pool)
        .then_compute_output(recording(&creates, created_output(POOL_ID)));
    let list = list_returns(&[]);
    let provider = provider(&[&list, &create]);
    let journal = Journal::default();

    let answer = provider
        .answer(&request("Create", None, properties()), &journal)
        .await;

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
    assert_eq!(journal.calls(), ["ListIdentityPools", "CreateIdentityPool"]);
}

#[tokio::test]
async fn a_redelivered_create_answers_the_pool_it_already_made_without_creating_another() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let list = list_returns(&[
        ("us-east-1:00000000-0000-0000-0000-000000000000", "other"),
        (POOL_ID, "demo_pool"),
    ]);
    let describe = describe_returns(described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ));
    let provider = provider(&[&list, &describe, &create]);
    let journal = Journal::default();

    let answer = provider
        .answer(&request("Create", None, properties()), &journal)
        .await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert!(answer.outcome.is_ok());
    assert_eq!(create.num_calls(), 0);
    assert_eq!(
        journal.calls(),
        ["ListIdentityPools", "DescribeIdentityPool"]
    );
}

#[tokio::test]
async fn a_same_named_pool_of_another_request_does_not_count_as_already_created() {
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let list = list_returns(&[(POOL_ID, "demo_pool")]);
    let describe = describe_returns(described(
        POOL_ID,
        &[(REQUEST_TAG_KEY, "other-stack/other-request")],
    ));
    let provider = provider(&[&list, &describe, &create]);

    let answer = provider
        .answer(&request("Create", None, properties()), &Journal::default())
        .await;

    assert_eq!(answer.physical_resource_id, NEW_POOL_ID);
    assert_eq!(create.num_calls(), 1);
}

#[tokio::test]
async fn a_create_the_service_refuses_fails_with_the_code_and_a_placeholder_id() {
    let create = mock!(Client::create_identity_pool)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"InvalidParameterException","message":"bad provider"}"#.to_owned()),
        )
        .build();
    let list = list_returns(&[]);
    let provider = provider(&[&list, &create]);
    let request = request("Create", None, properties());

    let answer = provider.answer(&request, &Journal::default()).await;

    assert_eq!(answer.physical_resource_id, request.failed_create_id());
    let reason = answer.outcome.expect_err("FAILED");
    assert_eq!(
        reason,
        "CreateIdentityPool failed: InvalidParameterException: bad provider"
    );
}

#[tokio::test]
async fn invalid_properties_fail_before_any_call() {
    let list = list_returns(&[]);
    let provider = provider(&[&list]);
    let journal = Journal::default();
    let request = request(
        "Create",
        None,
        json!({"AllowClasicFlow": "true", "AllowUnauthenticatedIdentities": "yes"}),
    );

    let answer = provider.answer(&request, &journal).await;

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
    let updates = recorded::<UpdateIdentityPoolInput>();
    let update = mock!(Client::update_identity_pool).then_compute_output(recording(
        &updates,
        UpdateIdentityPoolOutput::builder()
            .identity_pool_id(POOL_ID)
            .identity_pool_name("renamed")
            .allow_unauthenticated_identities(false)
            .build()
            .unwrap(),
    ));
    let describe = describe_returns(described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ));
    let provider = provider(&[&describe, &update]);
    let mut renamed = properties();
    renamed["IdentityPoolName"] = json!("renamed");
    let journal = Journal::default();

    let answer = provider
        .answer(&request("Update", Some(POOL_ID), renamed), &journal)
        .await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert_eq!(
        answer.outcome.as_ref().map(|d| d["Name"].clone()),
        Ok("renamed".to_owned())
    );
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
    let updates = recorded::<UpdateIdentityPoolInput>();
    let update = mock!(Client::update_identity_pool).then_compute_output(recording(
        &updates,
        UpdateIdentityPoolOutput::builder()
            .identity_pool_id(POOL_ID)
            .identity_pool_name("demo_pool")
            .allow_unauthenticated_identities(false)
            .build()
            .unwrap(),
    ));
    let describe = describe_returns(described(POOL_ID, &[("team", "identity")]));
    let provider = provider(&[&describe, &update]);
    let mut fewer = properties();
    fewer
        .as_object_mut()
        .unwrap()
        .remove("SupportedLoginProviders");
    fewer
        .as_object_mut()
        .unwrap()
        .remove("CognitoIdentityProviders");

    let answer = provider
        .answer(
            &request("Update", Some(POOL_ID), fewer),
            &Journal::default(),
        )
        .await;

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
    let provider = provider(&[&describe, &tag, &untag, &update]);
    let mut retagged = properties();
    retagged["IdentityPoolTags"] = json!([{"Key": "team", "Value": "identity"}, {"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": "42"}]);
    let journal = Journal::default();

    let answer = provider
        .answer(&request("Update", Some(POOL_ID), retagged), &journal)
        .await;

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
        ["DescribeIdentityPool", "TagResource", "UntagResource"]
    );
}

#[tokio::test]
async fn an_update_that_changes_nothing_makes_no_write_call() {
    let describe = describe_returns(described(
        POOL_ID,
        &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
    ));
    let provider = provider(&[&describe]);
    let journal = Journal::default();

    let answer = provider
        .answer(&request("Update", Some(POOL_ID), properties()), &journal)
        .await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert!(answer.outcome.is_ok());
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn changing_a_set_developer_provider_name_replaces_the_pool() {
    let creates = recorded::<CreateIdentityPoolInput>();
    let create = mock!(Client::create_identity_pool)
        .then_compute_output(recording(&creates, created_output(NEW_POOL_ID)));
    let mut current = described(POOL_ID, &[("team", "identity")]);
    current.developer_provider_name = Some("login.old".to_owned());
    let describe = describe_returns(current);
    let list = list_returns(&[]);
    let provider = provider(&[&describe, &list, &create]);
    let mut changed = properties();
    changed["DeveloperProviderName"] = json!("login.new");
    let journal = Journal::default();

    let answer = provider
        .answer(&request("Update", Some(POOL_ID), changed), &journal)
        .await;

    assert_eq!(answer.physical_resource_id, NEW_POOL_ID);
    assert!(answer.outcome.is_ok());
    assert_eq!(
        creates.lock().unwrap()[0].developer_provider_name(),
        Some("login.new")
    );
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "ListIdentityPools",
            "CreateIdentityPool"
        ]
    );
}

#[tokio::test]
async fn an_update_of_a_pool_deleted_outside_cloudformation_fails_and_says_so() {
    let describe = describe_not_found();
    let create =
        mock!(Client::create_identity_pool).then_output(|| unreachable!("no silent new pool"));
    let provider = provider(&[&describe, &create]);

    let answer = provider
        .answer(
            &request("Update", Some(POOL_ID), properties()),
            &Journal::default(),
        )
        .await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.contains("deleted outside CloudFormation"),
        "{reason}"
    );
}

#[tokio::test]
async fn delete_deletes_the_pool_and_a_missing_pool_is_success() {
    let deletes = recorded::<DeleteIdentityPoolInput>();
    let delete = mock!(Client::delete_identity_pool).then_compute_output(recording(
        &deletes,
        DeleteIdentityPoolOutput::builder().build(),
    ));
    let answer = provider(&[&delete])
        .answer(
            &request("Delete", Some(POOL_ID), properties()),
            &Journal::default(),
        )
        .await;
    assert_eq!(answer, Answer::success(POOL_ID, BTreeMap::new()));
    assert_eq!(deletes.lock().unwrap()[0].identity_pool_id(), Some(POOL_ID));

    let gone = mock!(Client::delete_identity_pool)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"ResourceNotFoundException","message":"not found"}"#.to_owned()),
        )
        .build();
    let answer = provider(&[&gone])
        .answer(
            &request("Delete", Some(POOL_ID), properties()),
            &Journal::default(),
        )
        .await;
    assert_eq!(answer, Answer::success(POOL_ID, BTreeMap::new()));
}

#[tokio::test]
async fn delete_of_an_id_that_names_no_pool_makes_no_call() {
    let list = list_returns(&[]);
    let provider = provider(&[&list]);
    let journal = Journal::default();

    let answer = provider
        .answer(
            &request("Delete", Some("not-a-pool"), properties()),
            &journal,
        )
        .await;

    assert!(answer.outcome.is_ok());
    assert!(journal.calls().is_empty());
}

#[tokio::test]
async fn rollback_delete_of_a_failed_create_removes_the_pool_that_create_made() {
    let placeholder = request("Create", None, properties()).failed_create_id();
    let list = list_returns(&[(POOL_ID, "demo_pool")]);
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, REQUEST_TAG)]));
    let deletes = recorded::<DeleteIdentityPoolInput>();
    let delete = mock!(Client::delete_identity_pool).then_compute_output(recording(
        &deletes,
        DeleteIdentityPoolOutput::builder().build(),
    ));
    let provider = provider(&[&list, &describe, &delete]);

    let answer = provider
        .answer(
            &request("Delete", Some(&placeholder), properties()),
            &Journal::default(),
        )
        .await;

    assert!(answer.outcome.is_ok());
    assert_eq!(deletes.lock().unwrap()[0].identity_pool_id(), Some(POOL_ID));
}

#[tokio::test]
async fn a_cut_off_replacement_removes_the_new_pool_and_answers_the_old_id() {
    let deletes = recorded::<DeleteIdentityPoolInput>();
    let delete = mock!(Client::delete_identity_pool).then_compute_output(recording(
        &deletes,
        DeleteIdentityPoolOutput::builder().build(),
    ));
    let create = mock!(Client::create_identity_pool).then_output(|| created_output(NEW_POOL_ID));
    let provider = provider(&[&create, &delete]);
    let journal = Journal::default();
    provider
        .pools
        .for_request("us-east-1", &journal)
        .create(&PoolConfig::default(), &BTreeMap::new())
        .await
        .unwrap();
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
    provider
        .pools
        .for_request("us-east-1", &journal)
        .create(&PoolConfig::default(), &BTreeMap::new())
        .await
        .unwrap();
    let after = provider.cut_off(&request, &journal, &error).await;

    assert_eq!(before.physical_resource_id, request.failed_create_id());
    assert_eq!(after.physical_resource_id, NEW_POOL_ID);
}
