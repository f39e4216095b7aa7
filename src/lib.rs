//! A CloudFormation custom-resource provider for Amazon Cognito identity pools.
//!
//! The modules in the order a request flows through them (the README's Layout
//! says the same, one line each): [`handler`] takes the invocation, [`request`]
//! reads the envelope, [`properties`] reads `ResourceProperties` into the
//! [`domain`] types, [`provider`] carries the request out, asking [`ownership`],
//! [`idempotency`] and [`plan`] to decide and [`cognito`] to call AWS (each call
//! written in the [`journal`]), and [`response`] delivers the answer. [`error`]
//! words the Reasons, [`backoff`] paces the provider's own retries, [`logging`]
//! and [`trust`] are set up once by `main`.

pub mod backoff;
pub mod cognito;
pub mod domain;
pub mod error;
pub mod handler;
pub mod idempotency;
pub mod journal;
pub mod logging;
pub mod ownership;
pub mod plan;
pub mod properties;
pub mod provider;
pub mod request;
pub mod response;
pub mod trust;

#[cfg(test)]
mod test_support;
