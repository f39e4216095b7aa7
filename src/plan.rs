//! Deciding what an Update does, without doing it.
//!
//! The decision compares the template's desired [`PoolSpec`] with the pool as
//! Cognito describes it now, not with `OldResourceProperties`: the pool is the
//! truth, so a change made outside CloudFormation is put right, a rollback Update
//! (old and new properties swapped, docs/design.md#lifecycle) needs no special
//! case, and an Update that changes nothing makes no write call at all.
//!
//! Every write the provider makes to a pool that exists is decided here:
//! [`plan_update`] decides between nothing, in place and a replacement,
//! [`reads`] what must be read before deciding the rest, [`ordered_writes`] the
//! configuration, tag, role and principal-tag writes in an order Cognito accepts,
//! and [`sync_writes`] the Cognito Sync writes. The provider only carries them
//! out. Two writes of an adoption are its own, not an Update's: the ownership
//! claim it tags and takes back, and the Cognito Sync settings it puts back
//! after a failure (decided by the pure `sync_put_back` in `provider::adopt`).

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::{
    CognitoStreams, Pool, PoolConfig, PoolSpec, PrincipalTagMap, PushSync, RoleSettings,
    SyncSettings, Tags,
};
use crate::idempotency::REQUEST_TAG_KEY;

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
    pub set: Tags,
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
    let moves = desired.region_or(home_region) != current.id.region();
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
pub fn tag_changes(desired: &Tags, current: &Tags) -> TagChanges {
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
    Tag(Tags),
    /// SetIdentityPoolRoles.
    SetRoles(RoleSettings),
    /// SetPrincipalTagAttributeMap for one provider.
    SetPrincipalTags {
        provider: String,
        map: PrincipalTagMap,
    },
    /// UpdateIdentityPool with the complete configuration.
    UpdatePool(PoolConfig),
    /// Cognito Sync's SetIdentityPoolConfiguration: the parts given are set.
    SetSyncConfiguration {
        streams: Option<CognitoStreams>,
        push_sync: Option<PushSync>,
    },
    /// Cognito Sync's SetCognitoEvents: an event valued empty is removed.
    SetCognitoEvents(BTreeMap<String, String>),
}

impl Managed {
    /// What the template managed before: nothing, for a pool this request made
    /// (so there is nothing to read before writing).
    pub fn created_now() -> Self {
        Managed {
            created_now: true,
            ..Managed::default()
        }
    }
}

impl Write {
    /// Whether the write names the pool by its ARN (the tagging calls do).
    pub fn needs_arn(&self) -> bool {
        matches!(self, Write::Untag(_) | Write::Tag(_))
    }
}

/// What the template managed before this request, only to know what to clear:
/// roles and principal tags that the template no longer mentions go back to
/// their defaults, and ones it never managed are left alone. An Update reads it
/// from its old properties; a pool made by this request managed nothing yet
/// ([`Managed::created_now`]); an adoption's put-back manages what the adopting
/// template set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Managed {
    /// The old template set `Roles` or `RoleMappings`.
    pub roles: bool,
    /// The providers whose principal tags the old template set.
    pub principal_tag_providers: BTreeSet<String>,
    /// The Cognito Sync settings the old template had (those that still parse).
    pub sync: SyncSettings,
    /// The pool was created by this very request, so it has no roles or
    /// principal tags yet: there is nothing to read before writing.
    pub created_now: bool,
}

/// What must be read from the pool before its writes can be decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reads {
    /// GetIdentityPoolRoles.
    pub roles: bool,
    /// GetPrincipalTagAttributeMap, for each of these providers.
    pub principal_tags: BTreeSet<String>,
}

/// The roles and principal tags the template manages (now or before) are read,
/// so that only what differs is written; a pool made by this very request has
/// none yet, and a provider the pool does not configure yet has nothing to
/// read. [`known_now`] completes what is read into an [`AccessNow`].
pub fn reads(spec: &PoolSpec, current: &Pool, previously: &Managed) -> Reads {
    if previously.created_now {
        return Reads::default();
    }
    Reads {
        roles: manages_roles(spec, previously),
        principal_tags: managed_principal_tags(spec, previously)
            .filter(|provider| current.config.configures(provider, false))
            .cloned()
            .collect(),
    }
}

/// The pool's roles and principal tags as the template manages them, from what
/// [`reads`] asked for and got (`read`): what was not read is known without a
/// call (none on a pool made just now, none for a provider not configured yet).
pub fn known_now(spec: &PoolSpec, previously: &Managed, read: AccessNow) -> AccessNow {
    let roles = match manages_roles(spec, previously) {
        false => None,
        true => Some(read.roles.unwrap_or_default()),
    };
    let principal_tags = managed_principal_tags(spec, previously)
        .map(|provider| {
            (
                provider.clone(),
                read.principal_tags.get(provider).cloned().flatten(),
            )
        })
        .collect();
    AccessNow {
        roles,
        principal_tags,
    }
}

fn manages_roles(spec: &PoolSpec, previously: &Managed) -> bool {
    !spec.access.roles.is_empty() || previously.roles
}

fn managed_principal_tags<'a>(
    spec: &'a PoolSpec,
    previously: &'a Managed,
) -> impl Iterator<Item = &'a String> {
    let providers: BTreeSet<&String> = spec
        .access
        .principal_tags
        .keys()
        .chain(&previously.principal_tag_providers)
        .collect();
    providers.into_iter()
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
    if let Some(meanwhile) = roles_without_dropped_providers(desired, current, access) {
        writes.push(Write::SetRoles(meanwhile.clone()));
        roles_now = Some(meanwhile);
    }
    let (before, after) = principal_tag_writes(desired, access);
    writes.extend(before);
    if let Some(config) = config {
        writes.push(Write::UpdatePool(config));
    }
    if roles_now.is_some_and(|now| &now != wanted_roles) {
        writes.push(Write::SetRoles(wanted_roles.clone()));
    }
    writes.extend(after);
    writes
}

/// When the pool maps a provider the template drops, the roles to set before
/// UpdateIdentityPool removes it: the desired ones that already apply (Cognito
/// refuses a mapping of a provider the pool does not configure).
fn roles_without_dropped_providers(
    desired: &PoolSpec,
    current: &Pool,
    access: &AccessNow,
) -> Option<RoleSettings> {
    let now = access.roles.as_ref()?;
    let orphaned = now
        .mappings
        .keys()
        .any(|provider| !desired.config.configures(provider, true));
    let wanted = &desired.access.roles;
    orphaned.then(|| RoleSettings {
        roles: wanted.roles.clone(),
        mappings: wanted
            .mappings
            .iter()
            .filter(|(provider, _)| current.config.configures(provider, true))
            .map(|(provider, mapping)| (provider.clone(), mapping.clone()))
            .collect(),
    })
}

/// The principal-tag writes that differ from what the pool has: those of a
/// provider the template drops go before UpdateIdentityPool (while it is still
/// configured), the others after it (once a new provider is configured). A
/// provider that a template no longer mentions returns to the defaults.
fn principal_tag_writes(desired: &PoolSpec, access: &AccessNow) -> (Vec<Write>, Vec<Write>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
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
        let write = Write::SetPrincipalTags {
            provider: provider.clone(),
            map: wanted,
        };
        match (!desired.config.configures(provider, false), now) {
            // Gone with its provider, unless reset while the provider is there.
            (true, Some(_)) => before.push(write),
            (true, None) => {}
            (false, _) => after.push(write),
        }
    }
    (before, after)
}

/// The Cognito Sync writes that make the pool's settings the template's,
/// compared with what the template had before (Cognito Sync is written only
/// when they differ). A part the template no longer sets is turned off:
/// streaming `DISABLED`, no push applications, and an empty value for each
/// event (the API merges events, so a key left out would stay).
pub fn sync_writes(desired: &SyncSettings, previous: &SyncSettings) -> Vec<Write> {
    let mut writes = Vec::new();
    if desired.streams != previous.streams || desired.push_sync != previous.push_sync {
        let streams = desired.streams.clone().or_else(|| {
            previous
                .streams
                .as_ref()
                .map(|_| CognitoStreams::disabled())
        });
        let push_sync = desired
            .push_sync
            .clone()
            .or_else(|| previous.push_sync.as_ref().map(|_| PushSync::default()));
        writes.push(Write::SetSyncConfiguration { streams, push_sync });
    }
    if desired.events != previous.events {
        let mut events = desired.events.clone();
        for removed in previous.events.keys() {
            events.entry(removed.clone()).or_default();
        }
        writes.push(Write::SetCognitoEvents(events));
    }
    writes
}

#[cfg(test)]
mod tests;
