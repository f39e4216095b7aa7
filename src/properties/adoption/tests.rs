use serde_json::json;

use super::*;
use crate::domain::{Adoption, PoolId};
use crate::test_support::parse_with_required as parse;

const POOL: &str = "eu-west-1:11111111-2222-3333-4444-555555555555";

fn errors(extra: Value) -> Vec<(String, String)> {
    parse(extra)
        .expect_err("rejected")
        .into_iter()
        .map(|e| (e.field, e.rule))
        .collect()
}

#[test]
fn an_adopted_pool_is_read_and_lives_in_the_region_its_id_names() {
    let spec = parse(json!({"IdentityPoolId": POOL, "AdoptFromStack": "old-guid"})).unwrap();
    assert_eq!(
        spec.adoption,
        Some(Adoption {
            pool_id: PoolId::parse(POOL).expect("a pool id"),
            from_stack: Some("old-guid".to_owned())
        })
    );
    assert_eq!(spec.region.as_deref(), Some("eu-west-1"));
    let same_region = parse(json!({"IdentityPoolId": POOL, "Region": "eu-west-1"})).unwrap();
    assert_eq!(same_region.region.as_deref(), Some("eu-west-1"));
}

#[test]
fn without_identity_pool_id_nothing_is_adopted() {
    let spec = parse(json!({})).unwrap();
    assert_eq!(spec.adoption, None);
    assert_eq!(spec.region, None);
}

#[test]
fn a_region_other_than_the_pools_is_refused() {
    let found = errors(json!({"IdentityPoolId": POOL, "Region": "us-east-1"}));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "Region");
    assert!(found[0].1.contains("eu-west-1"), "{found:?}");
}

#[test]
fn an_id_that_is_no_pool_id_is_refused_naming_the_pattern() {
    for bad in [
        json!("eu-west-1"),
        json!("eu-west-1:XYZ"),
        json!(":1234"),
        json!(""),
        json!(12),
        json!(format!("eu-west-1:{}", "a".repeat(50))),
    ] {
        let found = errors(json!({ "IdentityPoolId": bad }));
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        assert_eq!(found[0].0, "IdentityPoolId", "{bad}");
    }
}

#[test]
fn adopt_from_stack_alone_is_refused() {
    let found = errors(json!({"AdoptFromStack": "old-guid"}));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "AdoptFromStack");
    assert!(found[0].1.contains("IdentityPoolId"));
}

#[test]
fn the_adopted_id_is_read_even_when_other_properties_are_broken() {
    let properties = json!({"IdentityPoolId": POOL, "AllowUnauthenticatedIdentities": "maybe"});
    assert_eq!(adopted_pool_id(&properties), Some(POOL));
    assert_eq!(adopted_pool_id(&json!({})), None);
    assert_eq!(adopted_pool_id(&Value::Null), None);
}
