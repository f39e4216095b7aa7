//! The event → typed custom-resource requests.
//!
//! The runtime hands the handler a bare `serde_json::Value` on purpose: a typed
//! `LambdaEvent<…>` that fails to deserialize never reaches the handler, and then
//! nobody answers CloudFormation (docs/design.md#parse-the-envelope-first). Here
//! the envelope is read first; the pool properties are read later, by the
//! provider, so that even a request with malformed properties gets a FAILED
//! answer at its ResponseURL.
//!
//! Three shapes arrive: a request from CloudFormation (with a ResponseURL), the
//! same request wrapped in SNS records (an SNS-backed custom resource), and a
//! request invoked directly by a script, a state machine or a pipe, with no
//! ResponseURL, whose answer is the invocation's result.

use serde::Deserialize;
use serde_json::Value;

use crate::domain::PoolId;
use crate::idempotency;
use crate::properties::{Arn, NameSource};

/// Who the answer goes to and what it must echo back verbatim
/// (docs/design.md#the-response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    /// Where to PUT the answer; `None` for a direct invocation, whose answer is
    /// the invocation's result instead.
    pub response_url: Option<String>,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
}

/// What CloudFormation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestKind {
    Create,
    Update { physical_resource_id: String },
    Delete { physical_resource_id: String },
}

/// One custom-resource request, envelope read, properties not yet.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomResourceRequest {
    pub requester: Requester,
    pub kind: RequestKind,
    pub properties: Value,
    /// An Update's previous properties (null otherwise): only consulted to know
    /// which roles and principal tags the template used to manage.
    pub old_properties: Value,
    /// The function's own ARN: names the partition and account of a pool's ARN
    /// when a direct invocation carries no StackId.
    pub function_arn: String,
    /// The invoker answers CloudFormation itself and takes the invocation's
    /// result as the answer, as CDK's Provider framework does (see
    /// docs/design.md#under-the-cdk-provider-framework for how it is told
    /// apart): nothing is PUT to the ResponseURL.
    pub answered_by_invoker: bool,
}

/// An event that is no custom-resource request: there is nothing to answer, so it
/// becomes an invocation error. Its text never carries the ResponseURL, whose
/// query string is a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error(
        "not a CloudFormation custom-resource request: the event has no RequestType (expected Create, Update or Delete)"
    )]
    NoRequestType,
    #[error("not a valid CloudFormation custom-resource request: {0}")]
    Malformed(String),
}

/// The invocation an event came with, for what a direct request may leave out.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    /// Lambda's id of this invocation: a direct request without `RequestId`
    /// is identified by it (an async retry of the same event keeps it).
    pub request_id: &'a str,
    pub function_arn: &'a str,
}

/// The envelope as it arrives: everything optional, so that what is missing
/// can be named in the error rather than lost in a deserializer's message.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    request_type: Value,
    #[serde(rename = "ResponseURL")]
    response_url: Option<String>,
    stack_id: Option<String>,
    request_id: Option<String>,
    logical_resource_id: Option<String>,
    physical_resource_id: Option<String>,
    #[serde(default)]
    resource_properties: Value,
    #[serde(default)]
    old_resource_properties: Value,
}

impl Envelope {
    /// What is asked for; an Update or a Delete names the resource's id.
    fn kind(&self) -> Result<RequestKind, EventError> {
        let physical_resource_id = || {
            self.physical_resource_id
                .clone()
                .filter(|id| !id.is_empty())
                .ok_or_else(|| missing("PhysicalResourceId"))
        };
        match self.request_type.as_str() {
            Some("Create") => Ok(RequestKind::Create),
            Some("Update") => Ok(RequestKind::Update {
                physical_resource_id: physical_resource_id()?,
            }),
            Some("Delete") => Ok(RequestKind::Delete {
                physical_resource_id: physical_resource_id()?,
            }),
            _ => Err(EventError::Malformed(format!(
                "RequestType must be Create, Update or Delete, got {}",
                crate::properties::shown(&self.request_type)
            ))),
        }
    }

    /// Who the answer goes to. CloudFormation's requests carry every field; a
    /// direct invocation (no ResponseURL) may leave them out: its RequestId is
    /// then Lambda's, and its logical id [`DIRECT_LOGICAL_ID`].
    fn requester(&mut self, invocation: Invocation<'_>) -> Result<Requester, EventError> {
        match self.response_url.take() {
            Some(url) if url.is_empty() => Err(missing("ResponseURL")),
            Some(url) => Ok(Requester {
                response_url: Some(url),
                stack_id: self.stack_id.take().ok_or_else(|| missing("StackId"))?,
                request_id: self.request_id.take().ok_or_else(|| missing("RequestId"))?,
                logical_resource_id: self
                    .logical_resource_id
                    .take()
                    .ok_or_else(|| missing("LogicalResourceId"))?,
            }),
            None => Ok(Requester {
                response_url: None,
                stack_id: self.stack_id.take().unwrap_or_default(),
                request_id: self
                    .request_id
                    .take()
                    .unwrap_or_else(|| invocation.request_id.to_owned()),
                logical_resource_id: self
                    .logical_resource_id
                    .take()
                    .unwrap_or_else(|| DIRECT_LOGICAL_ID.to_owned()),
            }),
        }
    }
}

/// The logical id a direct request without one is given (it names the pool
/// when `IdentityPoolName` is absent).
const DIRECT_LOGICAL_ID: &str = "IdentityPool";

/// The requests in an event: the records of an SNS notification, each message a
/// request, or the event itself.
pub fn unwrap_sns(event: Value) -> Result<Vec<Value>, EventError> {
    let records = match event.get("Records").and_then(Value::as_array) {
        Some(records)
            if !records.is_empty()
                && records
                    .iter()
                    .all(|r| r.get("EventSource").and_then(Value::as_str) == Some("aws:sns")) =>
        {
            records
        }
        _ => return Ok(vec![event]),
    };
    records
        .iter()
        .map(|record| {
            let message = record
                .pointer("/Sns/Message")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    EventError::Malformed("an SNS record has no Sns.Message".to_owned())
                })?;
            serde_json::from_str(message).map_err(|e| {
                EventError::Malformed(format!("an SNS message is not a JSON request: {e}"))
            })
        })
        .collect()
}

impl CustomResourceRequest {
    /// Reads one request's envelope.
    pub fn from_event(event: Value, invocation: Invocation<'_>) -> Result<Self, EventError> {
        if event.get("RequestType").is_none_or(Value::is_null) {
            return Err(EventError::NoRequestType);
        }
        let mut envelope: Envelope =
            serde_json::from_value(event).map_err(|e| EventError::Malformed(e.to_string()))?;
        let kind = envelope.kind()?;
        let requester = envelope.requester(invocation)?;
        check_lengths(&requester, &kind)?;
        check_direct_request_id(&requester)?;
        let answered_by_invoker = answered_by_invoker(
            requester.response_url.as_deref(),
            envelope
                .resource_properties
                .get("ServiceToken")
                .and_then(Value::as_str),
            invocation.function_arn,
        );
        Ok(CustomResourceRequest {
            requester,
            kind,
            properties: envelope.resource_properties,
            old_properties: envelope.old_resource_properties,
            function_arn: invocation.function_arn.to_owned(),
            answered_by_invoker,
        })
    }

    /// `Create`, `Update` or `Delete`, for logs.
    pub fn request_type(&self) -> &'static str {
        match self.kind {
            RequestKind::Create => "Create",
            RequestKind::Update { .. } => "Update",
            RequestKind::Delete { .. } => "Delete",
        }
    }

    /// The id CloudFormation already knows this resource by (none on Create).
    pub fn physical_resource_id(&self) -> Option<&str> {
        match &self.kind {
            RequestKind::Create => None,
            RequestKind::Update {
                physical_resource_id,
            }
            | RequestKind::Delete {
                physical_resource_id,
            } => Some(physical_resource_id),
        }
    }

    pub fn name_source(&self) -> NameSource<'_> {
        NameSource {
            stack_id: &self.requester.stack_id,
            logical_resource_id: &self.requester.logical_resource_id,
        }
    }

    /// The request's stack as the request tag names it, which is how a pool's
    /// owner is told (see [`crate::ownership`]); empty for a direct invocation
    /// without StackId.
    pub fn stack_key(&self) -> &str {
        crate::ownership::stack_key(&self.requester.stack_id)
    }

    /// The partition and account a pool of this request belongs to: the stack's
    /// ARN says so, or, for a direct invocation without one, the function's own
    /// ARN (Lambda always gives it; cargo-lambda's emulator gives `function-arn`,
    /// which names none).
    pub fn arn_owner(&self) -> Option<(&str, &str)> {
        [&self.requester.stack_id, &self.function_arn]
            .into_iter()
            .find_map(|arn| {
                let arn = Arn::parse(arn)?;
                (!arn.partition.is_empty() && !arn.account.is_empty())
                    .then_some((arn.partition, arn.account))
            })
    }

    /// The URL without its query string (the signature): all a log may show.
    pub fn redacted_response_url(&self) -> Option<&str> {
        let url = self.requester.response_url.as_deref()?;
        url.split(['?', '#']).next()
    }
}

/// Whether the invoker, not this function, answers CloudFormation. CDK's
/// Provider framework (`aws-cdk-lib/custom-resources`, this function as its
/// `onEventHandler`) is CloudFormation's ServiceToken itself; it invokes this
/// function synchronously, PUTs the answer itself, and reads a returned value as
/// SUCCESS and a failed invocation as FAILED. Two signs, either enough:
///
/// - the ResponseURL is no absolute http(s) URL: older framework versions send
///   `"..."`, and a URL nobody can PUT to is no reason to retry anything;
/// - the ServiceToken in the properties names another Lambda function than this
///   one (same partition, Region, account and name, any version or alias):
///   CloudFormation invoked that function, which passed the request on.
///   Unknowable when this function's ARN names no function (cargo-lambda's
///   emulator gives `function-arn`), and then not assumed.
fn answered_by_invoker(
    response_url: Option<&str>,
    service_token: Option<&str>,
    function_arn: &str,
) -> bool {
    let Some(url) = response_url else {
        return false;
    };
    let is_http_url = reqwest::Url::parse(url).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    if !is_http_url {
        return true;
    }
    match (
        service_token.and_then(lambda_function),
        lambda_function(function_arn),
    ) {
        (Some(token), Some(own)) => token != own,
        _ => false,
    }
}

/// A Lambda function ARN without its version or alias: partition, Region,
/// account and name.
fn lambda_function(arn: &str) -> Option<[&str; 4]> {
    let arn = Arn::parse(arn).filter(|arn| arn.service == "lambda")?;
    let name = arn.resource.strip_prefix("function:")?.split(':').next()?;
    Some([arn.partition, arn.region, arn.account, name])
}

/// Every field an answer echoes, within CloudFormation's limits.
fn check_lengths(requester: &Requester, kind: &RequestKind) -> Result<(), EventError> {
    check_length("StackId", &requester.stack_id, 1024)?;
    check_length("RequestId", &requester.request_id, 128)?;
    check_length("LogicalResourceId", &requester.logical_resource_id, 255)?;
    if let RequestKind::Update {
        physical_resource_id,
    }
    | RequestKind::Delete {
        physical_resource_id,
    } = kind
    {
        check_length("PhysicalResourceId", physical_resource_id, 1024)?;
    }
    Ok(())
}

/// A request without StackId is named by its RequestId alone, and a pool's
/// request tag is read as `<stack>/<request>` when it has a `/`
/// ([`crate::ownership::owner`]): such a RequestId would make the pool another
/// stack's, and the request's own Update and Delete would be refused.
fn check_direct_request_id(requester: &Requester) -> Result<(), EventError> {
    if requester.stack_id.is_empty() && requester.request_id.contains('/') {
        return Err(EventError::Malformed(format!(
            "RequestId {:?} has a '/': without StackId the RequestId alone names the request (and its pool's owner), so it may not contain '/'",
            requester.request_id
        )));
    }
    Ok(())
}

/// CloudFormation's own limits on the fields an answer echoes: within them the
/// answer always fits its 4096 bytes, beyond them it could not.
fn check_length(field: &str, value: &str, max: usize) -> Result<(), EventError> {
    if value.len() > max {
        return Err(EventError::Malformed(format!(
            "{field} is {} bytes long, more than the {max} CloudFormation allows",
            value.len()
        )));
    }
    Ok(())
}

fn missing(field: &str) -> EventError {
    EventError::Malformed(format!("{field} is missing or empty"))
}

/// What a PhysicalResourceId names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhysicalId<'a> {
    /// An identity pool.
    Pool(PoolId),
    /// The placeholder of a Create that failed; holds that Create's request tag.
    FailedCreate { request_tag: &'a str },
    /// Anything else: not ours to act on.
    Other,
}

impl<'a> PhysicalId<'a> {
    pub fn classify(id: &'a str) -> Self {
        if let Some(request_tag) = idempotency::placeholder_request_tag(id) {
            return PhysicalId::FailedCreate { request_tag };
        }
        PoolId::parse(id).map_or(PhysicalId::Other, PhysicalId::Pool)
    }
}

#[cfg(test)]
mod tests;
