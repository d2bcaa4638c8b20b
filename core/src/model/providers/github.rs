//! GitHub (SHA-256): <https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries>

use super::prelude::*;

const DOCS: &str = "https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries";

pub static DESCRIPTOR: Descriptor = github(
    About {
        name: "github",
        provider: "GitHub",
        summary: "X-Hub-Signature-256: sha256=<hex>",
        docs: DOCS,
    },
    (&["x-hub-signature-256"], "sha256=", Sha256),
);
