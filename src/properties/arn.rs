//! The ARN forms the properties take. The API models write them for the `aws`
//! partition only (`arn:aws:iam::\d+:role/.*`); the same resources exist in the
//! China and GovCloud (US) partitions, so `aws-cn` and `aws-us-gov` are accepted
//! in the same place, and nothing else. [`Arn`] is the one reading of an ARN's
//! fields, which the request's own ARNs (of any partition) go through too.

use serde_json::Value;

use super::rules::{PropertyError, TextRule, shown, string, text};

/// The partitions an ARN may name.
pub(super) const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// ARNString in the Cognito Identity model: any ARN-valued member.
const ARN: TextRule = TextRule::length(20, 2048);

/// The fields of `arn:<partition>:<service>:<region>:<account>:<resource>`;
/// the resource is the rest, `:`s and all.
pub(crate) struct Arn<'a> {
    pub(crate) partition: &'a str,
    pub(crate) service: &'a str,
    pub(crate) region: &'a str,
    pub(crate) account: &'a str,
    pub(crate) resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `arn`'s fields when it has them, whatever partition it names: a request
    /// takes its stack's and function's ARNs as they come, the properties only
    /// those of [`PARTITIONS`] ([`split`]).
    pub(crate) fn parse(arn: &'a str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let scheme = parts.next()?;
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        (scheme == "arn").then_some(arn)
    }
}

/// An ARN of a property: its fields when it has them and its partition is
/// one of [`PARTITIONS`].
fn split(arn: &str) -> Option<Arn<'_>> {
    Arn::parse(arn).filter(|arn| PARTITIONS.contains(&arn.partition))
}

/// Java's `\d+`: one or more ASCII digits.
fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Java's `.`: any character but a line terminator.
fn line_char(c: char) -> bool {
    !matches!(c, '\n' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

fn refused(field: &str, what: &str, value: &Value) -> PropertyError {
    PropertyError::new(
        field,
        format!(
            "must be {what} in the partition {}, got {}",
            PARTITIONS.join(", "),
            shown(value)
        ),
    )
}

/// An ARN of any service, 20 to 2048 characters (OIDC and SAML providers).
pub(super) fn any_arn(field: &str, value: &Value) -> Result<String, PropertyError> {
    let arn = text(field, value, &ARN)?;
    if arn.starts_with("arn:") {
        Ok(arn)
    } else {
        Err(PropertyError::new(
            field,
            format!("must be an ARN (arn:…), got {}", shown(value)),
        ))
    }
}

/// An IAM role: `arn:<partition>:iam::<digits>:role/<path and name>`, 20 to 2048
/// characters (AssumeRoleArn in the Cognito Sync model).
pub(super) fn role_arn(field: &str, value: &Value) -> Result<String, PropertyError> {
    let arn = text(field, value, &ARN)?;
    match split(&arn) {
        Some(parts)
            if parts.service == "iam"
                && parts.region.is_empty()
                && digits(parts.account)
                && parts
                    .resource
                    .strip_prefix("role/")
                    .is_some_and(|name| name.chars().all(line_char)) =>
        {
            Ok(arn)
        }
        _ => Err(refused(
            field,
            "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
            value,
        )),
    }
}

/// An SNS platform application:
/// `arn:<partition>:sns:<[-0-9a-z]+>:<digits>:app/<[A-Z_]+>/<[a-zA-Z0-9_.-]+>`
/// (ApplicationArn in the Cognito Sync model; it gives no length).
pub(super) fn sns_application_arn(field: &str, value: &Value) -> Result<String, PropertyError> {
    let arn = string(field, value)?;
    let application = split(arn).filter(|parts| {
        parts.service == "sns"
            && !parts.region.is_empty()
            && parts
                .region
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || b.is_ascii_lowercase())
            && digits(parts.account)
    });
    let platform_and_name = application
        .and_then(|parts| parts.resource.strip_prefix("app/"))
        .and_then(|rest| rest.split_once('/'));
    match platform_and_name {
        Some((platform, name))
            if !platform.is_empty()
                && platform
                    .bytes()
                    .all(|b| b == b'_' || b.is_ascii_uppercase())
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) =>
        {
            Ok(arn.to_owned())
        }
        _ => Err(refused(
            field,
            "an SNS platform application ARN (arn:aws:sns:<region>:<account>:app/<PLATFORM>/<name>)",
            value,
        )),
    }
}

/// A Lambda function: `arn:<partition>:lambda:<region>:<account>:function:<name>`,
/// optionally with a version or alias (the Cognito Sync model gives the member
/// no pattern; this is the form Lambda documents for a function's ARN).
pub(super) fn lambda_function_arn(field: &str, value: &Value) -> Result<String, PropertyError> {
    let arn = string(field, value)?;
    match split(arn) {
        Some(parts)
            if parts.service == "lambda"
                && !parts.region.is_empty()
                && digits(parts.account)
                && parts
                    .resource
                    .strip_prefix("function:")
                    .is_some_and(|name| !name.is_empty() && !name.starts_with(':')) =>
        {
            Ok(arn.to_owned())
        }
        _ => Err(refused(
            field,
            "a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)",
            value,
        )),
    }
}

#[cfg(test)]
mod tests;
