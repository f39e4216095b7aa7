//! Carrying out a request: Create, Update (in place or by replacement) and Delete.
//!
//! Each request is parsed into a [`PoolSpec`], the decisions are made by the
//! pure functions of [`crate::plan`] and [`crate::ownership`], a Create goes
//! through [`crate::idempotency`], and `apply` carries the writes out through
//! the [`crate::cognito`] adapter. Every path ends in an [`Answer`], never in an
//! error the caller must interpret, and every path that creates a pool either
//! answers with it or removes it: the provider never leaves a pool that no
//! stack knows about (docs/design.md#never-orphan-a-pool).

use std::collections::BTreeMap;

use crate::cognito::{PoolCalls, RegionalClients};
use crate::domain::{Pool, PoolId, PoolSpec};
use crate::error::ProviderError;
use crate::idempotency::{self, LookUp};
use crate::journal::Journal;
use crate::ownership::{self, Action};
use crate::plan::{self, Managed, TagChanges, UpdatePlan};
use crate::properties::{self, adopted_pool_id};
use crate::request::{CustomResourceRequest, PhysicalId, RequestKind};
use crate::response::Answer;

mod adopt;
mod apply;

use apply::{attributes, bring_to_template, new_pool, remove_created};

/// The custom resource's logic, shared by every request of the process.
#[derive(Debug)]
pub struct Provider {
    clients: RegionalClients,
}

impl Provider {
    pub fn new(clients: RegionalClients) -> Self {
        Provider { clients }
    }

    /// Carries one request out to the end and says what to answer.
    pub async fn carry_out(&self, request: &CustomResourceRequest, journal: &Journal) -> Answer {
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
            (RequestKind::Create, Some(pool_id)) => Answer::failed(pool_id.as_str(), error),
            (RequestKind::Create, None) => Answer::failed(request.failed_answer_id(), error),
            (_, created) => {
                if let Some(pool_id) = created {
                    let calls = self.clients.for_request(pool_id.region(), journal);
                    remove_created(&calls, &pool_id).await;
                }
                Answer::failed(request.failed_answer_id(), error)
            }
        }
    }

    /// The request with its template parsed, as the steps after parsing take it.
    fn job<'a>(
        &'a self,
        request: &'a CustomResourceRequest,
        spec: &'a PoolSpec,
        journal: &'a Journal,
    ) -> Job<'a> {
        Job {
            clients: &self.clients,
            request,
            spec,
            journal,
        }
    }

    async fn create(&self, request: &CustomResourceRequest, journal: &Journal) -> Answer {
        let placeholder = request.failed_create_id();
        let spec = match parse(request) {
            Ok(spec) => spec,
            Err(error) => return Answer::failed(placeholder, &error),
        };
        let job = self.job(request, &spec, journal);
        if let Some(adoption) = &spec.adoption {
            return match job.adopt(adoption).await {
                Ok(answer) => answer,
                Err(error) => Answer::failed(placeholder, &error),
            };
        }
        let calls = job.calls_for_spec();
        match new_pool(request, &calls, &spec).await {
            Ok(answer) => answer,
            Err(error) => match journal.created_pool() {
                Some(pool_id) if !remove_created(&calls, &pool_id).await => {
                    Answer::failed(pool_id.as_str(), &error)
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
        let job = self.job(request, &spec, journal);
        let PhysicalId::Pool(pool_id) = PhysicalId::classify(physical_resource_id) else {
            return Err(ProviderError::NotAPoolId(physical_resource_id.to_owned()));
        };
        // Another pool named by IdentityPoolId: a replacement by adoption.
        if let Some(adoption) = spec.adoption.as_ref().filter(|a| a.pool_id != pool_id) {
            return job.adopt(adoption).await;
        }
        let current = job
            .calls_for_pool(&pool_id)
            .describe(&pool_id)
            .await?
            .ok_or_else(|| ProviderError::pool_gone(&pool_id))?;
        let owned = ownership::may_change(
            pool_id.as_str(),
            &current.tags,
            request.stack_key(),
            Action::Update,
        );
        if let Err(refusal) = owned {
            // The template names this very pool: it is adopted explicitly.
            return match &spec.adoption {
                Some(adoption) => job.adopt(adoption).await,
                None => Err(refusal.into()),
            };
        }
        let previously = properties::previously_managed(&request.old_properties);
        job.update_described(&current, &previously).await
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
        let adopted = adopted_pool_id(&request.properties);
        match PhysicalId::classify(physical_resource_id) {
            PhysicalId::Pool(id) if ownership::kept_on_delete(id.as_str(), adopted) => {
                tracing::info!(
                    pool_id = %id,
                    "the template adopted this pool by IdentityPoolId: it is kept"
                );
            }
            PhysicalId::Pool(id) => {
                let calls = self.clients.for_request(id.region(), journal);
                if let Some(pool) = calls.describe(&id).await? {
                    ownership::may_change(
                        id.as_str(),
                        &pool.tags,
                        request.stack_key(),
                        Action::Delete,
                    )?;
                    calls.delete(&id).await?;
                }
            }
            PhysicalId::FailedCreate { .. } if adopted.is_some() => {}
            PhysicalId::FailedCreate { request_tag } => {
                // Properties that do not parse never made a pool.
                if let Ok(spec) = parse(request) {
                    let calls = self.job(request, &spec, journal).calls_for_spec();
                    // The Create may have made its pool seconds ago: list, the
                    // tagging index may not have it yet.
                    let name = &spec.config.name;
                    let made =
                        idempotency::pools_created_by(&calls, name, request_tag, LookUp::List);
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

/// One request being carried out, with its template parsed: what every step
/// of an Update, a replacement and an adoption needs, held together so that
/// each step takes only what is its own (the pool it works on).
struct Job<'a> {
    clients: &'a RegionalClients,
    request: &'a CustomResourceRequest,
    spec: &'a PoolSpec,
    journal: &'a Journal,
}

impl<'a> Job<'a> {
    /// The client for the region a new pool of the template goes to.
    fn calls_for_spec(&self) -> PoolCalls<'a> {
        let region = self.spec.region_or(self.clients.home_region());
        self.clients.for_request(region, self.journal)
    }

    /// The client for the region an existing pool lives in (its id says so).
    fn calls_for_pool(&self, pool_id: &PoolId) -> PoolCalls<'a> {
        self.clients.for_request(pool_id.region(), self.journal)
    }

    /// The Update's decision and calls for a pool just described, and the
    /// answer: an Update and an adoption share them, so both follow the same rules.
    async fn update_described(
        &self,
        current: &Pool,
        previously: &Managed,
    ) -> Result<Answer, ProviderError> {
        let (request, spec) = (self.request, self.spec);
        let changes = match plan::plan_update(spec, current, self.clients.home_region()) {
            UpdatePlan::Replace if spec.adoption.is_some() => {
                return Err(ProviderError::AdoptedPoolNotReplaced(
                    current.id.to_string(),
                ));
            }
            UpdatePlan::Replace => return self.replace().await,
            UpdatePlan::NoChange => (None, TagChanges::default()),
            UpdatePlan::InPlace { config, tags } => (config, tags),
        };
        let calls = self.calls_for_pool(&current.id);
        bring_to_template(&calls, request, current, spec, changes, previously).await?;
        Ok(Answer::success(
            current.id.as_str(),
            attributes(request, &current.id, spec),
        ))
    }

    /// A new pool in place of the old one; if anything fails after it was made,
    /// it is removed again and the old pool stays in charge.
    async fn replace(&self) -> Result<Answer, ProviderError> {
        let calls = self.calls_for_spec();
        let error = match new_pool(self.request, &calls, self.spec).await {
            Ok(answer) => return Ok(answer),
            Err(error) => error,
        };
        if let Some(created) = self.journal.created_pool() {
            remove_created(&calls, &created).await;
        }
        Err(error)
    }
}

fn parse(request: &CustomResourceRequest) -> Result<PoolSpec, ProviderError> {
    PoolSpec::from_properties(&request.properties, request.name_source())
        .map_err(ProviderError::InvalidProperties)
}

#[cfg(test)]
mod tests;
