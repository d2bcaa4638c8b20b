//! Clerk: <https://clerk.com/docs/webhooks/sync-data>
//!
//! Clerk delivers through Svix: `svix-*` headers, a `whsec_` signing secret
//! (`@clerk/backend`'s `verifyWebhook` maps them onto Standard Webhooks').

use super::prelude::*;

const DOCS: &str = "https://clerk.com/docs/webhooks/sync-data";

pub static DESCRIPTOR: Descriptor = standard_webhooks(
    About {
        name: "clerk",
        provider: "Clerk",
        summary: "svix-id, svix-timestamp, svix-signature: v1,<base64> (the whsec_ signing secret)",
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
