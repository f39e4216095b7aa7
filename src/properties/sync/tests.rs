use serde_json::json;

use super::*;
use crate::domain::{CognitoStreams, PushSync, StreamingStatus, SyncSettings};
use crate::test_support::parse_with_required as parse;

const STREAM_ROLE: &str = "arn:aws:iam::123456789012:role/identity-pool/streams";
use crate::test_support::SYNC_TRIGGER as TRIGGER;

fn rejected_at(extra: Value) -> Vec<String> {
    parse(extra)
        .expect_err("rejected")
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn all_three_sync_properties_are_read() {
    let spec = parse(json!({
        "CognitoStreams": {"StreamName": "events", "RoleArn": STREAM_ROLE, "StreamingStatus": "ENABLED"},
        "PushSync": {"ApplicationArns": ["arn:aws:sns:us-east-1:123456789012:app/GCM/my-app"], "RoleArn": STREAM_ROLE},
        "CognitoEvents": {"SyncTrigger": TRIGGER}
    }))
    .expect("valid");
    assert_eq!(
        spec.sync,
        SyncSettings {
            streams: Some(CognitoStreams {
                stream_name: Some("events".to_owned()),
                role_arn: Some(STREAM_ROLE.to_owned()),
                streaming_status: Some(StreamingStatus::Enabled),
            }),
            push_sync: Some(PushSync {
                application_arns: vec![
                    "arn:aws:sns:us-east-1:123456789012:app/GCM/my-app".to_owned()
                ],
                role_arn: Some(STREAM_ROLE.to_owned()),
            }),
            events: BTreeMap::from([("SyncTrigger".to_owned(), TRIGGER.to_owned())]),
        }
    );
}

#[test]
fn absent_sync_properties_set_nothing() {
    assert_eq!(
        parse(json!({})).expect("valid").sync,
        SyncSettings::default()
    );
}

#[test]
fn each_sync_rule_is_enforced_at_its_path() {
    let cases = [
        (
            json!({"CognitoStreams": {"StreamingStatus": "ON"}}),
            "CognitoStreams.StreamingStatus",
        ),
        (
            json!({"CognitoStreams": {"RoleArn": "arn:aws:sns:us-east-1:1:topic"}}),
            "CognitoStreams.RoleArn",
        ),
        (
            json!({"CognitoStreams": {"Stream": "x"}}),
            "CognitoStreams.Stream",
        ),
        (
            json!({"PushSync": {"ApplicationArns": ["not-an-arn-but-long-enough"]}}),
            "PushSync.ApplicationArns[0]",
        ),
        (
            json!({"PushSync": {"ApplicationArns": [
                "arn:aws:sns:us-east-1:123456789012:app/GCM/my-app",
                "arn:aws:sns:us-east-1:123456789012:my-topic",
            ]}}),
            "PushSync.ApplicationArns[1]",
        ),
        (
            json!({"PushSync": {"RoleArn": "arn:aws:iam::123456789012:user/role/x"}}),
            "PushSync.RoleArn",
        ),
        (json!({"CognitoEvents": "SyncTrigger"}), "CognitoEvents"),
        (
            json!({"CognitoEvents": {"OnSync": TRIGGER}}),
            "CognitoEvents.OnSync",
        ),
        (
            json!({"CognitoEvents": {"SyncTrigger": "arn:aws:sns:us-east-1:123456789012:topic"}}),
            "CognitoEvents.SyncTrigger",
        ),
    ];
    for (extra, field) in cases {
        assert_eq!(rejected_at(extra.clone()), [field], "{extra}");
    }
}

#[test]
fn old_properties_are_read_part_by_part_and_a_broken_part_counts_as_unset() {
    let old = json!({
        "CognitoStreams": {"StreamingStatus": "SOMETIMES"},
        "PushSync": {"ApplicationArns": []},
        "CognitoEvents": {"SyncTrigger": TRIGGER}
    });
    let previous = SyncSettings::from_old_properties(&old);
    assert_eq!(previous.streams, None);
    assert_eq!(previous.push_sync, Some(PushSync::default()));
    assert_eq!(previous.events.len(), 1);
    assert_eq!(
        SyncSettings::from_old_properties(&Value::Null),
        SyncSettings::default()
    );
}

#[test]
fn cognito_events_may_be_a_json_string_as_in_the_native_schema() {
    let as_object = parse(json!({"CognitoEvents": {"SyncTrigger": TRIGGER}})).expect("valid");
    let as_string = parse(json!({"CognitoEvents": format!("{{\"SyncTrigger\": \"{TRIGGER}\"}}")}))
        .expect("valid");
    assert_eq!(as_string, as_object);
}

#[test]
fn push_sync_takes_any_number_of_applications() {
    let arns: Vec<String> = (0..101)
        .map(|i| format!("arn:aws:sns:us-east-1:123456789012:app/GCM/app{i}"))
        .collect();
    let spec = parse(json!({"PushSync": {"ApplicationArns": arns}})).expect("valid");
    assert_eq!(spec.sync.push_sync.unwrap().application_arns.len(), 101);
}
