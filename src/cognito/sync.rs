//! Cognito Sync at the SDK: SetIdentityPoolConfiguration (streams, push sync) and
//! SetCognitoEvents, with the provider's [`SyncSettings`] parts.

use std::collections::BTreeMap;

use aws_sdk_cognitosync::types::StreamingStatus;

use super::{CognitoError, PoolCalls};
use crate::domain::{ApiEnum, CognitoStreams, PoolId, PushSync};

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
        const OP: &str = "SetIdentityPoolConfiguration";
        self.send(
            OP,
            self.clients
                .sync
                .set_identity_pool_configuration()
                .identity_pool_id(pool_id.as_str())
                .set_cognito_streams(streams.map(to_sdk_streams))
                .set_push_sync(push_sync.map(to_sdk_push_sync))
                .send(),
        )
        .await?;
        Ok(())
    }

    /// SetCognitoEvents. The API merges: an event given an empty value is removed.
    pub async fn set_cognito_events(
        &self,
        pool_id: &PoolId,
        events: &BTreeMap<String, String>,
    ) -> Result<(), CognitoError> {
        const OP: &str = "SetCognitoEvents";
        self.send(
            OP,
            self.clients
                .sync
                .set_cognito_events()
                .identity_pool_id(pool_id.as_str())
                .set_events(Some(super::unsorted(events)))
                .send(),
        )
        .await?;
        Ok(())
    }
}
