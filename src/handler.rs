//! One invocation: read the request, answer it before the deadline, deliver the answer.
//!
//! The work runs in its own task, so that a panic inside it is caught as a
//! `JoinError` and a hung call is cut off by the deadline; either way a FAILED
//! answer still goes out, and the runtime goes on to the next event. Part of the
//! time left is held back for delivering the answer: a provider that spends its
//! whole deadline working leaves CloudFormation waiting for an hour.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::{Diagnostic, LambdaEvent};
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::error::ProviderError;
use crate::journal::Journal;
use crate::provider::Provider;
use crate::request::{CustomResourceRequest, EventError, Invocation, unwrap_sns};
use crate::response::{Answer, DeliveryError, ResponseSender};

/// Why an invocation fails as a whole. Lambda records the variant as the
/// error's type, so the two cases can be told apart in its metrics and logs.
#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    /// Nothing to answer: the event is no custom-resource request.
    #[error(transparent)]
    InvalidEvent(#[from] EventError),
    /// The answer never reached the ResponseURL; failing the invocation makes
    /// Lambda deliver the event again, and the retry answers it idempotently.
    #[error(transparent)]
    AnswerNotDelivered(#[from] DeliveryError),
    /// The request failed and the invoker answers CloudFormation itself (CDK's
    /// Provider framework): a failed invocation is how it learns FAILED, and
    /// the message is the Reason it reports.
    #[error("{0}")]
    Failed(String),
}

impl From<InvocationError> for Diagnostic {
    fn from(error: InvocationError) -> Self {
        let error_type = match &error {
            InvocationError::InvalidEvent(_) => "InvalidEvent",
            InvocationError::AnswerNotDelivered(_) => "AnswerNotDelivered",
            InvocationError::Failed(_) => "CustomResourceFailed",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// The most time held back from the work for delivering the answer.
const MAX_DELIVERY_RESERVE: Duration = Duration::from_secs(5);

/// The handler the Lambda runtime calls, with the clients built once at start-up.
#[derive(Debug, Clone)]
pub struct Handler {
    provider: Arc<Provider>,
    sender: ResponseSender,
}

impl Handler {
    pub fn new(provider: Provider, sender: ResponseSender) -> Self {
        Handler {
            provider: Arc::new(provider),
            sender,
        }
    }

    /// Answers one event: a request, or an SNS notification of requests (each
    /// handled in turn). Returns the response object (without the URL) as the
    /// invocation's result, which is the whole answer for a direct invocation;
    /// returns an error when there was nothing to answer or an answer could not
    /// be delivered, so that Lambda retries the event.
    pub async fn handle(&self, event: LambdaEvent<Value>) -> Result<Value, InvocationError> {
        let deadline = Instant::now() + time_left(event.context.deadline);
        let invocation = Invocation {
            request_id: &event.context.request_id,
            function_arn: &event.context.invoked_function_arn,
        };
        let mut results = Vec::new();
        for request in unwrap_sns(event.payload)? {
            let request = CustomResourceRequest::from_event(request, invocation)?;
            let span = tracing::info_span!(
                "request",
                stack_id = %request.requester.stack_id,
                request_id = %request.requester.request_id,
                logical_resource_id = %request.requester.logical_resource_id,
                request_type = request.request_type(),
            );
            results.push(self.respond(request, deadline).instrument(span).await?);
        }
        Ok(match results.len() {
            1 => results.remove(0),
            _ => Value::Array(results),
        })
    }

    async fn respond(
        &self,
        request: CustomResourceRequest,
        deadline: Instant,
    ) -> Result<Value, InvocationError> {
        let started = Instant::now();
        tracing::info!(
            physical_resource_id = request.physical_resource_id(),
            response_url = request.redacted_response_url(),
            remaining_ms = deadline.saturating_duration_since(started).as_millis() as u64,
            "request received"
        );
        let request = Arc::new(request);
        let journal = Arc::new(Journal::default());
        let work_deadline =
            deadline - delivery_reserve(deadline.saturating_duration_since(started));
        let answer = self.work(&request, &journal, work_deadline, deadline).await;

        let body = answer.to_body(&request.requester);
        let delivered = match &request.requester.response_url {
            Some(url) if !request.answered_by_invoker => {
                self.sender.deliver(url, body.clone(), deadline).await
            }
            _ => Ok(0),
        };
        log_outcome(&request, &answer, &journal, started, &delivered);
        delivered?;
        let body = serde_json::from_slice(&body).unwrap_or_default();
        match request.answered_by_invoker {
            true => for_the_invoker(body),
            false => Ok(body),
        }
    }

    /// Runs the provider in its own task, bounded by `work_deadline`. A request
    /// cut off may still clean up after itself, in half the time kept for delivery.
    async fn work(
        &self,
        request: &Arc<CustomResourceRequest>,
        journal: &Arc<Journal>,
        work_deadline: Instant,
        deadline: Instant,
    ) -> Answer {
        let task = {
            let (provider, request, journal) =
                (self.provider.clone(), request.clone(), journal.clone());
            tokio::spawn(
                async move { provider.carry_out(&request, &journal).await }.in_current_span(),
            )
        };
        let abort = task.abort_handle();
        let cut_off = match tokio::time::timeout_at(work_deadline, task).await {
            Ok(Ok(answer)) => return answer,
            Ok(Err(join_error)) => ProviderError::Panicked {
                step: journal.current_step(),
                message: panic_message(join_error),
            },
            Err(_elapsed) => {
                abort.abort();
                ProviderError::TimedOut {
                    step: journal.current_step(),
                }
            }
        };
        tracing::error!(error = %cut_off, "request cut off");
        let cleanup_deadline =
            work_deadline + deadline.saturating_duration_since(work_deadline) / 2;
        match tokio::time::timeout_at(
            cleanup_deadline,
            self.provider.cut_off(request, journal, &cut_off),
        )
        .await
        {
            Ok(answer) => answer,
            Err(_elapsed) => Answer::failed(request.failed_answer_id(), &cut_off),
        }
    }
}

/// The invocation's outcome for an invoker that answers CloudFormation itself
/// (CDK's Provider framework): SUCCESS is the value it reads the id and
/// attributes from, FAILED a failed invocation with the Reason as its message;
/// a FAILED answer returned as a value would be reported as SUCCESS. Taken
/// from the bounded response body, so the Reason is the one a PUT would carry.
fn for_the_invoker(body: Value) -> Result<Value, InvocationError> {
    match body["Status"].as_str() {
        Some("SUCCESS") => Ok(serde_json::json!({
            "PhysicalResourceId": body["PhysicalResourceId"],
            "Data": body["Data"],
        })),
        _ => Err(InvocationError::Failed(
            body["Reason"].as_str().unwrap_or("FAILED").to_owned(),
        )),
    }
}

/// The summary line of a request: how it was answered, how long it took,
/// which calls it made, and whether the answer reached CloudFormation.
fn log_outcome(
    request: &CustomResourceRequest,
    answer: &Answer,
    journal: &Journal,
    started: Instant,
    delivered: &Result<u32, DeliveryError>,
) {
    let duration_ms = started.elapsed().as_millis() as u64;
    let calls = journal.calls();
    match delivered {
        Ok(attempts) => tracing::info!(
            status = answer.status(),
            physical_resource_id = %answer.physical_resource_id,
            reason = answer.outcome.as_ref().err(),
            duration_ms,
            api_calls = calls.len(),
            calls = ?calls,
            put_attempts = attempts,
            answered_by_invoker = request.answered_by_invoker,
            "request answered"
        ),
        Err(error) => tracing::error!(
            status = answer.status(),
            physical_resource_id = %answer.physical_resource_id,
            duration_ms,
            calls = ?calls,
            %error,
            "ANSWER NOT DELIVERED: CloudFormation will wait for this resource until its ServiceTimeout"
        ),
    }
}

/// The time held back from the work for delivering the answer: a third of the
/// time left, at most five seconds, is kept for the PUT and its retries.
fn delivery_reserve(remaining: Duration) -> Duration {
    (remaining / 3).min(MAX_DELIVERY_RESERVE)
}

/// Lambda gives the deadline as milliseconds since the epoch. cargo-lambda's
/// local emulator (1.9) gives the timeout itself instead (`600000`); a value that
/// small would be a deadline in 1970, so it is read as the time left.
fn time_left(deadline_ms: u64) -> Duration {
    const YEAR_2001_MS: u64 = 978_307_200_000;
    if deadline_ms < YEAR_2001_MS {
        return Duration::from_millis(deadline_ms);
    }
    (UNIX_EPOCH + Duration::from_millis(deadline_ms))
        .duration_since(SystemTime::now())
        .unwrap_or_default()
}

fn panic_message(error: tokio::task::JoinError) -> String {
    if !error.is_panic() {
        return error.to_string();
    }
    let payload = error.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

#[cfg(test)]
mod tests;
