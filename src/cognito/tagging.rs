//! The idempotency look-up through the Resource Groups Tagging API.
//!
//! ListIdentityPools has no filter, so finding the pool a request made by
//! listing takes a call per 60 pools in the account. GetResources filters by
//! tag on the service side: one call at any account size. Its index is
//! eventually consistent (a pool made seconds ago may not be in it yet, see
//! <https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html>),
//! so the paths that may follow a CreateIdentityPool within seconds list instead.

use aws_sdk_resourcegroupstagging::types::TagFilter;

use super::{CognitoError, PoolCalls, all_pages};
use crate::domain::PoolId;

/// The resource type of identity pools in the tagging API.
const IDENTITY_POOL_TYPE: &str = "cognito-identity:identitypool";

/// A pool's id from its ARN, `arn:…:identitypool/REGION:GUID`.
fn pool_id_of(arn: &str) -> Option<&str> {
    arn.split_once(":identitypool/").map(|(_, id)| id)
}

impl PoolCalls<'_> {
    /// Ids of the identity pools of this region tagged `key` = `value`, as the
    /// tagging API's index has them now.
    pub async fn ids_tagged(&self, key: &str, value: &str) -> Result<Vec<PoolId>, CognitoError> {
        let filter = TagFilter::builder().key(key).values(value).build();
        let get = self.clients.tagging.get_resources();
        let get = get
            .tag_filters(filter)
            .resource_type_filters(IDENTITY_POOL_TYPE);
        let fetch = |token| {
            let page = get.clone().set_pagination_token(token);
            self.send("GetResources", page.send())
        };
        all_pages(fetch, |page| {
            let arns = page.resource_tag_mapping_list().iter();
            let arns = arns.filter_map(|mapping| mapping.resource_arn());
            let ids = arns.filter_map(pool_id_of).filter_map(PoolId::parse);
            (ids.collect(), page.pagination_token())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_id_is_the_arns_resource_part() {
        assert_eq!(
            pool_id_of(
                "arn:aws:cognito-identity:eu-west-1:123456789012:identitypool/eu-west-1:0f1e2d3c-aaaa-bbbb-cccc-111122223333"
            ),
            Some("eu-west-1:0f1e2d3c-aaaa-bbbb-cccc-111122223333")
        );
        assert_eq!(pool_id_of("arn:aws:s3:::bucket"), None);
    }
}
