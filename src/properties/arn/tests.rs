use serde_json::json;

use super::*;

fn ok(check: fn(&str, &Value) -> Result<String, PropertyError>, arn: &str) {
    assert_eq!(check("F", &json!(arn)), Ok(arn.to_owned()), "{arn}");
}

fn refused_at_field(check: fn(&str, &Value) -> Result<String, PropertyError>, arn: &str) {
    let error = check("F", &json!(arn)).expect_err(arn);
    assert_eq!(error.field, "F");
}

#[test]
fn role_arns_of_every_partition_are_accepted() {
    for partition in PARTITIONS {
        ok(
            role_arn,
            &format!("arn:{partition}:iam::123456789012:role/path/name"),
        );
    }
    ok(role_arn, "arn:aws:iam::1:role/");
}

#[test]
fn anything_but_an_iam_role_arn_is_refused() {
    for arn in [
        "arn:aws-iso:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::12345678901x:role/r",
        "arn:aws:iam:us-east-1:123456789012:role/r",
        "arn:aws:sts::123456789012:role/r",
        "arn:aws:iam::123456789012:role/a\u{2028}b",
        "xrn:aws:iam::123456789012:role/r",
        "arn:aws:iam:::role/identity-pool-role",
    ] {
        refused_at_field(role_arn, arn);
    }
}

#[test]
fn sns_platform_applications_of_every_partition_are_accepted() {
    for partition in PARTITIONS {
        ok(
            sns_application_arn,
            &format!("arn:{partition}:sns:us-east-1:123456789012:app/APNS_SANDBOX/my-app.v2"),
        );
    }
}

#[test]
fn an_sns_topic_or_a_malformed_application_is_refused() {
    for arn in [
        "arn:aws:sns:us-east-1:123456789012:my-topic",
        "arn:aws:sns:us-east-1:123456789012:app/GCM/",
        "arn:aws:sns:us-east-1:123456789012:app//name",
        "arn:aws:sns:us-east-1:123456789012:app/GCM/a/b",
        "arn:aws:sns::123456789012:app/GCM/a",
        "arn:aws:sns:us-east-1::app/GCM/a",
    ] {
        refused_at_field(sns_application_arn, arn);
    }
}

#[test]
fn lambda_functions_with_or_without_a_qualifier_are_accepted() {
    ok(
        lambda_function_arn,
        "arn:aws:lambda:us-east-1:123456789012:function:trigger",
    );
    ok(
        lambda_function_arn,
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:trigger:live",
    );
}

#[test]
fn anything_but_a_lambda_function_is_refused() {
    for arn in [
        "arn:aws:lambda:us-east-1:123456789012:layer:l",
        "arn:aws:lambda:us-east-1:123456789012:function:",
        "arn:aws:sns:us-east-1:123456789012:function:f",
        "arn:aws:lambda::123456789012:function:f",
    ] {
        refused_at_field(lambda_function_arn, arn);
    }
}
