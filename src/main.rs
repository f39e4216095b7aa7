//! The Lambda bootstrap: wires the clients together once and serves events.
#![recursion_limit = "256"]

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_http_client::tls;
use identity_pool_provider::cognito::{RegionClients, RegionalClients};
use identity_pool_provider::handler::Handler;
use identity_pool_provider::logging;
use identity_pool_provider::provider::Provider;
use identity_pool_provider::response::ResponseSender;
use identity_pool_provider::trust::TrustRoots;
use lambda_runtime::service_fn;
use std::sync::Arc;
use std::time::Duration;

/// SDK attempts per call. Backing off from 1 s towards 20 s (the SDK's
/// defaults), ten attempts outlast any Lambda timeout a template would give a
/// provider: the deadline stops them first.
const MAX_ATTEMPTS: u32 = 10;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init();
    let roots = TrustRoots::load();
    // The SDK's HTTP client uses rustls with ring, as the response PUT's does,
    // and the same roots.
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .tls_context(roots.sdk_tls_context()?)
        .build_https();
    // Throttling and 5xx are retried by the SDK, with exponential backoff and
    // full jitter: the backoff meant for many independent clients sharing one
    // quota, as a fleet of provider functions does. (Adaptive mode is worse
    // here: its client-side rate limiter learns from one process's own few
    // calls, so after a single throttle it waits ~10 s before the retry.)
    // The handler's deadline, not the count, bounds the attempts: a Create
    // must not fail on throttling alone.
    let config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .build(),
        )
        .load()
        .await;
    let clients = RegionalClients::new(RegionClients {
        identity: aws_sdk_cognitoidentity::Client::new(&config),
        sync: aws_sdk_cognitosync::Client::new(&config),
        tagging: aws_sdk_resourcegroupstagging::Client::new(&config),
    });
    let handler = Arc::new(Handler::new(
        Provider::new(clients),
        ResponseSender::new(roots.rustls_config()?)?,
    ));
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "identity-pool-provider started"
    );
    // `run_concurrent` reads AWS_LAMBDA_MAX_CONCURRENCY: unset (classic Lambda) or
    // 1 (`cargo lambda watch` sets 1) is one request at a time, as `run` does;
    // more (Lambda Managed Instances) serves that many at once, which the handler
    // allows (each request has its own journal, clients are shared). `run` would
    // warn whenever the variable is set, also when it is 1.
    lambda_runtime::run_concurrent(service_fn(move |event| {
        let handler = Arc::clone(&handler);
        async move { handler.handle(event).await }
    }))
    .await
}
