//! Adoption: a template with `IdentityPoolId` takes over that existing pool
//! instead of creating one, keeping every identity in it.
//!
//! The pool is checked (it exists, in the region its id names; no other stack
//! owns it, unless `AdoptFromStack` names that stack), what the adoption is about
//! to change is read, the pool is claimed with a provisional request tag, brought
//! to the template by the very path an Update takes, and the claim is made for
//! good. If anything fails after the claim, the pool is read again and brought
//! back, by the same path, to what was read before, and the claim is taken back,
//! so the pool is as it was; the answer is
//! FAILED with the placeholder (Create) or the old id (Update), never the
//! adopted pool's, so no rollback Delete can reach it.

use std::collections::BTreeMap;

use super::Job;
use super::apply::{bring_to_template, pool_arn, read_access};
use crate::cognito::PoolCalls;
use crate::domain::{Access, Adoption, CognitoStreams, Pool, PoolSpec, SyncSettings, Tags};
use crate::error::ProviderError;
use crate::idempotency::REQUEST_TAG_KEY;
use crate::ownership::{self, Claim};
use crate::plan::{AccessNow, Managed, UpdatePlan, plan_update, tag_changes};
use crate::request::CustomResourceRequest;
use crate::response::Answer;

impl Job<'_> {
    /// Takes over `adoption.pool_id` for the request (a Create, an Update that
    /// changed `IdentityPoolId`, or one whose pool this stack does not own yet)
    /// and answers its id.
    pub(super) async fn adopt(&self, adoption: &Adoption) -> Result<Answer, ProviderError> {
        let (request, spec) = (self.request, self.spec);
        let pool_id = &adoption.pool_id;
        let calls = self.calls_for_pool(pool_id);
        let current =
            calls
                .describe(pool_id)
                .await?
                .ok_or_else(|| ProviderError::NoPoolToAdopt {
                    pool_id: pool_id.to_string(),
                    region: adoption.region().to_owned(),
                })?;
        let claim = ownership::may_adopt(
            pool_id.as_str(),
            &current.tags,
            request.stack_key(),
            adoption.from_stack.as_deref(),
        )?;
        if plan_update(spec, &current, self.clients.home_region()) == UpdatePlan::Replace {
            return Err(ProviderError::AdoptedPoolNotReplaced(pool_id.to_string()));
        }
        tracing::info!(pool_id = %pool_id, %claim, "adopting the pool IdentityPoolId names");
        let arn = pool_arn(request, pool_id)?;
        let before = Before::read(&calls, current, arn, spec).await?;
        match self.take_over(&before, &claim).await {
            Ok(answer) => Ok(answer),
            Err(cause) => {
                let put_back = before.put_back(request, &calls, spec, &claim).await;
                if let Err(error) = &put_back {
                    tracing::error!(pool_id = %pool_id, %error, "could not put the adopted pool back as it was");
                }
                Err(ProviderError::AdoptionFailed {
                    pool_id: pool_id.to_string(),
                    cause: Box::new(cause),
                    put_back: before.note(&put_back, spec),
                })
            }
        }
    }

    /// Claims the pool, brings it to the template exactly as an Update of it
    /// would (same plan, same calls; nothing was managed before, so roles and
    /// principal tags the template leaves out stay as the pool has them), then
    /// makes the claim final.
    async fn take_over(&self, before: &Before, claim: &Claim) -> Result<Answer, ProviderError> {
        let request = self.request;
        let calls = self.calls_for_pool(&before.pool.id);
        let taken = matches!(claim, Claim::Take { .. });
        if taken {
            let provisional = ownership::provisional(&request.request_tag());
            calls.tag(&before.arn, &ownership_tag(provisional)).await?;
        }
        let answer = self
            .update_described(&before.pool, &Managed::default())
            .await?;
        if taken {
            calls
                .tag(&before.arn, &ownership_tag(request.request_tag()))
                .await?;
        }
        Ok(answer)
    }
}

fn ownership_tag(value: String) -> Tags {
    BTreeMap::from([(REQUEST_TAG_KEY.to_owned(), value)])
}

/// What the adoption may change, as it was before: the pool (configuration and
/// tags), and the roles, principal tags and Cognito Sync settings the template
/// sets, read only when the template sets them (those it leaves out are never
/// written).
struct Before {
    pool: Pool,
    /// The pool's ARN, which TagResource and UntagResource name it by.
    arn: String,
    /// Read as an Update reads them before deciding: the same calls.
    access: AccessNow,
    sync: Option<SyncSettings>,
}

impl Before {
    async fn read(
        calls: &PoolCalls<'_>,
        pool: Pool,
        arn: String,
        spec: &PoolSpec,
    ) -> Result<Self, ProviderError> {
        let access = read_access(calls, &pool, spec, &Managed::default()).await?;
        let sync = match spec.sync == SyncSettings::default() {
            true => None,
            false => Some(calls.sync_settings(&pool.id).await?),
        };
        Ok(Before {
            pool,
            arn,
            access,
            sync,
        })
    }

    /// Brings the pool back to what it was, by the Update's own path from the
    /// pool as it is now (read again: the adoption may have stopped anywhere) to
    /// the pool as it was read before: only what differs is written, in the order
    /// Cognito accepts. The Cognito Sync settings the template set go back first,
    /// and the claim is taken back last, once the pool is as it was (the IAM
    /// policy lets the function change a pool only while it carries the tag; a
    /// pool that could not be put back keeps the provisional claim, which says
    /// an adoption did not finish).
    async fn put_back(
        &self,
        request: &CustomResourceRequest,
        calls: &PoolCalls<'_>,
        spec: &PoolSpec,
        claim: &Claim,
    ) -> Result<(), ProviderError> {
        let id = &self.pool.id;
        if let Some(sync) = &self.sync {
            let back = sync_put_back(sync, &spec.sync);
            if back.streams.is_some() || back.push_sync.is_some() {
                calls
                    .set_sync_configuration(id, back.streams.as_ref(), back.push_sync.as_ref())
                    .await?;
            }
            if !back.events.is_empty() {
                calls.set_cognito_events(id, &back.events).await?;
            }
        }
        let now = calls
            .describe(id)
            .await?
            .ok_or_else(|| ProviderError::pool_gone(id))?;
        let (back, managed) = self.as_template(spec);
        let config = (now.config != back.config).then(|| back.config.clone());
        let tags = tag_changes(&back.tags, &now.tags);
        bring_to_template(calls, request, &now, &back, (config, tags), &managed).await?;
        match claim {
            Claim::AlreadyOurs => {}
            Claim::Take { previous: None } => {
                calls
                    .untag(&self.arn, &[REQUEST_TAG_KEY.to_owned()])
                    .await?;
            }
            Claim::Take {
                previous: Some(value),
            } => calls.tag(&self.arn, &ownership_tag(value.clone())).await?,
        }
        Ok(())
    }

    /// The pool as it was, as a template an Update could bring the pool to, and
    /// what the adopting template managed (so that only that is written back).
    fn as_template(&self, spec: &PoolSpec) -> (PoolSpec, Managed) {
        let mut tags = self.pool.tags.clone();
        tags.remove(REQUEST_TAG_KEY);
        let back = PoolSpec {
            config: self.pool.config.clone(),
            tags,
            access: Access {
                roles: self.access.roles.clone().unwrap_or_default(),
                principal_tags: self
                    .access
                    .principal_tags
                    .iter()
                    .filter_map(|(provider, map)| Some((provider.clone(), map.clone()?)))
                    .collect(),
            },
            sync: SyncSettings::default(),
            region: spec.region.clone(),
            adoption: None,
        };
        let managed = Managed {
            roles: self.access.roles.is_some(),
            principal_tag_providers: self.access.principal_tags.keys().cloned().collect(),
            ..Managed::default()
        };
        (back, managed)
    }

    /// The end of an AdoptionFailed Reason: whether the pool is as it was, and
    /// what no call can put back.
    fn note(&self, put_back: &Result<(), ProviderError>, spec: &PoolSpec) -> String {
        let mut beyond = Vec::new();
        if self.pool.config.developer_provider_name.is_none()
            && spec.config.developer_provider_name.is_some()
        {
            beyond.push("the DeveloperProviderName it set stays (Cognito keeps one once set)");
        }
        if let Some(sync) = &self.sync
            && ((sync.streams.is_none() && spec.sync.streams.is_some())
                || (sync.push_sync.is_none() && spec.sync.push_sync.is_some()))
        {
            beyond.push("Cognito Sync streams or push sync the pool never had are turned off, not unset (the API cannot unset them)");
        }
        let beyond = match beyond.is_empty() {
            true => String::new(),
            false => format!(", except: {}", beyond.join("; ")),
        };
        match put_back {
            Ok(()) => format!(
                "everything it changed was put back: the pool's configuration, tags, roles and principal tags are as they were{beyond}"
            ),
            Err(error) => format!(
                "putting the pool back failed too ({error}): check its configuration, tags, roles and principal tags by hand; it keeps the provisional claim {PROVISIONAL}…{beyond}",
                PROVISIONAL = ownership::PROVISIONAL_PREFIX
            ),
        }
    }
}

/// The Cognito Sync calls that undo `desired` on a pool whose settings were
/// `before`: each part the template set differently goes back, a part the pool
/// never had is turned off, and each event the template set goes back to its
/// old value (empty: removed, as the API merges events).
fn sync_put_back(before: &SyncSettings, desired: &SyncSettings) -> SyncSettings {
    SyncSettings {
        streams: (desired.streams.is_some() && desired.streams != before.streams).then(|| {
            before
                .streams
                .clone()
                .unwrap_or_else(CognitoStreams::disabled)
        }),
        push_sync: (desired.push_sync.is_some() && desired.push_sync != before.push_sync)
            .then(|| before.push_sync.clone().unwrap_or_default()),
        events: desired
            .events
            .iter()
            .filter(|(event, function)| before.events.get(*event) != Some(*function))
            .map(|(event, _)| {
                (
                    event.clone(),
                    before.events.get(event).cloned().unwrap_or_default(),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
