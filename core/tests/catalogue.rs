//! `docs/providers.md`, the catalogue a person reads, is rendered here from the
//! descriptors (`core/src/model/providers/`), and this test fails while the committed
//! file differs from what the descriptors say. Regenerate it with
//! `HOOKGATE_WRITE_CATALOGUE=1 cargo test -p hookgate-core --test catalogue`.
//!
//! It also holds the catalogue to its promises: every provider names its documentation
//! page, and every scheme has vectors (at least one valid and one refused).

use hookgate_core::guard::key::signs_its_delivery_id;
use hookgate_core::model::scheme::{
    Check, DeliveryIdSource, Descriptor, Handshake, Piece, PublicKeyAlgorithm, SignatureSource,
    TimestampSource,
};
use hookgate_core::model::template::{Algorithm, SignatureEncoding};
use hookgate_core::model::Scheme;
use hookgate_core::verify::fetched::Provider;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn algorithm(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Sha256 => "HMAC-SHA256",
        Algorithm::Sha1 => "HMAC-SHA1",
        Algorithm::Sha512 => "HMAC-SHA512",
    }
}

fn encoding(e: SignatureEncoding) -> &'static str {
    match e {
        SignatureEncoding::Hex => "hex",
        SignatureEncoding::Base64 => "base64",
    }
}

fn content(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(s) => code(s),
            Piece::Timestamp => "timestamp".to_string(),
            Piece::Header(h) => code(h),
            Piece::Body => "body".to_string(),
            Piece::TwilioUrlAndParams => "URL + sorted form parameters".to_string(),
            Piece::JsonBodyMember(f) => format!("the body object's {}", code(f)),
            Piece::ContentfulCanonicalRequest => {
                "method, path, the listed headers and the body (the canonical request)".to_string()
            }
            Piece::Method => "method".to_string(),
            Piece::RequestUrl => "request URL".to_string(),
            Piece::NotificationUrl => "notification URL".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ‖ ")
}

/// (headers read, what is checked)
fn check(d: &Descriptor) -> (Vec<String>, String) {
    match &d.check {
        Check::SharedSecret { headers } => (
            headers.iter().map(|h| code(h)).collect(),
            "the secret itself, compared in constant time".into(),
        ),
        Check::UrlKey => (vec![], "a key as the last path segment".into()),
        Check::TokenOrSigned { headers, signed } => {
            let (mut read, mac) = check_layout(signed);
            read.splice(0..0, headers.iter().map(|h| code(h)));
            (
                read,
                format!("the secret token itself (constant time), or with a `whsec_` signing token {mac}"),
            )
        }
        Check::AdyenNotificationItems => (
            vec!["each item's `additionalData.hmacSignature`".into()],
            "HMAC-SHA256 (base64, hex key) of pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success".into(),
        ),
        Check::BasicAuth => (
            vec![code("Authorization: Basic")],
            "the configured `username:password`, compared in constant time".into(),
        ),
        Check::Template => (
            vec!["`auth.template` says".into()],
            "HMAC-SHA1/256/512, hex or base64, over the template's content".into(),
        ),
        Check::ClientState => (
            vec![],
            "`clientState` of every `value[]` item equals `auth.client_state`".into(),
        ),
        Check::FetchedKey(p) => match p {
            Provider::AwsSns => (
                vec!["body `Signature`, `SigningCertURL`".into()],
                "RSA PKCS#1 v1.5 (`SignatureVersion` 1 SHA-1, 2 SHA-256) of the message's string to sign, under the certificate at `SigningCertURL` (fetched only from `https://sns.<region>.amazonaws.com/….pem`, cached), for a `TopicArn` in `auth.topic_arns`".into(),
            ),
            Provider::Paypal => (
                vec![code("paypal-transmission-sig"), code("paypal-cert-url")],
                "SHA256withRSA of transmission id ‖ `|` ‖ time ‖ `|` ‖ `auth.webhook_id` ‖ `|` ‖ decimal CRC32(body), under the certificate at `PAYPAL-CERT-URL` (fetched only from `api.paypal.com` or `api.sandbox.paypal.com`, cached)".into(),
            ),
            Provider::GooglePubsub => (
                vec![code("authorization")],
                "RS256 OIDC token under Google's published certificates (cached per their `max-age`): Google's `iss`, `aud` = `auth.audience`, verified `email` = `auth.service_account`, unexpired (the body is not signed)".into(),
            ),
            Provider::Plaid => (
                vec![code("plaid-verification")],
                "ES256 JWT under the JWK of its `kid` (from Plaid's key endpoint, cached, or `auth.jwk`): `iat` within 5 minutes, `request_body_sha256` = SHA-256(body)".into(),
            ),
        },
        Check::PublicKey(l) => {
            let alg = match l.algorithm {
                PublicKeyAlgorithm::Ed25519 => "Ed25519",
                PublicKeyAlgorithm::EcdsaP256Sha256 => "ECDSA P-256 / SHA-256",
            };
            (
                vec![code(l.signature_header), code(l.timestamp_header)],
                format!("{alg} ({}) of {}", encoding(l.encoding), content(l.content)),
            )
        }
        Check::Hmac(l) => check_layout(l),
    }
}

/// (headers read, what is checked) for a MAC layout.
fn check_layout(l: &hookgate_core::model::scheme::Layout<'_>) -> (Vec<String>, String) {
    let mut headers: Vec<String> = match &l.signature {
        SignatureSource::NumberedHeaders { prefix, max, .. } => {
            vec![format!("`{prefix}1` … `{prefix}{max}`")]
        }
        other => other.header_names().iter().map(|h| code(h)).collect(),
    };
    if let SignatureSource::JsonBodyMember { member, fields, .. } = &l.signature {
        headers.push(format!(
            "body object {} ({})",
            code(member),
            fields
                .iter()
                .map(|f| code(f))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    match l.timestamp {
        Some(
            TimestampSource::UnixSecondsHeader(h)
            | TimestampSource::Rfc3339Header(h)
            | TimestampSource::UnixMillisHeader(h)
            | TimestampSource::UtcIso8601Header(h),
        ) => headers.push(code(h)),
        Some(TimestampSource::BodyUnixMillis(f)) => headers.push(format!("body field {}", code(f))),
        Some(TimestampSource::JsonBodyMember(f)) => {
            headers.push(format!("the body object's {}", code(f)))
        }
        Some(TimestampSource::FromSignatureHeader | TimestampSource::FromSignatureHeaderMillis)
        | None => {}
    }
    if l.content.contains(&Piece::ContentfulCanonicalRequest) {
        headers.push(code("x-contentful-signed-headers"));
    }
    let enc = match &l.signature {
        SignatureSource::Header { encoding: e, .. } => encoding(*e),
        SignatureSource::KeyValues { .. }
        | SignatureSource::TimeThenSignatures { .. }
        | SignatureSource::KeyValueSets { .. } => "hex",
        SignatureSource::VersionedList { .. } => "base64",
        SignatureSource::PrefixedList { encoding: e, .. }
        | SignatureSource::NumberedHeaders { encoding: e, .. }
        | SignatureSource::EachHeader { encoding: e, .. }
        | SignatureSource::JsonBodyMember { encoding: e, .. } => encoding(*e),
    };
    (
        headers,
        format!(
            "{} ({enc}) of {}",
            algorithm(l.algorithm),
            content(&l.content)
        ),
    )
}

fn handshake(h: Option<Handshake>) -> &'static str {
    match h {
        None => "",
        Some(Handshake::SlackUrlVerification) => "`url_verification` challenge",
        Some(Handshake::ZoomUrlValidation) => "`endpoint.url_validation`",
        Some(Handshake::TwitchCallbackVerification) => "callback verification",
        Some(Handshake::DiscordPing) => "signed PING",
        Some(Handshake::MetaSubscription) => "`GET hub.challenge`",
        Some(Handshake::TwitterCrc) => "`GET crc_token`",
        Some(Handshake::DropboxChallenge) => "`GET challenge`",
        Some(Handshake::GraphValidation) => "`validationToken`",
        Some(Handshake::OktaVerification) => "one-time verification `GET`",
        Some(Handshake::MailchimpUrlValidation) => "callback URL `GET`",
        Some(Handshake::TrelloHead) => "`HEAD` when created",
        Some(Handshake::IntercomHead) => "`HEAD` URL check",
        Some(Handshake::WoocommercePing) => "unsigned `webhook_id=` ping",
        Some(Handshake::NotionVerification) => {
            "one-time `verification_token` POST, forwarded redacted"
        }
        Some(Handshake::AsanaHookSecret) => {
            "`X-Hook-Secret` echoed and stored (only while armed, once)"
        }
    }
}

fn delivery_id(d: &Descriptor) -> String {
    let at = match d.delivery_id {
        None if matches!(d.check, Check::Template) => {
            return "the template's `id_header` (signed when its content has `{id}`)".into()
        }
        None => return "none: the body-hash window".to_string(),
        Some(DeliveryIdSource::Header(names)) => names
            .iter()
            .map(|h| code(h))
            .collect::<Vec<_>>()
            .join(" or "),
        Some(DeliveryIdSource::BodyField(f)) => format!("body {}", code(f)),
        Some(DeliveryIdSource::JsonBodyMember { member, field }) => {
            format!("body {}", code(&format!("{member}.{field}")))
        }
    };
    match signs_its_delivery_id(d) {
        // GitLab: signed by a signing token, never by a secret token.
        Some(true) if matches!(d.check, Check::TokenOrSigned { .. }) => {
            format!("{at} (signed with a signing token, not with a secret token)")
        }
        Some(true) => format!("{at} (signed)"),
        _ => format!("{at} (not signed)"),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn render() -> String {
    let mut out = String::new();
    out.push_str("# Providers\n\n");
    out.push_str(
        "<!-- Generated from core/src/model/providers/ by\n     \
         HOOKGATE_WRITE_CATALOGUE=1 cargo test -p hookgate-core --test catalogue\n     \
         Do not edit: the test command fails while this file is not current. -->\n\n",
    );
    out.push_str(&format!(
        "hookgate verifies {} senders, each one `auth.scheme` described by one file in \
         [`core/src/model/providers/`](../core/src/model/providers/). The delivery id is \
         the provider's own id of a delivery, which dedupe uses before any other key \
         when the signature covers it (\"signed\"): a captured request sent again with \
         a fresh `Idempotency-Key` is still the same delivery. An id the signature does \
         not cover comes after the sender's `Idempotency-Key` (README, *Duplicates and \
         rate limits*). What the operator pastes is listed where the provider \
         gives it; otherwise `auth.secret` is the provider's signing secret (generated \
         when absent).\n\n",
        Scheme::ALL.len()
    ));
    out.push_str(
        "| Provider | `auth.scheme` | Headers | Verified | Tolerance | Handshake | Delivery id | Operator pastes |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for s in Scheme::ALL {
        let d = s.descriptor();
        let provider = if d.docs.starts_with("https://") {
            format!("[{}]({})", d.provider, d.docs)
        } else {
            format!("[{}](../{})", d.provider, d.docs)
        };
        let (headers, verified) = check(d);
        let tolerance = d
            .default_tolerance_s
            .map(|t| format!("{t} s"))
            .unwrap_or_default();
        let pastes = d
            .operator_fields
            .iter()
            .map(|f| {
                let optional = if f.required { "" } else { " (optional)" };
                format!("`auth.{}`{optional}: {}", f.name, f.what)
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
            cell(&provider),
            d.name,
            cell(&headers.join(", ")),
            cell(&verified),
            tolerance,
            handshake(d.handshake),
            cell(&delivery_id(d)),
            cell(&pastes),
        ));
    }
    out
}

#[test]
fn providers_md_is_current() {
    let path = repo().join("docs/providers.md");
    let rendered = render();
    if std::env::var_os("HOOKGATE_WRITE_CATALOGUE").is_some() {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "docs/providers.md is not what the descriptors say; regenerate it with \
         HOOKGATE_WRITE_CATALOGUE=1 cargo test -p hookgate-core --test catalogue"
    );
}

#[test]
fn every_provider_names_its_documentation() {
    for s in Scheme::ALL {
        let d = s.descriptor();
        let generic = matches!(
            s,
            Scheme::HmacSha256Hex | Scheme::SharedSecret | Scheme::Hmac
        );
        if generic {
            let (file, _anchor) = d.docs.split_once('#').unwrap();
            assert!(repo().join(file).exists(), "{}: {}", d.name, d.docs);
        } else {
            assert!(d.docs.starts_with("https://"), "{}: {}", d.name, d.docs);
        }
        assert!(
            !d.provider.is_empty() && !d.summary.is_empty(),
            "{}",
            d.name
        );
    }
}

/// Every scheme is verified by vectors somewhere: the published set in `../shared`, the
/// derived sets here, or its own file in `tests/data/providers/`; with at least one that
/// must verify and one that must be refused.
#[test]
fn every_scheme_has_a_valid_and_a_refused_vector() {
    let mut files = vec![
        repo().join("../shared/conformance/signature-vectors.json"),
        repo().join("core/tests/data/derived-vectors.json"),
        repo().join("core/tests/data/public-key-vectors.json"),
    ];
    let dir = repo().join("core/tests/data/providers");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let value: Value = serde_json::from_str(&text).unwrap();
        let vectors = match &value {
            Value::Array(v) => v.clone(),
            Value::Object(o) => o["vectors"].as_array().unwrap().clone(),
            _ => panic!("{}", file.display()),
        };
        for v in vectors {
            let scheme = match v["scheme"].as_str().unwrap() {
                "github-sha256" => "github",
                other => other,
            };
            let entry = seen.entry(scheme.to_string()).or_default();
            if v["expect"] == "valid" {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
    }
    let mut missing = Vec::new();
    for s in Scheme::ALL {
        match seen.get(s.name()) {
            Some((valid, refused)) if *valid > 0 && *refused > 0 => {}
            other => missing.push(format!("{} {other:?}", s.name())),
        }
    }
    assert!(missing.is_empty(), "schemes without vectors: {missing:?}");
}
