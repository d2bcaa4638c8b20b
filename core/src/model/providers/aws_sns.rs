//! Amazon SNS to an HTTP/S endpoint: <https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html>
//! (the string to sign per message type:
//! <https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html>;
//! the confirmation message: <https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html>).

use super::prelude::*;
use crate::verify::fetched::Provider;

const DOCS: &str = "https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "aws-sns",
    provider: "Amazon SNS",
    summary: "the JSON message's Signature: RSA PKCS#1 v1.5 (SignatureVersion 1 SHA-1, 2 SHA-256) of its Key\\nValue\\n string under the certificate at SigningCertURL (https://sns.<region>.amazonaws.com/….pem only), for a TopicArn in auth.topic_arns",
    docs: DOCS,
    operator_fields: &[
        OperatorField {
            name: "topic_arns",
            what: "the ARNs of the SNS topics whose messages are accepted (a list; others are 401 topic_not_allowed)",
            required: true,
        },
        OperatorField {
            name: "auto_confirm",
            what: "true: hookgate confirms the subscription itself by visiting the SubscribeURL (else the SubscriptionConfirmation is forwarded like any message)",
            required: false,
        },
    ],
    check: Check::FetchedKey(Provider::AwsSns),
    // SNS signs no freshness window; its MessageId (signed) is the delivery key.
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: Some(DeliveryIdSource::BodyField("MessageId")),
    handshake: None,
    never_forward: &[],
};
