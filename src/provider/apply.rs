//! Carrying the plan's writes out: a new pool made once, an existing one
//! brought to the template, and the attributes of the answer.

use std::collections::BTreeMap;

use crate::cognito::{CognitoError, PoolCalls};
use crate::domain::{Pool, PoolConfig, PoolId, PoolSpec};
use crate::error::ProviderError;
use crate::idempotency::{self, REQUEST_TAG_KEY};
use crate::plan::{self, AccessNow, Managed, Reads, TagChanges, Write};
use crate::request::CustomResourceRequest;
use crate::response::Answer;

/// Creates the pool (once) and grants its roles and principal tags: the part
/// that Create and a replacement share. The caller removes the pool if this fails.
pub(super) async fn new_pool(
    request: &CustomResourceRequest,
    calls: &PoolCalls<'_>,
    spec: &PoolSpec,
) -> Result<Answer, ProviderError> {
    let request_tag = request.request_tag();
    let created = idempotency::create_once(calls, spec, &request_tag).await?;
    let previously = match created.made_now {
        true => Managed::created_now(),
        false => Managed::default(),
    };
    let mut tags = spec.tags.clone();
    tags.insert(REQUEST_TAG_KEY.to_owned(), request_tag);
    let pool = Pool {
        id: created.pool_id,
        config: spec.config.clone(),
        tags,
    };
    let unchanged = (None, TagChanges::default());
    bring_to_template(calls, request, &pool, spec, unchanged, &previously).await?;
    Ok(Answer::success(
        pool.id.as_str(),
        attributes(request, &pool.id, spec),
    ))
}

/// Brings an existing pool to the template: reads what the plan needs to know,
/// has it decide every write in the order Cognito accepts, checks that each
/// can be sent (a tag change needs the pool's ARN) before the first one goes
/// out, then sends them, the Cognito Sync settings last. `changes` are the
/// configuration to send (if it differs) and the tag diff.
pub(super) async fn bring_to_template(
    calls: &PoolCalls<'_>,
    request: &CustomResourceRequest,
    current: &Pool,
    spec: &PoolSpec,
    changes: (Option<PoolConfig>, TagChanges),
    previously: &Managed,
) -> Result<(), ProviderError> {
    let access = read_access(calls, current, spec, previously).await?;
    let (config, tags) = changes;
    let mut writes = plan::ordered_writes(spec, current, config, tags, &access);
    writes.extend(plan::sync_writes(&spec.sync, &previously.sync));
    let arn = match writes.iter().any(Write::needs_arn) {
        true => pool_arn(request, &current.id)?,
        false => String::new(),
    };
    for write in writes {
        send(calls, &current.id, &arn, write).await?;
    }
    Ok(())
}

/// The pool's roles and principal tags as far as the template manages them
/// (now or before): what the plan asks to read, read, and the rest known.
pub(super) async fn read_access(
    calls: &PoolCalls<'_>,
    current: &Pool,
    spec: &PoolSpec,
    previously: &Managed,
) -> Result<AccessNow, CognitoError> {
    let read = read(calls, &current.id, &plan::reads(spec, current, previously)).await?;
    Ok(plan::known_now(spec, previously, read))
}

/// Reads what the plan asked for.
async fn read(
    calls: &PoolCalls<'_>,
    pool_id: &PoolId,
    reads: &Reads,
) -> Result<AccessNow, CognitoError> {
    let roles = match reads.roles {
        true => Some(calls.roles(pool_id).await?),
        false => None,
    };
    let mut principal_tags = BTreeMap::new();
    for provider in &reads.principal_tags {
        let now = calls.principal_tags(pool_id, provider).await?;
        principal_tags.insert(provider.clone(), Some(now));
    }
    Ok(AccessNow {
        roles,
        principal_tags,
    })
}

/// Sends one write; `arn` is the pool's ARN, for the tagging calls.
async fn send(
    calls: &PoolCalls<'_>,
    pool_id: &PoolId,
    arn: &str,
    write: Write,
) -> Result<(), CognitoError> {
    match write {
        Write::Untag(keys) => calls.untag(arn, &keys).await,
        Write::Tag(tags) => calls.tag(arn, &tags).await,
        Write::SetRoles(roles) => calls.set_roles(pool_id, &roles).await,
        Write::SetPrincipalTags { provider, map } => {
            calls.set_principal_tags(pool_id, &provider, &map).await
        }
        Write::UpdatePool(config) => calls.update(pool_id, &config).await,
        Write::SetSyncConfiguration { streams, push_sync } => {
            calls
                .set_sync_configuration(pool_id, streams.as_ref(), push_sync.as_ref())
                .await
        }
        Write::SetCognitoEvents(events) => calls.set_cognito_events(pool_id, &events).await,
    }
}

/// Deletes a pool this request created and can no longer answer with. A failure
/// is logged, not raised: the caller is already answering with another error.
pub(super) async fn remove_created(calls: &PoolCalls<'_>, pool_id: &PoolId) -> bool {
    match calls.delete(pool_id).await {
        Ok(_) => true,
        Err(error) => {
            tracing::error!(pool_id = %pool_id, %error, "could not remove the pool this request created; it is tagged {REQUEST_TAG_KEY} and must be deleted by hand");
            false
        }
    }
}

/// `Fn::GetAtt` attributes, as the native resource names them, plus the ARN
/// when its account is known (always under CloudFormation and Lambda; see
/// [`CustomResourceRequest::arn_owner`]).
pub(super) fn attributes(
    request: &CustomResourceRequest,
    pool_id: &PoolId,
    spec: &PoolSpec,
) -> BTreeMap<String, String> {
    let mut data = BTreeMap::from([
        ("IdentityPoolId".to_owned(), pool_id.to_string()),
        ("Name".to_owned(), spec.config.name.clone()),
    ]);
    if let Ok(arn) = pool_arn(request, pool_id) {
        data.insert("Arn".to_owned(), arn);
    }
    data
}

/// `arn:<partition>:cognito-identity:<region>:<account>:identitypool/<id>`.
/// DescribeIdentityPool returns no ARN; the region comes from the pool id, the
/// partition and account from [`CustomResourceRequest::arn_owner`].
pub(super) fn pool_arn(
    request: &CustomResourceRequest,
    pool_id: &PoolId,
) -> Result<String, ProviderError> {
    let (partition, account) = request
        .arn_owner()
        .ok_or_else(|| ProviderError::NoAccount {
            stack_id: request.requester.stack_id.clone(),
            function_arn: request.function_arn.clone(),
        })?;
    Ok(format!(
        "arn:{partition}:cognito-identity:{}:{account}:identitypool/{pool_id}",
        pool_id.region()
    ))
}
