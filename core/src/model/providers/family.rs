//! Builders shared by providers whose descriptors differ only in names: a family's
//! members keep their own name, docs link and key format.

use super::prelude::*;

/// Who a family member is: what differs between members besides their layout details.
pub(super) struct About {
    pub name: &'static str,
    pub provider: &'static str,
    pub summary: &'static str,
    pub docs: &'static str,
}

pub(super) const fn hmac(layout: Layout<'static>) -> Check {
    Check::Hmac(layout)
}

pub(super) const fn one_header(
    names: &'static [&'static str],
    prefix: Prefix<'static>,
    encoding: SignatureEncoding,
    configurable: bool,
) -> SignatureSource<'static> {
    SignatureSource::Header {
        names: Cow::Borrowed(names),
        prefix,
        encoding,
        configurable,
    }
}

/// Standard Webhooks and Svix differ only in their header names.
pub(super) const fn standard_webhooks(
    about: About,
    headers: [&'static str; 2],
    ids: (&'static [&'static str], &'static [&'static str]),
    content: &'static [Piece<'static>],
) -> Descriptor {
    standard_webhooks_keyed(about, KeyFormat::Whsec, headers, ids, content)
}

/// The spec's own `webhook-id`, `webhook-timestamp` and `webhook-signature` headers over
/// `id.timestamp.body`, which most aliases keep unchanged; `key` is the alias's secret
/// format (`KeyFormat::Whsec` for all but Polar).
pub(super) const fn webhook_headers(about: About, key: KeyFormat) -> Descriptor {
    standard_webhooks_keyed(
        about,
        key,
        ["webhook-timestamp", "webhook-signature"],
        (&["webhook-id"], &["webhook-signature"]),
        &[
            Piece::Header("webhook-id"),
            Literal("."),
            Timestamp,
            Literal("."),
            Body,
        ],
    )
}

/// A Standard Webhooks alias whose secrets are not (only) `whsec_` + base64 (Polar's).
pub(super) const fn standard_webhooks_keyed(
    about: About,
    key: KeyFormat,
    [ts, sig]: [&'static str; 2],
    (id, signature): (&'static [&'static str], &'static [&'static str]),
    content: &'static [Piece<'static>],
) -> Descriptor {
    Descriptor {
        name: about.name,
        provider: about.provider,
        summary: about.summary,
        docs: about.docs,
        operator_fields: &[],
        check: hmac(Layout {
            algorithm: Sha256,
            signature: SignatureSource::VersionedList { header: sig },
            timestamp: Some(TimestampSource::UnixSecondsHeader(ts)),
            content: Cow::Borrowed(content),
        }),
        default_tolerance_s: Some(300),
        key,
        delivery_id: Some(DeliveryIdSource::Header(id)),
        handshake: None,
        never_forward: signature,
    }
}

/// GitHub's two signature headers differ in name, prefix and algorithm. It sends both
/// when a secret is set, so neither is ever forwarded.
pub(super) const fn github(
    about: About,
    (header, prefix, algorithm): (&'static [&'static str], &'static str, Algorithm),
) -> Descriptor {
    Descriptor {
        name: about.name,
        provider: about.provider,
        summary: about.summary,
        docs: about.docs,
        operator_fields: &[],
        check: hmac(Layout {
            algorithm,
            signature: one_header(header, Prefix::Required(prefix), Hex, true),
            timestamp: None,
            content: Cow::Borrowed(&[Body]),
        }),
        default_tolerance_s: None,
        key: KeyFormat::TextOrBase64,
        delivery_id: Some(DeliveryIdSource::Header(&["x-github-delivery"])),
        handshake: None,
        never_forward: &["x-hub-signature-256", "x-hub-signature"],
    }
}
