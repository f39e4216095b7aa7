//! Adoption and the ownership refusals at the SDK's seam: which calls are made,
//! in which order, with which tag values, and which are never made.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::operation::describe_identity_pool::DescribeIdentityPoolOutput;
use aws_sdk_cognitoidentity::operation::set_identity_pool_roles::SetIdentityPoolRolesOutput;
use aws_sdk_cognitoidentity::operation::tag_resource::{TagResourceInput, TagResourceOutput};
use aws_sdk_cognitoidentity::operation::untag_resource::{UntagResourceInput, UntagResourceOutput};
use aws_sdk_cognitoidentity::operation::update_identity_pool::UpdateIdentityPoolOutput;
use aws_sdk_cognitosync::operation::get_cognito_events::GetCognitoEventsOutput;
use aws_sdk_cognitosync::operation::get_identity_pool_configuration::GetIdentityPoolConfigurationOutput;
use aws_sdk_cognitosync::operation::set_cognito_events::SetCognitoEventsOutput;
use aws_sdk_cognitosync::operation::set_identity_pool_configuration::SetIdentityPoolConfigurationOutput;
use aws_sdk_cognitosync::types::StreamingStatus;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use serde_json::{Value, json};

use super::sync_put_back;
use crate::cognito::RegionalClients;
use crate::domain::{ApiEnum, CognitoStreams, SyncSettings};
use crate::idempotency::REQUEST_TAG_KEY;
use crate::ownership::provisional;
use crate::provider::Provider;
use crate::provider::tests::{
    STREAM_ROLE, no_roles, roles_as_with_roles, set_roles_recording, unchanged, update_recording,
    with_roles, with_sync,
};
use crate::response::Answer;
use crate::test_support::{
    NEW_POOL_ID, POOL_ARN, POOL_ID, REQUEST_TAG, Wire, aws_error, clients, describe_not_found,
    describe_returns, described, failure_reason, properties, recorded, recording, request, run,
    update_request,
};

const OTHER_STACK: &str = "0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d";

fn adopting(mut properties: Value, pool_id: &str) -> Value {
    properties["IdentityPoolId"] = json!(pool_id);
    properties
}

/// A pool made outside the provider: another name, a tag of its own, none of ours.
fn legacy(tags: &[(&str, &str)]) -> DescribeIdentityPoolOutput {
    let mut pool = described(POOL_ID, tags);
    pool.identity_pool_name = "legacy_pool".to_owned();
    pool
}

fn tags_recording(seen: &Arc<Mutex<Vec<TagResourceInput>>>) -> Rule {
    mock!(Client::tag_resource)
        .then_compute_output(recording(seen, TagResourceOutput::builder().build()))
}

fn untags_recording(seen: &Arc<Mutex<Vec<UntagResourceInput>>>) -> Rule {
    mock!(Client::untag_resource)
        .then_compute_output(recording(seen, UntagResourceOutput::builder().build()))
}

/// Carries out a Create adopting with `properties`, whose pool `describe` and
/// `update` answer for: the answer, and the TagResource and UntagResource
/// calls it made.
async fn adopt_recording_tag_changes(
    describe: Rule,
    update: Rule,
    properties: Value,
) -> (
    Answer,
    Arc<Mutex<Vec<TagResourceInput>>>,
    Arc<Mutex<Vec<UntagResourceInput>>>,
) {
    let (tags, untags) = (recorded(), recorded());
    let rules = [
        describe,
        update,
        tags_recording(&tags),
        untags_recording(&untags),
    ];
    let (answer, _) = run(
        &rules.iter().collect::<Vec<_>>(),
        &request("Create", None, properties),
    )
    .await;
    (answer, tags, untags)
}

/// UpdateIdentityPool refused (not a transient error), as the start of a
/// sequence of answers (the builder's type is not nameable outside the crate).
macro_rules! update_refused {
    () => {
        mock!(Client::update_identity_pool)
            .sequence()
            .http_status(400, aws_error("InvalidParameterException", "no"))
    };
}

/// Whether any UntagResource call removed the ownership tag.
fn removed_the_ownership_tag(untags: &Arc<Mutex<Vec<UntagResourceInput>>>) -> bool {
    untags
        .lock()
        .unwrap()
        .iter()
        .any(|input| input.tag_keys().contains(&REQUEST_TAG_KEY.to_owned()))
}

/// The value each TagResource call gave the ownership tag, in order.
fn ownership_values(tags: &Arc<Mutex<Vec<TagResourceInput>>>) -> Vec<String> {
    tags.lock()
        .unwrap()
        .iter()
        .filter_map(|input| input.tags().and_then(|t| t.get(REQUEST_TAG_KEY)).cloned())
        .collect()
}

fn data(pool_id: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("IdentityPoolId".to_owned(), pool_id.to_owned()),
        ("Name".to_owned(), "demo_pool".to_owned()),
        (
            "Arn".to_owned(),
            format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{pool_id}"),
        ),
    ])
}

#[tokio::test]
async fn create_with_identity_pool_id_claims_updates_and_owns_the_pool_without_creating_one() {
    let describe = describe_returns(legacy(&[("owner", "ops")]));
    let (tags, untags) = (recorded(), recorded());
    let (update, updates) = update_recording();
    let create = mock!(Client::create_identity_pool).then_output(|| unreachable!("no new pool"));
    let rules = [
        describe,
        tags_recording(&tags),
        untags_recording(&untags),
        update,
        create,
    ];

    let (answer, journal) = run(
        &rules.iter().collect::<Vec<_>>(),
        &request("Create", None, adopting(properties(), POOL_ID)),
    )
    .await;

    assert_eq!(answer, Answer::success(POOL_ID, data(POOL_ID)));
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "TagResource",
            "UntagResource",
            "TagResource",
            "UpdateIdentityPool",
            "TagResource"
        ]
    );
    assert_eq!(
        ownership_values(&tags),
        [provisional(REQUEST_TAG), REQUEST_TAG.to_owned()]
    );
    assert_eq!(
        updates.lock().unwrap()[0].identity_pool_name(),
        Some("demo_pool")
    );
    assert_eq!(untags.lock().unwrap()[0].tag_keys(), ["owner"]);
    assert!(
        tags.lock()
            .unwrap()
            .iter()
            .all(|input| input.resource_arn() == Some(POOL_ARN))
    );
}

#[tokio::test]
async fn adopting_a_pool_this_stack_already_owns_makes_no_write_call() {
    let describe = unchanged(POOL_ID);

    let (answer, journal) = run(
        &[&describe],
        &request("Create", None, adopting(properties(), POOL_ID)),
    )
    .await;

    assert_eq!(answer, Answer::success(POOL_ID, data(POOL_ID)));
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn adopting_a_pool_of_another_stack_is_refused_with_the_placeholder_before_any_write() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, &theirs)]));
    let request = request("Create", None, adopting(properties(), POOL_ID));

    let (answer, journal) = run(&[&describe], &request).await;

    let reason = failure_reason(answer, &request.failed_create_id());
    assert!(
        reason.contains(&format!("belongs to stack {OTHER_STACK}")),
        "{reason}"
    );
    assert!(
        reason.contains(&format!("AdoptFromStack: {OTHER_STACK}")),
        "{reason}"
    );
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn adopting_a_pool_that_does_not_exist_fails_naming_the_id_and_region() {
    let request = request("Create", None, adopting(properties(), POOL_ID));

    let (answer, _) = run(&[&describe_not_found()], &request).await;

    let reason = failure_reason(answer, &request.failed_create_id());
    assert!(
        reason.contains(&format!(
            "IdentityPoolId {POOL_ID}: there is no such identity pool in us-east-1"
        )),
        "{reason}"
    );
}

#[tokio::test]
async fn adopting_a_pool_whose_developer_provider_would_change_is_refused_before_any_write() {
    let mut pool = described(POOL_ID, &[]);
    pool.developer_provider_name = Some("login.old".to_owned());
    let describe = describe_returns(pool);
    let mut properties = adopting(properties(), POOL_ID);
    properties["DeveloperProviderName"] = json!("login.new");

    let (answer, journal) = run(&[&describe], &request("Create", None, properties)).await;

    let reason = answer.outcome.expect_err("FAILED");
    assert!(reason.contains("DeveloperProviderName"), "{reason}");
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn a_failed_adoption_reads_the_pool_again_and_puts_back_what_differs() {
    // The pool before, then (when the put-back reads it again) as the adoption
    // left it: the template's configuration and tags, claimed, roles set.
    let describe = mock!(Client::describe_identity_pool)
        .sequence()
        .output(|| legacy(&[("owner", "ops")]))
        .output(|| {
            described(
                POOL_ID,
                &[
                    ("team", "identity"),
                    (REQUEST_TAG_KEY, &provisional(REQUEST_TAG)),
                ],
            )
        })
        .build();
    let get_roles = mock!(Client::get_identity_pool_roles)
        .sequence()
        .output(no_roles)
        .times(2)
        .output(roles_as_with_roles)
        .build();
    let (set_roles, roles) = set_roles_recording();
    // The last call of the adoption, the final claim, is refused.
    let tag = mock!(Client::tag_resource)
        .sequence()
        .output(|| TagResourceOutput::builder().build())
        .times(2)
        .http_status(400, aws_error("InvalidParameterException", "refused"))
        .output(|| TagResourceOutput::builder().build())
        .build();
    let untags = recorded();
    let (update, updates) = update_recording();
    let rules = [
        describe,
        get_roles,
        set_roles,
        tag,
        untags_recording(&untags),
        update,
    ];
    let request = request("Create", None, adopting(with_roles(), POOL_ID));

    let (answer, journal) = run(&rules.iter().collect::<Vec<_>>(), &request).await;

    let reason = failure_reason(answer, &request.failed_create_id());
    assert!(
        reason.starts_with(&format!(
            "Adopting identity pool {POOL_ID} failed, and everything it changed was put back"
        )),
        "{reason}"
    );
    assert!(
        reason.ends_with("What failed: TagResource failed: InvalidParameterException: refused"),
        "{reason}"
    );
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "TagResource",
            "GetIdentityPoolRoles",
            "UntagResource",
            "TagResource",
            "UpdateIdentityPool",
            "SetIdentityPoolRoles",
            "TagResource",
            // The put-back: the pool read again, then only what differs, in
            // the Update's order, and the claim last.
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "UntagResource",
            "TagResource",
            "UpdateIdentityPool",
            "SetIdentityPoolRoles",
            "UntagResource",
        ]
    );
    let roles = roles.lock().unwrap();
    assert_eq!(
        roles[1].roles().map(|r| r.len()),
        Some(0),
        "no roles, as before"
    );
    assert_eq!(
        updates.lock().unwrap()[1].identity_pool_name(),
        Some("legacy_pool")
    );
    let untags = untags.lock().unwrap();
    assert_eq!(untags[1].tag_keys(), ["team"]);
    assert_eq!(untags[2].tag_keys(), [REQUEST_TAG_KEY]);
}

#[tokio::test]
async fn a_failed_put_back_keeps_the_provisional_claim_and_says_so() {
    let describe = mock!(Client::describe_identity_pool)
        .sequence()
        .output(|| legacy(&[]))
        .output(|| described(POOL_ID, &[(REQUEST_TAG_KEY, &provisional(REQUEST_TAG))]))
        .build();
    let update = update_refused!().repeatedly().build();

    let (answer, _, untags) =
        adopt_recording_tag_changes(describe, update, adopting(properties(), POOL_ID)).await;

    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.contains("putting the pool back failed too (UpdateIdentityPool failed"),
        "{reason}"
    );
    assert!(reason.contains("provisional claim adopting:"), "{reason}");
    assert!(!removed_the_ownership_tag(&untags), "the claim stays");
}

#[tokio::test]
async fn a_failed_take_over_from_another_stack_gives_the_pool_back_to_it() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let describe = describe_returns(legacy(&[(REQUEST_TAG_KEY, &theirs)]));
    let update = update_refused!().build();
    let mut properties = adopting(properties(), POOL_ID);
    properties["AdoptFromStack"] = json!(OTHER_STACK);

    let (answer, tags, untags) = adopt_recording_tag_changes(describe, update, properties).await;

    assert!(answer.outcome.is_err());
    assert_eq!(ownership_values(&tags), [provisional(REQUEST_TAG), theirs]);
    assert!(
        !removed_the_ownership_tag(&untags),
        "the other stack's tag is set back, never removed"
    );
}

#[tokio::test]
async fn adopt_from_stack_naming_the_owner_takes_the_pool_over_on_create_and_on_update() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let by_arn = format!("arn:aws:cloudformation:us-east-1:123456789012:stack/old/{OTHER_STACK}");
    let taking_over = |from: &str| {
        let mut properties = adopting(properties(), POOL_ID);
        properties["AdoptFromStack"] = json!(from);
        properties
    };
    let create = request("Create", None, taking_over(&by_arn));
    // An Update of a resource whose pool another stack took: taken back in place.
    let update = update_request(
        POOL_ID,
        taking_over(OTHER_STACK),
        adopting(properties(), POOL_ID),
    );
    for request in [create, update] {
        let describe = describe_returns(described(
            POOL_ID,
            &[("team", "identity"), (REQUEST_TAG_KEY, &theirs)],
        ));
        let tags = recorded();
        let tag = tags_recording(&tags);

        let (answer, _) = run(&[&describe, &tag], &request).await;

        assert_eq!(answer, Answer::success(POOL_ID, data(POOL_ID)));
        assert_eq!(
            ownership_values(&tags),
            [provisional(REQUEST_TAG), REQUEST_TAG.to_owned()]
        );
    }
}

#[tokio::test]
async fn changing_identity_pool_id_adopts_the_other_pool_and_answers_its_id() {
    let describe = mock!(Client::describe_identity_pool)
        .match_requests(|input| input.identity_pool_id() == Some(NEW_POOL_ID))
        .then_output(|| {
            described(
                NEW_POOL_ID,
                &[("team", "identity"), (REQUEST_TAG_KEY, REQUEST_TAG)],
            )
        });

    let (answer, journal) = run(
        &[&describe],
        &update_request(
            POOL_ID,
            adopting(properties(), NEW_POOL_ID),
            adopting(properties(), POOL_ID),
        ),
    )
    .await;

    assert_eq!(answer, Answer::success(NEW_POOL_ID, data(NEW_POOL_ID)));
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn a_failed_change_of_identity_pool_id_answers_the_old_id() {
    let (answer, _) = run(
        &[&describe_not_found()],
        &update_request(POOL_ID, adopting(properties(), NEW_POOL_ID), properties()),
    )
    .await;

    assert_eq!(answer.physical_resource_id, POOL_ID);
    assert!(answer.outcome.is_err());
}

#[tokio::test]
async fn an_update_of_a_pool_another_stack_owns_is_refused_after_reading_it() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, &theirs)]));

    let (answer, journal) = run(
        &[&describe],
        &update_request(POOL_ID, properties(), properties()),
    )
    .await;

    let reason = failure_reason(answer, POOL_ID);
    assert!(
        reason.contains(&format!("names stack {OTHER_STACK}")),
        "{reason}"
    );
    assert!(reason.contains("was not updated"), "{reason}");
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn an_update_of_a_pool_without_the_tag_is_refused() {
    let describe = describe_returns(described(POOL_ID, &[("team", "identity")]));

    let (answer, journal) = run(
        &[&describe],
        &update_request(POOL_ID, properties(), properties()),
    )
    .await;

    let reason = answer.outcome.expect_err("FAILED");
    assert!(reason.contains("neither made nor adopted"), "{reason}");
    assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
}

#[tokio::test]
async fn a_delete_of_a_pool_another_stack_owns_or_nobody_owns_deletes_nothing() {
    let delete = mock!(Client::delete_identity_pool).then_output(|| unreachable!("never deleted"));
    for tags in [
        vec![(REQUEST_TAG_KEY, format!("{OTHER_STACK}/their-request"))],
        vec![("team", "identity".to_owned())],
    ] {
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let describe = describe_returns(described(POOL_ID, &tags));

        let (answer, journal) = run(
            &[&describe, &delete],
            &request("Delete", Some(POOL_ID), properties()),
        )
        .await;

        let reason = failure_reason(answer, POOL_ID);
        assert!(reason.contains("was not deleted"), "{reason}");
        assert!(reason.contains("DeletionPolicy: Retain"), "{reason}");
        assert_eq!(journal.calls(), ["DescribeIdentityPool"]);
    }
}

#[tokio::test]
async fn a_delete_of_the_pool_the_template_adopts_keeps_it_without_a_call() {
    let (answer, journal) = run(
        &[],
        &request("Delete", Some(POOL_ID), adopting(properties(), POOL_ID)),
    )
    .await;

    assert_eq!(answer, Answer::success(POOL_ID, BTreeMap::new()));
    assert!(journal.calls().is_empty());
}

#[tokio::test]
async fn the_rollback_delete_of_a_failed_adoption_looks_for_no_pool() {
    let create = request("Create", None, adopting(properties(), POOL_ID));

    let (answer, journal) = run(
        &[],
        &request(
            "Delete",
            Some(&create.failed_create_id()),
            adopting(properties(), POOL_ID),
        ),
    )
    .await;

    assert!(answer.outcome.is_ok());
    assert!(journal.calls().is_empty());
}

#[tokio::test]
async fn adoption_sets_the_templates_roles_after_reading_them_once_to_put_them_back() {
    let describe = unchanged(POOL_ID);
    let get_roles = mock!(Client::get_identity_pool_roles).then_output(roles_as_with_roles);
    let set = mock!(Client::set_identity_pool_roles)
        .then_output(|| SetIdentityPoolRolesOutput::builder().build());

    let (answer, journal) = run(
        &[&describe, &get_roles, &set],
        &request("Create", None, adopting(with_roles(), POOL_ID)),
    )
    .await;

    assert!(answer.outcome.is_ok(), "{answer:?}");
    assert_eq!(set.num_calls(), 0, "the roles already are the template's");
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "GetIdentityPoolRoles"
        ]
    );
}

// ---- Cognito Sync ----

const OLD_TRIGGER: &str = "arn:aws:lambda:us-east-1:123456789012:function:old-trigger";

fn settings(streams: Option<CognitoStreams>, events: &[(&str, &str)]) -> SyncSettings {
    SyncSettings {
        streams,
        push_sync: None,
        events: events
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn streams(name: &str, status: &str) -> CognitoStreams {
    CognitoStreams {
        stream_name: Some(name.to_owned()),
        role_arn: Some(STREAM_ROLE.to_owned()),
        streaming_status: ApiEnum::from_name(status),
    }
}

#[test]
fn sync_is_put_back_part_by_part_and_only_where_the_template_changed_it() {
    let before = settings(
        Some(streams("old", "ENABLED")),
        &[("SyncTrigger", OLD_TRIGGER)],
    );
    let desired = settings(
        Some(streams("events", "ENABLED")),
        &[("SyncTrigger", "new")],
    );
    assert_eq!(sync_put_back(&before, &desired), before);

    let untouched = settings(None, &[]);
    assert_eq!(sync_put_back(&before, &untouched), SyncSettings::default());
    assert_eq!(sync_put_back(&before, &before), SyncSettings::default());
}

#[test]
fn sync_parts_the_pool_never_had_are_turned_off_and_new_events_removed() {
    let before = SyncSettings::default();
    let desired = settings(
        Some(streams("events", "ENABLED")),
        &[("SyncTrigger", "new")],
    );
    assert_eq!(
        sync_put_back(&before, &desired),
        settings(Some(CognitoStreams::disabled()), &[("SyncTrigger", "")])
    );
}

#[tokio::test]
async fn a_failed_adoption_reads_the_sync_settings_first_and_puts_them_back() {
    let describe = describe_returns(legacy(&[]));
    let update = update_refused!()
        .output(|| {
            UpdateIdentityPoolOutput::builder()
                .identity_pool_id(POOL_ID)
                .identity_pool_name("legacy_pool")
                .allow_unauthenticated_identities(false)
                .build()
                .unwrap()
        })
        .build();
    let (tag, untag) = (tags_recording(&recorded()), untags_recording(&recorded()));
    let get_configuration = mock!(aws_sdk_cognitosync::Client::get_identity_pool_configuration)
        .then_output(|| {
            GetIdentityPoolConfigurationOutput::builder()
                .cognito_streams(
                    aws_sdk_cognitosync::types::CognitoStreams::builder()
                        .stream_name("old")
                        .role_arn(STREAM_ROLE)
                        .streaming_status(StreamingStatus::Enabled)
                        .build(),
                )
                .build()
        });
    let get_events = mock!(aws_sdk_cognitosync::Client::get_cognito_events)
        .then_output(|| GetCognitoEventsOutput::builder().build());
    let (configurations, events) = (recorded(), recorded());
    let set_configuration = mock!(aws_sdk_cognitosync::Client::set_identity_pool_configuration)
        .then_compute_output(recording(
            &configurations,
            SetIdentityPoolConfigurationOutput::builder().build(),
        ));
    let set_events = mock!(aws_sdk_cognitosync::Client::set_cognito_events).then_compute_output(
        recording(&events, SetCognitoEventsOutput::builder().build()),
    );
    let mut clients = clients(&[&describe, &update, &tag, &untag], &Wire::default());
    clients.sync = mock_client!(
        aws_sdk_cognitosync,
        RuleMode::MatchAny,
        &[
            &get_configuration,
            &get_events,
            &set_configuration,
            &set_events
        ]
    )
    .into();

    let (answer, journal) = Provider::new(RegionalClients::new(clients))
        .run(&request("Create", None, adopting(with_sync(), POOL_ID)))
        .await;

    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.contains("everything it changed was put back"),
        "{reason}"
    );
    let calls = journal.calls();
    assert_eq!(
        calls[..4],
        [
            "DescribeIdentityPool",
            "GetIdentityPoolConfiguration",
            "GetCognitoEvents",
            "TagResource"
        ]
    );
    let put_back = &configurations.lock().unwrap()[0];
    let streams = put_back.cognito_streams().expect("streams put back");
    assert_eq!(streams.stream_name(), Some("old"));
    assert_eq!(streams.streaming_status(), Some(&StreamingStatus::Enabled));
    assert!(
        put_back.push_sync().is_none(),
        "push sync was not the template's"
    );
    let removed = &events.lock().unwrap()[0];
    assert_eq!(
        removed
            .events()
            .and_then(|e| e.get("SyncTrigger"))
            .map(String::as_str),
        Some("")
    );
}
