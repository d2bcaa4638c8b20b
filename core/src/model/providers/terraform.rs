//! HCP Terraform / Terraform Enterprise: <https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings/notifications>

use super::prelude::*;

const DOCS: &str = "https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings/notifications";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "terraform",
    provider: "HCP Terraform / Terraform Enterprise",
    summary: "X-TFE-Notification-Signature: hex HMAC-SHA512 of the body with the notification's token",
    docs: DOCS,
    operator_fields: &[],
    check: hmac(Layout {
        algorithm: Algorithm::Sha512,
        signature: one_header(&["x-tfe-notification-signature"], Prefix::None, Hex, false),
        timestamp: None,
        content: Cow::Borrowed(&[Body]),
    }),
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: None,
    never_forward: &["x-tfe-notification-signature"],
};
