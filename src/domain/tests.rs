use super::*;

#[test]
fn a_pool_id_owns_its_region() {
    let id = PoolId::parse("eu-west-1:0f1e2d3c-aaaa-bbbb-cccc-111122223333").expect("a pool id");
    assert_eq!(id.region(), "eu-west-1");
    assert_eq!(
        id.as_str(),
        "eu-west-1:0f1e2d3c-aaaa-bbbb-cccc-111122223333"
    );
}

#[test]
fn only_the_api_models_form_is_a_pool_id() {
    for not_an_id in [
        "",
        "us-east-1",
        ":0f1e2d3c",
        "us-east-1:",
        "us-east-1:0F1E",
        "us east-1:0f1e",
        "CreateFailed/abc/req-1",
        &format!("us-east-1:{}", "a".repeat(50)),
    ] {
        assert_eq!(PoolId::parse(not_an_id), None, "{not_an_id:?}");
    }
}

#[test]
fn every_api_enum_reads_back_what_it_spells() {
    fn round_trip<T: ApiEnum + PartialEq + std::fmt::Debug>() {
        for name in T::NAMES {
            let value = T::from_name(name).expect("a spelling it lists");
            assert_eq!(value.as_str(), *name);
        }
        assert_eq!(T::from_name("unknown"), None);
    }
    round_trip::<MatchType>();
    round_trip::<AmbiguousRoleResolution>();
    round_trip::<RoleMappingType>();
    round_trip::<StreamingStatus>();
}
