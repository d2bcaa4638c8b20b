//! Svix: <https://docs.svix.com/receiving/verifying-payloads/how-manual>

use super::prelude::*;

const DOCS: &str = "https://docs.svix.com/receiving/verifying-payloads/how-manual";

pub static DESCRIPTOR: Descriptor = standard_webhooks(
    About {
        name: "svix",
        provider: "Svix",
        summary: "svix-id, svix-timestamp, svix-signature: v1,<base64>",
        docs: DOCS,
    },
    ["svix-timestamp", "svix-signature"],
    (&["svix-id"], &["svix-signature"]),
    &[
        Piece::Header("svix-id"),
        Literal("."),
        Timestamp,
        Literal("."),
        Body,
    ],
);
