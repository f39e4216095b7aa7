use super::*;
use std::collections::BTreeSet;

/// The function's own region, where the test pools live.
const HOME: &str = "us-east-1";
use crate::domain::{Access, StreamingStatus};

use proptest::prelude::*;

use crate::test_support::{POOL_ID, REQUEST_TAG, STACK_NAME, string_map};

fn config() -> PoolConfig {
    PoolConfig {
        name: format!("{STACK_NAME}-IdentityPool"),
        allow_unauthenticated_identities: false,
        allow_classic_flow: true,
        open_id_connect_provider_arns: vec![
            "arn:aws:iam::123456789012:oidc-provider/example.com".to_owned(),
        ],
        ..PoolConfig::default()
    }
}

fn with_developer(name: Option<&str>) -> PoolConfig {
    PoolConfig {
        developer_provider_name: name.map(str::to_owned),
        ..config()
    }
}

fn spec(config: PoolConfig, user_tags: &[(&str, &str)]) -> PoolSpec {
    PoolSpec {
        config,
        tags: string_map(user_tags),
        access: Access::default(),
        sync: Default::default(),
        region: None,
        adoption: None,
    }
}

/// The pool as Cognito describes it: the user's tags plus the provider's request tag.
fn pool(config: PoolConfig, user_tags: &[(&str, &str)]) -> Pool {
    let mut tags: Tags = string_map(user_tags);
    tags.insert(REQUEST_TAG_KEY.to_owned(), REQUEST_TAG.to_owned());
    Pool {
        id: PoolId::parse(POOL_ID).expect("a pool id"),
        config,
        tags,
    }
}

fn changes(set: &[(&str, &str)], remove: &[&str]) -> TagChanges {
    TagChanges {
        set: string_map(set),
        remove: remove.iter().map(|key| key.to_string()).collect(),
    }
}

#[test]
fn identical_pool_needs_no_change() {
    let user_tags = [("team", "identity"), ("env", "prod")];
    assert_eq!(
        plan_update(
            &spec(config(), &user_tags),
            &pool(config(), &user_tags),
            HOME
        ),
        UpdatePlan::NoChange
    );
}

#[test]
fn rename_updates_in_place_with_the_whole_config() {
    let renamed = PoolConfig {
        name: "renamed".to_owned(),
        ..config()
    };
    assert_eq!(
        plan_update(
            &spec(renamed.clone(), &[("team", "a")]),
            &pool(config(), &[("team", "a")]),
            HOME
        ),
        UpdatePlan::InPlace {
            config: Some(renamed),
            tags: TagChanges::default(),
        }
    );
}

#[test]
fn any_config_difference_sends_the_complete_desired_config() {
    let desired = PoolConfig {
        allow_unauthenticated_identities: true,
        open_id_connect_provider_arns: Vec::new(),
        ..config()
    };
    let UpdatePlan::InPlace {
        config: Some(sent), ..
    } = plan_update(&spec(desired.clone(), &[]), &pool(config(), &[]), HOME)
    else {
        panic!("expected an in-place update with a config");
    };
    assert_eq!(sent, desired);
}

#[test]
fn tag_only_change_updates_in_place_without_config() {
    let plan = plan_update(
        &spec(config(), &[("team", "new"), ("added", "1"), ("same", "x")]),
        &pool(config(), &[("team", "old"), ("gone", "2"), ("same", "x")]),
        HOME,
    );
    assert_eq!(
        plan,
        UpdatePlan::InPlace {
            config: None,
            tags: changes(&[("team", "new"), ("added", "1")], &["gone"]),
        }
    );
}

#[test]
fn the_request_tag_is_never_removed() {
    let plan = plan_update(
        &spec(config(), &[]),
        &pool(config(), &[("a", "1"), ("b", "2")]),
        HOME,
    );
    assert_eq!(
        plan,
        UpdatePlan::InPlace {
            config: None,
            tags: changes(&[], &["a", "b"]),
        }
    );
    assert_eq!(
        plan_update(&spec(config(), &[]), &pool(config(), &[]), HOME),
        UpdatePlan::NoChange
    );
}

#[test]
fn changing_or_removing_a_set_developer_provider_name_replaces_the_pool() {
    let current = pool(with_developer(Some("login.myapp")), &[]);
    for desired in [Some("login.otherapp"), None] {
        assert_eq!(
            plan_update(&spec(with_developer(desired), &[]), &current, HOME),
            UpdatePlan::Replace,
            "{desired:?}"
        );
    }
    let renamed_too = PoolConfig {
        name: "renamed".to_owned(),
        ..with_developer(Some("login.otherapp"))
    };
    assert_eq!(
        plan_update(&spec(renamed_too, &[("t", "v")]), &current, HOME),
        UpdatePlan::Replace
    );
}

#[test]
fn setting_an_unset_developer_provider_name_updates_in_place() {
    let desired = with_developer(Some("login.myapp"));
    assert_eq!(
        plan_update(
            &spec(desired.clone(), &[]),
            &pool(with_developer(None), &[]),
            HOME
        ),
        UpdatePlan::InPlace {
            config: Some(desired),
            tags: TagChanges::default(),
        }
    );
}

#[test]
fn keeping_the_developer_provider_name_allows_other_changes_in_place() {
    let desired = PoolConfig {
        allow_classic_flow: false,
        ..with_developer(Some("login.myapp"))
    };
    assert_eq!(
        plan_update(
            &spec(desired.clone(), &[]),
            &pool(with_developer(Some("login.myapp")), &[]),
            HOME
        ),
        UpdatePlan::InPlace {
            config: Some(desired),
            tags: TagChanges::default(),
        }
    );
}

#[test]
fn tag_changes_small_cases() {
    let request_tag = (REQUEST_TAG_KEY, REQUEST_TAG);
    type Case<'a> = (
        &'a [(&'a str, &'a str)],
        &'a [(&'a str, &'a str)],
        TagChanges,
    );
    let cases: [Case; 9] = [
        (&[], &[], changes(&[], &[])),
        (&[("a", "1")], &[], changes(&[("a", "1")], &[])),
        (&[], &[("a", "1")], changes(&[], &["a"])),
        (&[("a", "1")], &[("a", "1")], changes(&[], &[])),
        (&[("a", "2")], &[("a", "1")], changes(&[("a", "2")], &[])),
        (&[("a", "")], &[("a", "1")], changes(&[("a", "")], &[])),
        (
            &[("a", "1"), ("c", "3")],
            &[("a", "0"), ("b", "2")],
            changes(&[("a", "1"), ("c", "3")], &["b"]),
        ),
        (&[], &[request_tag], changes(&[], &[])),
        (
            &[("b", "2")],
            &[request_tag, ("a", "1")],
            changes(&[("b", "2")], &["a"]),
        ),
    ];
    for (desired, current, expected) in cases {
        let actual = tag_changes(&string_map(desired), &string_map(current));
        assert_eq!(actual, expected, "desired {desired:?}, current {current:?}");
        assert_eq!(
            actual.is_empty(),
            expected.set.is_empty() && expected.remove.is_empty()
        );
    }
}

#[test]
fn tag_changes_is_empty_only_without_set_or_remove() {
    assert!(TagChanges::default().is_empty());
    assert!(!changes(&[("a", "1")], &[]).is_empty());
    assert!(!changes(&[], &["a"]).is_empty());
}

fn tag_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    proptest::collection::btree_map("[a-e]{1,2}", "[xy]{0,2}", 0..8)
}

proptest! {
    #[test]
    fn applying_tag_changes_gives_the_desired_tags_and_keeps_the_request_tag(
        desired in tag_map(),
        mut current in tag_map(),
        has_request_tag in any::<bool>(),
    ) {
        if has_request_tag {
            current.insert(REQUEST_TAG_KEY.to_owned(), REQUEST_TAG.to_owned());
        }
        let changes = tag_changes(&desired, &current);
        let mut applied = current.clone();
        for key in &changes.remove {
            prop_assert!(applied.remove(key).is_some(), "removes {} which is not there", key);
        }
        applied.extend(changes.set.clone());

        let mut expected = desired.clone();
        if has_request_tag {
            expected.insert(REQUEST_TAG_KEY.to_owned(), REQUEST_TAG.to_owned());
        }
        prop_assert_eq!(applied, expected);
        for (key, value) in &changes.set {
            prop_assert_ne!(current.get(key), Some(value), "sets {} to the value it already has", key);
        }
    }
}

#[test]
fn a_pool_in_another_region_than_the_template_wants_is_replaced() {
    let current = pool(config(), &[]);
    let mut elsewhere = spec(config(), &[]);
    elsewhere.region = Some("eu-west-1".to_owned());
    assert_eq!(plan_update(&elsewhere, &current, HOME), UpdatePlan::Replace);

    let mut home_named = spec(config(), &[]);
    home_named.region = Some(HOME.to_owned());
    assert_eq!(
        plan_update(&home_named, &current, HOME),
        UpdatePlan::NoChange
    );

    // Without Region the pool belongs in the function's region: one living
    // elsewhere moves home.
    assert_eq!(
        plan_update(&spec(config(), &[]), &current, "eu-west-1"),
        UpdatePlan::Replace
    );
}

// ---- The order of the writes: every step a state Cognito accepts ----

use crate::domain::{
    AmbiguousRoleResolution, CognitoProvider, PoolId, RoleMapping, RoleMappingType,
};

/// A pool as Cognito holds it, and the rules its calls enforce: at most 50
/// tags, a role mapping or principal tag map only for a configured provider.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Model {
    config: PoolConfig,
    tags: BTreeMap<String, String>,
    roles: RoleSettings,
    principal_tags: BTreeMap<String, PrincipalTagMap>,
}

impl Model {
    fn apply(&mut self, write: &Write) -> Result<(), String> {
        match write {
            Write::Untag(keys) => keys.iter().for_each(|key| {
                self.tags.remove(key);
            }),
            Write::Tag(tags) => self.tags.extend(tags.clone()),
            Write::SetRoles(roles) => self.roles = roles.clone(),
            Write::SetPrincipalTags { provider, map } => {
                if !self.config.configures(provider, false) {
                    return Err(format!("principal tags for unconfigured {provider}"));
                }
                self.principal_tags.insert(provider.clone(), map.clone());
            }
            Write::UpdatePool(config) => self.config = config.clone(),
            // Cognito Sync's settings constrain nothing modelled here.
            Write::SetSyncConfiguration { .. } | Write::SetCognitoEvents(_) => {}
        }
        if self.tags.len() > 50 {
            return Err(format!("{} tags after {write:?}", self.tags.len()));
        }
        match self
            .roles
            .mappings
            .keys()
            .find(|provider| !self.config.configures(provider, true))
        {
            Some(provider) => Err(format!(
                "a mapping for unconfigured {provider} after {write:?}"
            )),
            None => Ok(()),
        }
    }

    /// The pool as Describe shows it.
    fn pool(&self) -> Pool {
        Pool {
            id: PoolId::parse(POOL_ID).expect("a pool id"),
            config: self.config.clone(),
            tags: self.tags.clone(),
        }
    }

    /// What the provider reads before deciding, for a template that manages
    /// roles and the principal tags of `providers`.
    fn access(&self, providers: &BTreeSet<String>) -> AccessNow {
        AccessNow {
            roles: Some(self.roles.clone()),
            principal_tags: providers
                .iter()
                .map(|provider| {
                    let now = self.config.configures(provider, false).then(|| {
                        self.principal_tags
                            .get(provider)
                            .cloned()
                            .unwrap_or_else(PrincipalTagMap::defaults)
                    });
                    (provider.clone(), now)
                })
                .collect(),
        }
    }
}

/// Runs the planned writes of an Update from `model` to `desired` through the
/// model, failing at the first state Cognito would refuse.
fn run_update(model: &Model, desired: &PoolSpec) -> Result<(Vec<Write>, Model), String> {
    let current = model.pool();
    let (config, tags) = match plan_update(desired, &current, HOME) {
        UpdatePlan::InPlace { config, tags } => (config, tags),
        UpdatePlan::NoChange => (None, TagChanges::default()),
        UpdatePlan::Replace => return Err("replaced, not updated".to_owned()),
    };
    let providers = desired
        .access
        .principal_tags
        .keys()
        .chain(model.principal_tags.keys())
        .cloned()
        .collect();
    let writes = ordered_writes(desired, &current, config, tags, &model.access(&providers));
    let mut after = model.clone();
    for write in &writes {
        after.apply(write)?;
    }
    Ok((writes, after))
}

use crate::test_support::USER_POOL;

fn user_pool_client(client: &str) -> CognitoProvider {
    CognitoProvider {
        provider_name: USER_POOL.to_owned(),
        client_id: client.to_owned(),
        server_side_token_check: false,
    }
}

/// The base configuration with one user pool client configured.
fn with_client(client: &str) -> PoolConfig {
    let mut with_user_pool = config();
    with_user_pool.cognito_identity_providers = vec![user_pool_client(client)];
    with_user_pool
}

fn token_mapping() -> RoleMapping {
    RoleMapping {
        mapping_type: RoleMappingType::Token,
        ambiguous_role_resolution: AmbiguousRoleResolution::Deny,
        rules: Vec::new(),
    }
}

fn numbered_tags(count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| (format!("tag{i:02}"), "v".to_owned()))
        .collect()
}

fn model_with_tags(user_tags: &[(String, String)]) -> Model {
    let pairs: Vec<(&str, &str)> = user_tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Model {
        config: config(),
        tags: pool(config(), &pairs).tags,
        roles: RoleSettings::default(),
        principal_tags: BTreeMap::new(),
    }
}

fn spec_with_tags(user_tags: &[(String, String)]) -> PoolSpec {
    let pairs: Vec<(&str, &str)> = user_tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    spec(config(), &pairs)
}

#[test]
fn at_the_tag_limit_a_renamed_key_is_untagged_before_the_new_one_is_tagged() {
    let before = numbered_tags(49);
    let mut renamed = before.clone();
    renamed[0].0 = "renamed".to_owned();

    let (writes, after) = run_update(&model_with_tags(&before), &spec_with_tags(&renamed))
        .expect("every step within 50 tags");

    assert_eq!(
        writes,
        [
            Write::Untag(vec!["tag00".to_owned()]),
            Write::Tag(string_map(&[("renamed", "v")])),
        ]
    );
    assert_eq!(after.tags.len(), 50);
}

#[test]
fn at_the_tag_limit_both_directions_pass_only_through_accepted_counts() {
    let full = numbered_tags(49);
    let one_less = numbered_tags(48);
    let mut swapped = one_less.clone();
    swapped.push(("added".to_owned(), "v".to_owned()));
    for (from, to) in [(&one_less, &full), (&full, &one_less), (&full, &swapped)] {
        let (_, after) = run_update(&model_with_tags(from), &spec_with_tags(to))
            .unwrap_or_else(|refused| panic!("{} → {} tags: {refused}", from.len(), to.len()));
        assert_eq!(after.tags.len(), to.len() + 1, "the request tag stays");
    }
}

#[test]
fn a_provider_dropped_with_its_mapping_is_unmapped_before_the_pool_update() {
    let with_user_pool = with_client("c1");
    let model = Model {
        config: with_user_pool,
        tags: pool(config(), &[]).tags,
        roles: RoleSettings {
            roles: string_map(&[("authenticated", "arn:aws:iam::123456789012:role/a")]),
            mappings: BTreeMap::from([(format!("{USER_POOL}:c1"), token_mapping())]),
        },
        principal_tags: BTreeMap::new(),
    };
    let mut desired = spec(config(), &[]);
    desired.access.roles.roles = model.roles.roles.clone();

    let (writes, after) = run_update(&model, &desired).expect("accepted at every step");

    assert_eq!(
        writes,
        [
            Write::SetRoles(desired.access.roles.clone()),
            Write::UpdatePool(config()),
        ]
    );
    assert_eq!(after.roles, desired.access.roles);
}

#[test]
fn a_provider_added_with_a_mapping_is_configured_before_it_is_mapped() {
    let with_user_pool = with_client("c1");
    let mut desired = spec(with_user_pool.clone(), &[]);
    desired.access.roles.mappings = BTreeMap::from([(format!("{USER_POOL}:c1"), token_mapping())]);
    desired.access.principal_tags =
        BTreeMap::from([(USER_POOL.to_owned(), PrincipalTagMap::defaults())]);

    let (writes, _) = run_update(&model_with_tags(&[]), &desired).expect("accepted at every step");

    assert_eq!(
        writes,
        [
            Write::UpdatePool(with_user_pool),
            Write::SetRoles(desired.access.roles.clone()),
            Write::SetPrincipalTags {
                provider: USER_POOL.to_owned(),
                map: PrincipalTagMap::defaults(),
            },
        ],
        "the defaults are written for a provider with nothing to read before it is added"
    );
}

#[test]
fn a_dropped_providers_principal_tags_are_reset_while_it_is_still_configured() {
    let with_user_pool = with_client("c1");
    let custom = PrincipalTagMap {
        use_defaults: false,
        tags: string_map(&[("dept", "custom:dept")]),
    };
    let model = Model {
        config: with_user_pool,
        tags: pool(config(), &[]).tags,
        roles: RoleSettings::default(),
        principal_tags: BTreeMap::from([(USER_POOL.to_owned(), custom)]),
    };

    let (writes, after) = run_update(&model, &spec(config(), &[])).expect("accepted at every step");

    assert_eq!(
        writes,
        [
            Write::SetPrincipalTags {
                provider: USER_POOL.to_owned(),
                map: PrincipalTagMap::defaults(),
            },
            Write::UpdatePool(config()),
        ]
    );
    assert_eq!(after.principal_tags[USER_POOL], PrincipalTagMap::defaults());
}

/// A pool configuration with some of two user pool clients and a login provider.
fn provider_config() -> impl Strategy<Value = PoolConfig> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(c1, c2, google)| {
        let mut config = config();
        config.cognito_identity_providers = [(c1, "c1"), (c2, "c2")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, client)| user_pool_client(client))
            .collect();
        if google {
            config
                .supported_login_providers
                .insert("accounts.google.com".to_owned(), "app".to_owned());
        }
        config
    })
}

/// Roles whose mappings name only providers `config` has, and principal tags likewise.
fn access_for(
    config: &PoolConfig,
    mapped: u8,
    tagged: u8,
) -> (RoleSettings, BTreeMap<String, PrincipalTagMap>) {
    let mappable = [
        format!("{USER_POOL}:c1"),
        format!("{USER_POOL}:c2"),
        "accounts.google.com".to_owned(),
    ];
    let taggable = [USER_POOL.to_owned(), "accounts.google.com".to_owned()];
    let roles = RoleSettings {
        roles: string_map(&[("authenticated", "arn:aws:iam::123456789012:role/a")]),
        mappings: mappable
            .iter()
            .enumerate()
            .filter(|(i, name)| mapped & (1 << i) != 0 && config.configures(name, true))
            .map(|(_, name)| (name.clone(), token_mapping()))
            .collect(),
    };
    let principal_tags = taggable
        .iter()
        .enumerate()
        .filter(|(i, name)| tagged & (1 << i) != 0 && config.configures(name, false))
        .map(|(i, name)| {
            let map = PrincipalTagMap {
                use_defaults: false,
                tags: string_map(&[("k", if i == 0 { "sub" } else { "email" })]),
            };
            (name.clone(), map)
        })
        .collect();
    (roles, principal_tags)
}

proptest! {
    #[test]
    fn every_update_passes_only_through_states_cognito_accepts_and_ends_as_the_template(
        from in provider_config(),
        to in provider_config(),
        (mapped_before, tagged_before, mapped_after, tagged_after) in (0u8..8, 0u8..4, 0u8..8, 0u8..4),
        tags_before in 40usize..=49,
        tags_after in 40usize..=49,
        rename in any::<bool>(),
    ) {
        let (roles, principal_tags) = access_for(&from, mapped_before, tagged_before);
        let before = numbered_tags(tags_before);
        let model = Model { principal_tags, roles, ..model_with_tags(&before) };
        let model = Model { config: from, ..model };
        let mut wanted_tags = numbered_tags(tags_after);
        if rename {
            wanted_tags[0].0 = "renamed".to_owned();
        }
        let mut desired = spec_with_tags(&wanted_tags);
        let (roles, principal_tags) = access_for(&to, mapped_after, tagged_after);
        desired.config = to;
        desired.access = Access { roles, principal_tags };

        let (_, after) = run_update(&model, &desired).map_err(TestCaseError::fail)?;

        prop_assert_eq!(&after.config, &desired.config);
        prop_assert_eq!(&after.roles, &desired.access.roles);
        prop_assert_eq!(after.tags.len(), wanted_tags.len() + 1);
        for (provider, map) in &after.principal_tags {
            if after.config.configures(provider, false) {
                let wanted = desired.access.principal_tags.get(provider).cloned().unwrap_or_else(PrincipalTagMap::defaults);
                prop_assert_eq!(map, &wanted, "{}", provider);
            }
        }
    }
}

// ---- what is read first, and the Cognito Sync writes: decided without a call ----

const TRIGGER: &str = "arn:aws:lambda:us-east-1:123456789012:function:trigger";

fn sync_settings() -> SyncSettings {
    SyncSettings {
        streams: Some(CognitoStreams {
            stream_name: Some("events".to_owned()),
            role_arn: Some("arn:aws:iam::123456789012:role/stream".to_owned()),
            streaming_status: Some(StreamingStatus::Enabled),
        }),
        push_sync: Some(PushSync {
            application_arns: vec!["arn:aws:sns:us-east-1:123456789012:app/GCM/app".to_owned()],
            role_arn: None,
        }),
        events: string_map(&[("SyncTrigger", TRIGGER)]),
    }
}

#[test]
fn sync_settings_the_template_drops_are_turned_off() {
    assert_eq!(
        sync_writes(&SyncSettings::default(), &sync_settings()),
        [
            Write::SetSyncConfiguration {
                streams: Some(CognitoStreams {
                    streaming_status: Some(StreamingStatus::Disabled),
                    ..CognitoStreams::default()
                }),
                push_sync: Some(PushSync::default()),
            },
            Write::SetCognitoEvents(string_map(&[("SyncTrigger", "")])),
        ]
    );
}

#[test]
fn sync_settings_are_written_only_where_they_differ_from_the_old_template() {
    assert_eq!(sync_writes(&sync_settings(), &sync_settings()), []);
    let streams_only = SyncSettings {
        streams: sync_settings().streams,
        ..SyncSettings::default()
    };
    assert_eq!(
        sync_writes(&streams_only, &SyncSettings::default()),
        [Write::SetSyncConfiguration {
            streams: sync_settings().streams,
            push_sync: None,
        }],
        "a part the template never set is left alone"
    );
}

fn managed_access() -> PoolSpec {
    let provider = user_pool_client("client1");
    let mut desired = spec(
        PoolConfig {
            cognito_identity_providers: vec![provider.clone()],
            ..config()
        },
        &[],
    );
    desired.access.roles.roles = string_map(&[("authenticated", "arn:aws:iam::1:role/a")]);
    desired
        .access
        .principal_tags
        .insert(provider.provider_name, PrincipalTagMap::defaults());
    desired
}

#[test]
fn a_pool_made_by_this_request_is_not_read_and_has_nothing_yet() {
    let desired = managed_access();
    let made = Managed {
        created_now: true,
        ..Managed::default()
    };

    assert_eq!(
        reads(&desired, &pool(desired.config.clone(), &[]), &made),
        Reads::default()
    );
    let known = known_now(&desired, &made, AccessNow::default());
    assert_eq!(known.roles, Some(RoleSettings::default()));
    assert_eq!(
        known.principal_tags.into_values().collect::<Vec<_>>(),
        [None]
    );
}

#[test]
fn only_what_the_template_manages_now_or_managed_before_is_read() {
    let desired = managed_access();
    let provider = desired.access.principal_tags.keys().next().unwrap().clone();
    let before = Managed {
        principal_tag_providers: BTreeSet::from(["graph.facebook.com".to_owned()]),
        ..Managed::default()
    };

    let asked = reads(&desired, &pool(desired.config.clone(), &[]), &before);

    assert!(asked.roles);
    assert_eq!(
        asked.principal_tags,
        BTreeSet::from([provider.clone()]),
        "a provider the pool does not configure has nothing to read"
    );
    assert_eq!(
        reads(
            &spec(config(), &[]),
            &pool(config(), &[]),
            &Managed::default()
        ),
        Reads::default()
    );
    let known = known_now(&desired, &before, AccessNow::default());
    assert_eq!(
        known.principal_tags,
        BTreeMap::from([(provider, None), ("graph.facebook.com".to_owned(), None)]),
        "what was not read is known to be nothing"
    );
}
