//! Twilio's signature: base64 HMAC-SHA1 over the public URL followed by the sorted form
//! parameters (or, for JSON bodies, over the URL only, with `bodySHA256` in its query).

use sha2::{Digest, Sha256};
use url::{Position, Url};

/// The URL forms Twilio's official SDKs try: as normalized (WHATWG, like the Worker sees
/// it), with an explicit port removed, and with the scheme's default port added.
pub(super) fn url_variants(raw: &str) -> Vec<String> {
    let mut out = vec![raw.to_string()];
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let Ok(url) = Url::parse(raw) else {
        return out;
    };
    let normalized = url.to_string();
    push(normalized.clone());
    match url.port() {
        Some(_) => {
            let mut stripped = url.clone();
            if stripped.set_port(None).is_ok() {
                push(stripped.to_string());
            }
        }
        None => {
            if let Some(port) = url.port_or_known_default() {
                let with_port = format!(
                    "{}:{port}{}",
                    &url[..Position::AfterHost],
                    &url[Position::BeforePath..]
                );
                push(with_port);
            }
        }
    }
    out
}

/// Form parameters read from one body at most: Twilio sends a few dozen. A body with
/// more cannot be what Twilio signed, and indexing it would cost memory in proportion
/// to an unverified body.
pub const MAX_FORM_PARAMS: usize = 1024;

/// What Twilio signed after the URL: for a JSON body (`bodySHA256` in the URL, checked
/// against the body's hash) nothing; otherwise the sorted form parameters.
pub(super) struct Signed<'b> {
    pub urls: Vec<String>,
    pub params: Option<FormParams<'b>>,
}

/// What Twilio may have signed for this request, one URL per form the SDKs try.
pub(super) fn signed<'b>(url: &str, body: &'b [u8]) -> Result<Signed<'b>, super::VerifyError> {
    let urls = url_variants(url);
    match body_sha256_param(url) {
        Some(expected) => {
            if !body_matches_sha256(body, &expected) {
                return Err(super::VerifyError::SignatureMismatch);
            }
            Ok(Signed { urls, params: None })
        }
        None => Ok(Signed {
            urls,
            params: Some(FormParams::index(body).ok_or(super::VerifyError::SignatureMismatch)?),
        }),
    }
}

/// The same, as whole byte strings (for signing test events, whose bodies are small).
pub fn signed_contents(url: &str, body: &[u8]) -> Result<Vec<Vec<u8>>, super::VerifyError> {
    let signed = signed(url, body)?;
    Ok(signed
        .urls
        .into_iter()
        .map(|u| {
            let mut content = u.into_bytes();
            if let Some(params) = &signed.params {
                params.feed(&mut |chunk| content.extend_from_slice(chunk));
            }
            content
        })
        .collect())
}

/// `bodySHA256` from the URL's query, when the sender used the JSON variant.
fn body_sha256_param(raw_url: &str) -> Option<String> {
    let url = Url::parse(raw_url).ok()?;
    let found = url
        .query_pairs()
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned());
    found
}

fn body_matches_sha256(body: &[u8], expected_hex: &str) -> bool {
    hex::encode(Sha256::digest(body)).eq_ignore_ascii_case(expected_hex.trim())
}

/// A body's form parameters as Twilio signs them (keys sorted, each key's values sorted
/// with exact duplicates dropped, concatenated as `key + value`), held as ranges of the
/// body: decoded (`+`, `%XX`, then UTF-8 with U+FFFD for what is not, as
/// `form_urlencoded` decodes) only while comparing and while streaming into the MAC.
pub(super) struct FormParams<'b> {
    body: &'b [u8],
    /// `(name, value)` ranges of the body, sorted by their decoded text.
    pairs: Vec<(Span, Span)>,
}

#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl<'b> FormParams<'b> {
    /// `None` past [`MAX_FORM_PARAMS`] (or a body beyond 4 GiB, which no limit allows).
    fn index(body: &'b [u8]) -> Option<FormParams<'b>> {
        u32::try_from(body.len()).ok()?;
        let mut pairs = Vec::new();
        let mut start = 0;
        for piece in body.split(|b| *b == b'&') {
            let end = start + piece.len();
            if !piece.is_empty() {
                if pairs.len() == MAX_FORM_PARAMS {
                    return None;
                }
                let eq = piece.iter().position(|b| *b == b'=');
                let name_end = eq.map_or(end, |i| start + i);
                let value_start = eq.map_or(end, |i| start + i + 1);
                pairs.push((span(start, name_end), span(value_start, end)));
            }
            start = end + 1;
        }
        // Equal pairs are dropped next, so their order does not matter.
        pairs.sort_unstable_by(|a, b| order(body, a, b));
        pairs.dedup_by(|a, b| order(body, a, b).is_eq());
        Some(FormParams { body, pairs })
    }

    /// The signed text after the URL, in chunks.
    pub(super) fn feed(&self, out: &mut dyn FnMut(&[u8])) {
        let mut buffer = [0u8; 256];
        let mut used = 0;
        for (name, value) in &self.pairs {
            for byte in decoded(self.body, *name).chain(decoded(self.body, *value)) {
                if used == buffer.len() {
                    out(&buffer);
                    used = 0;
                }
                buffer[used] = byte;
                used += 1;
            }
        }
        out(&buffer[..used]);
    }
}

/// Twilio's order of two parameters: by decoded name, then by decoded value. One
/// function for sorting and for dropping duplicates.
#[inline(never)]
fn order(body: &[u8], a: &(Span, Span), b: &(Span, Span)) -> std::cmp::Ordering {
    decoded(body, a.0)
        .cmp(decoded(body, b.0))
        .then_with(|| decoded(body, a.1).cmp(decoded(body, b.1)))
}

fn span(start: usize, end: usize) -> Span {
    // `index` checked that the body's length fits.
    Span {
        start: start as u32,
        end: end as u32,
    }
}

/// The decoded bytes of one name or value.
fn decoded(body: &[u8], span: Span) -> LossyUtf8<PercentDecoded<'_>> {
    let raw = &body[span.start as usize..span.end as usize];
    LossyUtf8::new(PercentDecoded { raw, at: 0 })
}

/// `application/x-www-form-urlencoded` decoding of bytes: `+` is a space, `%XX` a
/// byte, and a `%` not followed by two hex digits stays as it is.
struct PercentDecoded<'r> {
    raw: &'r [u8],
    at: usize,
}

impl Iterator for PercentDecoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let b = *self.raw.get(self.at)?;
        self.at += 1;
        Some(match b {
            b'+' => b' ',
            b'%' => {
                let hex = |i: usize| self.raw.get(i).and_then(|h| (*h as char).to_digit(16));
                match (hex(self.at), hex(self.at + 1)) {
                    (Some(hi), Some(lo)) => {
                        self.at += 2;
                        (hi * 16 + lo) as u8
                    }
                    _ => b'%',
                }
            }
            other => other,
        })
    }
}

/// Bytes as `String::from_utf8_lossy` would make them: well-formed UTF-8 passes, and
/// each maximal ill-formed subsequence becomes U+FFFD (the Unicode standard's practice).
struct LossyUtf8<I: Iterator<Item = u8>> {
    bytes: std::iter::Peekable<I>,
    /// What is still to be given out (a replacement character, or a decoded sequence).
    pending: [u8; 4],
    pending_len: u8,
    pending_at: u8,
}

const REPLACEMENT: [u8; 3] = [0xef, 0xbf, 0xbd];

impl<I: Iterator<Item = u8>> LossyUtf8<I> {
    fn new(bytes: I) -> Self {
        LossyUtf8 {
            bytes: bytes.peekable(),
            pending: [0; 4],
            pending_len: 0,
            pending_at: 0,
        }
    }

    fn hold(&mut self, bytes: &[u8]) {
        self.pending[..bytes.len()].copy_from_slice(bytes);
        self.pending_len = bytes.len() as u8;
        self.pending_at = 0;
    }
}

impl<I: Iterator<Item = u8>> Iterator for LossyUtf8<I> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.pending_at < self.pending_len {
            let b = self.pending[self.pending_at as usize];
            self.pending_at += 1;
            return Some(b);
        }
        let lead = self.bytes.next()?;
        // The number of continuation bytes and the range the first one must be in.
        let (more, first_range) = match lead {
            0x00..=0x7f => return Some(lead),
            0xc2..=0xdf => (1, 0x80..=0xbf),
            0xe0 => (2, 0xa0..=0xbf),
            0xe1..=0xec | 0xee..=0xef => (2, 0x80..=0xbf),
            0xed => (2, 0x80..=0x9f),
            0xf0 => (3, 0x90..=0xbf),
            0xf1..=0xf3 => (3, 0x80..=0xbf),
            0xf4 => (3, 0x80..=0x8f),
            _ => {
                self.hold(&REPLACEMENT);
                return self.next();
            }
        };
        let mut sequence = [lead, 0, 0, 0];
        for (i, slot) in sequence.iter_mut().enumerate().take(more + 1).skip(1) {
            let range = if i == 1 {
                first_range.clone()
            } else {
                0x80..=0xbf
            };
            match self.bytes.peek() {
                Some(b) if range.contains(b) => {
                    *slot = *b;
                    self.bytes.next();
                }
                // The maximal subpart so far is one error; the next byte starts anew.
                _ => {
                    self.hold(&REPLACEMENT);
                    return self.next();
                }
            }
        }
        self.hold(&sequence[..=more]);
        self.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_cover_port_forms() {
        let v = url_variants("https://mycompany.com/myapp.php?foo=1&bar=2");
        assert!(v.contains(&"https://mycompany.com:443/myapp.php?foo=1&bar=2".to_string()));
        let v = url_variants("https://mycompany.com:1234/myapp.php?foo=1");
        assert!(v.contains(&"https://mycompany.com/myapp.php?foo=1".to_string()));
        let v = url_variants("https://user:pass@mycompany.com/myapp.php");
        assert!(v.contains(&"https://user:pass@mycompany.com:443/myapp.php".to_string()));
        let v = url_variants("https://mycompany.com/a?Body=It's+amazing");
        assert!(v.contains(&"https://mycompany.com/a?Body=It%27s+amazing".to_string()));
    }

    fn signed_text(body: &[u8]) -> String {
        let params = FormParams::index(body).unwrap();
        let mut out = Vec::new();
        params.feed(&mut |chunk| out.extend_from_slice(chunk));
        String::from_utf8(out).unwrap()
    }

    /// What Twilio's SDKs compute from the parameters a web framework decoded.
    fn reference(body: &[u8]) -> String {
        let mut params: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (k, v) in form_urlencoded::parse(body) {
            params
                .entry(k.into_owned())
                .or_default()
                .push(v.into_owned());
        }
        let mut out = String::new();
        for (key, mut values) in params {
            values.sort();
            values.dedup();
            for v in values {
                out.push_str(&key);
                out.push_str(&v);
            }
        }
        out
    }

    #[test]
    fn params_sorted_and_deduplicated() {
        assert_eq!(
            signed_text(b"b=2&a=1&Digits=5678&Digits=1234&Digits=1234"),
            "Digits1234Digits5678a1b2"
        );
        assert_eq!(signed_text(b"Caller=%2B1415"), "Caller+1415");
    }

    #[test]
    fn params_decode_exactly_as_form_urlencoded_does() {
        let mut cases: Vec<Vec<u8>> = [
            "",
            "&",
            "&&a=&=b&c&d==e&",
            "k=v=w",
            "a+b=c+d",
            "%41%4a=%zz%4",
            "x=%",
            "x=%4",
            "%e6%97%a5=%f0%9f%9a%80",
            "%ff=%c0%80",
            "%ed%a0%80=%f4%90%80%80",
            "%e2%82=%e2%28%a1",
            "%f0%9f%9a=1&%f0%9f=2&%f0=3",
            "b=1&a=2&b=3&a=4&c=%20",
            "é=ü&日本=1",
            "a=%C3%A9&a=%c3%a9",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        cases.push(vec![b'a', b'=', 0xff, 0xfe, b'&', 0xc3, b'=', 0x80]);
        // Every byte, escaped and raw, after and before others.
        for b in 0u8..=255 {
            cases.push(format!("k%{b:02x}=%{b:02x}%80%bf&k=1").into_bytes());
            cases.push(vec![b'v', b'=', b, 0x80, b'&', b, b'=', 0xe0, b]);
        }
        // A small deterministic generator over the interesting bytes.
        let alphabet = [
            b'a', b'Z', b'=', b'&', b'+', b'%', b'4', b'1', b'f', 0xc3, 0xa9, 0xe2, 0x82, 0xac,
            0xf0, 0x9f, 0xff, 0x80,
        ];
        let mut state = 0x2545_f491_u32;
        for _ in 0..3000 {
            let len = (state % 24) as usize;
            let mut body = Vec::with_capacity(len);
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                body.push(alphabet[(state as usize) % alphabet.len()]);
            }
            cases.push(body);
        }
        for body in cases {
            assert_eq!(signed_text(&body), reference(&body), "{body:?}");
        }
    }

    #[test]
    fn too_many_params_are_not_indexed() {
        let at_limit = vec!["a=1"; MAX_FORM_PARAMS].join("&");
        assert!(FormParams::index(at_limit.as_bytes()).is_some());
        let over = format!("{at_limit}&b=2");
        assert!(FormParams::index(over.as_bytes()).is_none());
        assert!(matches!(
            signed("https://h.example/t", over.as_bytes()),
            Err(crate::verify::VerifyError::SignatureMismatch)
        ));
    }
}
