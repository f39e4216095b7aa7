//! Adoption: a template with `IdentityPoolId` takes over that existing pool
//! instead of creating one, keeping every identity in it.
//!
//! The pool is checked (it exists, in the region its id names; no other stack
//! owns it, unless `AdoptFromStack` names that stack), what the adoption is about
//! to change is read, the pool is claimed with a provisional request tag, brought
//! to the template by the very path an Update takes, and the claim is made for
//! good. If anything fails after the claim, everything read before is written
//! back and the claim is taken back, so the pool is as it was; the answer is
//! FAILED with the placeholder (Create) or the old id (Update), never the
//! adopted pool's, so no rollback Delete can reach it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Provider, pool_arn};
use crate::cognito::{CognitoError, PoolCalls};
use crate::domain::{Adoption, Pool, PoolId, PoolSpec, PrincipalTagMap, RoleSettings};
use crate::error::ProviderError;
use crate::idempotency::REQUEST_TAG_KEY;
use crate::journal::Journal;
use crate::ownership::{self, Claim};
use crate::plan::{UpdatePlan, plan_update, tag_changes};
use crate::request::{CustomResourceRequest, RequestKind};
use crate::response::Answer;

impl Provider {
    /// Takes over `adoption.pool_id` for `request` (a Create, or an Update that
    /// changed `IdentityPoolId`) and answers its id.
    pub(super) async fn adopt(
        &self,
        request: &CustomResourceRequest,
        spec: &PoolSpec,
        adoption: &Adoption,
        journal: &Journal,
    ) -> Result<Answer, ProviderError> {
        let pool_id = &adoption.pool_id;
        let calls = self.calls_for_pool(pool_id, journal);
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
        let before = Before::read(&calls, current, spec).await?;
        let arn = pool_arn(request, pool_id)?;
        match self
            .take_over(request, &calls, pool_id, &arn, &claim, journal)
            .await
        {
            Ok(answer) => Ok(answer),
            Err(cause) => {
                let failures = before.put_back(&calls, &arn, spec, &claim).await;
                Err(ProviderError::AdoptionFailed {
                    pool_id: pool_id.to_string(),
                    cause: Box::new(cause),
                    put_back: before.note(&failures, spec),
                })
            }
        }
    }

    /// Claims the pool, brings it to the template exactly as an Update of it
    /// would (same plan, same calls), then makes the claim final.
    async fn take_over(
        &self,
        request: &CustomResourceRequest,
        calls: &PoolCalls<'_>,
        pool_id: &PoolId,
        arn: &str,
        claim: &Claim,
        journal: &Journal,
    ) -> Result<Answer, ProviderError> {
        let taken = matches!(claim, Claim::Take { .. });
        if taken {
            let provisional = ownership::provisional(&request.request_tag());
            calls.tag(arn, &ownership_tag(provisional)).await?;
        }
        let as_update = CustomResourceRequest {
            kind: RequestKind::Update {
                physical_resource_id: pool_id.to_string(),
            },
            // Nothing was managed before: roles and principal tags the template
            // leaves out stay as the pool has them.
            old_properties: Value::Null,
            ..request.clone()
        };
        let answer = Box::pin(self.update(&as_update, pool_id.as_str(), journal)).await?;
        if taken {
            calls
                .tag(arn, &ownership_tag(request.request_tag()))
                .await?;
        }
        Ok(answer)
    }
}

fn ownership_tag(value: String) -> BTreeMap<String, String> {
    BTreeMap::from([(REQUEST_TAG_KEY.to_owned(), value)])
}

/// What the adoption may change, as it was before: the pool (configuration and
/// tags), and the roles and principal tags the template sets, read only when
/// the template sets them (those it leaves out are never written).
struct Before {
    pool: Pool,
    roles: Option<RoleSettings>,
    principal_tags: BTreeMap<String, PrincipalTagMap>,
}

impl Before {
    async fn read(
        calls: &PoolCalls<'_>,
        pool: Pool,
        spec: &PoolSpec,
    ) -> Result<Self, CognitoError> {
        let roles = match spec.access.roles.is_empty() {
            true => None,
            false => Some(calls.roles(&pool.id).await?),
        };
        let mut principal_tags = BTreeMap::new();
        for provider in spec.access.principal_tags.keys() {
            let map = calls.principal_tags(&pool.id, provider).await?;
            principal_tags.insert(provider.clone(), map);
        }
        Ok(Before {
            pool,
            roles,
            principal_tags,
        })
    }

    /// Writes back, in the reverse order of the adoption, each part the template
    /// sets differently, and takes the claim back last (the IAM policy lets the
    /// function change a pool only while it carries the tag). A failed call does
    /// not stop the others; the failures are returned.
    async fn put_back(
        &self,
        calls: &PoolCalls<'_>,
        arn: &str,
        spec: &PoolSpec,
        claim: &Claim,
    ) -> Vec<CognitoError> {
        let id = &self.pool.id;
        let mut failures = Vec::new();
        let mut note = |result: Result<(), CognitoError>| {
            if let Err(error) = result {
                tracing::error!(pool_id = %id, %error, "could not put the adopted pool back as it was");
                failures.push(error);
            }
        };
        for (provider, map) in &self.principal_tags {
            if spec.access.principal_tags.get(provider) != Some(map) {
                note(calls.set_principal_tags(id, provider, map).await);
            }
        }
        if let Some(roles) = self.roles.as_ref().filter(|r| **r != spec.access.roles) {
            note(calls.set_roles(id, roles).await);
        }
        if self.pool.config != spec.config {
            note(calls.update(id, &self.pool.config).await);
        }
        let mut user_tags = self.pool.tags.clone();
        user_tags.remove(REQUEST_TAG_KEY);
        let tags = tag_changes(&user_tags, &spec.tags);
        if !tags.remove.is_empty() {
            note(calls.untag(arn, &tags.remove).await);
        }
        if !tags.set.is_empty() {
            note(calls.tag(arn, &tags.set).await);
        }
        match claim {
            Claim::AlreadyOurs => {}
            Claim::Take { previous: None } => {
                note(calls.untag(arn, &[REQUEST_TAG_KEY.to_owned()]).await);
            }
            Claim::Take {
                previous: Some(value),
            } => note(calls.tag(arn, &ownership_tag(value.clone())).await),
        }
        failures
    }
}

impl Before {
    /// The end of an AdoptionFailed Reason: whether the pool is as it was, and
    /// what no call can put back.
    fn note(&self, failures: &[CognitoError], spec: &PoolSpec) -> String {
        let mut beyond = Vec::new();
        if self.pool.config.developer_provider_name.is_none()
            && spec.config.developer_provider_name.is_some()
        {
            beyond.push("the DeveloperProviderName it set stays (Cognito keeps one once set)");
        }
        if spec.sync != Default::default() {
            beyond.push("Cognito Sync settings the template set are not put back");
        }
        let beyond = match beyond.is_empty() {
            true => String::new(),
            false => format!(", except: {}", beyond.join("; ")),
        };
        match failures {
            [] => format!(
                "everything it changed was put back: the pool's configuration, tags, roles and principal tags are as they were{beyond}"
            ),
            _ => format!(
                "putting the pool back failed too ({}): check its configuration, tags, roles and principal tags by hand{beyond}",
                failures
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}

#[cfg(test)]
mod tests;
