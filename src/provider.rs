//! Carrying out a request: Create, Update (in place or by replacement) and Delete.
//!
//! Each request is parsed into a [`PoolSpec`], the decision is made by the pure
//! functions of [`crate::plan`], and the calls go through the Cognito adapter.
//! Every path ends in an [`Answer`], never in an error the caller must interpret,
//! and every path that creates a pool either answers with it or removes it: the
//! provider never leaves a pool that no stack knows about.

use std::collections::BTreeMap;

use crate::backoff;
use crate::cognito::{CognitoError, IdentityPools, Journal, PoolCalls};
use crate::error::ProviderError;
use crate::plan::{UpdatePlan, plan_update};
use crate::properties::{PoolSpec, REQUEST_TAG_KEY};
use crate::request::{CustomResourceRequest, PhysicalId, RequestKind};
use crate::response::Answer;

/// The custom resource's logic, shared by every request of the process.
#[derive(Debug, Clone)]
pub struct Provider {
    pools: IdentityPools,
}

impl Provider {
    pub fn new(pools: IdentityPools) -> Self {
        Provider { pools }
    }

    /// Handles one request to the end and says what to answer.
    pub async fn answer(&self, request: &CustomResourceRequest, journal: &Journal) -> Answer {
        let calls = self.pools.for_request(journal);
        match &request.kind {
            RequestKind::Create => self.create(request, &calls, journal).await,
            RequestKind::Update {
                physical_resource_id,
            } => match self
                .update(request, physical_resource_id, &calls, journal)
                .await
            {
                Ok(answer) => answer,
                Err(error) => Answer::failed(physical_resource_id, &error),
            },
            RequestKind::Delete {
                physical_resource_id,
            } => match delete(request, physical_resource_id, &calls).await {
                Ok(()) => Answer::success(physical_resource_id, BTreeMap::new()),
                Err(error) => Answer::failed(physical_resource_id, &error),
            },
        }
    }

    /// The answer for a request that the deadline or a panic cut off. A Create
    /// that had already made its pool answers with the pool, so CloudFormation's
    /// rollback Delete removes it; one that had not answers the placeholder, whose
    /// rollback Delete looks for the pool by its request tag in case the cut-off
    /// call went through. A replacement removes the pool it made, leaving the old
    /// one in charge.
    pub async fn cut_off(
        &self,
        request: &CustomResourceRequest,
        journal: &Journal,
        error: &ProviderError,
    ) -> Answer {
        match (&request.kind, journal.created_pool()) {
            (RequestKind::Create, Some(pool_id)) => Answer::failed(pool_id, error),
            (RequestKind::Create, None) => Answer::failed(request.failed_create_id(), error),
            (_, created) => {
                if let Some(pool_id) = created {
                    remove_created(&self.pools.for_request(journal), &pool_id).await;
                }
                let id = request.physical_resource_id().unwrap_or_default();
                Answer::failed(id, error)
            }
        }
    }

    async fn create(
        &self,
        request: &CustomResourceRequest,
        calls: &PoolCalls<'_>,
        journal: &Journal,
    ) -> Answer {
        let placeholder = request.failed_create_id();
        let spec = match parse(request) {
            Ok(spec) => spec,
            Err(error) => return Answer::failed(placeholder, &error),
        };
        match create_once(calls, &spec, &request.request_tag()).await {
            Ok(pool_id) => match attributes(request, &pool_id, &spec) {
                Ok(data) => Answer::success(pool_id, data),
                Err(error) => {
                    let removed = remove_created(calls, &pool_id).await;
                    Answer::failed(if removed { placeholder } else { pool_id }, &error)
                }
            },
            Err(error) => Answer::failed(journal.created_pool().unwrap_or(placeholder), &error),
        }
    }

    async fn update(
        &self,
        request: &CustomResourceRequest,
        physical_resource_id: &str,
        calls: &PoolCalls<'_>,
        journal: &Journal,
    ) -> Result<Answer, ProviderError> {
        let spec = parse(request)?;
        let PhysicalId::Pool { id: pool_id, .. } = PhysicalId::classify(physical_resource_id)
        else {
            return Err(ProviderError::NotAPoolId(physical_resource_id.to_owned()));
        };
        let current = calls
            .describe(pool_id)
            .await?
            .ok_or_else(|| ProviderError::PoolGone(pool_id.to_owned()))?;
        match plan_update(&spec, &current) {
            UpdatePlan::NoChange => {}
            UpdatePlan::InPlace { config, tags } => {
                if let Some(config) = config {
                    calls.update(pool_id, &config).await?;
                }
                if !tags.is_empty() {
                    let arn = pool_arn(request, pool_id)?;
                    if !tags.set.is_empty() {
                        calls.tag(&arn, &tags.set).await?;
                    }
                    if !tags.remove.is_empty() {
                        calls.untag(&arn, &tags.remove).await?;
                    }
                }
            }
            UpdatePlan::Replace => {
                let replaced = create_once(calls, &spec, &request.request_tag()).await;
                let new_pool = match replaced
                    .and_then(|id| attributes(request, &id, &spec).map(|data| (id, data)))
                {
                    Ok((id, data)) => return Ok(Answer::success(id, data)),
                    Err(error) => error,
                };
                if let Some(created) = journal.created_pool() {
                    remove_created(calls, &created).await;
                }
                return Err(new_pool);
            }
        }
        Ok(Answer::success(
            pool_id,
            attributes(request, pool_id, &spec)?,
        ))
    }
}

fn parse(request: &CustomResourceRequest) -> Result<PoolSpec, ProviderError> {
    PoolSpec::from_properties(&request.properties, request.name_source())
        .map_err(ProviderError::InvalidProperties)
}

/// Delete: a pool id is deleted (already gone is fine); the placeholder of a
/// failed Create removes any pool that Create made after all; anything else
/// names no pool and needs no call.
async fn delete(
    request: &CustomResourceRequest,
    physical_resource_id: &str,
    calls: &PoolCalls<'_>,
) -> Result<(), ProviderError> {
    match PhysicalId::classify(physical_resource_id) {
        PhysicalId::Pool { id, .. } => {
            calls.delete(id).await?;
        }
        PhysicalId::FailedCreate { request_tag } => {
            // Properties that do not parse never made a pool.
            if let Ok(spec) = parse(request) {
                for pool_id in pools_created_by(calls, &spec.config.name, request_tag).await? {
                    calls.delete(&pool_id).await?;
                }
            }
        }
        PhysicalId::Other => {}
    }
    Ok(())
}

/// Creates the pool unless this same request already did: Lambda delivers an
/// async event at least once, and CreateIdentityPool has no client token. A
/// transient failure is retried here rather than by the SDK, looking again
/// before each attempt, because the failed attempt may have made the pool.
async fn create_once(
    calls: &PoolCalls<'_>,
    spec: &PoolSpec,
    request_tag: &str,
) -> Result<String, ProviderError> {
    let mut tags = spec.tags.clone();
    tags.insert(REQUEST_TAG_KEY.to_owned(), request_tag.to_owned());
    let mut attempt = 1;
    loop {
        let existing = pools_created_by(calls, &spec.config.name, request_tag).await?;
        if let Some(existing) = existing.into_iter().next() {
            tracing::info!(pool_id = %existing, "this request already created the pool; answering it again");
            return Ok(existing);
        }
        match calls.create(&spec.config, &tags).await {
            Ok(pool_id) => return Ok(pool_id),
            Err(error) if error.transient && attempt < CREATE_ATTEMPTS => {
                tracing::warn!(attempt, %error, "CreateIdentityPool failed transiently; looking for the pool before trying again");
                tokio::time::sleep(backoff::delay(attempt)).await;
                attempt += 1;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// As many CreateIdentityPool attempts as the SDK makes of any other call.
const CREATE_ATTEMPTS: u32 = 5;

/// The pools named `name` whose request tag is `request_tag`: list by name
/// first, so only the few same-named pools are described.
async fn pools_created_by(
    calls: &PoolCalls<'_>,
    name: &str,
    request_tag: &str,
) -> Result<Vec<String>, CognitoError> {
    let mut found = Vec::new();
    for pool_id in calls.ids_named(name).await? {
        if let Some(pool) = calls.describe(&pool_id).await?
            && pool.tags.get(REQUEST_TAG_KEY).map(String::as_str) == Some(request_tag)
        {
            found.push(pool.id);
        }
    }
    Ok(found)
}

/// Deletes a pool this request created and can no longer answer with. A failure
/// is logged, not raised: the caller is already answering with another error.
async fn remove_created(calls: &PoolCalls<'_>, pool_id: &str) -> bool {
    match calls.delete(pool_id).await {
        Ok(_) => true,
        Err(error) => {
            tracing::error!(pool_id, %error, "could not remove the pool this request created; it is tagged {REQUEST_TAG_KEY} and must be deleted by hand");
            false
        }
    }
}

/// `Fn::GetAtt` attributes, as the native resource names them, plus the ARN.
fn attributes(
    request: &CustomResourceRequest,
    pool_id: &str,
    spec: &PoolSpec,
) -> Result<BTreeMap<String, String>, ProviderError> {
    Ok(BTreeMap::from([
        ("IdentityPoolId".to_owned(), pool_id.to_owned()),
        ("Name".to_owned(), spec.config.name.clone()),
        ("Arn".to_owned(), pool_arn(request, pool_id)?),
    ]))
}

/// `arn:<partition>:cognito-identity:<region>:<account>:identitypool/<id>`.
/// DescribeIdentityPool returns no ARN; the partition and account come from the
/// stack's own ARN and the region from the pool id.
fn pool_arn(request: &CustomResourceRequest, pool_id: &str) -> Result<String, ProviderError> {
    let stack_id = &request.requester.stack_id;
    let parts: Vec<&str> = stack_id.splitn(6, ':').collect();
    let region = pool_id.split(':').next().unwrap_or_default();
    match parts.as_slice() {
        ["arn", partition, "cloudformation", _, account, _]
            if !partition.is_empty() && !account.is_empty() =>
        {
            Ok(format!(
                "arn:{partition}:cognito-identity:{region}:{account}:identitypool/{pool_id}"
            ))
        }
        _ => Err(ProviderError::NoStackArn(stack_id.clone())),
    }
}

#[cfg(test)]
mod tests;
