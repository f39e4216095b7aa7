//! A CloudFormation custom-resource provider for Amazon Cognito identity pools.
//!
//! The modules in the order a request flows through them (docs/design.md has
//! the same list, one line each): [`handler`] → [`request`] → [`properties`]
//! (into the [`domain`] types) → [`provider`] (with [`ownership`] and
//! [`idempotency`]) → [`plan`] → [`cognito`] (each call written in the
//! [`journal`]) → [`response`].

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
