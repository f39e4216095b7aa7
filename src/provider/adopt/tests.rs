//! Adoption and the ownership refusals at the SDK's seam: which calls are made,
//! in which order, with which tag values, and which are never made.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::operation::describe_identity_pool::DescribeIdentityPoolOutput;
use aws_sdk_cognitoidentity::operation::set_identity_pool_roles::SetIdentityPoolRolesOutput;
use aws_sdk_cognitoidentity::operation::tag_resource::{TagResourceInput, TagResourceOutput};
use aws_sdk_cognitoidentity::operation::untag_resource::{UntagResourceInput, UntagResourceOutput};
use aws_sdk_cognitoidentity::operation::update_identity_pool::{
    UpdateIdentityPoolInput, UpdateIdentityPoolOutput,
};
use aws_smithy_mocks::{Rule, mock};
use serde_json::{Value, json};

use crate::idempotency::REQUEST_TAG_KEY;
use crate::ownership::provisional;
use crate::provider::tests::{
    no_roles, roles_as_with_roles, set_roles_recording, unchanged, with_roles,
};
use crate::response::Answer;
use crate::test_support::{
    NEW_POOL_ID, POOL_ARN, POOL_ID, REQUEST_TAG, describe_not_found, describe_returns, described,
    properties, recorded, recording, request, run, update_request,
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

/// DescribeIdentityPool answering `first`, then (the Update path, after the
/// claim) `then` for every later call.
fn describes(first: DescribeIdentityPoolOutput, then: DescribeIdentityPoolOutput) -> Rule {
    mock!(Client::describe_identity_pool)
        .sequence()
        .output(move || first.clone())
        .output(move || then.clone())
        .repeatedly()
        .build()
}

fn tags_recording(seen: &Arc<Mutex<Vec<TagResourceInput>>>) -> Rule {
    mock!(Client::tag_resource)
        .then_compute_output(recording(seen, TagResourceOutput::builder().build()))
}

fn untags_recording(seen: &Arc<Mutex<Vec<UntagResourceInput>>>) -> Rule {
    mock!(Client::untag_resource)
        .then_compute_output(recording(seen, UntagResourceOutput::builder().build()))
}

fn updates_recording(seen: &Arc<Mutex<Vec<UpdateIdentityPoolInput>>>) -> Rule {
    let output = UpdateIdentityPoolOutput::builder()
        .identity_pool_id(POOL_ID)
        .identity_pool_name("demo_pool")
        .allow_unauthenticated_identities(false)
        .build()
        .unwrap();
    mock!(Client::update_identity_pool).then_compute_output(recording(seen, output))
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
    let claimed = provisional(REQUEST_TAG);
    let describe = describes(
        legacy(&[("owner", "ops")]),
        legacy(&[("owner", "ops"), (REQUEST_TAG_KEY, &claimed)]),
    );
    let (tags, untags, updates) = (recorded(), recorded(), recorded());
    let create = mock!(Client::create_identity_pool).then_output(|| unreachable!("no new pool"));
    let rules = [
        describe,
        tags_recording(&tags),
        untags_recording(&untags),
        updates_recording(&updates),
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
            "DescribeIdentityPool",
            "UntagResource",
            "TagResource",
            "UpdateIdentityPool",
            "TagResource"
        ]
    );
    assert_eq!(ownership_values(&tags), [claimed, REQUEST_TAG.to_owned()]);
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
    assert_eq!(
        journal.calls(),
        ["DescribeIdentityPool", "DescribeIdentityPool"]
    );
}

#[tokio::test]
async fn adopting_a_pool_of_another_stack_is_refused_with_the_placeholder_before_any_write() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let describe = describe_returns(described(POOL_ID, &[(REQUEST_TAG_KEY, &theirs)]));
    let request = request("Create", None, adopting(properties(), POOL_ID));

    let (answer, journal) = run(&[&describe], &request).await;

    assert_eq!(answer.physical_resource_id, request.failed_create_id());
    let reason = answer.outcome.expect_err("FAILED");
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
async fn adopt_from_stack_naming_the_owner_takes_the_pool_over() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let describe = describes(
        described(POOL_ID, &[("team", "identity"), (REQUEST_TAG_KEY, &theirs)]),
        described(
            POOL_ID,
            &[
                ("team", "identity"),
                (REQUEST_TAG_KEY, &provisional(REQUEST_TAG)),
            ],
        ),
    );
    let tags = recorded();
    let tag = tags_recording(&tags);
    let mut properties = adopting(properties(), POOL_ID);
    properties["AdoptFromStack"] = json!(format!(
        "arn:aws:cloudformation:us-east-1:123456789012:stack/old/{OTHER_STACK}"
    ));

    let (answer, _) = run(&[&describe, &tag], &request("Create", None, properties)).await;

    assert_eq!(answer, Answer::success(POOL_ID, data(POOL_ID)));
    assert_eq!(
        ownership_values(&tags),
        [provisional(REQUEST_TAG), REQUEST_TAG.to_owned()]
    );
}

#[tokio::test]
async fn adopting_a_pool_that_does_not_exist_fails_naming_the_id_and_region() {
    let request = request("Create", None, adopting(properties(), POOL_ID));

    let (answer, _) = run(&[&describe_not_found()], &request).await;

    assert_eq!(answer.physical_resource_id, request.failed_create_id());
    let reason = answer.outcome.expect_err("FAILED");
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
async fn a_failed_adoption_puts_everything_back_and_answers_the_placeholder() {
    let claimed = provisional(REQUEST_TAG);
    let describe = describes(
        legacy(&[("owner", "ops")]),
        legacy(&[("owner", "ops"), (REQUEST_TAG_KEY, &claimed)]),
    );
    let get_roles = mock!(Client::get_identity_pool_roles).then_output(no_roles);
    let roles = recorded();
    let set_roles_fails_once = mock!(Client::set_identity_pool_roles)
        .sequence()
        .http_status(
            400,
            Some(
                r#"{"__type":"InvalidParameterException","message":"Invalid role ARN"}"#.to_owned(),
            ),
        )
        .build();
    let set_roles = set_roles_recording(&roles);
    let (tags, untags, updates) = (recorded(), recorded(), recorded());
    let rules = [
        describe,
        get_roles,
        set_roles_fails_once,
        set_roles,
        tags_recording(&tags),
        untags_recording(&untags),
        updates_recording(&updates),
    ];
    let request = request("Create", None, adopting(with_roles(), POOL_ID));

    let (answer, journal) = run(&rules.iter().collect::<Vec<_>>(), &request).await;

    assert_eq!(answer.physical_resource_id, request.failed_create_id());
    let reason = answer.outcome.expect_err("FAILED");
    assert!(
        reason.starts_with(&format!(
            "Adopting identity pool {POOL_ID} failed, and everything it changed was put back"
        )),
        "{reason}"
    );
    assert!(
        reason.ends_with(
            "What failed: SetIdentityPoolRoles failed: InvalidParameterException: Invalid role ARN"
        ),
        "{reason}"
    );
    assert_eq!(
        journal.calls(),
        [
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "TagResource",
            "DescribeIdentityPool",
            "GetIdentityPoolRoles",
            "UntagResource",
            "TagResource",
            "UpdateIdentityPool",
            "SetIdentityPoolRoles",
            // The restore: roles, configuration, user tags, then the claim.
            "SetIdentityPoolRoles",
            "UpdateIdentityPool",
            "UntagResource",
            "TagResource",
            "UntagResource",
        ]
    );
    let restored_roles = &roles.lock().unwrap()[0];
    assert_eq!(restored_roles.roles().map(|r| r.len()), Some(0));
    assert_eq!(
        updates.lock().unwrap()[1].identity_pool_name(),
        Some("legacy_pool")
    );
    let untags = untags.lock().unwrap();
    assert_eq!(untags[1].tag_keys(), ["team"]);
    assert_eq!(untags[2].tag_keys(), [REQUEST_TAG_KEY]);
    let tags = tags.lock().unwrap();
    assert_eq!(
        tags[2]
            .tags()
            .and_then(|t| t.get("owner"))
            .map(String::as_str),
        Some("ops")
    );
}

#[tokio::test]
async fn a_failed_take_over_from_another_stack_gives_the_pool_back_to_it() {
    let theirs = format!("{OTHER_STACK}/their-request");
    let describe = describes(
        described(POOL_ID, &[("team", "identity"), (REQUEST_TAG_KEY, &theirs)]),
        raced_by_another_stack(),
    );
    let tags = recorded();
    let tag = tags_recording(&tags);
    let mut properties = adopting(properties(), POOL_ID);
    properties["AdoptFromStack"] = json!(OTHER_STACK);

    let (answer, _) = run(&[&describe, &tag], &request("Create", None, properties)).await;

    assert!(answer.outcome.is_err());
    assert_eq!(ownership_values(&tags), [provisional(REQUEST_TAG), theirs]);
}

/// A pool whose tag another stack's adoption has just overwritten: the Update
/// path refuses it, which fails the adoption after the claim.
fn raced_by_another_stack() -> DescribeIdentityPoolOutput {
    described(
        POOL_ID,
        &[(REQUEST_TAG_KEY, &format!("{OTHER_STACK}/a-racing-request"))],
    )
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
    assert_eq!(
        journal.calls(),
        ["DescribeIdentityPool", "DescribeIdentityPool"]
    );
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

    assert_eq!(answer.physical_resource_id, POOL_ID);
    let reason = answer.outcome.expect_err("FAILED");
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

        assert_eq!(answer.physical_resource_id, POOL_ID);
        let reason = answer.outcome.expect_err("FAILED");
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
            "DescribeIdentityPool",
            "GetIdentityPoolRoles"
        ]
    );
}
