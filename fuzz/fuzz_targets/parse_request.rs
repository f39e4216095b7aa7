//! Raw event bytes → the request envelope → the pool properties → the answer body.
//!
//! This is the path every Lambda invocation takes before any Cognito call, so it
//! must never panic and must always yield an answer CloudFormation accepts. The
//! event goes the handler's way: SNS records unwrapped, then each request read
//! with the invocation's own ids.

#![no_main]

#[path = "checks.rs"]
mod checks;

use std::collections::BTreeMap;

use identity_pool_provider::error::ProviderError;
use identity_pool_provider::domain::PoolSpec;
use identity_pool_provider::request::{
    CustomResourceRequest, Invocation, PhysicalId, RequestKind, unwrap_sns,
};
use identity_pool_provider::response::{Answer, MAX_BODY_BYTES};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The pool id a successful Create would answer with, when the request has none.
const SOME_POOL_ID: &str = "us-east-1:0b7c2f3e-1a2b-4c5d-8e9f-0123456789ab";

const INVOCATION: Invocation<'static> = Invocation {
    request_id: "6f1f4b1e-2a3b-4c5d-9e8f-7a6b5c4d3e2f",
    function_arn: "arn:aws:lambda:us-east-1:123456789012:function:identity-pool-provider",
};

fuzz_target!(|data: &[u8]| {
    let Ok(event) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Ok(requests) = unwrap_sns(event) else {
        return;
    };
    for request in requests {
        if let Ok(request) = CustomResourceRequest::from_event(request, INVOCATION) {
            check(&request);
        }
    }
});

fn check(request: &CustomResourceRequest) {
    let _ = request.request_type();
    if let Some(url) = &request.requester.response_url {
        assert!(
            !url.is_empty(),
            "a request with an empty ResponseURL was accepted"
        );
        let redacted = request.redacted_response_url().expect("a URL to redact");
        assert!(
            !redacted.contains(['?', '#']),
            "redacted URL keeps its query: {redacted:?}"
        );
    }

    // The failed-Create placeholder is never taken for a pool id, and gives its
    // request tag back.
    let tag = request.request_tag();
    let failed_id = request.failed_create_id();
    assert_eq!(
        PhysicalId::classify(&failed_id),
        PhysicalId::FailedCreate { request_tag: &tag },
        "failed-Create id {failed_id:?} does not classify as its own placeholder"
    );

    let classified = request.physical_resource_id().map(PhysicalId::classify);
    if let Some(PhysicalId::Pool(pool)) = &classified {
        let (id, region) = (pool.as_str(), pool.region());
        assert_eq!(Some(id), request.physical_resource_id());
        assert!(!region.is_empty() && id.starts_with(region) && id.len() <= 55);
    }

    // The id the answer carries, as the provider picks it.
    let answer_id = match &request.kind {
        RequestKind::Create => failed_id.clone(),
        RequestKind::Update {
            physical_resource_id,
        }
        | RequestKind::Delete {
            physical_resource_id,
        } => physical_resource_id.clone(),
    };

    let mut answers = Vec::new();
    match PoolSpec::from_properties(&request.properties, request.name_source()) {
        Ok(spec) => {
            let pool_id = match &classified {
                Some(PhysicalId::Pool(pool)) => pool.to_string(),
                _ => SOME_POOL_ID.to_owned(),
            };
            let region = pool_id.split(':').next().unwrap_or_default().to_owned();
            let data = BTreeMap::from([
                ("IdentityPoolId".to_owned(), pool_id.clone()),
                ("Name".to_owned(), spec.config.name.clone()),
                (
                    "Arn".to_owned(),
                    format!(
                        "arn:aws:cognito-identity:{region}:123456789012:identitypool/{pool_id}"
                    ),
                ),
            ]);
            answers.push(Answer::success(pool_id, data));
            if let Some(PhysicalId::Other | PhysicalId::FailedCreate { .. }) = &classified {
                if matches!(request.kind, RequestKind::Update { .. }) {
                    answers.push(Answer::failed(
                        answer_id.clone(),
                        &ProviderError::NotAPoolId(answer_id.clone()),
                    ));
                }
            }
        }
        Err(errors) => {
            checks::check_property_errors(&errors);
            answers.push(Answer::failed(
                answer_id.clone(),
                &ProviderError::InvalidProperties(errors),
            ));
        }
    }

    for answer in &answers {
        let body = answer.to_body(&request.requester);
        assert!(
            body.len() <= MAX_BODY_BYTES,
            "{} body is {} bytes, over the {MAX_BODY_BYTES}-byte limit (PhysicalResourceId {} bytes, StackId {} bytes, RequestId {} bytes, LogicalResourceId {} bytes)",
            answer.status(),
            body.len(),
            answer.physical_resource_id.len(),
            request.requester.stack_id.len(),
            request.requester.request_id.len(),
            request.requester.logical_resource_id.len(),
        );
        let parsed: Value = serde_json::from_slice(&body).expect("the body is JSON");
        let status = parsed.get("Status").and_then(Value::as_str);
        assert!(
            matches!(status, Some("SUCCESS" | "FAILED")),
            "bad Status {status:?}"
        );
    }
}
