//! A CloudFormation custom-resource provider for Amazon Cognito identity pools.
//!
//! The request flows through the modules in this order: [`request`] reads the
//! event's envelope, [`properties`] turns `ResourceProperties` into a
//! [`properties::PoolSpec`], [`plan`] decides what an Update must do,
//! [`provider`] carries it out through the [`cognito`] adapter, and [`handler`]
//! bounds it all by the Lambda deadline and delivers the [`response`]. Both HTTP
//! clients trust the roots that [`trust`] reads once.

pub mod backoff;
pub mod cognito;
pub mod error;
pub mod handler;
pub mod logging;
pub mod ownership;
pub mod plan;
pub mod properties;
pub mod provider;
pub mod request;
pub mod response;
pub mod trust;
