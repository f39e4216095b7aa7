//! The answer to CloudFormation: its body, and the PUT that delivers it.
//!
//! Three traps sank other providers here (docs/design.md#the-response,
//! docs/design.md#what-other-frameworks-get-wrong): a Content-Type on
//! the PUT breaks the presigned signature (403), a body over 4096 bytes is
//! refused, and a PUT whose status nobody checks leaves the stack waiting for an
//! hour. So the body is bounded by construction, the PUT carries no Content-Type,
//! and every attempt's status is checked and retried while the deadline allows.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_lambda_events::cloudformation::{
    CloudFormationCustomResourceResponse, CloudFormationCustomResourceResponseStatus,
};
use tokio::time::Instant;

use crate::backoff;
use crate::error::ProviderError;
use crate::request::Requester;

/// CloudFormation refuses a larger response body ("Response object is too long").
pub const MAX_BODY_BYTES: usize = 4096;

const TRUNCATED: &str = " … (truncated)";

/// The outcome of one request, before it is addressed to anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub physical_resource_id: String,
    pub outcome: Result<BTreeMap<String, String>, String>,
}

impl Answer {
    /// SUCCESS, with the attributes `Fn::GetAtt` reads.
    pub fn success(
        physical_resource_id: impl Into<String>,
        data: BTreeMap<String, String>,
    ) -> Self {
        Answer {
            physical_resource_id: physical_resource_id.into(),
            outcome: Ok(data),
        }
    }

    /// FAILED. The id is never empty (an empty one hides the real error behind
    /// "Invalid PhysicalResourceId").
    pub fn failed(physical_resource_id: impl Into<String>, error: &ProviderError) -> Self {
        Answer {
            physical_resource_id: physical_resource_id.into(),
            outcome: Err(error.to_string()),
        }
    }

    pub fn status(&self) -> &'static str {
        if self.outcome.is_ok() {
            "SUCCESS"
        } else {
            "FAILED"
        }
    }

    /// The response object, at most [`MAX_BODY_BYTES`] long: a long Reason is cut,
    /// keeping its beginning (where the field and rule are named); Data that cannot
    /// fit turns the answer into a FAILED that says so.
    pub fn to_body(&self, requester: &Requester) -> Vec<u8> {
        let body = self.render(requester);
        if body.len() <= MAX_BODY_BYTES {
            return body;
        }
        if let Err(reason) = &self.outcome {
            // The longest beginning of the Reason that fits once JSON-escaped:
            // escaping can make a character up to six bytes, so search, don't guess.
            let shortened = |keep: usize| {
                Answer {
                    physical_resource_id: self.physical_resource_id.clone(),
                    outcome: Err(format!("{}{TRUNCATED}", &reason[..keep])),
                }
                .render(requester)
            };
            let cuts: Vec<usize> = reason.char_indices().map(|(i, _)| i).collect();
            let fitting = cuts.partition_point(|&keep| shortened(keep).len() <= MAX_BODY_BYTES);
            if fitting > 0 {
                return shortened(cuts[fitting - 1]);
            }
        }
        Answer {
            physical_resource_id: self.physical_resource_id.clone(),
            outcome: Err(format!(
                "The response would exceed CloudFormation's {MAX_BODY_BYTES}-byte limit ({} bytes)",
                body.len()
            )),
        }
        .render(requester)
    }

    fn render(&self, requester: &Requester) -> Vec<u8> {
        let mut response = CloudFormationCustomResourceResponse::default();
        response.physical_resource_id = self.physical_resource_id.clone();
        response.stack_id = requester.stack_id.clone();
        response.request_id = requester.request_id.clone();
        response.logical_resource_id = requester.logical_resource_id.clone();
        match &self.outcome {
            Ok(data) => {
                response.status = CloudFormationCustomResourceResponseStatus::Success;
                response.data = data.clone().into_iter().collect::<HashMap<_, _>>();
            }
            Err(reason) => {
                response.status = CloudFormationCustomResourceResponseStatus::Failed;
                response.reason = Some(reason.clone());
            }
        }
        let mut body = serde_json::to_value(&response).unwrap_or_default();
        // A direct invocation may carry no StackId: an empty one is left out
        // rather than echoed (CloudFormation always sends one).
        if let Some(fields) = body.as_object_mut()
            && fields.get("StackId").is_some_and(|id| id == "")
        {
            fields.remove("StackId");
        }
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

/// Why an answer never reached CloudFormation. Logged loudly: the stack hangs
/// until its ServiceTimeout otherwise.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("the response URL refused the answer with HTTP {status} after {attempts} attempt(s)")]
    Refused { status: u16, attempts: u32 },
    #[error(
        "the answer could not be delivered: {attempts} attempt(s) over {seconds} s failed, the last with: {last_error}"
    )]
    GaveUp {
        attempts: u32,
        seconds: u64,
        last_error: String,
    },
    #[error("the response URL cannot be used ({0}); retrying would not change that")]
    Unusable(String),
}

/// PUTs answers to presigned ResponseURLs. One HTTP client for the life of the
/// process, trusting the roots the process read once ([`crate::trust`]).
#[derive(Debug, Clone)]
pub struct ResponseSender {
    http: reqwest::Client,
}

const MAX_ATTEMPT_TIME: Duration = Duration::from_secs(10);

/// How long the PUT is retried at most. Past a minute the receiver is not
/// coming back soon; failing the invocation then hands the event to Lambda's
/// own retries (an async invocation is delivered again, and answered
/// idempotently), where retrying for the rest of a long deadline would only
/// keep the function busy and its caller waiting.
pub const MAX_DELIVERY_TIME: Duration = Duration::from_secs(60);

impl ResponseSender {
    /// `tls` carries the roots and the crypto provider (ring, as the SDK's
    /// client); plain http URLs need none of it.
    pub fn new(tls: rustls::ClientConfig) -> Result<Self, reqwest::Error> {
        Ok(ResponseSender {
            http: reqwest::Client::builder()
                .tls_backend_preconfigured(tls)
                .connect_timeout(Duration::from_secs(3))
                .build()?,
        })
    }

    /// PUTs the body with no Content-Type and an exact Content-Length, retrying
    /// connection errors, 5xx and 429 with exponential backoff and full jitter
    /// for at most [`MAX_DELIVERY_TIME`] and never past `deadline`. A 4xx other
    /// than 429 is final (a refused signature will not get better), and so is a
    /// URL the client cannot even send to. The first failure is logged, then
    /// the outcome once; the error carries the last failure.
    pub async fn deliver(
        &self,
        url: &str,
        body: Vec<u8>,
        deadline: Instant,
    ) -> Result<u32, DeliveryError> {
        let started = Instant::now();
        let give_up = deadline.min(started + MAX_DELIVERY_TIME);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let remaining = give_up.saturating_duration_since(Instant::now());
            let outcome = self
                .http
                .put(url)
                .body(body.clone())
                .timeout(remaining.min(MAX_ATTEMPT_TIME))
                .send()
                .await;
            let last_error = match outcome {
                Ok(response) if response.status().is_success() => {
                    if attempts > 1 {
                        tracing::info!(attempts, "response PUT accepted after retrying");
                    }
                    return Ok(attempts);
                }
                Ok(response) => {
                    let status = response.status();
                    if status.is_client_error() && status != reqwest::StatusCode::TOO_MANY_REQUESTS
                    {
                        return Err(DeliveryError::Refused {
                            status: status.as_u16(),
                            attempts,
                        });
                    }
                    format!("HTTP {status}")
                }
                Err(error) if error.is_builder() => {
                    return Err(DeliveryError::Unusable(describe(error)));
                }
                Err(error) => describe(error),
            };
            if attempts == 1 {
                tracing::warn!(error = %last_error, retry_for_s = remaining.as_secs(), "response PUT failed; retrying");
            }
            let pause = backoff::delay(attempts);
            if Instant::now() + pause >= give_up {
                return Err(DeliveryError::GaveUp {
                    attempts,
                    seconds: started.elapsed().as_secs(),
                    last_error,
                });
            }
            tokio::time::sleep(pause).await;
        }
    }
}

/// A failed PUT in words: reqwest's own text and its innermost cause (the
/// operating system's "Connection refused", a TLS or DNS failure), without the
/// URL, whose query string is the presigned signature.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut innermost: &dyn std::error::Error = &error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let error = error.to_string();
    let cause = innermost.to_string();
    match cause == error {
        true => error,
        false => format!("{error} ({cause})"),
    }
}

#[cfg(test)]
mod tests;
