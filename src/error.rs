//! Why a request failed, in the words the CloudFormation console shows as Reason.

use crate::cognito::CognitoError;
use crate::domain::PoolId;
use crate::ownership::Refusal;
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
        "There is no identity pool {id} in {region}: DescribeIdentityPool does not know it. Likely causes: the id is mistyped (a direct invocation's PhysicalResourceId), the pool was deleted outside CloudFormation, or it belongs to another account or Region than this function's credentials reach. The provider will not create a new pool in its place; if the pool is gone, remove the resource from the template (or restore the pool) and deploy again"
    )]
    PoolGone { id: String, region: String },
    #[error(
        "The pool's ARN is needed to change its tags, and its account is not known: StackId {stack_id:?} is no CloudFormation stack ARN and the function's ARN {function_arn:?} names no account (cargo-lambda's emulator gives \"function-arn\"). Pass the StackId of a stack in the pool's account (arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID), or invoke the function through Lambda"
    )]
    NoAccount {
        stack_id: String,
        function_arn: String,
    },
    #[error(
        "Timed out before the Lambda deadline while waiting on {step}; the provider answered before the function was stopped"
    )]
    TimedOut { step: &'static str },
    #[error("Internal error: the provider panicked while {step}: {message}")]
    Panicked { step: &'static str, message: String },
    /// The pool belongs to another stack, or to none: see [`crate::ownership`].
    #[error(transparent)]
    NotOwned(#[from] Refusal),
    #[error(
        "IdentityPoolId {pool_id}: there is no such identity pool in {region} (the region its id names), so there is nothing to adopt"
    )]
    NoPoolToAdopt { pool_id: String, region: String },
    #[error(
        "IdentityPoolId {0}: the template's DeveloperProviderName differs from the pool's, which Cognito cannot change once set, and a pool named by IdentityPoolId is never replaced; set DeveloperProviderName to the pool's own"
    )]
    AdoptedPoolNotReplaced(String),
    /// An adoption failed after it began changing the pool; `put_back` says
    /// whether the pool is as it was.
    #[error("Adopting identity pool {pool_id} failed, and {put_back}. What failed: {cause}")]
    AdoptionFailed {
        pool_id: String,
        cause: Box<ProviderError>,
        put_back: String,
    },
}

impl ProviderError {
    /// There is no pool with this id (in the region it names).
    pub fn pool_gone(pool_id: &PoolId) -> Self {
        ProviderError::PoolGone {
            id: pool_id.to_string(),
            region: pool_id.region().to_owned(),
        }
    }
}

fn join(errors: &[PropertyError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
