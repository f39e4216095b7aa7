use super::*;

use proptest::prelude::*;
use serde_json::Value;

use crate::test_support::{POOL_ID, STACK_ID, STACK_NAME, string_map};

fn requester() -> Requester {
    Requester {
        response_url: Some(
            "https://bucket.s3.amazonaws.com/key?X-Amz-Signature=deadbeef".to_owned(),
        ),
        stack_id: STACK_ID.to_owned(),
        request_id: "d8e6a2b0-5f3c-4e1a-9b7d-2c4f6a8e0b1d".to_owned(),
        logical_resource_id: "IdentityPool".to_owned(),
    }
}

fn failing(reason: &str) -> Answer {
    Answer {
        physical_resource_id: POOL_ID.to_owned(),
        outcome: Err(reason.to_owned()),
    }
}

/// The body, checked to be within the limit and to echo the request verbatim.
fn body(answer: &Answer) -> Value {
    let bytes = answer.to_body(&requester());
    assert!(
        bytes.len() <= MAX_BODY_BYTES,
        "body is {} bytes",
        bytes.len()
    );
    let body: Value = serde_json::from_slice(&bytes).expect("the body is JSON");
    let requester = requester();
    assert_eq!(
        body["PhysicalResourceId"],
        answer.physical_resource_id.as_str()
    );
    assert_eq!(body["StackId"], requester.stack_id.as_str());
    assert_eq!(body["RequestId"], requester.request_id.as_str());
    assert_eq!(
        body["LogicalResourceId"],
        requester.logical_resource_id.as_str()
    );
    body
}

/// The Reason of a FAILED body.
fn reason(body: &Value) -> &str {
    assert_eq!(body["Status"], "FAILED");
    body["Reason"].as_str().expect("a FAILED body has a Reason")
}

/// Asserts the body's Reason is `original` cut short and marked, and returns
/// how much of `original` it kept.
fn assert_truncated(body: &Value, original: &str) -> usize {
    let reason = reason(body);
    let kept = reason
        .strip_suffix(TRUNCATED)
        .unwrap_or_else(|| panic!("no truncation marker at the end of {reason:?}"));
    assert!(
        original.starts_with(kept),
        "the Reason does not keep the beginning of the original"
    );
    assert!(kept.len() < original.len());
    kept.len()
}

#[test]
fn success_body_echoes_the_request_and_carries_data() {
    let name = format!("{STACK_NAME}-IdentityPool");
    let answer = Answer::success(POOL_ID, string_map(&[("Id", POOL_ID), ("Name", &name)]));
    let body = body(&answer);
    assert_eq!(body["Status"], "SUCCESS");
    assert_eq!(
        body["Data"],
        serde_json::json!({"Id": POOL_ID, "Name": name})
    );
    assert!(body["Reason"].is_null());
    assert_eq!(answer.status(), "SUCCESS");
}

#[test]
fn failed_body_carries_the_error_as_reason() {
    let error = ProviderError::PoolGone {
        id: POOL_ID.to_owned(),
        region: "us-east-1".to_owned(),
    };
    let answer = Answer::failed("CreateFailed/0c5e2a4b/d8e6a2b0", &error);
    let body = body(&answer);
    assert_eq!(reason(&body), error.to_string());
    assert_eq!(body["PhysicalResourceId"], "CreateFailed/0c5e2a4b/d8e6a2b0");
    assert_eq!(answer.status(), "FAILED");
}

#[test]
fn a_reason_that_fits_is_kept_whole() {
    let original = "x".repeat(3500);
    assert_eq!(reason(&body(&failing(&original))), original);
}

#[test]
fn a_long_reason_keeps_its_beginning_and_is_marked() {
    let original: String = (0..2000).map(|i| format!("{i:04} ")).collect();
    assert!(original.len() >= 10_000);
    let body = body(&failing(&original));
    let kept = assert_truncated(&body, &original);
    assert!(kept > 3500, "only {kept} bytes of the Reason were kept");
}

#[test]
fn multi_byte_reasons_are_cut_on_character_boundaries() {
    for unit in ["😀", "漢字", "é", "a😀b漢"] {
        let original = unit.repeat(10_000 / unit.len());
        let body = body(&failing(&original));
        let kept = assert_truncated(&body, &original);
        assert!(kept > 3500, "{unit}: only {kept} bytes kept");
    }
}

#[test]
fn escaping_heavy_reasons_stay_within_the_limit() {
    for unit in [
        "\"",
        "\\",
        "\n",
        "\u{1}",
        "\u{1f}\"x\\\t",
        "</script>\"\u{0}",
    ] {
        let original = unit.repeat(10_000 / unit.len());
        let body = body(&failing(&original));
        assert!(reason(&body).ends_with(TRUNCATED), "{unit:?}");
    }
}

#[test]
fn escaping_heavy_reasons_keep_their_beginning() {
    for unit in ["\"", "\n", "\u{1}"] {
        let original = format!(
            "CognitoIdentityProviders[0].ClientId: {}",
            unit.repeat(5000)
        );
        let body = body(&failing(&original));
        let kept = assert_truncated(&body, &original);
        // The worst escape, `\u0001`, takes six bytes: about 4 KB / 6 still fit.
        assert!(kept >= 600, "{unit:?}: only {kept} bytes kept");
    }
}

#[test]
fn data_too_large_becomes_a_failed_answer_that_says_so() {
    let huge: BTreeMap<String, String> = (0..100)
        .map(|i| (format!("Attribute{i}"), "v".repeat(100)))
        .collect();
    let body = body(&Answer::success(POOL_ID, huge));
    let reason = reason(&body);
    assert!(
        reason.contains("exceed") && reason.contains("4096-byte limit"),
        "{reason}"
    );
}

#[test]
fn data_that_fits_stays_a_success() {
    let fits: BTreeMap<String, String> = (0..10)
        .map(|i| (format!("Attribute{i}"), "v".repeat(200)))
        .collect();
    let body = body(&Answer::success(POOL_ID, fits.clone()));
    assert_eq!(body["Status"], "SUCCESS");
    assert_eq!(
        body["Data"].as_object().map(|data| data.len()),
        Some(fits.len())
    );
}

proptest! {
    #[test]
    fn every_body_is_bounded_json_echoing_the_request(
        reason in proptest::option::of(proptest::collection::vec(any::<char>(), 0..20_000)),
        data in proptest::collection::btree_map(".{0,40}", ".{0,400}", 0..20),
    ) {
        let answer = match reason {
            Some(chars) => failing(&chars.into_iter().collect::<String>()),
            None => Answer::success(POOL_ID, data),
        };
        let body = body(&answer);
        prop_assert!(body["Status"] == "SUCCESS" || body["Status"] == "FAILED");
    }
}

// ---- delivery ----

/// A loopback URL nothing listens on: every PUT is refused at once.
fn dead_receiver() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    format!("http://127.0.0.1:{port}/response?X-Amz-Signature=secret")
}

/// Delivers an empty answer to a dead receiver by `deadline`: the error it ends with.
async fn deliver_to_dead_receiver(deadline: Instant) -> DeliveryError {
    crate::test_support::response_sender()
        .deliver(&dead_receiver(), b"{}".to_vec(), deadline)
        .await
        .expect_err("nothing listens")
}

#[tokio::test(start_paused = true)]
async fn a_dead_receiver_is_retried_for_a_minute_at_most_and_the_last_error_is_kept() {
    let started = Instant::now();
    let error = deliver_to_dead_receiver(started + Duration::from_secs(600)).await;

    let waited = started.elapsed();
    assert!(
        waited <= MAX_DELIVERY_TIME && waited >= MAX_DELIVERY_TIME - Duration::from_secs(3),
        "gave up after {waited:?} of a 600 s deadline"
    );
    let DeliveryError::GaveUp {
        attempts,
        last_error,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(*attempts > 1, "retried: {error}");
    assert!(last_error.contains("Connection refused"), "{error}");
    assert!(!error.to_string().contains("secret"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_deadline_sooner_than_a_minute_bounds_the_retries() {
    let started = Instant::now();
    deliver_to_dead_receiver(started + Duration::from_secs(8)).await;

    assert!(started.elapsed() <= Duration::from_secs(8));
}

#[tokio::test]
async fn a_url_that_cannot_be_sent_to_is_not_retried() {
    let sender = crate::test_support::response_sender();
    let error = sender
        .deliver(
            "...",
            b"{}".to_vec(),
            Instant::now() + Duration::from_secs(60),
        )
        .await
        .expect_err("not a URL");
    assert!(matches!(error, DeliveryError::Unusable(_)), "{error:?}");
}
