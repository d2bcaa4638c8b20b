//! Polar: <https://docs.polar.sh/integrate/webhooks/delivery>
//!
//! Standard Webhooks headers (`webhook-id` is the event id), with Polar's own key rule:
//! a secret it made before moving to Standard Webhooks (`polar_whs_…`, or `whsec_` + 43
//! URL-safe characters) keys the MAC with its whole text, a newer one (`whsec_` + base64
//! of 32 bytes) with the decoded bytes (Polar's server, `sign_webhook`). A delivery does
//! not say which, so a `whsec_` secret is tried both ways (`KeyFormat::PolarSecret`).

use super::prelude::*;

const DOCS: &str = "https://docs.polar.sh/integrate/webhooks/delivery";

pub static DESCRIPTOR: Descriptor = webhook_headers(
    About {
            name: "polar",
            provider: "Polar",
            summary: "webhook-id, webhook-timestamp, webhook-signature: v1,<base64> (the endpoint's secret as Polar shows it: polar_whs_… or whsec_…)",
            docs: DOCS,
        },
    KeyFormat::PolarSecret,
);
