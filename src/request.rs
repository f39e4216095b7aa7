//! The event → a typed custom-resource request.
//!
//! The runtime hands the handler a bare `serde_json::Value` on purpose: a typed
//! `LambdaEvent<…>` that fails to deserialize never reaches the handler, and then
//! nobody answers CloudFormation (REFERENCE §3). Here the envelope is read first;
//! the pool properties are read later, by the provider, so that even a request
//! with malformed properties gets a FAILED answer at its ResponseURL.

use aws_lambda_events::cloudformation::CloudFormationCustomResourceRequest;
use serde_json::Value;

use crate::properties::NameSource;

/// Who the answer goes to and what it must echo back verbatim (REFERENCE §1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub response_url: String,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
}

impl Requester {
    fn new(
        response_url: String,
        stack_id: String,
        request_id: String,
        logical_resource_id: String,
    ) -> Self {
        Requester {
            response_url,
            stack_id,
            request_id,
            logical_resource_id,
        }
    }
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

impl CustomResourceRequest {
    /// Reads the envelope with `aws_lambda_events`' own protocol types.
    pub fn from_event(event: Value) -> Result<Self, EventError> {
        if event.get("RequestType").is_none() {
            return Err(EventError::NoRequestType);
        }
        let parsed: CloudFormationCustomResourceRequest =
            serde_json::from_value(event).map_err(|e| EventError::Malformed(e.to_string()))?;
        let (requester, kind, properties) = match parsed {
            CloudFormationCustomResourceRequest::Create(r) => (
                Requester::new(
                    r.response_url,
                    r.stack_id,
                    r.request_id,
                    r.logical_resource_id,
                ),
                RequestKind::Create,
                r.resource_properties,
            ),
            CloudFormationCustomResourceRequest::Update(r) => (
                Requester::new(
                    r.response_url,
                    r.stack_id,
                    r.request_id,
                    r.logical_resource_id,
                ),
                RequestKind::Update {
                    physical_resource_id: r.physical_resource_id,
                },
                r.resource_properties,
            ),
            CloudFormationCustomResourceRequest::Delete(r) => (
                Requester::new(
                    r.response_url,
                    r.stack_id,
                    r.request_id,
                    r.logical_resource_id,
                ),
                RequestKind::Delete {
                    physical_resource_id: r.physical_resource_id,
                },
                r.resource_properties,
            ),
            _ => return Err(EventError::Malformed("unsupported RequestType".to_owned())),
        };
        if requester.response_url.is_empty() {
            return Err(EventError::Malformed("ResponseURL is empty".to_owned()));
        }
        Ok(CustomResourceRequest {
            requester,
            kind,
            properties,
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

    /// This request's identity, `<stack guid>/<request id>`: StackId and RequestId
    /// together name a request (REFERENCE §1.1), and the guid keeps the tag short.
    /// A pool created for this request carries it as its request tag.
    pub fn request_tag(&self) -> String {
        let stack = self
            .requester
            .stack_id
            .rsplit('/')
            .next()
            .unwrap_or_default();
        format!("{stack}/{}", self.requester.request_id)
    }

    /// The PhysicalResourceId a failed Create answers when it has no pool id to
    /// give: it can never equal a pool id (it has a `/`), stays the same when the
    /// Create is redelivered, and carries the request tag so the rollback Delete
    /// can still find a pool that the deadline cut off.
    pub fn failed_create_id(&self) -> String {
        format!("{FAILED_CREATE_PREFIX}{}", self.request_tag())
    }

    /// The URL without its query string (the signature): all a log may show.
    pub fn redacted_response_url(&self) -> &str {
        let url = &self.requester.response_url;
        url.split(['?', '#']).next().unwrap_or(url)
    }
}

const FAILED_CREATE_PREFIX: &str = "CreateFailed/";

/// What a PhysicalResourceId names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhysicalId<'a> {
    /// An identity pool id, `REGION:GUID`.
    Pool { id: &'a str, region: &'a str },
    /// The placeholder of a Create that failed; holds that Create's request tag.
    FailedCreate { request_tag: &'a str },
    /// Anything else: not ours to act on.
    Other,
}

impl<'a> PhysicalId<'a> {
    pub fn classify(id: &'a str) -> Self {
        if let Some(request_tag) = id.strip_prefix(FAILED_CREATE_PREFIX) {
            return PhysicalId::FailedCreate { request_tag };
        }
        match id.split_once(':') {
            Some((region, guid))
                if id.len() <= 55
                    && !region.is_empty()
                    && !guid.is_empty()
                    && region
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    && guid
                        .chars()
                        .all(|c| matches!(c, '0'..='9' | 'a'..='f' | '-')) =>
            {
                PhysicalId::Pool { id, region }
            }
            _ => PhysicalId::Other,
        }
    }
}

#[cfg(test)]
mod tests;
