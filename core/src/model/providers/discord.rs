//! Discord interactions: <https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers>

use super::prelude::*;

const DOCS: &str = "https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "discord",
    provider: "Discord interactions",
    summary: "X-Signature-Ed25519: hex Ed25519 of X-Signature-Timestamp + body; auth.public_key is the application's public key (hex)",
    docs: DOCS,
    operator_fields: &[OperatorField {
    name: "public_key",
    what: "the application's public key (hex), from the Developer Portal's General Information",
    required: true,
}],
    check: Check::PublicKey(PublicKeyLayout {
        algorithm: PublicKeyAlgorithm::Ed25519,
        signature_header: "x-signature-ed25519",
        encoding: Hex,
        timestamp_header: "x-signature-timestamp",
        content: &[Timestamp, Body],
    }),
    // Discord documents no window; the interaction's id is the delivery key.
    default_tolerance_s: None,
    key: KeyFormat::Ed25519Hex,
    delivery_id: Some(DeliveryIdSource::BodyField("id")),
    handshake: Some(Handshake::DiscordPing),
    never_forward: &["x-signature-ed25519"],
};
