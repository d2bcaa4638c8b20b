//! Runs a scheme's [`Layout`]: read the presented signatures and the signed time, check
//! freshness, assemble the signed content from borrowed pieces (a 1 MiB body is never
//! copied), and compare MACs in constant time against every stored secret.
//!
//! The order of the checks decides which code a broken request gets: the signature
//! header first (`signature_missing`), then the time (`timestamp_*`), then the
//! signature's format (`signature_malformed`), then signed headers (`header_missing`),
//! then the MAC itself. A time inside the body (Linear's `webhookTimestamp`) is read
//! last, after the MAC: before it matched, the body is only hashed, never parsed.

use super::{contentful, first_matching_secret, parse, public_url, twilio, VerifyError};
use crate::model::scheme::{
    Layout, Piece, Prefix, SignatureSource, TimestampSource, BODY_MEMBER_MAX_LEN,
};
use crate::model::template::{Algorithm, SignatureEncoding};
use crate::model::AuthConfig;
use crate::request::{Headers, Inbound};
use crate::time::UnixMillis;
use crate::{codec, json};
use hmac::{Hmac, Mac};
use std::borrow::Cow;
use subtle::ConstantTimeEq;

pub(super) fn run(
    layout: &Layout<'_>,
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
) -> Result<usize, VerifyError> {
    run_for(layout, auth, inbound, now, |_| true)
}

/// [`run`] with only the stored secrets `keys_mac` accepts (GitLab's signing tokens, not
/// its secret tokens), still in constant time over every one of them.
pub(super) fn run_for(
    layout: &Layout<'_>,
    auth: &AuthConfig,
    inbound: &Inbound,
    now: UnixMillis,
    keys_mac: impl Fn(&crate::secret::Secret) -> bool,
) -> Result<usize, VerifyError> {
    let headers = &inbound.headers;
    let mac_len = layout.algorithm.output_len();

    // 1. The signature header, and for Stripe-like headers the time inside it.
    let presented = match &layout.signature {
        SignatureSource::Header {
            names,
            configurable,
            ..
        } => {
            let configured = auth.header().filter(|_| *configurable);
            let raw = match configured {
                Some(name) => headers.get(name),
                None => names.iter().find_map(|n| headers.get(n)),
            };
            Presented::Single(raw.ok_or(VerifyError::SignatureMissing)?)
        }
        SignatureSource::KeyValues {
            header,
            separator,
            timestamp_key,
            signature_key,
        } => {
            let raw = headers.get(header).ok_or(VerifyError::SignatureMissing)?;
            // WorkOS writes milliseconds where Stripe writes seconds.
            let time_ok: fn(&str) -> bool = match layout.timestamp {
                Some(TimestampSource::FromSignatureHeaderMillis) => {
                    |t| parse::unix_millis(t).is_some()
                }
                _ => |t| codec::unix_seconds(t).is_some(),
            };
            let (time, signatures) =
                parse::key_values_timed(raw, *separator, timestamp_key, signature_key, time_ok)
                    .ok_or(VerifyError::SignatureMalformed)?;
            Presented::WithTime(time, signatures)
        }
        SignatureSource::VersionedList { header } => {
            Presented::List(headers.get(header).ok_or(VerifyError::SignatureMissing)?)
        }
        SignatureSource::PrefixedList {
            header,
            separator,
            prefix,
            ..
        } => {
            let raw = headers.get(header).ok_or(VerifyError::SignatureMissing)?;
            Presented::Several(parse::prefixed_items(raw, *separator, prefix))
        }
        SignatureSource::NumberedHeaders { prefix, max, .. } => {
            let values = parse::numbered(headers.iter(), prefix, *max);
            if values.is_empty() {
                return Err(VerifyError::SignatureMissing);
            }
            Presented::Several(values)
        }
        SignatureSource::TimeThenSignatures { header, separator } => {
            let raw = headers.get(header).ok_or(VerifyError::SignatureMissing)?;
            let (time, signatures) = parse::time_then_signatures(raw, *separator)
                .ok_or(VerifyError::SignatureMalformed)?;
            Presented::WithTime(time, signatures)
        }
        SignatureSource::KeyValueSets {
            header,
            set_separator,
            separator,
            timestamp_key,
            signature_key,
        } => {
            let raw = headers.get(header).ok_or(VerifyError::SignatureMissing)?;
            let sets = parse::key_value_sets(
                raw,
                *set_separator,
                *separator,
                timestamp_key,
                signature_key,
            )
            .ok_or(VerifyError::SignatureMalformed)?;
            let times = sets.iter().map(|(time, _)| *time).collect();
            let signatures = sets.into_iter().flat_map(|(_, s)| s).collect();
            Presented::WithTimes(times, signatures)
        }
        SignatureSource::EachHeader { names, .. } => {
            let present: Vec<&str> = names.iter().filter_map(|n| headers.get(n)).collect();
            if present.is_empty() {
                return Err(VerifyError::SignatureMissing);
            }
            Presented::Several(present)
        }
        // Mailgun: one small object of the body, read once (bounded); the rest of the
        // body is not parsed.
        SignatureSource::JsonBodyMember { member, fields, .. } => {
            let object = json::small_object_member(&inbound.body, member, BODY_MEMBER_MAX_LEN)
                .ok_or(VerifyError::SignatureMissing)?;
            if !fields.iter().any(|f| object.text(f).is_some()) {
                return Err(VerifyError::SignatureMissing);
            }
            Presented::Member(object)
        }
    };
    let member_time = match (layout.timestamp, &presented) {
        (Some(TimestampSource::JsonBodyMember(field)), Presented::Member(object)) => {
            Some(object.text(field).ok_or(VerifyError::TimestampMissing)?)
        }
        _ => None,
    };

    // 2. The signed time, checked against the window before any MAC is computed. Usually
    // one; Persona's rotating sets carry one each, and every one must be fresh.
    let signed_times: Vec<&str> = match layout.timestamp {
        None => Vec::new(),
        Some(TimestampSource::UnixSecondsHeader(name)) => {
            let ts = timestamp_header(headers, name)?;
            let secs = codec::unix_seconds(ts).ok_or(VerifyError::TimestampMalformed)?;
            check_fresh(auth, secs.saturating_mul(1000), now)?;
            vec![ts]
        }
        Some(TimestampSource::FromSignatureHeader) => {
            let times = presented.times()?;
            for ts in &times {
                let secs = codec::unix_seconds(ts).ok_or(VerifyError::TimestampMalformed)?;
                check_fresh(auth, secs.saturating_mul(1000), now)?;
            }
            times
        }
        Some(TimestampSource::FromSignatureHeaderMillis) => {
            let times = presented.times()?;
            for ts in &times {
                let ms = parse::unix_millis(ts).ok_or(VerifyError::TimestampMalformed)?;
                check_fresh(auth, ms, now)?;
            }
            times
        }
        Some(TimestampSource::Rfc3339Header(name)) => {
            let ts = timestamp_header(headers, name)?;
            let signed = UnixMillis::parse_rfc3339(ts).ok_or(VerifyError::TimestampMalformed)?;
            check_fresh(auth, signed.0 as i64, now)?;
            vec![ts]
        }
        Some(TimestampSource::UnixMillisHeader(name)) => {
            let ts = timestamp_header(headers, name)?;
            let ms = parse::unix_millis(ts).ok_or(VerifyError::TimestampMalformed)?;
            check_fresh(auth, ms, now)?;
            vec![ts]
        }
        Some(TimestampSource::UtcIso8601Header(name)) => {
            let ts = timestamp_header(headers, name)?;
            let signed =
                UnixMillis::parse_utc_iso8601(ts).ok_or(VerifyError::TimestampMalformed)?;
            check_fresh(auth, signed.0 as i64, now)?;
            vec![ts]
        }
        Some(TimestampSource::JsonBodyMember(_)) => {
            let ts = member_time.as_deref().ok_or(VerifyError::Misconfigured(
                "the time is read from a body object the scheme does not read",
            ))?;
            let secs = codec::unix_seconds(ts).ok_or(VerifyError::TimestampMalformed)?;
            check_fresh(auth, secs.saturating_mul(1000), now)?;
            vec![ts]
        }
        // Read from the body only once the MAC over it matched (step 6): an unverified
        // body is hashed, never parsed.
        Some(TimestampSource::BodyUnixMillis(_)) => Vec::new(),
    };

    // 3. The presented MACs, decoded; none in the right shape is malformed.
    let candidates: Vec<Tag> = match (&layout.signature, &presented) {
        (
            SignatureSource::Header {
                prefix, encoding, ..
            },
            Presented::Single(raw),
        ) => {
            let raw = raw.trim();
            let encoded = match prefix {
                Prefix::None => Some(raw),
                Prefix::Required(p) => raw.strip_prefix(p),
                Prefix::Optional(p) => Some(raw.strip_prefix(p).unwrap_or(raw)),
            };
            let decoded = encoded.and_then(|e| decode(*encoding, e, mac_len));
            vec![decoded.ok_or(VerifyError::SignatureMalformed)?]
        }
        (_, Presented::WithTime(_, signatures) | Presented::WithTimes(_, signatures)) => signatures
            .iter()
            .filter_map(|s| decode(SignatureEncoding::Hex, s, mac_len))
            .collect(),
        (_, Presented::List(raw)) => parse::signature_list(raw)
            .into_iter()
            .filter_map(|s| decode(SignatureEncoding::Base64, s, mac_len))
            .collect(),
        // Box's headers: one that is not a signature in the encoding (an empty
        // secondary) is ignored, as another version's item is.
        (
            SignatureSource::JsonBodyMember {
                fields, encoding, ..
            },
            Presented::Member(object),
        ) => fields
            .iter()
            .filter_map(|f| decode(*encoding, &object.text(f)?, mac_len))
            .collect(),
        (
            SignatureSource::PrefixedList { encoding, .. }
            | SignatureSource::NumberedHeaders { encoding, .. }
            | SignatureSource::EachHeader { encoding, .. },
            Presented::Several(signatures),
        ) => signatures
            .iter()
            .filter_map(|s| decode(*encoding, s.trim(), mac_len))
            .collect(),
        _ => {
            return Err(VerifyError::Misconfigured(
                "signature source and header disagree",
            ))
        }
    };
    if candidates.is_empty() {
        return Err(VerifyError::SignatureMalformed);
    }

    // 4. The signed content: usually one sequence of pieces; Twilio has alternatives.
    // Borrowed from the request: the body is never copied.
    let twilio = match layout.content.contains(&Piece::TwilioUrlAndParams) {
        true => Some(twilio::signed(&inbound.url, &inbound.body)?),
        false => None,
    };
    let canonical = match layout.content.contains(&Piece::ContentfulCanonicalRequest) {
        true => Some(contentful::canonical_prefix(
            &inbound.method,
            &inbound.url,
            |name| headers.get(name),
        )?),
        false => None,
    };
    let member_fields: Vec<Option<Cow<'_, str>>> = layout
        .content
        .iter()
        .map(|piece| match (piece, &presented) {
            (Piece::JsonBodyMember(field), Presented::Member(object)) => object.text(field),
            _ => None,
        })
        .collect();
    // The URLs a piece may stand for (HubSpot, Square, Trello), one list per piece.
    let urls: Vec<Vec<String>> = layout
        .content
        .iter()
        .map(|piece| public_url::forms(piece, auth, &inbound.url))
        .collect();
    let mut contents: Vec<Vec<Chunk<'_>>> = vec![Vec::with_capacity(layout.content.len())];
    for (at, piece) in layout.content.iter().enumerate() {
        let bytes: &[u8] = match piece {
            Piece::ContentfulCanonicalRequest => {
                let Some(prefix) = &canonical else { continue };
                for c in &mut contents {
                    c.push(Chunk::Bytes(prefix.as_bytes()));
                    c.push(Chunk::Bytes(&inbound.body));
                }
                continue;
            }
            Piece::JsonBodyMember(_) => member_fields[at]
                .as_deref()
                .ok_or(VerifyError::SignatureMalformed)?
                .as_bytes(),
            Piece::Literal(text) => text.as_bytes(),
            Piece::Body => &inbound.body,
            Piece::Method => inbound.method.as_bytes(),
            Piece::Timestamp => {
                if signed_times.is_empty() {
                    return Err(VerifyError::Misconfigured(
                        "the content signs a time the scheme does not read",
                    ));
                }
                let times: Vec<&[u8]> = signed_times.iter().map(|t| t.as_bytes()).collect();
                fan_out(&mut contents, &times);
                continue;
            }
            Piece::RequestUrl | Piece::NotificationUrl => {
                let forms: Vec<&[u8]> = urls[at].iter().map(|u| u.as_bytes()).collect();
                fan_out(&mut contents, &forms);
                continue;
            }
            Piece::Header(name) => headers
                .get(name)
                .ok_or_else(|| VerifyError::HeaderMissing(name.to_string()))?
                .as_bytes(),
            Piece::TwilioUrlAndParams => {
                let Some(signed) = &twilio else { continue };
                contents = contents
                    .iter()
                    .flat_map(|prefix| {
                        signed.urls.iter().map(move |url| {
                            let mut c = prefix.clone();
                            c.push(Chunk::Bytes(url.as_bytes()));
                            if let Some(params) = &signed.params {
                                c.push(Chunk::Form(params));
                            }
                            c
                        })
                    })
                    .collect();
                continue;
            }
        };
        for c in &mut contents {
            c.push(Chunk::Bytes(bytes));
        }
    }

    // 5. Every secret, every content, every candidate: no early exit.
    let matched = first_matching_secret(auth, now, VerifyError::SignatureMismatch, |secret| {
        if !keys_mac(secret) {
            return Ok(false);
        }
        let (key, other_key) = auth.keys(secret).ok_or(VerifyError::Misconfigured(
            "a stored secret does not decode as its scheme requires",
        ))?;
        let mut found = subtle::Choice::from(0);
        for key in std::iter::once(&key).chain(other_key.as_ref()) {
            for chunks in &contents {
                let tag = mac_of(layout.algorithm, key, &|update| {
                    for chunk in chunks {
                        match chunk {
                            Chunk::Bytes(bytes) => update(bytes),
                            Chunk::Form(params) => params.feed(update),
                        }
                    }
                });
                for candidate in &candidates {
                    found |= tag.as_slice().ct_eq(candidate.as_slice());
                }
            }
        }
        Ok(found.into())
    })?;

    // 6. A time inside the signed body (Linear signs the body alone, so its MAC can be
    // checked first): one member read, nothing else of the body kept.
    if let Some(TimestampSource::BodyUnixMillis(field)) = layout.timestamp {
        let ms = match json::top_level_member(&inbound.body, field).flatten() {
            None => return Err(VerifyError::TimestampMissing),
            Some(json::Member::Integer(ms)) => ms,
            Some(_) => return Err(VerifyError::TimestampMalformed),
        };
        check_fresh(auth, ms, now)?;
    }
    Ok(matched)
}

/// The signature as read in step 1.
enum Presented<'h> {
    Single(&'h str),
    WithTime(&'h str, Vec<&'h str>),
    List(&'h str),
    Member(json::SmallObject<'h>),
    /// Every presented signature, each to decode in the source's encoding.
    Several(Vec<&'h str>),
    /// Several sets, each with its time (Persona while rotating).
    WithTimes(Vec<&'h str>, Vec<&'h str>),
}

impl<'h> Presented<'h> {
    /// The times carried by the signature header itself.
    fn times(&self) -> Result<Vec<&'h str>, VerifyError> {
        match self {
            Presented::WithTime(time, _) => Ok(vec![*time]),
            Presented::WithTimes(times, _) => Ok(times.clone()),
            _ => Err(VerifyError::Misconfigured(
                "the time is read from a header that carries none",
            )),
        }
    }
}

/// Every content so far continues with each of `alternatives` (one of several times,
/// one of a URL's forms); with a single alternative, nothing is copied.
fn fan_out<'a>(contents: &mut Vec<Vec<Chunk<'a>>>, alternatives: &[&'a [u8]]) {
    if let [only] = alternatives {
        for c in contents.iter_mut() {
            c.push(Chunk::Bytes(only));
        }
        return;
    }
    *contents = contents
        .iter()
        .flat_map(|prefix| {
            alternatives.iter().map(move |alt| {
                let mut c = prefix.clone();
                c.push(Chunk::Bytes(alt));
                c
            })
        })
        .collect();
}

fn timestamp_header<'h>(headers: &'h Headers, name: &str) -> Result<&'h str, VerifyError> {
    headers
        .get(name)
        .map(str::trim)
        .ok_or(VerifyError::TimestampMissing)
}

/// A presented signature of exactly `len` bytes (the MAC's length).
fn decode(encoding: SignatureEncoding, text: &str, len: usize) -> Option<Tag> {
    let mut tag = Tag {
        bytes: [0; Tag::MAX],
        len,
    };
    match encoding {
        SignatureEncoding::Hex => codec::hex_exact(text, tag.bytes.get_mut(..len)?)?,
        SignatureEncoding::Base64 => {
            // Through the one base64 decoder the crate uses elsewhere: a second (into a
            // slice) cost wasm size for an allocation only base64 schemes make.
            let decoded = codec::base64(text).filter(|b| b.len() == len)?;
            tag.bytes.get_mut(..len)?.copy_from_slice(&decoded);
        }
    }
    Some(tag)
}

/// A MAC, or a presented signature decoded to compare with one: at most 64 bytes
/// (HMAC-SHA512), kept inline so that checking a signature allocates nothing per secret.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    bytes: [u8; Tag::MAX],
    len: usize,
}

impl Tag {
    const MAX: usize = 64;

    pub(crate) fn of(mac: &[u8]) -> Tag {
        let mut bytes = [0; Tag::MAX];
        bytes[..mac.len()].copy_from_slice(mac);
        Tag {
            bytes,
            len: mac.len(),
        }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl AsRef<[u8]> for Tag {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

/// The request's signed time must be within the tolerance of `now`, in either direction.
fn check_fresh(auth: &AuthConfig, signed_ms: i64, now: UnixMillis) -> Result<(), VerifyError> {
    let Some(tolerance_s) = auth.tolerance_s() else {
        return Ok(());
    };
    let skew = (now.0 as i64).abs_diff(signed_ms);
    if skew > tolerance_s.saturating_mul(1000) {
        Err(VerifyError::TimestampOutOfTolerance)
    } else {
        Ok(())
    }
}

/// One piece of signed content: bytes of the request, or Twilio's form parameters,
/// decoded as they stream into the MAC.
#[derive(Clone, Copy)]
enum Chunk<'a> {
    Bytes(&'a [u8]),
    Form(&'a twilio::FormParams<'a>),
}

pub(crate) fn mac(algorithm: Algorithm, key: &[u8], pieces: &[Cow<'_, [u8]>]) -> Tag {
    mac_of(algorithm, key, &|update| {
        for p in pieces {
            update(p);
        }
    })
}

/// Hands the signed content, in order, to the `update` function it is given.
type Feed<'f> = &'f dyn Fn(&mut dyn FnMut(&[u8]));

/// The MAC of what `feed` hands over. `dyn`, so there is one copy per algorithm in the
/// wasm, not one per caller.
fn mac_of(algorithm: Algorithm, key: &[u8], feed: Feed<'_>) -> Tag {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], feed: Feed<'_>) -> Tag {
        let mut m =
            <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        feed(&mut |bytes| m.update(bytes));
        Tag::of(&m.finalize().into_bytes())
    }
    match algorithm {
        Algorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, feed),
        Algorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, feed),
        Algorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, feed),
    }
}
