//! The SDK's retries ([`sdk_retries`]) and Cognito's rules on top of the
//! standard classifiers, which they run after and may overrule:
//!
//! - every call: `LimitExceededException` is final (the SDK's default
//!   classifier counts it as throttling, but an account at its pool quota stays
//!   there) and `ConcurrentModificationException` is retried (it clears once
//!   the other change is done);
//! - CreateIdentityPool: only a throttled call is retried. It takes no client
//!   token, so a retry after a timeout, a dropped connection or a 5xx could make
//!   a second pool; those go back to the provider, which looks for the pool
//!   before trying again. A throttled call was refused before anything was
//!   made, so the SDK retries it as it retries any other throttled call, with
//!   jittered backoff: a burst of Creates waits its turn instead of failing.

use aws_sdk_cognitoidentity::config::interceptors::InterceptorContext;
use std::time::Duration;

use aws_sdk_cognitoidentity::config::retry::{ClassifyRetry, RetryAction, RetryConfig};
use aws_smithy_runtime_api::client::retries::classifiers::{RetryClassifierPriority, RetryReason};
use aws_smithy_types::retry::ErrorKind;

/// Attempts per call, the SDK's and the provider's own look-then-retry of a
/// CreateIdentityPool that may have made a pool ([`crate::idempotency`]). A
/// persistent failure (an unreachable endpoint, a 5xx that stays) must still be
/// answered with its own Reason well before the deadline.
pub const MAX_ATTEMPTS: u32 = 5;

/// The longest pause between two attempts. The SDK's default, 20 s, leaves a
/// function idle long after the quota has room again: in the benchmark's burst
/// (20 stacks, 5 requests/s) the last answer came after 4.3–8.9 s with it and
/// 3.7–5.9 s with 4 s, for the same number of calls.
const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// The SDK's retries for every call: standard mode, [`MAX_ATTEMPTS`] attempts,
/// pauses capped at 4 s (`MAX_BACKOFF`).
pub fn sdk_retries() -> RetryConfig {
    // Throttling and 5xx are retried by the SDK, with exponential backoff and
    // full jitter: the backoff meant for many independent clients sharing one
    // quota, as a fleet of provider functions does. Adaptive mode is worse
    // here: its client-side rate limiter learns from one process's own few
    // calls, so after a single throttle it waits ~10 s before the retry (the
    // same burst took 25–55 s, and some Creates timed out).
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_max_backoff(MAX_BACKOFF)
}

/// Cognito's code for a quota reached (the account's pools, a pool's providers).
pub const QUOTA_CODE: &str = "LimitExceededException";
/// Cognito's code for a change that collided with another change of the pool.
pub const CONCURRENT_CODE: &str = "ConcurrentModificationException";

/// Which of the rules a client or an operation follows.
#[derive(Debug, Clone, Copy)]
pub enum RetryRule {
    /// Installed on every client: a quota is final, a concurrent
    /// modification is retried.
    EveryCall,
    /// Installed on CreateIdentityPool: every retry the classifiers before it
    /// asked for is forbidden, except a throttling one.
    CreateIdentityPool,
}

impl ClassifyRetry for RetryRule {
    fn classify_retry(&self, context: &InterceptorContext) -> RetryAction {
        self.classify_retry_v2(context, &RetryAction::NoActionIndicated)
    }

    fn classify_retry_v2(
        &self,
        context: &InterceptorContext,
        previous: &RetryAction,
    ) -> RetryAction {
        match self {
            RetryRule::EveryCall => match error_code(context).as_deref() {
                Some(QUOTA_CODE) => RetryAction::RetryForbidden,
                Some(CONCURRENT_CODE) => RetryAction::transient_error(),
                _ => RetryAction::NoActionIndicated,
            },
            RetryRule::CreateIdentityPool => match previous {
                RetryAction::RetryIndicated(RetryReason::RetryableError {
                    kind: ErrorKind::ThrottlingError,
                    ..
                }) => RetryAction::NoActionIndicated,
                _ => RetryAction::RetryForbidden,
            },
        }
    }

    fn name(&self) -> &'static str {
        match self {
            RetryRule::EveryCall => "Cognito: quotas final, concurrent changes retried",
            RetryRule::CreateIdentityPool => {
                "Cognito: CreateIdentityPool retried only when throttled"
            }
        }
    }

    /// Last, so that the rules see (and may overrule) the SDK's verdict.
    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// The error code of a failed attempt, as the JSON protocol carries it: the
/// `x-amzn-errortype` header, else the body's `__type` (either may be prefixed
/// with the model's namespace, `…#Code`).
fn error_code(context: &InterceptorContext) -> Option<String> {
    let response = context.response()?;
    let raw = match response.headers().get("x-amzn-errortype") {
        Some(header) => header.to_owned(),
        None => {
            let body: serde_json::Value = serde_json::from_slice(response.body().bytes()?).ok()?;
            body.get("__type")?.as_str()?.to_owned()
        }
    };
    let code = raw.split(':').next().unwrap_or_default();
    Some(code.rsplit('#').next().unwrap_or_default().to_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use aws_sdk_cognitoidentity::Client;
    use aws_sdk_cognitoidentity::config::retry::RetryConfig;
    use aws_sdk_cognitoidentity::operation::create_identity_pool::CreateIdentityPoolOutput;
    use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};

    use crate::cognito::{Journal, RegionClients, RegionalClients};
    use crate::domain::{PoolConfig, PoolId};

    /// Clients that retry as the function's do (standard mode, several
    /// attempts), with millisecond backoff so that the test does not wait.
    fn retrying(rules: &[&Rule]) -> RegionalClients {
        let no_rules: &[&Rule] = &[];
        let retries = RetryConfig::standard()
            .with_max_attempts(4)
            .with_initial_backoff(Duration::from_millis(1));
        RegionalClients::new(RegionClients {
            identity: mock_client!(
                aws_sdk_cognitoidentity,
                RuleMode::Sequential,
                rules,
                |conf| { conf.retry_config(retries.clone()) }
            ),
            sync: mock_client!(aws_sdk_cognitosync, RuleMode::MatchAny, no_rules).into(),
            tagging: mock_client!(aws_sdk_resourcegroupstagging, RuleMode::MatchAny, no_rules),
        })
    }

    fn created() -> CreateIdentityPoolOutput {
        CreateIdentityPoolOutput::builder()
            .identity_pool_id("us-east-1:11111111-2222-3333-4444-555555555555")
            .identity_pool_name("p")
            .allow_unauthenticated_identities(false)
            .build()
            .expect("complete output")
    }

    async fn create_through(
        pools: &RegionalClients,
    ) -> Result<PoolId, crate::cognito::CognitoError> {
        let journal = Journal::default();
        pools
            .for_request("", &journal)
            .create(&PoolConfig::default(), &BTreeMap::new())
            .await
    }

    #[tokio::test]
    async fn a_throttled_create_is_retried_by_the_sdk_until_it_goes_through() {
        let throttled = r#"{"__type":"TooManyRequestsException","message":"Rate exceeded"}"#;
        let create = mock!(Client::create_identity_pool)
            .sequence()
            .http_status(400, Some(throttled.to_owned()))
            .http_status(400, Some(throttled.to_owned()))
            .output(created)
            .build();
        let pools = retrying(&[&create]);

        let created = create_through(&pools).await;

        assert_eq!(
            created.as_ref().map(PoolId::as_str),
            Ok("us-east-1:11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(create.num_calls(), 3);
    }

    #[tokio::test]
    async fn a_create_that_may_have_gone_through_is_not_retried_by_the_sdk() {
        let create = mock!(Client::create_identity_pool)
            .sequence()
            .http_status(503, None)
            .output(created)
            .build();
        let pools = retrying(&[&create]);

        let error = create_through(&pools)
            .await
            .expect_err("the 503 comes back");

        assert!(error.transient, "{error}");
        assert_eq!(create.num_calls(), 1);
    }
}
