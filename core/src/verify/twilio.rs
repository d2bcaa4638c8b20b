//! Twilio's signature: base64 HMAC-SHA1 over the public URL followed by the sorted form
//! parameters (or, for JSON bodies, over the URL only, with `bodySHA256` in its query).

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use url::{Position, Url};

/// The URL forms Twilio's official SDKs try: as normalized (WHATWG, like the Worker sees
/// it), with an explicit port removed, and with the scheme's default port added.
fn url_variants(raw: &str) -> Vec<String> {
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

/// What Twilio may have signed for this request, one entry per URL form: for a JSON
/// body (`bodySHA256` in the URL) the URL alone, once the body's hash is checked;
/// otherwise the URL followed by the sorted form parameters.
pub fn signed_contents(url: &str, body: &[u8]) -> Result<Vec<Vec<u8>>, super::VerifyError> {
    let urls = url_variants(url);
    match body_sha256_param(url) {
        Some(expected) => {
            if !body_matches_sha256(body, &expected) {
                return Err(super::VerifyError::SignatureMismatch);
            }
            Ok(urls.into_iter().map(String::into_bytes).collect())
        }
        None => {
            let params = form_params_string(body);
            Ok(urls
                .into_iter()
                .map(|u| [u.as_bytes(), params.as_bytes()].concat())
                .collect())
        }
    }
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

/// Form parameters as Twilio signs them: keys sorted, each key's values sorted with exact
/// duplicates dropped, concatenated as `key + value`.
fn form_params_string(body: &[u8]) -> String {
    let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
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

    #[test]
    fn params_sorted_and_deduplicated() {
        assert_eq!(
            form_params_string(b"b=2&a=1&Digits=5678&Digits=1234&Digits=1234"),
            "Digits1234Digits5678a1b2"
        );
        assert_eq!(form_params_string(b"Caller=%2B1415"), "Caller+1415");
    }
}
