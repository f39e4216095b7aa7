//! Idempotency: how a Create that Lambda delivers twice makes one pool.
//!
//! CreateIdentityPool takes no client token
//! (docs/design.md#no-client-token-on-createidentitypool), so the provider
//! names each request ([`CustomResourceRequest::request_tag`]) and creates the
//! pool with that name as its request tag, in the same call. A redelivered
//! Create finds the pool by the tag and answers it again ([`create_once`]). A
//! Create that fails without a pool answers a placeholder id that carries the
//! tag ([`CustomResourceRequest::failed_create_id`]), so the rollback Delete can
//! still find a pool that a cut-off call made
//! (docs/design.md#a-placeholder-id-for-a-failed-create).

use crate::backoff;
use crate::cognito::{CognitoError, MAX_ATTEMPTS, PoolCalls};
use crate::domain::{PoolId, PoolSpec};
use crate::error::ProviderError;
use crate::request::CustomResourceRequest;

/// The tag the provider puts on every pool it creates, valued with the request
/// that created it. CreateIdentityPool has no client token, so this tag is what
/// lets a redelivered Create find the pool it already made instead of making a
/// second one, and lets the rollback Delete of a failed Create find a pool that
/// the deadline cut off.
pub const REQUEST_TAG_KEY: &str = "identity-pool-provider:create-request";

/// How the placeholder id of a failed Create begins.
const FAILED_CREATE_PREFIX: &str = "CreateFailed/";

impl CustomResourceRequest {
    /// This request's identity, `<stack guid>/<request id>`: StackId and
    /// RequestId together name a request (docs/design.md#the-request), and the
    /// guid keeps the tag short. A pool created for this request carries it as
    /// its request tag, so it must fit a tag value (256): the stack part is cut
    /// to its last 64 characters (a guid is 36) and the RequestId is at most 128.
    /// A direct invocation without StackId is named by its RequestId alone.
    pub fn request_tag(&self) -> String {
        match self.stack_key() {
            "" => self.requester.request_id.clone(),
            stack => format!("{stack}/{}", self.requester.request_id),
        }
    }

    /// The PhysicalResourceId a failed Create answers when it has no pool id to
    /// give: it can never equal a pool id (it has a `/`), stays the same when the
    /// Create is redelivered, and carries the request tag so the rollback Delete
    /// can still find a pool that the deadline cut off.
    pub fn failed_create_id(&self) -> String {
        format!("{FAILED_CREATE_PREFIX}{}", self.request_tag())
    }

    /// The id a failed answer carries when it has no pool to name: the id
    /// CloudFormation already knows (Update, Delete), or a Create's placeholder.
    pub fn failed_answer_id(&self) -> String {
        self.physical_resource_id()
            .map_or_else(|| self.failed_create_id(), str::to_owned)
    }
}

/// The request tag a failed Create's placeholder id carries, if `id` is one.
pub fn placeholder_request_tag(id: &str) -> Option<&str> {
    id.strip_prefix(FAILED_CREATE_PREFIX)
}

/// The pool [`create_once`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub pool_id: PoolId,
    /// Made by this call rather than found: such a pool has no roles or
    /// principal tags yet.
    pub made_now: bool,
}

/// Creates the pool unless this same request already did: Lambda delivers an
/// async event at least once, and CreateIdentityPool has no client token. A
/// throttled call made nothing and is retried by the SDK; any other transient
/// failure (a timeout, a 5xx, a dropped connection) is retried here, looking
/// again before each attempt, because the failed attempt may have made the pool.
/// The first look finds a redelivered request's pool through the tagging index
/// (made minutes before, so indexed by now); the looks after a failed attempt
/// list, because the index may not show a pool made a moment ago.
pub async fn create_once(
    calls: &PoolCalls<'_>,
    spec: &PoolSpec,
    request_tag: &str,
) -> Result<Created, ProviderError> {
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
            // Noted as made by this request, as it was: a failure from here
            // on removes it like a pool made just now (a replacement has no
            // rollback Delete that would find it).
            calls.note_created(&existing);
            return Ok(Created {
                pool_id: existing,
                made_now: false,
            });
        }
        match calls.create(&spec.config, &tags).await {
            Ok(pool_id) => {
                return Ok(Created {
                    pool_id,
                    made_now: true,
                });
            }
            Err(error) if error.transient && attempt < MAX_ATTEMPTS => {
                tracing::warn!(attempt, %error, "CreateIdentityPool failed transiently; looking for the pool before trying again");
                tokio::time::sleep(backoff::delay(attempt)).await;
                attempt += 1;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Where to look for the pools a request made.
#[derive(Debug, Clone, Copy)]
pub enum LookUp {
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
pub async fn pools_created_by(
    calls: &PoolCalls<'_>,
    name: &str,
    request_tag: &str,
    look_up: LookUp,
) -> Result<Vec<PoolId>, CognitoError> {
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
