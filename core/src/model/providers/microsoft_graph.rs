//! Microsoft Graph change notifications: <https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks>

use super::prelude::*;

const DOCS: &str = "https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks";

pub static DESCRIPTOR: Descriptor = Descriptor {
    name: "microsoft-graph",
    provider: "Microsoft Graph",
    summary: "clientState of every value[] item equals auth.client_state; POST ?validationToken= answered",
    docs: DOCS,
    operator_fields: &[OperatorField {
    name: "client_state",
    what: "the clientState you give the subscription (generated when empty)",
    required: false,
}],
    check: Check::ClientState,
    default_tolerance_s: None,
    key: KeyFormat::Text,
    delivery_id: None,
    handshake: Some(Handshake::GraphValidation),
    never_forward: &[],
};
