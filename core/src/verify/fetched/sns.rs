//! Amazon SNS: the message is the JSON body; its `Signature` is RSA PKCS#1 v1.5 over the
//! string to sign, `Key\nValue\n` for the message type's keys in a fixed order
//! (`SignatureVersion` 1: SHA-1, 2: SHA-256), under the X.509 certificate at
//! `SigningCertURL`, which must be an https URL on `sns.<region>.amazonaws.com`.
//! <https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html>
//! <https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html>

use crate::pubkey::RsaDigest;
use serde::Deserialize;
use std::borrow::Cow;

/// The members of an SNS message that verification reads (the rest of the JSON is
/// skipped). Values are JSON strings, unescaped by serde as the documentation requires
/// ("convert them to their original form").
#[derive(Debug, Deserialize)]
pub struct Message<'a> {
    #[serde(rename = "Type", borrow)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(rename = "MessageId", borrow, default)]
    pub message_id: Option<Cow<'a, str>>,
    #[serde(rename = "Token", borrow, default)]
    pub token: Option<Cow<'a, str>>,
    #[serde(rename = "TopicArn", borrow, default)]
    pub topic_arn: Option<Cow<'a, str>>,
    #[serde(rename = "Subject", borrow, default)]
    pub subject: Option<Cow<'a, str>>,
    #[serde(rename = "Message", borrow, default)]
    pub message: Option<Cow<'a, str>>,
    #[serde(rename = "Timestamp", borrow, default)]
    pub timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "SignatureVersion", borrow, default)]
    pub signature_version: Option<Cow<'a, str>>,
    #[serde(rename = "Signature", borrow, default)]
    pub signature: Option<Cow<'a, str>>,
    #[serde(rename = "SigningCertURL", borrow, default)]
    pub signing_cert_url: Option<Cow<'a, str>>,
    #[serde(rename = "SubscribeURL", borrow, default)]
    pub subscribe_url: Option<Cow<'a, str>>,
}

pub fn parse(body: &[u8]) -> Option<Message<'_>> {
    serde_json::from_slice(body).ok()
}

impl Message<'_> {
    /// The digest `SignatureVersion` names.
    pub fn digest(&self) -> Option<RsaDigest> {
        match self.signature_version.as_deref()? {
            "1" => Some(RsaDigest::Sha1),
            "2" => Some(RsaDigest::Sha256),
            _ => None,
        }
    }

    /// The string to sign; `None` for an unknown type or a missing required member.
    pub fn string_to_sign(&self) -> Option<String> {
        fn field<'v>(v: &'v Option<Cow<'_, str>>) -> Option<&'v str> {
            v.as_deref()
        }
        let keys: &[(&str, Option<&str>, bool)] = match self.kind.as_deref()? {
            "Notification" => &[
                ("Message", field(&self.message), true),
                ("MessageId", field(&self.message_id), true),
                ("Subject", field(&self.subject), false),
                ("Timestamp", field(&self.timestamp), true),
                ("TopicArn", field(&self.topic_arn), true),
                ("Type", field(&self.kind), true),
            ],
            "SubscriptionConfirmation" | "UnsubscribeConfirmation" => &[
                ("Message", field(&self.message), true),
                ("MessageId", field(&self.message_id), true),
                ("SubscribeURL", field(&self.subscribe_url), true),
                ("Timestamp", field(&self.timestamp), true),
                ("Token", field(&self.token), true),
                ("TopicArn", field(&self.topic_arn), true),
                ("Type", field(&self.kind), true),
            ],
            _ => return None,
        };
        let mut out = String::new();
        for (key, value, required) in keys {
            match value {
                Some(v) => {
                    out.push_str(key);
                    out.push('\n');
                    out.push_str(v);
                    out.push('\n');
                }
                None if *required => return None,
                None => {}
            }
        }
        Some(out)
    }
}

/// Whether `url` is an https URL on an SNS regional endpoint,
/// `sns.<region>.amazonaws.com`, default port, no credentials or fragment. The region
/// is letters, digits and `-` (`us-east-1`, `ap-southeast-2`).
pub fn is_sns_url(url: &url::Url) -> bool {
    let Some(region) = url
        .host_str()
        .and_then(|h| h.strip_prefix("sns."))
        .and_then(|h| h.strip_suffix(".amazonaws.com"))
    else {
        return false;
    };
    url.scheme() == "https"
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
        && !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The signing certificate's URL, when it is one hookgate may fetch: an SNS endpoint
/// and a `.pem` path with no query.
pub fn cert_url(raw: &str) -> Option<url::Url> {
    let url = url::Url::parse(raw).ok()?;
    (raw.len() <= super::MAX_KEY_URL_LEN
        && is_sns_url(&url)
        && url.query().is_none()
        && url.path().ends_with(".pem"))
    .then_some(url)
}

/// A `SubscribeURL` hookgate may visit to confirm a subscription: an SNS endpoint whose
/// query asks for `ConfirmSubscription`.
pub fn subscribe_url(raw: &str) -> Option<url::Url> {
    let url = url::Url::parse(raw).ok()?;
    let confirms = url
        .query_pairs()
        .any(|(k, v)| k == "Action" && v == "ConfirmSubscription");
    (raw.len() <= 2048 && is_sns_url(&url) && confirms).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sns_endpoints_are_fetched() {
        for ok in [
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.ap-southeast-2.amazonaws.com/x.pem",
        ] {
            assert!(cert_url(ok).is_some(), "{ok}");
        }
        for bad in [
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
            "https://evil.com/sns.us-east-1.amazonaws.com/x.pem",
            "https://sns..amazonaws.com/x.pem",
            "https://sns.us_east.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com:8443/x.pem",
            "https://u:p@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com/x.pem?a=b",
            "https://sns.us-east-1.amazonaws.com/x.txt",
            "https://s3.amazonaws.com/x.pem",
            "https://evilsns.us-east-1.amazonaws.com/x.pem",
        ] {
            assert!(cert_url(bad).is_none(), "{bad}");
        }
        assert!(subscribe_url(
            "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:1:t&Token=x"
        )
        .is_some());
        assert!(subscribe_url("https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe").is_none());
        assert!(subscribe_url("https://example.com/?Action=ConfirmSubscription").is_none());
    }

    #[test]
    fn strings_to_sign_follow_the_type() {
        let n = parse(br#"{"Type":"Notification","MessageId":"m","TopicArn":"t","Message":"a\nb","Timestamp":"ts"}"#).unwrap();
        assert_eq!(
            n.string_to_sign().unwrap(),
            "Message\na\nb\nMessageId\nm\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"
        );
        let c = parse(br#"{"Type":"SubscriptionConfirmation","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts","Token":"k"}"#).unwrap();
        assert!(c.string_to_sign().is_none(), "SubscribeURL is required");
        let u = parse(br#"{"Type":"Other","MessageId":"m"}"#).unwrap();
        assert!(u.string_to_sign().is_none());
    }
}
