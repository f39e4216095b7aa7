//! Carrying out a request: Create, Update (in place or by replacement) and Delete.
//!
//! Each request is parsed into a [`PoolSpec`], the decision is made by the pure
//! functions of [`crate::plan`], and the calls go through the Cognito adapter.
//! Every path ends in an [`Answer`], never in an error the caller must interpret,
//! and every path that creates a pool either answers with it or removes it: the
//! provider never leaves a pool that no stack knows about.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::backoff;
use crate::cognito::Pool;
use crate::cognito::{CognitoError, IdentityPools, Journal, PoolCalls, pool_region};
use crate::error::ProviderError;
use crate::ownership::{self, Action};
use crate::plan::{AccessNow, TagChanges, UpdatePlan, Write, ordered_writes, plan_update};
use crate::properties::{
    CognitoStreams, PoolSpec, PushSync, REQUEST_TAG_KEY, RoleSettings, SyncSettings,
    adopted_pool_id, principal_tag_providers,
};
use crate::request::{CustomResourceRequest, PhysicalId, RequestKind};
use crate::response::Answer;

/// The custom resource's logic, shared by every request of the process.
#[derive(Debug)]
pub struct Provider {
    pools: IdentityPools,
}

impl Provider {
    pub fn new(pools: IdentityPools) -> Self {
        Provider { pools }
    }

    /// Handles one request to the end and says what to answer.
    pub async fn answer(&self, request: &CustomResourceRequest, journal: &Journal) -> Answer {
        match &request.kind {
            RequestKind::Create => self.create(request, journal).await,
            RequestKind::Update {
                physical_resource_id,
            } => match self.update(request, physical_resource_id, journal).await {
                Ok(answer) => answer,
                Err(error) => Answer::failed(physical_resource_id, &error),
            },
            RequestKind::Delete {
                physical_resource_id,
            } => match self.delete(request, physical_resource_id, journal).await {
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
                    remove_created(&self.calls_for_pool(&pool_id, journal), &pool_id).await;
                }
                let id = request.physical_resource_id().unwrap_or_default();
                Answer::failed(id, error)
            }
        }
    }

    /// The client for the region a new pool of `spec` goes to.
    fn calls_for_spec<'a>(&self, spec: &PoolSpec, journal: &'a Journal) -> PoolCalls<'a> {
        self.pools
            .for_request(spec.region_or(self.pools.home_region()), journal)
    }

    /// The client for the region an existing pool lives in (its id says so).
    fn calls_for_pool<'a>(&self, pool_id: &str, journal: &'a Journal) -> PoolCalls<'a> {
        self.pools.for_request(pool_region(pool_id), journal)
    }

    async fn create(&self, request: &CustomResourceRequest, journal: &Journal) -> Answer {
        let placeholder = request.failed_create_id();
        let spec = match parse(request) {
            Ok(spec) => spec,
            Err(error) => return Answer::failed(placeholder, &error),
        };
        if let Some(adoption) = &spec.adoption {
            return match self.adopt(request, &spec, adoption, journal).await {
                Ok(answer) => answer,
                Err(error) => Answer::failed(placeholder, &error),
            };
        }
        let calls = self.calls_for_spec(&spec, journal);
        match new_pool(request, &calls, &spec).await {
            Ok(answer) => answer,
            Err(error) => match journal.created_pool() {
                Some(pool_id) if !remove_created(&calls, &pool_id).await => {
                    Answer::failed(pool_id, &error)
                }
                _ => Answer::failed(placeholder, &error),
            },
        }
    }

    async fn update(
        &self,
        request: &CustomResourceRequest,
        physical_resource_id: &str,
        journal: &Journal,
    ) -> Result<Answer, ProviderError> {
        let spec = parse(request)?;
        let PhysicalId::Pool {
            id: pool_id,
            region,
        } = PhysicalId::classify(physical_resource_id)
        else {
            return Err(ProviderError::NotAPoolId(physical_resource_id.to_owned()));
        };
        // Another pool named by IdentityPoolId: a replacement by adoption.
        if let Some(adoption) = spec.adoption.as_ref().filter(|a| a.pool_id != pool_id) {
            return self.adopt(request, &spec, adoption, journal).await;
        }
        let calls = self.pools.for_request(region, journal);
        let current = calls
            .describe(pool_id)
            .await?
            .ok_or_else(|| ProviderError::PoolGone {
                id: pool_id.to_owned(),
                region: region.to_owned(),
            })?;
        ownership::may_change(pool_id, &current.tags, request.stack_key(), Action::Update)?;
        let (config, tags) = match plan_update(&spec, &current, self.pools.home_region()) {
            UpdatePlan::Replace if spec.adoption.is_some() => {
                return Err(ProviderError::AdoptedPoolNotReplaced(pool_id.to_owned()));
            }
            UpdatePlan::Replace => return self.replace(request, &spec, journal).await,
            UpdatePlan::NoChange => (None, TagChanges::default()),
            UpdatePlan::InPlace { config, tags } => (config, tags),
        };
        let previously = previously_managed(&request.old_properties);
        bring_to_template(
            &calls,
            request,
            &current,
            &spec,
            (config, tags),
            &previously,
        )
        .await?;
        Ok(Answer::success(
            pool_id,
            attributes(request, pool_id, &spec),
        ))
    }

    /// A new pool in place of the old one; if anything fails after it was made,
    /// it is removed again and the old pool stays in charge.
    async fn replace(
        &self,
        request: &CustomResourceRequest,
        spec: &PoolSpec,
        journal: &Journal,
    ) -> Result<Answer, ProviderError> {
        let calls = self.calls_for_spec(spec, journal);
        let error = match new_pool(request, &calls, spec).await {
            Ok(answer) => return Ok(answer),
            Err(error) => error,
        };
        if let Some(created) = journal.created_pool() {
            remove_created(&calls, &created).await;
        }
        Err(error)
    }

    /// Delete: a pool id is deleted (already gone is fine) if this stack owns it,
    /// and kept if the template adopted it by `IdentityPoolId`; the placeholder of
    /// a failed Create removes any pool that Create made after all (a Create that
    /// adopted made none); anything else names no pool and needs no call.
    async fn delete(
        &self,
        request: &CustomResourceRequest,
        physical_resource_id: &str,
        journal: &Journal,
    ) -> Result<(), ProviderError> {
        match PhysicalId::classify(physical_resource_id) {
            PhysicalId::Pool { id, region } => {
                if ownership::kept_on_delete(id, adopted_pool_id(&request.properties)) {
                    tracing::info!(
                        pool_id = id,
                        "the template adopted this pool by IdentityPoolId: it is kept"
                    );
                    return Ok(());
                }
                let calls = self.pools.for_request(region, journal);
                if let Some(pool) = calls.describe(id).await? {
                    ownership::may_change(id, &pool.tags, request.stack_key(), Action::Delete)?;
                    calls.delete(id).await?;
                }
            }
            PhysicalId::FailedCreate { .. } if adopted_pool_id(&request.properties).is_some() => {}
            PhysicalId::FailedCreate { request_tag } => {
                // Properties that do not parse never made a pool.
                if let Ok(spec) = parse(request) {
                    let calls = self.calls_for_spec(&spec, journal);
                    // The Create may have made its pool seconds ago: list, the
                    // tagging index may not have it yet.
                    let made =
                        pools_created_by(&calls, &spec.config.name, request_tag, LookUp::List);
                    for pool_id in made.await? {
                        calls.delete(&pool_id).await?;
                    }
                }
            }
            PhysicalId::Other => {}
        }
        Ok(())
    }
}

fn parse(request: &CustomResourceRequest) -> Result<PoolSpec, ProviderError> {
    PoolSpec::from_properties(&request.properties, request.name_source())
        .map_err(ProviderError::InvalidProperties)
}

/// Creates the pool (once) and grants its roles and principal tags: the part
/// that Create and a replacement share. The caller removes the pool if this fails.
async fn new_pool(
    request: &CustomResourceRequest,
    calls: &PoolCalls<'_>,
    spec: &PoolSpec,
) -> Result<Answer, ProviderError> {
    let request_tag = request.request_tag();
    let (pool_id, made_now) = create_once(calls, spec, &request_tag).await?;
    let previously = Managed {
        bare: made_now,
        ..Managed::default()
    };
    let mut tags = spec.tags.clone();
    tags.insert(REQUEST_TAG_KEY.to_owned(), request_tag);
    let created = Pool {
        id: pool_id.clone(),
        config: spec.config.clone(),
        tags,
    };
    let unchanged = (None, TagChanges::default());
    bring_to_template(calls, request, &created, spec, unchanged, &previously).await?;
    Ok(Answer::success(
        pool_id.clone(),
        attributes(request, &pool_id, spec),
    ))
}

/// What the template managed before this Update, read from its old properties
/// only to know what to clear: roles and principal tags that the template no
/// longer mentions go back to their defaults, and ones it never managed are
/// left alone.
#[derive(Debug, Default)]
struct Managed {
    roles: bool,
    principal_tag_providers: BTreeSet<String>,
    /// The Cognito Sync settings the template had (those that still parse).
    sync: SyncSettings,
    /// The pool was created by this very request, so it has no roles or
    /// principal tags yet: there is nothing to read before writing.
    bare: bool,
}

fn previously_managed(old_properties: &Value) -> Managed {
    Managed {
        sync: SyncSettings::from_old_properties(old_properties),
        roles: ["Roles", "RoleMappings"]
            .iter()
            .any(|key| old_properties.get(key).is_some_and(|v| !v.is_null())),
        principal_tag_providers: principal_tag_providers(old_properties),
        bare: false,
    }
}

/// Brings an existing pool to the template: reads what the template manages,
/// decides every write in the order Cognito accepts ([`ordered_writes`]),
/// checks that each can be sent (a tag change needs the pool's ARN) before the
/// first one goes out, then sends them, and last the Cognito Sync settings.
/// `changes` are the configuration to send (if it differs) and the tag diff.
async fn bring_to_template(
    calls: &PoolCalls<'_>,
    request: &CustomResourceRequest,
    current: &Pool,
    spec: &PoolSpec,
    changes: (Option<crate::properties::PoolConfig>, TagChanges),
    previously: &Managed,
) -> Result<(), ProviderError> {
    let access = read_access(calls, current, spec, previously).await?;
    let (config, tags) = changes;
    let writes = ordered_writes(spec, current, config, tags, &access);
    let arn = match writes.iter().any(Write::needs_arn) {
        true => pool_arn(request, &current.id)?,
        false => String::new(),
    };
    let pool_id = current.id.as_str();
    for write in writes {
        match write {
            Write::Untag(keys) => calls.untag(&arn, &keys).await?,
            Write::Tag(tags) => calls.tag(&arn, &tags).await?,
            Write::SetRoles(roles) => calls.set_roles(pool_id, &roles).await?,
            Write::SetPrincipalTags { provider, map } => {
                calls.set_principal_tags(pool_id, &provider, &map).await?
            }
            Write::UpdatePool(config) => calls.update(pool_id, &config).await?,
        }
    }
    sync_cognito_sync(calls, pool_id, &spec.sync, &previously.sync).await
}

/// Reads the roles and principal tags the template manages (now or before),
/// so that only what differs is written. A pool made by this very request has
/// none yet, and a provider the pool does not configure yet has nothing to read.
async fn read_access(
    calls: &PoolCalls<'_>,
    current: &Pool,
    spec: &PoolSpec,
    previously: &Managed,
) -> Result<AccessNow, ProviderError> {
    let desired = &spec.access;
    let roles = match (
        !desired.roles.is_empty() || previously.roles,
        previously.bare,
    ) {
        (false, _) => None,
        (true, true) => Some(RoleSettings::default()),
        (true, false) => Some(calls.roles(&current.id).await?),
    };
    let providers: BTreeSet<&String> = desired
        .principal_tags
        .keys()
        .chain(&previously.principal_tag_providers)
        .collect();
    let mut principal_tags = BTreeMap::new();
    for provider in providers {
        let now = match previously.bare || !current.config.configures(provider, false) {
            true => None,
            false => Some(calls.principal_tags(&current.id, provider).await?),
        };
        principal_tags.insert(provider.clone(), now);
    }
    Ok(AccessNow {
        roles,
        principal_tags,
    })
}

/// Makes the pool's Cognito Sync settings those of the template, compared with
/// what the template had before (Cognito Sync is written only when they
/// differ). A part the template no longer sets is turned off: streaming
/// DISABLED, no push applications, and an empty value for each event (the API
/// merges events, so a key left out would stay).
async fn sync_cognito_sync(
    calls: &PoolCalls<'_>,
    pool_id: &str,
    desired: &SyncSettings,
    previous: &SyncSettings,
) -> Result<(), ProviderError> {
    if desired.streams != previous.streams || desired.push_sync != previous.push_sync {
        let streams = desired.streams.clone().or_else(|| {
            previous.streams.as_ref().map(|_| CognitoStreams {
                streaming_status: Some("DISABLED".to_owned()),
                ..CognitoStreams::default()
            })
        });
        let push_sync = desired
            .push_sync
            .clone()
            .or_else(|| previous.push_sync.as_ref().map(|_| PushSync::default()));
        calls
            .set_sync_configuration(pool_id, streams.as_ref(), push_sync.as_ref())
            .await?;
    }
    if desired.events != previous.events {
        let mut events = desired.events.clone();
        for removed in previous.events.keys() {
            events.entry(removed.clone()).or_default();
        }
        calls.set_cognito_events(pool_id, &events).await?;
    }
    Ok(())
}

/// Creates the pool unless this same request already did: Lambda delivers an
/// async event at least once, and CreateIdentityPool has no client token. A
/// transient failure is retried here rather than by the SDK, looking again
/// before each attempt, because the failed attempt may have made the pool.
/// The first look finds a redelivered request's pool through the tagging index
/// (made minutes before, so indexed by now); the looks after a failed attempt
/// list, because the index may not show a pool made a moment ago.
/// Answers the pool id, and whether it was made just now (rather than found).
async fn create_once(
    calls: &PoolCalls<'_>,
    spec: &PoolSpec,
    request_tag: &str,
) -> Result<(String, bool), ProviderError> {
    let mut tags = spec.tags.clone();
    tags.insert(REQUEST_TAG_KEY.to_owned(), request_tag.to_owned());
    let mut attempt = 1;
    loop {
        let look_up = match attempt {
            1 => LookUp::Index,
            _ => LookUp::List,
        };
        let existing = pools_created_by(calls, &spec.config.name, request_tag, look_up).await?;
        if let Some(existing) = existing.into_iter().next() {
            tracing::info!(pool_id = %existing, "this request already created the pool; answering it again");
            return Ok((existing, false));
        }
        match calls.create(&spec.config, &tags).await {
            Ok(pool_id) => return Ok((pool_id, true)),
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

/// Where to look for the pools a request made.
#[derive(Debug, Clone, Copy)]
enum LookUp {
    /// One GetResources call for the request tag, at any account size; the
    /// index lags behind a CreateIdentityPool by up to minutes.
    Index,
    /// ListIdentityPools over the whole account, a call per 60 pools: it shows
    /// a pool as soon as it exists.
    List,
}

/// The pools named `name` whose request tag is `request_tag`. The candidates
/// (those the index has for the tag, or the same-named ones listed) are
/// described, so a pool is only answered if it exists and carries the tag. An
/// index that cannot be asked (a role without `tag:GetResources`) is listed
/// instead.
async fn pools_created_by(
    calls: &PoolCalls<'_>,
    name: &str,
    request_tag: &str,
    look_up: LookUp,
) -> Result<Vec<String>, CognitoError> {
    let candidates = match look_up {
        LookUp::Index => match calls.ids_tagged(REQUEST_TAG_KEY, request_tag).await {
            Ok(ids) => ids,
            Err(error) => {
                tracing::warn!(%error, "the tagging index could not be asked; listing the pools instead");
                calls.ids_named(name).await?
            }
        },
        LookUp::List => calls.ids_named(name).await?,
    };
    let mut found = Vec::new();
    for pool_id in candidates {
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

/// `Fn::GetAtt` attributes, as the native resource names them, plus the ARN
/// when its account is known (always under CloudFormation and Lambda; see
/// [`arn_owner`]).
fn attributes(
    request: &CustomResourceRequest,
    pool_id: &str,
    spec: &PoolSpec,
) -> BTreeMap<String, String> {
    let mut data = BTreeMap::from([
        ("IdentityPoolId".to_owned(), pool_id.to_owned()),
        ("Name".to_owned(), spec.config.name.clone()),
    ]);
    if let Ok(arn) = pool_arn(request, pool_id) {
        data.insert("Arn".to_owned(), arn);
    }
    data
}

/// `arn:<partition>:cognito-identity:<region>:<account>:identitypool/<id>`.
/// DescribeIdentityPool returns no ARN; the region comes from the pool id, the
/// partition and account from [`arn_owner`].
fn pool_arn(request: &CustomResourceRequest, pool_id: &str) -> Result<String, ProviderError> {
    let (partition, account) = arn_owner(request).ok_or_else(|| ProviderError::NoAccount {
        stack_id: request.requester.stack_id.clone(),
        function_arn: request.function_arn.clone(),
    })?;
    Ok(format!(
        "arn:{partition}:cognito-identity:{}:{account}:identitypool/{pool_id}",
        pool_region(pool_id)
    ))
}

/// The partition and account a pool of this request belongs to: the stack's
/// ARN says so, or, for a direct invocation without one, the function's own
/// ARN (Lambda always gives it; cargo-lambda's emulator gives `function-arn`,
/// which names none).
fn arn_owner(request: &CustomResourceRequest) -> Option<(&str, &str)> {
    [&request.requester.stack_id, &request.function_arn]
        .into_iter()
        .find_map(
            |arn| match arn.splitn(6, ':').collect::<Vec<_>>().as_slice() {
                ["arn", partition, _, _, account, _]
                    if !partition.is_empty() && !account.is_empty() =>
                {
                    Some((*partition, *account))
                }
                _ => None,
            },
        )
}

mod adopt;

#[cfg(test)]
mod tests;
