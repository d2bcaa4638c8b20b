//! The URL a sender signed (HubSpot's URI, Square's notification URL, Trello's callback
//! URL): the one the request arrived at, read as Twilio's (in the forms its SDKs try:
//! as sent, WHATWG-normalized, with or without the default port), or, for the pieces
//! that allow it, the record's `auth.notification_url` exactly as the operator gave it.

use super::twilio;
use crate::model::scheme::Piece;
use crate::model::AuthConfig;

/// The URLs that `piece` may stand for in this request; empty for other pieces.
pub(super) fn forms(piece: &Piece<'_>, auth: &AuthConfig, arrival: &str) -> Vec<String> {
    match piece {
        Piece::NotificationUrl => match auth.notification_url() {
            // What the provider was given, and only that: a proxy's own URL must not
            // stand in for it.
            Some(configured) => vec![configured.to_string()],
            None => twilio::url_variants(arrival),
        },
        Piece::RequestUrl => twilio::url_variants(arrival),
        _ => Vec::new(),
    }
}

/// The one URL a sender signs with: the configured one, else the arrival URL as given.
pub(super) fn signing_form(piece: &Piece<'_>, auth: &AuthConfig, arrival: &str) -> String {
    match (piece, auth.notification_url()) {
        (Piece::NotificationUrl, Some(configured)) => configured.to_string(),
        _ => arrival.to_string(),
    }
}
