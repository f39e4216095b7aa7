//! Why a request failed, in the words the CloudFormation console shows as Reason.

use crate::cognito::CognitoError;
use crate::properties::PropertyError;

/// Every way a request can fail. The `Display` text is the Reason: it names the
/// property and the rule, or the Cognito operation with the service's code and
/// message, or the step a timeout cut short, so a user knows what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("Invalid properties: {}", join(.0))]
    InvalidProperties(Vec<PropertyError>),
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    #[error(
        "PhysicalResourceId {0:?} is not an identity pool id (REGION:GUID), so there is no pool to update"
    )]
    NotAPoolId(String),
    #[error(
        "Identity pool {0} no longer exists: it was deleted outside CloudFormation. The provider will not silently create a new one; remove the resource from the template (or restore the pool) and deploy again"
    )]
    PoolGone(String),
    #[error(
        "StackId {0:?} is not a CloudFormation stack ARN, so the pool's ARN (partition and account) cannot be derived for tagging"
    )]
    NoStackArn(String),
    #[error(
        "Timed out before the Lambda deadline while waiting on {step}; the provider answered before the function was stopped"
    )]
    TimedOut { step: &'static str },
    #[error("Internal error: the provider panicked while {step}: {message}")]
    Panicked { step: &'static str, message: String },
}

fn join(errors: &[PropertyError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
