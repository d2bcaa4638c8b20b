//! GitLab webhooks: <https://docs.gitlab.com/user/project/integrations/webhooks/>
//!
//! The webhook's secret token arrives as it is in `X-Gitlab-Token`. A webhook with a
//! signing token (`whsec_` + base64 of 32 bytes) is also signed as Standard Webhooks:
//! `webhook-signature: v1,<base64>` over `webhook-id.webhook-timestamp.body`, where
//! `webhook-id` equals the delivery's `Idempotency-Key` (GitLab's merge requests
//! gitlab-org/gitlab!230944 and !231325; the docs page's section on it was not in our
//! copy). Paste either credential as the secret: its form decides the check
//! (`Check::TokenOrSigned`).

use super::prelude::*;

const DOCS: &str = "https://docs.gitlab.com/user/project/integrations/webhooks/";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "gitlab",
    provider: "GitLab",
    summary: "X-Gitlab-Token: the secret token; or, with a whsec_ signing token, webhook-id, webhook-timestamp, webhook-signature: v1,<base64>",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the webhook's Secret token, or its signing token (whsec_…); generated (a secret token) when absent",
        required: false,
    }],
    check: Check::TokenOrSigned {
        headers: &["x-gitlab-token"],
        signed: Layout {
            algorithm: Sha256,
            signature: SignatureSource::VersionedList {
                header: "webhook-signature",
            },
            timestamp: Some(TimestampSource::UnixSecondsHeader("webhook-timestamp")),
            content: Cow::Borrowed(&[
                Piece::Header("webhook-id"),
                Literal("."),
                Timestamp,
                Literal("."),
                Body,
            ]),
        },
    },
    default_tolerance_s: Some(300),
    key: KeyFormat::TokenOrWhsec,
    delivery_id: Some(DeliveryIdSource::Header(&["webhook-id"])),
    handshake: None,
    never_forward: &["x-gitlab-token", "webhook-signature"],
};
