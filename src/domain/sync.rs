//! The pool's Cognito Sync settings: SetIdentityPoolConfiguration's streams and
//! push sync, and SetCognitoEvents' events.

use std::collections::BTreeMap;

use super::api_enum;

/// The pool's Cognito Sync settings. An absent part is one the template does
/// not set; removing a part the template used to set turns it off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncSettings {
    pub streams: Option<CognitoStreams>,
    pub push_sync: Option<PushSync>,
    /// Event (only `SyncTrigger` exists) → Lambda function ARN.
    pub events: BTreeMap<String, String>,
}

api_enum! {
    /// Whether dataset changes are published to the stream.
    StreamingStatus {
        Enabled = "ENABLED",
        Disabled = "DISABLED",
    }
}

/// Publishing dataset changes to a Kinesis stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CognitoStreams {
    pub stream_name: Option<String>,
    pub role_arn: Option<String>,
    pub streaming_status: Option<StreamingStatus>,
}

impl CognitoStreams {
    /// Streaming turned off: what a part the template no longer sets becomes
    /// (the API cannot unset it).
    pub fn disabled() -> Self {
        CognitoStreams {
            streaming_status: Some(StreamingStatus::Disabled),
            ..CognitoStreams::default()
        }
    }
}

/// Silent push notifications through SNS platform applications.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushSync {
    pub application_arns: Vec<String>,
    pub role_arn: Option<String>,
}
