//! The Lambda bootstrap: wires the clients together once and serves events.
#![recursion_limit = "256"]

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_cognitoidentity::config::ProvideCredentials;
use identity_pool_provider::cognito::{self, Lazy, RegionClients, RegionalClients};
use identity_pool_provider::handler::Handler;
use identity_pool_provider::logging;
use identity_pool_provider::provider::Provider;
use identity_pool_provider::response::ResponseSender;
use identity_pool_provider::trust::Roots;
use lambda_runtime::service_fn;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init();
    // Read while the rest starts up; both clients wait for it at their first
    // handshake only.
    let roots = Roots::read_in_background();
    let config = sdk_config(&roots).await;
    let clients = RegionalClients::new(RegionClients {
        identity: aws_sdk_cognitoidentity::Client::new(&config),
        sync: Lazy::new({
            let config = config.clone();
            move || aws_sdk_cognitosync::Client::new(&config)
        }),
        tagging: aws_sdk_resourcegroupstagging::Client::new(&config),
    });
    let handler = Handler::new(
        Provider::new(clients),
        ResponseSender::new(roots.rustls_config()?)?,
    );
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
        let handler = handler.clone();
        async move { handler.handle(event).await }
    }))
    .await
}

/// The SDK's configuration from the environment (so `AWS_ENDPOINT_URL…` and
/// the region work as everywhere), with the function's HTTP client, retries
/// and timeouts.
async fn sdk_config(roots: &Roots) -> SdkConfig {
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(roots.sdk_http_client())
        .retry_config(cognito::sdk_retries())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .build(),
        );
    // Lambda always puts the function role's credentials in the environment,
    // where the default chain would find them first anyway. Building that chain
    // also builds its other providers, among them an STS client for web
    // identity (its own endpoint tables parsed at start-up), which a function
    // never calls; so when the environment holds credentials, only its provider
    // is used. Anywhere else (profiles, SSO, containers) the default chain
    // serves as before.
    let environment = EnvironmentVariableCredentialsProvider::new();
    let loader = match environment.provide_credentials().await {
        Ok(_) => loader.credentials_provider(environment),
        Err(_) => loader,
    };
    loader.load().await
}
