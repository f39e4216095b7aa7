use super::*;

#[test]
fn an_epoch_deadline_gives_the_time_until_it() {
    let in_a_minute = SystemTime::now() + Duration::from_secs(60);
    let ms = in_a_minute.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let left = time_left(ms);
    assert!(
        left > Duration::from_secs(58) && left <= Duration::from_secs(60),
        "{left:?}"
    );
    assert_eq!(
        time_left(ms - 120_000),
        Duration::ZERO,
        "a deadline passed leaves nothing"
    );
}

#[test]
fn a_bare_timeout_as_cargo_lambda_sends_it_is_the_time_left() {
    assert_eq!(time_left(600_000), Duration::from_secs(600));
}

mod invocations {
    use aws_sdk_cognitoidentity::Client;
    use aws_sdk_cognitoidentity::operation::list_identity_pools::ListIdentityPoolsOutput;
    use aws_smithy_mocks::{Rule, mock};
    use lambda_runtime::Context;
    use serde_json::json;

    use super::*;
    use crate::test_support::{provider, response_sender};

    /// A handler whose Cognito calls `rules` answer; direct invocations
    /// only, so the answer is the invocation's result.
    pub(super) fn handler(rules: &[&Rule]) -> Handler {
        Handler::new(provider(rules), response_sender())
    }

    pub(super) fn invocation(payload: Value) -> LambdaEvent<Value> {
        let mut context = Context::default();
        context.request_id = "invocation-1".to_owned();
        context.invoked_function_arn =
            "arn:aws:lambda:us-east-1:123456789012:function:provider".to_owned();
        let deadline = SystemTime::now() + Duration::from_secs(10);
        context.deadline = deadline.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        LambdaEvent::new(payload, context)
    }

    fn create() -> Value {
        json!({
            "RequestType": "Create",
            "RequestId": "create-1",
            "ResourceProperties": {"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": "false"}
        })
    }

    #[tokio::test]
    async fn a_panic_while_handling_is_answered_failed_and_the_next_event_is_served() {
        let panicking = mock!(aws_sdk_resourcegroupstagging::Client::get_resources)
            .then_output(|| panic!("boom"));
        let handler = handler(&[&panicking]);

        let answer = handler
            .handle(invocation(create()))
            .await
            .expect("answered");

        assert_eq!(answer["Status"], "FAILED");
        let reason = answer["Reason"].as_str().unwrap();
        assert!(
            reason.contains("panicked while GetResources: boom"),
            "{reason}"
        );
        assert_eq!(
            answer["PhysicalResourceId"], "CreateFailed/create-1",
            "a request without StackId is named by its RequestId alone"
        );
        assert!(
            answer.get("StackId").is_none(),
            "no empty StackId is echoed: {answer}"
        );
        let next = handler
            .handle(invocation(
                json!({"RequestType": "Delete", "PhysicalResourceId": "not-a-pool"}),
            ))
            .await
            .expect("the next event is served");
        assert_eq!(next["Status"], "SUCCESS");
    }

    #[tokio::test]
    async fn an_event_that_is_no_request_is_an_invocation_error_named_invalid_event() {
        let handler = handler(&[]);
        let error = handler
            .handle(invocation(json!({"hello": "world"})))
            .await
            .expect_err("nothing to answer");
        let diagnostic = Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "InvalidEvent");
        assert!(diagnostic.error_message.contains("no RequestType"));
    }

    #[tokio::test]
    async fn an_sns_notification_of_two_requests_answers_both() {
        let list = mock!(Client::list_identity_pools)
            .then_output(|| ListIdentityPoolsOutput::builder().build());
        let handler = handler(&[&list]);
        let delete = json!({"RequestType": "Delete", "PhysicalResourceId": "not-a-pool"});
        let record = json!({"EventSource": "aws:sns", "Sns": {"Message": delete.to_string()}});

        let answers = handler
            .handle(invocation(json!({"Records": [record.clone(), record]})))
            .await
            .expect("answered");

        let answers = answers.as_array().expect("one answer per record");
        assert_eq!(answers.len(), 2);
        assert!(answers.iter().all(|a| a["Status"] == "SUCCESS"));
    }
}

mod invoker_answers {
    use aws_sdk_cognitoidentity::Client;
    use aws_sdk_cognitoidentity::operation::create_identity_pool::CreateIdentityPoolOutput;
    use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesOutput;
    use aws_smithy_mocks::mock;
    use serde_json::json;

    use super::invocations::{handler, invocation};
    use super::*;

    use crate::test_support::POOL_ID;

    /// A Create as CDK's Provider framework passes it on: `"..."` for the URL.
    fn framework_create(properties: Value) -> Value {
        json!({
            "RequestType": "Create",
            "ResponseURL": "...",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d",
            "RequestId": "create-1",
            "LogicalResourceId": "Pool",
            "ResourceType": "Custom::IdentityPool",
            "ResourceProperties": properties,
        })
    }

    #[tokio::test]
    async fn success_is_returned_as_the_id_and_data_the_framework_reads() {
        let tagged = mock!(aws_sdk_resourcegroupstagging::Client::get_resources)
            .then_output(|| GetResourcesOutput::builder().build());
        let create = mock!(Client::create_identity_pool).then_output(|| {
            CreateIdentityPoolOutput::builder()
                .identity_pool_id(POOL_ID)
                .identity_pool_name("p")
                .allow_unauthenticated_identities(false)
                .build()
                .unwrap()
        });
        let handler = handler(&[&tagged, &create]);
        let properties =
            json!({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": "false"});

        let result = handler
            .handle(invocation(framework_create(properties)))
            .await
            .expect("a success is a value");

        assert_eq!(result["PhysicalResourceId"], POOL_ID);
        assert_eq!(result["Data"]["IdentityPoolId"], POOL_ID);
        assert!(
            result.get("Status").is_none(),
            "only what the framework reads: {result}"
        );
    }

    #[tokio::test]
    async fn failure_fails_the_invocation_with_the_reason_as_its_message() {
        let handler = handler(&[]);
        let properties = json!({"IdentityPoolName": "p"});

        let error = handler
            .handle(invocation(framework_create(properties)))
            .await
            .expect_err("a FAILED answer is never returned as a value");

        let diagnostic = Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "CustomResourceFailed");
        assert!(
            diagnostic.error_message.starts_with("Invalid properties: ")
                && diagnostic
                    .error_message
                    .contains("AllowUnauthenticatedIdentities"),
            "{}",
            diagnostic.error_message
        );
    }
}

#[test]
fn the_delivery_reserve_is_a_third_of_the_time_left_at_most_five_seconds() {
    assert_eq!(
        delivery_reserve(Duration::from_secs(3)),
        Duration::from_secs(1)
    );
    assert_eq!(
        delivery_reserve(Duration::from_secs(60)),
        Duration::from_secs(5)
    );
}
