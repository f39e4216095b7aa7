use super::*;

/// The function's own region, where the test pools live.
const HOME: &str = "us-east-1";
use crate::properties::Access;

use proptest::prelude::*;

const POOL_ID: &str = "us-east-1:0c5e2a4b-1234-4cde-8f00-123456789abc";
const REQUEST_TAG: &str =
    "0c5e2a4b-9d1f-4f8a-b2c3-5e6f7a8b9c0d/d8e6a2b0-5f3c-4e1a-9b7d-2c4f6a8e0b1d";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn config() -> PoolConfig {
    PoolConfig {
        name: "my-stack-IdentityPool".to_owned(),
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
        tags: tags(user_tags),
        access: Access::default(),
        sync: Default::default(),
        region: None,
        adoption: None,
    }
}

/// The pool as Cognito describes it: the user's tags plus the provider's request tag.
fn pool(config: PoolConfig, user_tags: &[(&str, &str)]) -> Pool {
    let mut tags = tags(user_tags);
    tags.insert(REQUEST_TAG_KEY.to_owned(), REQUEST_TAG.to_owned());
    Pool {
        id: POOL_ID.to_owned(),
        config,
        tags,
    }
}

fn changes(set: &[(&str, &str)], remove: &[&str]) -> TagChanges {
    TagChanges {
        set: tags(set),
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
        let actual = tag_changes(&tags(desired), &tags(current));
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
