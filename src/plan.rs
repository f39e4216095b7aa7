//! Deciding what an Update does, without doing it.
//!
//! The decision compares the template's desired [`PoolSpec`] with the pool as
//! Cognito describes it now, not with `OldResourceProperties`: the pool is the
//! truth, so a change made outside CloudFormation is put right, a rollback Update
//! (old and new properties swapped, REFERENCE §1.3) needs no special case, and an
//! Update that changes nothing makes no write call at all.

use std::collections::BTreeMap;

use crate::cognito::{Pool, pool_region};
use crate::properties::{PoolConfig, PoolSpec, REQUEST_TAG_KEY};

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

#[cfg(test)]
mod tests;
