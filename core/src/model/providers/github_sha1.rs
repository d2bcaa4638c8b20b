//! GitHub (legacy SHA-1): <https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries>

use super::prelude::*;

const DOCS: &str = "https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries";

pub static DESCRIPTOR: Descriptor = github(
    About {
        name: "github-sha1",
        provider: "GitHub (legacy SHA-1)",
        summary: "X-Hub-Signature: sha1=<hex>",
        docs: DOCS,
    },
    (&["x-hub-signature"], "sha1=", Sha1),
);
