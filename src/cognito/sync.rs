//! Cognito Sync at the SDK: SetIdentityPoolConfiguration (streams, push sync) and
//! SetCognitoEvents, with the provider's [`SyncSettings`] parts, and their Get
//! counterparts, which an adoption reads to put the settings back if it fails.

use std::collections::BTreeMap;

use aws_sdk_cognitosync::types::StreamingStatus;

use super::{CognitoError, PoolCalls, sorted};
use crate::domain::{ApiEnum, CognitoStreams, PoolId, PushSync, SyncSettings};

type SdkStreams = aws_sdk_cognitosync::types::CognitoStreams;
type SdkPushSync = aws_sdk_cognitosync::types::PushSync;

fn to_sdk_streams(streams: &CognitoStreams) -> SdkStreams {
    SdkStreams::builder()
        .set_stream_name(streams.stream_name.clone())
        .set_role_arn(streams.role_arn.clone())
        .set_streaming_status(
            streams
                .streaming_status
                .map(|status| StreamingStatus::from(status.as_str())),
        )
        .build()
}

fn from_sdk_streams(streams: &SdkStreams) -> CognitoStreams {
    CognitoStreams {
        stream_name: streams.stream_name().map(str::to_owned),
        role_arn: streams.role_arn().map(str::to_owned),
        streaming_status: streams
            .streaming_status()
            .and_then(|status| ApiEnum::from_name(status.as_str())),
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
        pool_id: &PoolId,
        streams: Option<&CognitoStreams>,
        push_sync: Option<&PushSync>,
    ) -> Result<(), CognitoError> {
        let call = self.clients.sync.set_identity_pool_configuration();
        let call = call
            .identity_pool_id(pool_id.as_str())
            .set_cognito_streams(streams.map(to_sdk_streams))
            .set_push_sync(push_sync.map(to_sdk_push_sync));
        self.send("SetIdentityPoolConfiguration", call.send())
            .await
            .map(drop)
    }

    /// GetIdentityPoolConfiguration and GetCognitoEvents: the settings the pool
    /// has now (a part never set is `None`).
    pub async fn sync_settings(&self, pool_id: &PoolId) -> Result<SyncSettings, CognitoError> {
        let configuration = self.clients.sync.get_identity_pool_configuration();
        let configuration = configuration.identity_pool_id(pool_id.as_str()).send();
        let configuration = self
            .send("GetIdentityPoolConfiguration", configuration)
            .await?;
        let events = self.clients.sync.get_cognito_events();
        let events = events.identity_pool_id(pool_id.as_str()).send();
        let events = self.send("GetCognitoEvents", events).await?;
        Ok(SyncSettings {
            streams: configuration.cognito_streams().map(from_sdk_streams),
            push_sync: configuration.push_sync().map(from_sdk_push_sync),
            events: sorted(events.events()),
        })
    }

    /// SetCognitoEvents. The API merges: an event given an empty value is removed.
    pub async fn set_cognito_events(
        &self,
        pool_id: &PoolId,
        events: &BTreeMap<String, String>,
    ) -> Result<(), CognitoError> {
        let call = self.clients.sync.set_cognito_events();
        let call = call
            .identity_pool_id(pool_id.as_str())
            .set_events(Some(super::unsorted(events)));
        self.send("SetCognitoEvents", call.send()).await.map(drop)
    }
}
