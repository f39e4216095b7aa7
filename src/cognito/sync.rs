//! Cognito Sync at the SDK: SetIdentityPoolConfiguration (streams, push sync) and
//! SetCognitoEvents, with the provider's [`SyncSettings`] parts, and their Get
//! counterparts, which an adoption reads to put the settings back if it fails.

use std::collections::BTreeMap;

use aws_sdk_cognitosync::types::StreamingStatus;

use super::{CognitoError, PoolCalls, sorted};
use crate::properties::{CognitoStreams, PushSync, SyncSettings};

type SdkStreams = aws_sdk_cognitosync::types::CognitoStreams;
type SdkPushSync = aws_sdk_cognitosync::types::PushSync;

fn to_sdk_streams(streams: &CognitoStreams) -> SdkStreams {
    SdkStreams::builder()
        .set_stream_name(streams.stream_name.clone())
        .set_role_arn(streams.role_arn.clone())
        .set_streaming_status(
            streams
                .streaming_status
                .as_deref()
                .map(StreamingStatus::from),
        )
        .build()
}

fn from_sdk_streams(streams: &SdkStreams) -> CognitoStreams {
    CognitoStreams {
        stream_name: streams.stream_name().map(str::to_owned),
        role_arn: streams.role_arn().map(str::to_owned),
        streaming_status: streams.streaming_status().map(|s| s.as_str().to_owned()),
    }
}

fn from_sdk_push_sync(push: &SdkPushSync) -> PushSync {
    PushSync {
        application_arns: push.application_arns().to_vec(),
        role_arn: push.role_arn().map(str::to_owned),
    }
}

fn to_sdk_push_sync(push: &PushSync) -> SdkPushSync {
    SdkPushSync::builder()
        .set_application_arns(Some(push.application_arns.clone()))
        .set_role_arn(push.role_arn.clone())
        .build()
}

impl PoolCalls<'_> {
    /// SetIdentityPoolConfiguration: the parts given are set, the others left.
    pub async fn set_sync_configuration(
        &self,
        pool_id: &str,
        streams: Option<&CognitoStreams>,
        push_sync: Option<&PushSync>,
    ) -> Result<(), CognitoError> {
        const OP: &str = "SetIdentityPoolConfiguration";
        self.journal.begin(OP);
        self.clients
            .sync
            .set_identity_pool_configuration()
            .identity_pool_id(pool_id)
            .set_cognito_streams(streams.map(to_sdk_streams))
            .set_push_sync(push_sync.map(to_sdk_push_sync))
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(OP, e))?;
        Ok(())
    }

    /// GetIdentityPoolConfiguration and GetCognitoEvents: the settings the pool
    /// has now (a part never set is `None`).
    pub async fn sync_settings(&self, pool_id: &str) -> Result<SyncSettings, CognitoError> {
        const GET_CONFIGURATION: &str = "GetIdentityPoolConfiguration";
        const GET_EVENTS: &str = "GetCognitoEvents";
        self.journal.begin(GET_CONFIGURATION);
        let configuration = self
            .clients
            .sync
            .get_identity_pool_configuration()
            .identity_pool_id(pool_id)
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(GET_CONFIGURATION, e))?;
        self.journal.begin(GET_EVENTS);
        let events = self
            .clients
            .sync
            .get_cognito_events()
            .identity_pool_id(pool_id)
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(GET_EVENTS, e))?;
        Ok(SyncSettings {
            streams: configuration.cognito_streams().map(from_sdk_streams),
            push_sync: configuration.push_sync().map(from_sdk_push_sync),
            events: sorted(events.events()),
        })
    }

    /// SetCognitoEvents. The API merges: an event given an empty value is removed.
    pub async fn set_cognito_events(
        &self,
        pool_id: &str,
        events: &BTreeMap<String, String>,
    ) -> Result<(), CognitoError> {
        const OP: &str = "SetCognitoEvents";
        self.journal.begin(OP);
        self.clients
            .sync
            .set_cognito_events()
            .identity_pool_id(pool_id)
            .set_events(Some(super::unsorted(events)))
            .send()
            .await
            .map_err(|e| CognitoError::from_sdk(OP, e))?;
        Ok(())
    }
}
