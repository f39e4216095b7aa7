//! Deciding what an Update does, without doing it.
//!
//! The decision compares the template's desired [`PoolSpec`] with the pool as
//! Cognito describes it now, not with `OldResourceProperties`: the pool is the
//! truth, so a change made outside CloudFormation is put right, a rollback Update
//! (old and new properties swapped, REFERENCE §1.3) needs no special case, and an
//! Update that changes nothing makes no write call at all.

use std::collections::BTreeMap;

use crate::cognito::{Pool, pool_region};
use crate::properties::{PoolConfig, PoolSpec, PrincipalTagMap, REQUEST_TAG_KEY, RoleSettings};

/// What an Update must do to make the pool match the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdatePlan {
    /// The pool already is what the template says.
    NoChange,
    /// Change the pool where it stands; the PhysicalResourceId stays.
    InPlace {
        /// The complete configuration to send with UpdateIdentityPool, when it differs.
        config: Option<PoolConfig>,
        tags: TagChanges,
    },
    /// A DeveloperProviderName that was set is changed or removed, or the pool
    /// is to live in another region: Cognito cannot do either to a pool, so a new
    /// pool takes its place (a new PhysicalResourceId, and CloudFormation deletes
    /// the old pool afterwards).
    Replace,
}

/// The TagResource / UntagResource calls that turn the pool's tags into the template's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagChanges {
    /// Tags to add or overwrite.
    pub set: BTreeMap<String, String>,
    /// Tag keys to remove.
    pub remove: Vec<String>,
}

impl TagChanges {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }
}

/// The whole Update decision. `home_region` is where a template without
/// `Region` wants its pool: the function's own region.
pub fn plan_update(desired: &PoolSpec, current: &Pool, home_region: &str) -> UpdatePlan {
    let developer_provider_changes = current.config.developer_provider_name.is_some()
        && desired.config.developer_provider_name != current.config.developer_provider_name;
    let moves = desired.region_or(home_region) != pool_region(&current.id);
    if developer_provider_changes || moves {
        return UpdatePlan::Replace;
    }
    let config = (desired.config != current.config).then(|| desired.config.clone());
    let tags = tag_changes(&desired.tags, &current.tags);
    if config.is_none() && tags.is_empty() {
        UpdatePlan::NoChange
    } else {
        UpdatePlan::InPlace { config, tags }
    }
}

/// The diff from the pool's tags to the template's user tags. The provider's own
/// request tag is not the user's: it is never removed.
pub fn tag_changes(
    desired: &BTreeMap<String, String>,
    current: &BTreeMap<String, String>,
) -> TagChanges {
    TagChanges {
        set: desired
            .iter()
            .filter(|(key, value)| current.get(*key) != Some(*value))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        remove: current
            .keys()
            .filter(|key| key.as_str() != REQUEST_TAG_KEY && !desired.contains_key(*key))
            .cloned()
            .collect(),
    }
}

/// One write that brings a pool to the template, as the provider sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// UntagResource.
    Untag(Vec<String>),
    /// TagResource.
    Tag(BTreeMap<String, String>),
    /// SetIdentityPoolRoles.
    SetRoles(RoleSettings),
    /// SetPrincipalTagAttributeMap for one provider.
    SetPrincipalTags {
        provider: String,
        map: PrincipalTagMap,
    },
    /// UpdateIdentityPool with the complete configuration.
    UpdatePool(PoolConfig),
}

impl Write {
    /// Whether the write names the pool by its ARN (the tagging calls do).
    pub fn needs_arn(&self) -> bool {
        matches!(self, Write::Untag(_) | Write::Tag(_))
    }
}

/// The pool's roles and principal tags, as far as the template manages them:
/// what the provider read before deciding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessNow {
    /// The roles and mappings now; `None` when the template neither sets nor
    /// set them, so they are left alone.
    pub roles: Option<RoleSettings>,
    /// For each provider whose principal tags the template sets or set: its
    /// map now, or `None` when the pool does not configure that provider yet
    /// (nothing can be read for it before UpdateIdentityPool adds it).
    pub principal_tags: BTreeMap<String, Option<PrincipalTagMap>>,
}

/// Every write that turns the pool (`current`, with `access` as read) into the
/// template's `desired`, given the configuration to send (if it differs) and
/// the tag diff, **in an order whose every intermediate state Cognito accepts**:
///
/// 1. tags: UntagResource before TagResource, so the count never exceeds the
///    larger of the old and the new count (at most 50) at any step;
/// 2. before UpdateIdentityPool, while the current providers are all still
///    configured: the role mappings of providers the template drops are
///    cleared (keeping the rest of the desired roles that already apply), and
///    the principal tags of a dropped provider go back to the defaults;
/// 3. UpdateIdentityPool;
/// 4. after it, once every new provider is configured: the roles and mappings
///    the template wants, and the principal tags of every provider that differ.
pub fn ordered_writes(
    desired: &PoolSpec,
    current: &Pool,
    config: Option<PoolConfig>,
    tags: TagChanges,
    access: &AccessNow,
) -> Vec<Write> {
    let mut writes = Vec::new();
    if !tags.remove.is_empty() {
        writes.push(Write::Untag(tags.remove));
    }
    if !tags.set.is_empty() {
        writes.push(Write::Tag(tags.set));
    }
    let wanted_roles = &desired.access.roles;
    let mut roles_now = access.roles.clone();
    if let Some(now) = &roles_now {
        let orphaned = now
            .mappings
            .keys()
            .any(|provider| !desired.config.configures(provider, true));
        if orphaned {
            let meanwhile = RoleSettings {
                roles: wanted_roles.roles.clone(),
                mappings: wanted_roles
                    .mappings
                    .iter()
                    .filter(|(provider, _)| current.config.configures(provider, true))
                    .map(|(provider, mapping)| (provider.clone(), mapping.clone()))
                    .collect(),
            };
            writes.push(Write::SetRoles(meanwhile.clone()));
            roles_now = Some(meanwhile);
        }
    }
    let mut after = Vec::new();
    for (provider, now) in &access.principal_tags {
        let wanted = desired
            .access
            .principal_tags
            .get(provider)
            .cloned()
            .unwrap_or_else(PrincipalTagMap::defaults);
        if now.as_ref() == Some(&wanted) {
            continue;
        }
        let dropped = !desired.config.configures(provider, false);
        match (dropped, now) {
            // Gone with its provider, unless reset while the provider is there.
            (true, Some(_)) => writes.push(Write::SetPrincipalTags {
                provider: provider.clone(),
                map: wanted,
            }),
            (true, None) => {}
            (false, _) => after.push(Write::SetPrincipalTags {
                provider: provider.clone(),
                map: wanted,
            }),
        }
    }
    if let Some(config) = config {
        writes.push(Write::UpdatePool(config));
    }
    if roles_now.is_some_and(|now| &now != wanted_roles) {
        writes.push(Write::SetRoles(wanted_roles.clone()));
    }
    writes.extend(after);
    writes
}

#[cfg(test)]
mod tests;
