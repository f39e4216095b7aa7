//! What the tests share: the requests CloudFormation sends, Cognito's answers,
//! mock clients at the SDK's seam (`aws-smithy-mocks`) that note every request
//! on the wire, and [`run`], which carries one request out on them.

use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentity::Client;
use aws_sdk_cognitoidentity::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_cognitoidentity::config::{ConfigBag, Intercept, Region, RuntimeComponents};
use aws_sdk_cognitoidentity::error::BoxError;
use aws_sdk_cognitoidentity::operation::create_identity_pool::CreateIdentityPoolOutput;
use aws_sdk_cognitoidentity::operation::describe_identity_pool::DescribeIdentityPoolOutput;
use aws_sdk_cognitoidentity::operation::list_identity_pools::ListIdentityPoolsOutput;
use aws_sdk_cognitoidentity::types::{CognitoIdentityProvider, IdentityPoolShortDescription};
use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesOutput;
use aws_sdk_resourcegroupstagging::types::ResourceTagMapping;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use serde_json::{Value, json};

use crate::cognito::{RegionClients, RegionalClients};
use crate::domain::PoolId;
use crate::journal::Journal;
use crate::provider::Provider;
use crate::request::{CustomResourceRequest, Invocation};
use crate::response::{Answer, ResponseSender};
use crate::trust::{Roots, TrustRoots};

/// The stack every test request comes from: its name, the guid that ends its
/// id, and the id (see `the_fixtures_agree`).
pub const STACK_NAME: &str = "demo";
pub const STACK_GUID: &str = "8e2f1b40-5a4d-11ef-9c1e-0a1b2c3d4e5f";
pub const STACK_ID: &str =
    "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/8e2f1b40-5a4d-11ef-9c1e-0a1b2c3d4e5f";
/// The request tag of every [`request`]: the stack's guid and the request's id.
pub const REQUEST_TAG: &str = "8e2f1b40-5a4d-11ef-9c1e-0a1b2c3d4e5f/req-1";
/// The pool the tests' stack owns, its ARN, and the pool an adoption names.
pub const POOL_ID: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
pub const POOL_ARN: &str = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:11111111-2222-3333-4444-555555555555";
pub const NEW_POOL_ID: &str = "us-east-1:99999999-8888-7777-6666-555555555555";

/// The roles a template hands out.
pub const AUTH_ROLE: &str = "arn:aws:iam::123456789012:role/identity-authenticated";
pub const UNAUTH_ROLE: &str = "arn:aws:iam::123456789012:role/identity-unauthenticated";
pub const ADMIN_ROLE: &str = "arn:aws:iam::123456789012:role/identity-admin";
/// A Lambda function a template names as its Cognito Sync trigger.
pub const SYNC_TRIGGER: &str = "arn:aws:lambda:us-east-1:123456789012:function:sync-trigger";
/// The user pool a template configures, and its app client `client1` as a role
/// mapping names it.
pub const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";
pub const USER_POOL_CLIENT: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc:client1";

/// A map of strings, as tags, roles and answer data are.
pub fn string_map<M: FromIterator<(String, String)>>(pairs: &[(&str, &str)]) -> M {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A request as CloudFormation sends it: every scalar a string.
pub fn request(
    request_type: &str,
    physical_id: Option<&str>,
    properties: Value,
) -> CustomResourceRequest {
    request_with_old(request_type, physical_id, properties, json!({}))
}

/// An Update whose `OldResourceProperties` are `old_properties`.
pub fn update_request(
    physical_id: &str,
    properties: Value,
    old_properties: Value,
) -> CustomResourceRequest {
    request_with_old("Update", Some(physical_id), properties, old_properties)
}

/// A request as CloudFormation sends it; an Update carries `old_properties` as
/// its `OldResourceProperties`.
pub fn request_with_old(
    request_type: &str,
    physical_id: Option<&str>,
    properties: Value,
    old_properties: Value,
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
        event["OldResourceProperties"] = old_properties;
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

pub fn properties() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:provider",
        "IdentityPoolName": "demo_pool",
        "AllowUnauthenticatedIdentities": "false",
        "AllowClassicFlow": "true",
        "SupportedLoginProviders": {"graph.facebook.com": "7346241598935555"},
        "CognitoIdentityProviders": [{
            "ProviderName": USER_POOL,
            "ClientId": "client1",
            "ServerSideTokenCheck": "true"
        }],
        "IdentityPoolTags": [{"Key": "team", "Value": "identity"}]
    })
}

/// The pool Cognito describes, configured exactly as `properties()` asks.
pub fn described(id: &str, tags: &[(&str, &str)]) -> DescribeIdentityPoolOutput {
    DescribeIdentityPoolOutput::builder()
        .identity_pool_id(id)
        .identity_pool_name("demo_pool")
        .allow_unauthenticated_identities(false)
        .allow_classic_flow(true)
        .supported_login_providers("graph.facebook.com", "7346241598935555")
        .cognito_identity_providers(
            CognitoIdentityProvider::builder()
                .provider_name(USER_POOL)
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

pub fn describe_returns(output: DescribeIdentityPoolOutput) -> Rule {
    mock!(Client::describe_identity_pool).then_output(move || output.clone())
}

pub fn describe_not_found() -> Rule {
    mock!(Client::describe_identity_pool)
        .sequence()
        .http_status(
            400,
            aws_error("ResourceNotFoundException", "IdentityPool 'x' not found."),
        )
        .build()
}

pub fn list_returns(pools: &[(&str, &str)]) -> Rule {
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

/// GetResources' answer: these pools carry the request tag.
pub fn tagged_output(pool_ids: &[&str]) -> GetResourcesOutput {
    GetResourcesOutput::builder()
        .set_resource_tag_mapping_list(Some(
            pool_ids
                .iter()
                .map(|id| {
                    ResourceTagMapping::builder()
                        .resource_arn(format!(
                            "arn:aws:cognito-identity:{}:123456789012:identitypool/{id}",
                            PoolId::parse(id).expect("a pool id").region()
                        ))
                        .build()
                })
                .collect(),
        ))
        .build()
}

/// The tagging index, listing these pools for any tag asked.
pub fn tagged_returns(pool_ids: &[&str]) -> Rule {
    let output = tagged_output(pool_ids);
    mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_output(move || output.clone())
}

/// The tagging index refusing the function's role.
pub fn tagging_refused() -> Rule {
    mock!(aws_sdk_resourcegroupstagging::Client::get_resources)
        .sequence()
        .http_status(
            400,
            aws_error(
                "AccessDeniedException",
                "not authorized to perform: tag:GetResources",
            ),
        )
        .build()
}

/// The body of an AWS JSON-protocol error answer (HTTP 400) with this code.
pub fn aws_error(code: &str, message: &str) -> Option<String> {
    Some(json!({"__type": code, "message": message}).to_string())
}

/// A rule that records every input it receives and answers `output`.
pub fn recording<I: Clone + Send + 'static, O: Clone + Send + Sync + 'static>(
    seen: &Arc<Mutex<Vec<I>>>,
    output: O,
) -> impl Fn(&I) -> O + Send + Sync + 'static {
    let seen = seen.clone();
    move |input| {
        seen.lock().unwrap().push(input.clone());
        output.clone()
    }
}

pub fn recorded<I>() -> Inputs<I> {
    Arc::new(Mutex::new(Vec::new()))
}

/// What a recording rule received, in order.
pub type Inputs<I> = Arc<Mutex<Vec<I>>>;

/// The one input a recording rule received: it must have received exactly one.
pub fn only_input<I: Clone + std::fmt::Debug>(seen: &Inputs<I>) -> I {
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    seen[0].clone()
}

pub fn created_output(id: &str) -> CreateIdentityPoolOutput {
    CreateIdentityPoolOutput::builder()
        .identity_pool_id(id)
        .identity_pool_name("demo_pool")
        .allow_unauthenticated_identities(false)
        .build()
        .expect("complete output")
}

pub fn provider(rules: &[&Rule]) -> Provider {
    provider_on(rules, &Wire::default())
}

/// A provider whose calls `rules` answer and `wire` records.
pub fn provider_on(rules: &[&Rule], wire: &Wire) -> Provider {
    Provider::new(RegionalClients::new(clients(rules, wire)))
}

/// Home-region clients whose Cognito Identity and tagging calls the `rules`
/// answer, each of those calls also noted on `wire`. The Cognito Sync
/// client answers nothing.
pub fn clients(rules: &[&Rule], wire: &Wire) -> RegionClients {
    let (wire, tagging_wire) = (wire.clone(), wire.clone());
    let no_rules: &[&Rule] = &[];
    RegionClients {
        identity: mock_client!(
            aws_sdk_cognitoidentity,
            RuleMode::MatchAny,
            rules,
            move |conf| conf.interceptor(wire.clone())
        ),
        sync: mock_client!(aws_sdk_cognitosync, RuleMode::MatchAny, no_rules).into(),
        tagging: mock_client!(
            aws_sdk_resourcegroupstagging,
            RuleMode::MatchAny,
            rules,
            move |conf| conf.interceptor(tagging_wire.clone())
        ),
    }
}

/// What reached the wire: every Cognito Identity request a client sent, in order.
#[derive(Debug, Clone, Default)]
pub struct Wire(Arc<Mutex<Vec<Sent>>>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `CreateIdentityPool`, from the request's X-Amz-Target.
    pub operation: String,
    /// The endpoint the request went to, which names its region.
    pub host: String,
    /// Tells clients apart: where the region sits in the sending client's own
    /// frozen configuration. Every call through one client shares it; a client
    /// built again, even identically, does not.
    pub client: usize,
}

impl Wire {
    pub fn sent(&self) -> Vec<Sent> {
        self.0.lock().unwrap().clone()
    }

    /// (operation, host) of each request, in order.
    pub fn calls(&self) -> Vec<(String, String)> {
        self.sent()
            .into_iter()
            .map(|sent| (sent.operation, sent.host))
            .collect()
    }
}

impl Intercept for Wire {
    fn name(&self) -> &'static str {
        "Wire"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default()
            .to_owned();
        let host = request
            .uri()
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_owned();
        let client = cfg
            .load::<Region>()
            .map_or(0, |region| std::ptr::from_ref(region) as usize);
        self.0.lock().unwrap().push(Sent {
            operation,
            host,
            client,
        });
        Ok(())
    }
}

pub fn call(operation: &str, host: &str) -> (String, String) {
    (operation.to_owned(), host.to_owned())
}

/// Carries `request` out on a provider whose calls `rules` answer, with a
/// journal of its own: the answer, and the journal, which says which calls
/// were made.
pub async fn run(rules: &[&Rule], request: &CustomResourceRequest) -> (Answer, Journal) {
    provider(rules).run(request).await
}

/// The physical id of `answer`, which must be SUCCESS.
pub fn success_id(answer: &Answer) -> &str {
    assert!(answer.outcome.is_ok(), "{answer:?}");
    &answer.physical_resource_id
}

/// The `Fn::GetAtt` attribute `name` of `answer`, which must be SUCCESS.
pub fn attribute(answer: &Answer, name: &str) -> String {
    let data = answer.outcome.as_ref().expect("SUCCESS");
    let value = data.get(name).cloned();
    value.unwrap_or_else(|| panic!("no attribute {name} in {data:?}"))
}

/// The Reason of `answer`, which must be FAILED and name `physical_resource_id`.
pub fn failure_reason(answer: Answer, physical_resource_id: &str) -> String {
    assert_eq!(answer.physical_resource_id, physical_resource_id);
    answer.outcome.expect_err("FAILED")
}

impl Provider {
    /// Carries `request` out with a journal of its own: the answer, and the
    /// journal, which says which calls were made.
    pub async fn run(&self, request: &CustomResourceRequest) -> (Answer, Journal) {
        let journal = Journal::default();
        let answer = self.carry_out(request, &journal).await;
        (answer, journal)
    }
}

/// The sender of answers, trusting no roots: the tests' receivers speak plain http.
pub fn response_sender() -> ResponseSender {
    let tls = Roots::of(TrustRoots::from_certs(Vec::new()))
        .rustls_config()
        .unwrap();
    ResponseSender::new(tls).unwrap()
}

/// Reads `extra` with the one required property added, as a template names it.
pub fn parse_with_required(
    extra: Value,
) -> Result<crate::domain::PoolSpec, Vec<crate::properties::PropertyError>> {
    let mut properties = json!({"AllowUnauthenticatedIdentities": "false"});
    properties
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    crate::domain::PoolSpec::from_properties(
        &properties,
        crate::properties::NameSource {
            stack_id: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid",
            logical_resource_id: "Pool",
        },
    )
}

/// The constants that restate another one say the same: the stack's id ends in
/// its name and guid, the request tag is that guid and [`request`]'s id, the
/// pool's ARN and the user pool client name the pool and the user pool.
#[test]
fn the_fixtures_agree() {
    assert_eq!(
        STACK_ID,
        format!("arn:aws:cloudformation:us-east-1:123456789012:stack/{STACK_NAME}/{STACK_GUID}")
    );
    assert_eq!(REQUEST_TAG, format!("{STACK_GUID}/req-1"));
    assert_eq!(
        request("Create", None, properties()).request_tag(),
        REQUEST_TAG
    );
    assert_eq!(
        POOL_ARN,
        format!("arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{POOL_ID}")
    );
    assert_eq!(USER_POOL_CLIENT, format!("{USER_POOL}:client1"));
}
