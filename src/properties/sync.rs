//! `CognitoStreams`, `PushSync` and `CognitoEvents`: the native resource's last
//! three properties, which belong to the Cognito Sync API rather than Cognito
//! Identity (SetIdentityPoolConfiguration, SetCognitoEvents).

use std::collections::BTreeMap;

use serde_json::Value;

use super::arn::{lambda_function_arn, role_arn, sns_application_arn};
use super::rules::{PropertyError, TextRule, choice, list, members, object_or_json, text};
use crate::domain::{CognitoStreams, PushSync, SyncSettings};

impl SyncSettings {
    /// The settings an Update's `OldResourceProperties` had, each part read on
    /// its own: a part that no longer parses counts as not set.
    pub(super) fn from_old_properties(old: &Value) -> Self {
        let part = |name: &str| old.get(name).filter(|v| !v.is_null());
        SyncSettings {
            streams: part("CognitoStreams").and_then(|v| cognito_streams("CognitoStreams", v).ok()),
            push_sync: part("PushSync").and_then(|v| push_sync("PushSync", v).ok()),
            events: part("CognitoEvents")
                .and_then(|v| cognito_events("CognitoEvents", v).ok())
                .unwrap_or_default(),
        }
    }
}

const STREAM_NAME: TextRule = TextRule::length(1, 128);

pub(super) fn cognito_streams(field: &str, value: &Value) -> Result<CognitoStreams, PropertyError> {
    let [stream_name, role, status] = members(
        field,
        value,
        ["StreamName", "RoleArn", "StreamingStatus"],
        &[],
    )?;
    Ok(CognitoStreams {
        stream_name: stream_name
            .map(|v| text(&format!("{field}.StreamName"), v, &STREAM_NAME))
            .transpose()?,
        role_arn: role
            .map(|v| role_arn(&format!("{field}.RoleArn"), v))
            .transpose()?,
        streaming_status: status
            .map(|v| choice(&format!("{field}.StreamingStatus"), v))
            .transpose()?,
    })
}

pub(super) fn push_sync(field: &str, value: &Value) -> Result<PushSync, PropertyError> {
    let [applications, role] = members(field, value, ["ApplicationArns", "RoleArn"], &[])?;
    Ok(PushSync {
        application_arns: applications
            .map(|v| {
                let path = format!("{field}.ApplicationArns");
                list(&path, v, None)?
                    .iter()
                    .enumerate()
                    .map(|(i, arn)| sns_application_arn(&format!("{path}[{i}]"), arn))
                    .collect()
            })
            .transpose()?
            .unwrap_or_default(),
        role_arn: role
            .map(|v| role_arn(&format!("{field}.RoleArn"), v))
            .transpose()?,
    })
}

/// `CognitoEvents`: an object, or (as the native schema allows) a JSON string of one.
pub(super) fn cognito_events(
    field: &str,
    value: &Value,
) -> Result<BTreeMap<String, String>, PropertyError> {
    object_or_json(field, value)?
        .iter()
        .map(|(event, function)| {
            let path = format!("{field}.{event}");
            if event != "SyncTrigger" {
                return Err(PropertyError::new(
                    &path,
                    "unknown event (known: SyncTrigger)",
                ));
            }
            Ok((event.clone(), lambda_function_arn(&path, function)?))
        })
        .collect()
}

#[cfg(test)]
mod tests;
