//! A failed AWS call, in the words a person reads in the CloudFormation console.

use aws_sdk_cognitoidentity::config::http::HttpResponse;
use aws_sdk_cognitoidentity::error::{ProvideErrorMetadata, SdkError};

use super::network::Unreachable;
use super::retry_rules;

/// A failed Cognito call, worded for the CloudFormation console: the operation,
/// the service's error code and its message, or, when the service could not be
/// reached at all, one sentence naming it, its endpoint and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoError {
    pub operation: &'static str,
    pub code: String,
    pub message: String,
    /// Throttling, a 5xx, a concurrent change or a network failure: the same
    /// call may succeed later.
    pub transient: bool,
}

/// The code of a call that never got an answer from the service.
const UNREACHABLE: &str = "Unreachable";

impl std::fmt::Display for CognitoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code.as_str() {
            UNREACHABLE => write!(f, "{} failed: {}", self.operation, self.message),
            code => write!(f, "{} failed: {code}: {}", self.operation, self.message),
        }
    }
}

impl std::error::Error for CognitoError {}

/// Where Cognito's quotas are listed, and how the adjustable ones are raised.
const QUOTAS_HELP: &str = "Adjustable quotas are raised in the Service Quotas console (https://console.aws.amazon.com/servicequotas/home/services/cognito-identity/quotas); all are listed at https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html";

/// What a person can do about a code the service's own message leaves unexplained.
fn advice(operation: &str, code: &str) -> Option<String> {
    match (operation, code) {
        ("CreateIdentityPool", retry_rules::QUOTA_CODE) => Some(format!(
            "The account has reached its quota of identity pools in this Region (1,000 per account per Region unless raised): delete pools no longer used, or request a higher quota. {QUOTAS_HELP}"
        )),
        (_, retry_rules::QUOTA_CODE) => Some(format!("A Cognito quota was reached. {QUOTAS_HELP}")),
        _ => None,
    }
}

impl CognitoError {
    pub(super) fn from_sdk<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if let Some(unreachable) = unreachable(&error) {
            return CognitoError {
                operation,
                code: UNREACHABLE.to_owned(),
                message: unreachable.to_string(),
                transient: true,
            };
        }
        let code = error.code().unwrap_or("Unknown").to_owned();
        let mut message = match error.message() {
            Some(message) => message.to_owned(),
            None => aws_sdk_cognitoidentity::error::DisplayErrorContext(&error).to_string(),
        };
        if let Some(advice) = advice(operation, &code) {
            message = format!("{}. {advice}", message.trim_end_matches('.'));
        }
        let transient = match &error {
            SdkError::TimeoutError(_)
            | SdkError::DispatchFailure(_)
            | SdkError::ResponseError(_) => true,
            SdkError::ServiceError(service) => {
                service.raw().status().is_server_error()
                    || matches!(
                        code.as_str(),
                        "TooManyRequestsException"
                            | "ThrottlingException"
                            | retry_rules::CONCURRENT_CODE
                    )
            }
            _ => false,
        };
        CognitoError {
            operation,
            code,
            message,
            transient,
        }
    }

    pub(super) fn is_not_found(&self) -> bool {
        self.code == "ResourceNotFoundException"
    }
}

/// The [`Unreachable`] that [`super::network::NameTheEndpoint`] put into a failed call, if any.
fn unreachable<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Unreachable> {
    let mut current = Some(error);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<Unreachable>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}
