//! HubSpot (signature v3): <https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests>

use super::prelude::*;

const DOCS: &str =
    "https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "hubspot-v3",
    provider: "HubSpot",
    summary: "X-HubSpot-Signature-v3: base64 HMAC-SHA256 of method + URI + body + X-HubSpot-Request-Timestamp (unix ms)",
    docs: DOCS,
    operator_fields: &[OperatorField {
        name: "secret",
        what: "the app's client secret (the app's Auth settings)",
        required: true,
    }],
    check: hmac(Layout {
        algorithm: Sha256,
        signature: one_header(&["x-hubspot-signature-v3"], Prefix::None, Base64, false),
        timestamp: Some(TimestampSource::UnixMillisHeader("x-hubspot-request-timestamp")),
        // The URI as the sender called it: the URL the request arrived at.
        content: Cow::Borrowed(&[Piece::Method, Piece::RequestUrl, Body, Timestamp]),
    }),
    default_tolerance_s: Some(300),
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    // The older v1/v2 signatures hash the client secret itself into the header.
    never_forward: &["x-hubspot-signature-v3", "x-hubspot-signature"],
};
