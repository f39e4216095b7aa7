use super::*;

#[test]
fn a_typo_gets_the_closest_known_name_and_anything_else_the_list() {
    let known = [
        "AllowClassicFlow",
        "AllowUnauthenticatedIdentities",
        "IdentityPoolName",
    ];
    let all = "unknown property (known: AllowClassicFlow, AllowUnauthenticatedIdentities, IdentityPoolName)";
    for (typed, expected) in [
        (
            "AllowClasicFlow",
            "unknown property; did you mean AllowClassicFlow?",
        ),
        (
            "identitypoolname",
            "unknown property; did you mean IdentityPoolName?",
        ),
        (
            "IdentityPoolNmae",
            "unknown property; did you mean IdentityPoolName?",
        ),
        ("Tags", all),
        ("IdentityPoolId", all),
        ("", all),
    ] {
        assert_eq!(unknown_property(typed, &known), expected, "{typed:?}");
    }
}

#[test]
fn edit_distance_counts_a_swap_as_one_edit() {
    let chars = |s: &str| s.chars().collect::<Vec<_>>();
    assert_eq!(edit_distance(&chars("flow"), &chars("folw")), 1);
    assert_eq!(edit_distance(&chars("flow"), &chars("flow")), 0);
    assert_eq!(edit_distance(&chars(""), &chars("abc")), 3);
    assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
}

#[test]
fn an_object_may_come_as_a_json_string() {
    let expected = serde_json::json!({"a": "b"});
    assert_eq!(
        object_or_json("F", &Value::String("{\"a\": \"b\"}".into())).unwrap(),
        *expected.as_object().unwrap()
    );
    assert_eq!(
        object_or_json("F", &expected).unwrap(),
        *expected.as_object().unwrap()
    );
    for bad in [
        Value::String("[1]".into()),
        Value::String("{".into()),
        serde_json::json!(3),
    ] {
        let error = object_or_json("F", &bad).unwrap_err();
        assert_eq!(error.field, "F");
    }
}
