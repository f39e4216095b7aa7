use super::*;

const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider";
const INVOCATION: Invocation<'static> = Invocation {
    request_id: "lambda-invocation-1",
    function_arn: FUNCTION_ARN,
};

use proptest::prelude::*;
use serde_json::json;

use crate::test_support::{POOL_ID, STACK_GUID, STACK_ID};
const REQUEST_ID: &str = "d8e6a2b0-5f3c-4e1a-9b7d-2c4f6a8e0b1d";
const SIGNATURE: &str = "deadbeefcafef00d0123456789abcdef0123456789abcdef0123456789abcdef";
const SERVICE_TOKEN: &str = "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider";

/// The response URL without its query: the stack's id (colons escaped), the
/// logical id and the request id.
fn url_path() -> String {
    format!(
        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/\
         {}%7CIdentityPool%7C{REQUEST_ID}",
        STACK_ID.replace(':', "%3A")
    )
}

fn response_url() -> String {
    format!(
        "{}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host\
         &X-Amz-Expires=7199&X-Amz-Credential=AKIAEXAMPLE%2F20250101%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Signature={SIGNATURE}",
        url_path()
    )
}

fn properties(name: &str) -> Value {
    json!({
        "ServiceToken": SERVICE_TOKEN,
        "ServiceTimeout": "300",
        "IdentityPoolName": name,
        "AllowUnauthenticatedIdentities": "false",
        "CognitoIdentityProviders": [{"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_A", "ClientId": "abc", "ServerSideTokenCheck": "true"}],
    })
}

/// A request as CloudFormation sends it (docs/design.md#the-request).
fn event(request_type: &str) -> Value {
    let mut event = json!({
        "RequestType": request_type,
        "ServiceToken": SERVICE_TOKEN,
        "ServiceTimeout": "300",
        "ResponseURL": response_url(),
        "StackId": STACK_ID,
        "RequestId": REQUEST_ID,
        "LogicalResourceId": "IdentityPool",
        "ResourceType": "Custom::IdentityPool",
        "ResourceProperties": properties("new-name"),
    });
    if request_type != "Create" {
        event["PhysicalResourceId"] = json!(POOL_ID);
    }
    if request_type == "Update" {
        event["OldResourceProperties"] = properties("old-name");
    }
    event
}

fn without(mut event: Value, field: &str) -> Value {
    event.as_object_mut().unwrap().remove(field);
    event
}

fn read(event: Value) -> CustomResourceRequest {
    CustomResourceRequest::from_event(event.clone(), INVOCATION)
        .unwrap_or_else(|error| panic!("{event} was refused: {error}"))
}

fn refused(event: Value) -> EventError {
    match CustomResourceRequest::from_event(event.clone(), INVOCATION) {
        Ok(request) => panic!("{event} was read as {request:?}"),
        Err(error) => error,
    }
}

fn assert_malformed_mentioning(event: Value, fragment: &str) {
    match refused(event) {
        EventError::Malformed(message) => {
            assert!(message.contains(fragment), "{message:?} lacks {fragment:?}")
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

fn request(stack_id: &str, request_id: &str) -> CustomResourceRequest {
    CustomResourceRequest {
        requester: Requester {
            response_url: Some(response_url()),
            stack_id: stack_id.to_owned(),
            request_id: request_id.to_owned(),
            logical_resource_id: "IdentityPool".to_owned(),
        },
        kind: RequestKind::Create,
        properties: Value::Null,
        old_properties: Value::Null,
        function_arn: FUNCTION_ARN.to_owned(),
        answered_by_invoker: false,
    }
}

// ---- from_event ----

fn expected_requester() -> Requester {
    Requester {
        response_url: Some(response_url()),
        stack_id: STACK_ID.to_owned(),
        request_id: REQUEST_ID.to_owned(),
        logical_resource_id: "IdentityPool".to_owned(),
    }
}

#[test]
fn create_event_is_read() {
    let request = read(event("Create"));
    assert_eq!(request.requester, expected_requester());
    assert_eq!(request.kind, RequestKind::Create);
    assert_eq!(request.request_type(), "Create");
    assert_eq!(request.physical_resource_id(), None);
    assert_eq!(
        request.properties,
        properties("new-name"),
        "properties are kept verbatim, strings and all"
    );
}

/// What an Update and a Delete carry alike: who asked, the type, the pool
/// named, in the request kind `kind` makes of the pool's id.
fn assert_read_for_the_pool(
    request: &CustomResourceRequest,
    request_type: &str,
    kind: impl Fn(String) -> RequestKind,
) {
    assert_eq!(request.requester, expected_requester());
    assert_eq!(request.kind, kind(POOL_ID.to_owned()));
    assert_eq!(request.request_type(), request_type);
    assert_eq!(request.physical_resource_id(), Some(POOL_ID));
}

#[test]
fn update_event_is_read_with_the_new_properties() {
    let request = read(event("Update"));
    assert_read_for_the_pool(&request, "Update", |id| RequestKind::Update {
        physical_resource_id: id,
    });
    assert_eq!(request.properties, properties("new-name"));
}

#[test]
fn delete_event_is_read() {
    let request = read(event("Delete"));
    assert_read_for_the_pool(&request, "Delete", |id| RequestKind::Delete {
        physical_resource_id: id,
    });
}

#[test]
fn name_source_is_the_stack_and_logical_id() {
    let request = read(event("Create"));
    let names = request.name_source();
    assert_eq!(names.stack_id, STACK_ID);
    assert_eq!(names.logical_resource_id, "IdentityPool");
}

#[test]
fn an_event_without_request_type_is_no_request() {
    assert_eq!(
        refused(without(event("Create"), "RequestType")),
        EventError::NoRequestType
    );
    let sns = json!({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": event("Create").to_string()}}]});
    assert_eq!(refused(sns), EventError::NoRequestType);
    assert_eq!(refused(json!("Create")), EventError::NoRequestType);
    assert!(
        EventError::NoRequestType
            .to_string()
            .contains("no RequestType")
    );
}

#[test]
fn an_unknown_request_type_is_malformed() {
    assert_malformed_mentioning(event("Replace"), "Replace");
    assert_malformed_mentioning(event("create"), "create");
    assert_malformed_mentioning(json!({"RequestType": 3}), "");
}

#[test]
fn an_empty_response_url_is_malformed() {
    let mut empty = event("Delete");
    empty["ResponseURL"] = json!("");
    assert_eq!(
        refused(empty),
        EventError::Malformed("ResponseURL is missing or empty".to_owned())
    );
}

#[test]
fn without_a_response_url_a_request_is_a_direct_invocation_identified_by_the_invocation() {
    let direct = read(without(
        without(without(event("Create"), "ResponseURL"), "RequestId"),
        "LogicalResourceId",
    ));
    assert_eq!(direct.requester.response_url, None);
    assert_eq!(direct.requester.request_id, INVOCATION.request_id);
    assert_eq!(direct.requester.logical_resource_id, "IdentityPool");
    let keyed = read(without(event("Create"), "ResponseURL"));
    assert_eq!(keyed.requester.request_id, REQUEST_ID);
}

#[test]
fn sns_records_are_unwrapped_into_their_requests() {
    let message = event("Create").to_string();
    let notification = json!({"Records": [
        {"EventSource": "aws:sns", "Sns": {"Message": message}},
        {"EventSource": "aws:sns", "Sns": {"Message": message}},
    ]});
    let requests = unwrap_sns(notification).expect("two requests");
    assert_eq!(requests, vec![event("Create"), event("Create")]);
    assert_eq!(unwrap_sns(event("Create")), Ok(vec![event("Create")]));
    let garbled = json!({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "not json"}}]});
    assert!(matches!(unwrap_sns(garbled), Err(EventError::Malformed(_))));
}

#[test]
fn update_and_delete_need_a_physical_resource_id() {
    for request_type in ["Update", "Delete"] {
        assert_malformed_mentioning(
            without(event(request_type), "PhysicalResourceId"),
            "PhysicalResourceId",
        );
    }
}

/// Events that must be refused, each still carrying the signed ResponseURL
/// somewhere: every required field missing in turn, every string field of
/// the wrong type (holding the URL).
fn broken_events() -> Vec<Value> {
    let mut broken = Vec::new();
    for request_type in ["Create", "Update", "Delete"] {
        // With a ResponseURL these identify the request; ResourceType is never
        // read, and missing properties are answered FAILED, not refused.
        let mut required = vec!["RequestType", "StackId", "RequestId", "LogicalResourceId"];
        let mut strings = vec!["StackId", "RequestId", "LogicalResourceId", "ResponseURL"];
        if request_type != "Create" {
            required.push("PhysicalResourceId");
            strings.push("PhysicalResourceId");
        }
        broken.extend(
            required
                .into_iter()
                .map(|field| without(event(request_type), field)),
        );
        for field in strings {
            let mut wrong_type = event(request_type);
            wrong_type[field] = json!({"url": [response_url()]});
            broken.push(wrong_type);
        }
    }
    broken
}

#[test]
fn no_event_error_shows_the_response_url_signature() {
    for event in broken_events() {
        let text = match CustomResourceRequest::from_event(event.clone(), INVOCATION) {
            Ok(request) => panic!("{event} was read as {request:?}"),
            Err(error) => error.to_string(),
        };
        assert!(
            !text.contains(SIGNATURE) && !text.contains("X-Amz-"),
            "{text}"
        );
    }
}

// ---- identities ----

#[test]
fn request_tag_is_stack_guid_and_request_id() {
    assert_eq!(
        request(STACK_ID, REQUEST_ID).request_tag(),
        format!("{STACK_GUID}/{REQUEST_ID}")
    );
}

#[test]
fn request_identities_are_stable_for_the_same_request_and_differ_for_another() {
    let first = request(STACK_ID, REQUEST_ID);
    let redelivered = read(event("Create"));
    assert_eq!(first.request_tag(), redelivered.request_tag());
    assert_eq!(first.failed_create_id(), redelivered.failed_create_id());

    let other = request(STACK_ID, "11111111-2222-3333-4444-555555555555");
    assert_ne!(first.request_tag(), other.request_tag());
    assert_ne!(first.failed_create_id(), other.failed_create_id());

    // A stack of the same name, created again.
    let other_stack = request(
        &STACK_ID.replace(STACK_GUID, "ffffffff-5a4d-11ef-9c1e-0a1b2c3d4e5f"),
        REQUEST_ID,
    );
    assert_ne!(first.request_tag(), other_stack.request_tag());
}

#[test]
fn failed_create_id_classifies_back_to_its_request_tag() {
    let request = request(STACK_ID, REQUEST_ID);
    let id = request.failed_create_id();
    assert!(id.starts_with("CreateFailed/"), "{id}");
    assert_eq!(
        PhysicalId::classify(&id),
        PhysicalId::FailedCreate {
            request_tag: &request.request_tag()
        }
    );
}

#[test]
fn redacted_response_url_drops_the_query() {
    let request = request(STACK_ID, REQUEST_ID);
    assert_eq!(request.redacted_response_url(), Some(url_path().as_ref()));

    let mut plain = request.clone();
    plain.requester.response_url = Some(url_path());
    assert_eq!(plain.redacted_response_url(), Some(url_path().as_ref()));

    let mut fragment = request;
    fragment.requester.response_url = Some(format!("{}#X-Amz-Signature={SIGNATURE}", url_path()));
    assert_eq!(fragment.redacted_response_url(), Some(url_path().as_ref()));
}

// ---- PhysicalId ----

#[test]
fn pool_ids_classify_as_pools() {
    for (id, region) in [
        (POOL_ID, "us-east-1"),
        (
            "eu-west-2:7a1b2c3d-0000-4fff-8aaa-bbbbccccdddd",
            "eu-west-2",
        ),
        (
            "us-gov-west-1:0c5e2a4b-1234-4cde-8f00-123456789abc",
            "us-gov-west-1",
        ),
    ] {
        let PhysicalId::Pool(pool) = PhysicalId::classify(id) else {
            panic!("{id:?} is a pool id");
        };
        assert_eq!((pool.as_str(), pool.region()), (id, region));
    }
    let longest = format!("us-east-1:{}", "a".repeat(45));
    assert_eq!(longest.len(), 55);
    assert!(matches!(
        PhysicalId::classify(&longest),
        PhysicalId::Pool { .. }
    ));
}

#[test]
fn the_failed_create_placeholder_classifies_as_such() {
    assert_eq!(
        PhysicalId::classify("CreateFailed/0c5e2a4b/d8e6a2b0"),
        PhysicalId::FailedCreate {
            request_tag: "0c5e2a4b/d8e6a2b0"
        }
    );
}

#[test]
fn anything_else_classifies_as_other() {
    let too_long = format!("us-east-1:{}", "a".repeat(46));
    for id in [
        "",
        "CreateFailed",
        "us-east-1:0C5E2A4B-1234-4CDE-8F00-123456789ABC",
        &too_long,
        "0c5e2a4b-1234-4cde-8f00-123456789abc",
        ":0c5e2a4b",
        "us-east-1:",
        "us east-1:0c5e2a4b",
        "us-east-1:0c5e2a4b:1234",
        "2025/01/01/[$LATEST]0123456789abcdef",
    ] {
        assert_eq!(PhysicalId::classify(id), PhysicalId::Other, "{id:?}");
    }
}

proptest! {
    #[test]
    fn no_failed_create_id_is_a_pool(stack_id in ".{0,80}", request_id in ".{0,60}") {
        let request = request(&stack_id, &request_id);
        let id = request.failed_create_id();
        let tag = request.request_tag();
        prop_assert_eq!(PhysicalId::classify(&id), PhysicalId::FailedCreate { request_tag: &tag });
    }
}

#[test]
fn a_direct_request_id_with_a_slash_is_refused_but_one_with_a_stack_is_not() {
    let mut direct = without(without(event("Create"), "ResponseURL"), "StackId");
    direct["RequestId"] = json!("job/42");
    assert_malformed_mentioning(direct.clone(), "RequestId \"job/42\" has a '/'");

    direct["StackId"] = json!(STACK_ID);
    assert_eq!(read(direct).requester.request_id, "job/42");
}

#[test]
fn overlong_echoed_fields_are_refused() {
    for (field, length) in [
        ("StackId", 1025),
        ("RequestId", 129),
        ("LogicalResourceId", 256),
        ("PhysicalResourceId", 1025),
    ] {
        let mut long = event("Update");
        long[field] = json!("a".repeat(length));
        assert_malformed_mentioning(long, field);
    }
}

#[test]
fn the_longest_fields_allowed_still_leave_an_answer_within_4096_bytes() {
    let mut longest = event("Update");
    let stack_prefix = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/";
    longest["StackId"] = json!(format!(
        "{stack_prefix}{}",
        "g".repeat(1024 - stack_prefix.len())
    ));
    longest["RequestId"] = json!("r".repeat(128));
    longest["LogicalResourceId"] = json!("L".repeat(255));
    longest["PhysicalResourceId"] = json!("p".repeat(1024));
    let request = read(longest);
    assert!(request.request_tag().chars().count() <= 256);
    let error = crate::error::ProviderError::NotAPoolId("x".repeat(10_000));
    for id in [request.failed_create_id(), "p".repeat(1024)] {
        let body = crate::response::Answer::failed(id, &error).to_body(&request.requester);
        assert!(
            body.len() <= crate::response::MAX_BODY_BYTES,
            "{} bytes",
            body.len()
        );
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert!(
            parsed["Reason"]
                .as_str()
                .unwrap()
                .starts_with("PhysicalResourceId")
        );
    }
}

// ---- who answers CloudFormation ----

const FRAMEWORK_FUNCTION: &str =
    "arn:aws:lambda:us-east-1:123456789012:function:Stack-ProviderframeworkonEvent-AbC123";

/// `event("Create")` with `ResponseURL` and the properties' `ServiceToken` replaced.
fn invoked_with(response_url: &str, service_token: &str) -> Value {
    let mut event = event("Create");
    event["ResponseURL"] = json!(response_url);
    event["ResourceProperties"]["ServiceToken"] = json!(service_token);
    event
}

#[test]
fn cloudformation_invoking_this_function_is_answered_at_the_response_url() {
    for own in [
        SERVICE_TOKEN.to_owned(),
        format!("{SERVICE_TOKEN}:live"),
        format!("{SERVICE_TOKEN}:7"),
    ] {
        let request = read(invoked_with(&response_url(), &own));
        assert!(!request.answered_by_invoker, "{own}");
    }
    assert!(!read(without(event("Create"), "ResponseURL")).answered_by_invoker);
}

#[test]
fn cdk_provider_framework_passing_a_placeholder_url_answers_itself() {
    for url in ["...", "not a url", "s3://bucket/key", "file:///tmp/x"] {
        let request = read(invoked_with(url, SERVICE_TOKEN));
        assert!(request.answered_by_invoker, "{url:?}");
    }
}

#[test]
fn a_service_token_naming_another_function_means_that_function_answers() {
    let request = read(invoked_with(&response_url(), FRAMEWORK_FUNCTION));
    assert!(request.answered_by_invoker);
}

#[test]
fn an_own_arn_that_names_no_function_never_assumes_a_framework() {
    let emulator = Invocation {
        request_id: "emulated",
        function_arn: "function-arn",
    };
    let request = CustomResourceRequest::from_event(
        invoked_with(&response_url(), FRAMEWORK_FUNCTION),
        emulator,
    )
    .unwrap();
    assert!(!request.answered_by_invoker);
    let sns_token = "arn:aws:sns:us-east-1:123456789012:identity-pool-provider";
    assert!(!read(invoked_with(&response_url(), sns_token)).answered_by_invoker);
}
