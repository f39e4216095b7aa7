//! Network failures worded for a person: [`NameTheEndpoint`], installed on
//! every client, turns a connection, timeout or TLS failure into an error that
//! names the service, the endpoint it tried and the cause, so the Reason is one
//! sentence a person can act on instead of the SDK's debug dump.

use std::error::Error;

use aws_sdk_cognitoidentity::config::endpoint::Endpoint;
use aws_sdk_cognitoidentity::config::interceptors::FinalizerInterceptorContextMut;
use aws_sdk_cognitoidentity::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cognitoidentity::error::{BoxError, ConnectorError};
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;

/// A service that could not be reached, and why. Its `Display` is the sentence
/// the Reason carries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{service} at {endpoint} could not be reached: {cause}")]
pub(super) struct Unreachable {
    pub service: &'static str,
    pub endpoint: String,
    pub cause: String,
}

/// Rewrites a failed attempt's connection or timeout error into [`Unreachable`],
/// keeping its kind, so that retries are decided exactly as before.
#[derive(Debug, Clone, Copy)]
pub struct NameTheEndpoint {
    /// The service's name as a person knows it: `Cognito Identity`, `Cognito Sync`.
    pub service: &'static str,
}

impl Intercept for NameTheEndpoint {
    fn name(&self) -> &'static str {
        "NameTheEndpoint"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Err(error)) = context.output_or_error_mut() else {
            return Ok(());
        };
        let unreachable = |cause: String| {
            // The endpoint the SDK resolved for this attempt (the request
            // itself is gone once the connector failed with it).
            let endpoint = cfg
                .load::<Endpoint>()
                .map(|endpoint| endpoint_of(endpoint.url()))
                .unwrap_or_else(|| "its endpoint".to_owned());
            Box::new(Unreachable {
                service: self.service,
                endpoint,
                cause,
            })
        };
        if let Some(connector) = error.as_connector_error() {
            let cause = unreachable(connection_cause(connector));
            *error = OrchestratorError::connector(if connector.is_timeout() {
                ConnectorError::timeout(cause)
            } else if connector.is_io() {
                ConnectorError::io(cause)
            } else if connector.is_user() {
                ConnectorError::user(cause)
            } else {
                ConnectorError::other(cause, connector.as_other())
            });
        } else if error.is_timeout_error() {
            *error = OrchestratorError::timeout(unreachable(
                "no answer before the SDK's timeout".to_owned(),
            ));
        }
        Ok(())
    }
}

/// `scheme://host[:port]` of a request: where it went, without path or query.
fn endpoint_of(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?']).next().unwrap_or_default();
            format!("{scheme}://{authority}")
        }
        None => uri.to_owned(),
    }
}

/// The cause of a connection failure in a few words: a timeout, a TLS failure
/// with the TLS library's reason, or the innermost error's own text (the
/// operating system's "Connection refused", a failed DNS look-up).
fn connection_cause(error: &ConnectorError) -> String {
    if error.is_timeout() {
        return "the connection timed out".to_owned();
    }
    let mut innermost: &(dyn Error + 'static) = error;
    let mut tls = None;
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(err) = current {
        tls = tls.or_else(|| rustls_error(err).map(ToString::to_string));
        innermost = err;
        current = err.source();
    }
    match tls {
        Some(reason) => format!("the TLS handshake failed ({reason})"),
        None => innermost.to_string(),
    }
}

/// The TLS library's error in `error`, which the HTTP stack wraps in I/O errors.
fn rustls_error<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(found) = error.downcast_ref::<rustls::Error>() {
        return Some(found);
    }
    let io = error.downcast_ref::<std::io::Error>()?;
    rustls_error(io.get_ref()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::{Journal, RegionClients, RegionalClients};
    use aws_sdk_cognitoidentity::config::retry::RetryConfig;
    use aws_sdk_cognitoidentity::config::{BehaviorVersion, Credentials, Region};
    use aws_smithy_http_client::tls;

    /// The pools of a Cognito "endpoint" at `url`, through the function's own
    /// HTTP stack, without retries.
    fn pools_at(url: &str) -> RegionalClients {
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let credentials = Credentials::new("local", "local", None, None, "test");
        // The same configuration for each service's client.
        macro_rules! client_at {
            ($sdk:ident) => {
                $sdk::Client::from_conf(
                    $sdk::Config::builder()
                        .behavior_version(BehaviorVersion::latest())
                        .region(Region::new("us-east-1"))
                        .endpoint_url(url)
                        .http_client(http.clone())
                        .credentials_provider(credentials.clone())
                        .retry_config(RetryConfig::disabled())
                        .build(),
                )
            };
        }
        RegionalClients::new(RegionClients {
            identity: client_at!(aws_sdk_cognitoidentity),
            sync: client_at!(aws_sdk_cognitosync).into(),
            tagging: client_at!(aws_sdk_resourcegroupstagging),
        })
    }

    /// The Reason of a ListIdentityPools call to `url`.
    async fn reason_at(url: &str) -> String {
        let pools = pools_at(url);
        let journal = Journal::default();
        let error = pools
            .for_request("us-east-1", &journal)
            .ids_named("p")
            .await
            .expect_err("nothing answers there");
        assert!(error.transient, "a network failure may heal: {error:?}");
        error.to_string()
    }

    #[tokio::test]
    async fn a_refused_connection_is_one_sentence_naming_the_service_the_endpoint_and_the_cause() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let reason = reason_at(&format!("http://127.0.0.1:{port}")).await;
        assert_eq!(
            reason,
            format!(
                "ListIdentityPools failed: Cognito Identity at http://127.0.0.1:{port} could not be reached: Connection refused (os error 111)"
            )
        );
    }

    #[tokio::test]
    async fn a_failed_tls_handshake_says_so() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let (mut socket, _) = listener.accept().await.unwrap();
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        });
        let reason = reason_at(&format!("https://127.0.0.1:{port}")).await;
        server.abort();
        assert!(
            reason.starts_with(&format!(
                "ListIdentityPools failed: Cognito Identity at https://127.0.0.1:{port} could not be reached: the TLS handshake failed ("
            )),
            "{reason}"
        );
        assert!(!reason.contains("DispatchFailure"), "{reason}");
    }

    #[test]
    fn the_endpoint_is_scheme_host_and_port_only() {
        assert_eq!(
            endpoint_of("https://cognito-identity.us-east-1.amazonaws.com/?x=1"),
            "https://cognito-identity.us-east-1.amazonaws.com"
        );
        assert_eq!(endpoint_of("http://127.0.0.1:9/"), "http://127.0.0.1:9");
    }
}
