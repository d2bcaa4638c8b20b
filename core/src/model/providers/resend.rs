//! Resend: <https://resend.com/docs/webhooks/verify-webhooks-requests>
//!
//! Resend signs through Svix: `svix-*` headers, the `whsec_` signing secret shown on the
//! webhook's page.

use super::prelude::*;

const DOCS: &str = "https://resend.com/docs/webhooks/verify-webhooks-requests";

pub static DESCRIPTOR: Descriptor = standard_webhooks(
    About {
        name: "resend",
        provider: "Resend",
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
