//! The ready-to-paste signed `curl` shown beside a new secret: the test-event signer's
//! request, written as a shell command. Shown only where the secret itself is (at
//! creation and rotation), since for a shared-secret or URL-key scheme the command holds it.

use crate::model::WebhookRecord;
use crate::time::UnixMillis;
use crate::verify::sign::test_request;

/// `curl` for a synthetic event signed with the record's newest secret at `now`, sent to
/// `origin` (the Worker's public origin). `None` when the record cannot sign (every
/// secret past its grace period).
pub fn signed_curl(record: &WebhookRecord, origin: &str, now: UnixMillis) -> Option<String> {
    let signed = test_request(record, origin, now, "example").ok()?;
    let mut cmd = format!(
        "curl -X {} {}",
        signed.method.as_str(),
        quote(&format!("{origin}{}", signed.path_and_query))
    );
    for (name, value) in &signed.headers {
        cmd.push_str(" \\\n  -H ");
        cmd.push_str(&quote(&format!("{name}: {value}")));
    }
    if !signed.body.is_empty() {
        cmd.push_str(" \\\n  --data-binary ");
        cmd.push_str(&quote(&String::from_utf8_lossy(&signed.body)));
    }
    Some(cmd)
}

/// POSIX single quotes: `'` becomes `'\''`.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{record, NOW};
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    /// The command as a POSIX shell splits it: single quotes, `\` before a newline.
    fn shell_words(cmd: &str) -> Vec<String> {
        let (mut words, mut word, mut in_word) = (Vec::new(), String::new(), false);
        let mut chars = cmd.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    in_word = true;
                    for q in chars.by_ref() {
                        if q == '\'' {
                            break;
                        }
                        word.push(q);
                    }
                }
                '\\' => match chars.next() {
                    Some('\n') | None => {}
                    Some(escaped) => {
                        in_word = true;
                        word.push(escaped);
                    }
                },
                c if c.is_whitespace() => {
                    if std::mem::take(&mut in_word) {
                        words.push(std::mem::take(&mut word));
                    }
                }
                c => {
                    in_word = true;
                    word.push(c);
                }
            }
        }
        if in_word {
            words.push(word);
        }
        words
    }

    /// (method, URL, headers with lowercase names, body) of a `curl` command line.
    fn parse_curl(cmd: &str) -> (String, String, Vec<(String, String)>, String) {
        let words = shell_words(cmd);
        assert_eq!(words[0], "curl", "{cmd}");
        let (mut method, mut url, mut headers, mut body) =
            (String::new(), String::new(), Vec::new(), String::new());
        let mut rest = words[1..].iter();
        while let Some(w) = rest.next() {
            match w.as_str() {
                "-X" => method = rest.next().unwrap().clone(),
                "-H" => {
                    let (name, value) = rest.next().unwrap().split_once(": ").unwrap();
                    headers.push((name.to_ascii_lowercase(), value.to_string()));
                }
                "--data-binary" => body = rest.next().unwrap().clone(),
                other => url = other.to_string(),
            }
        }
        (method, url, headers, body)
    }

    /// HMAC-SHA256 in hex, with the `hmac` and `sha2` crates directly: not the verifier
    /// or the signer under test.
    fn hmac_hex(secret: &str, content: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(content);
        hex::encode(mac.finalize().into_bytes())
    }

    fn header<'h>(headers: &'h [(String, String)], name: &str) -> &'h str {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
    }

    #[test]
    fn a_runnable_command_whose_signature_verifies() {
        let secret = "example-curl-secret-1";
        let r = record(&format!(
            r#"{{"path":"/hooks/x","auth":{{"scheme":"github","secret":"{secret}"}},"target":{{"queue":"EVENTS"}}}}"#
        ));
        let cmd = signed_curl(&r, "https://hooks.example.com", NOW).unwrap();
        let (method, url, headers, body) = parse_curl(&cmd);
        assert_eq!(
            (method.as_str(), url.as_str()),
            ("POST", "https://hooks.example.com/hooks/x")
        );
        assert!(body.starts_with('{'), "{cmd}");
        // GitHub's recipe: sha256= and the hex HMAC-SHA256 of the exact body bytes.
        assert_eq!(
            header(&headers, "x-hub-signature-256"),
            format!("sha256={}", hmac_hex(secret, body.as_bytes())),
            "{cmd}"
        );
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(shell_words("a 'it'\\''s' \\\n  b"), ["a", "it's", "b"]);
    }

    #[test]
    fn a_timestamped_scheme_signs_its_time_and_body() {
        let secret = "whsec_example_curl_2";
        let r = record(&format!(
            r#"{{"path":"/hooks/s","auth":{{"scheme":"stripe","secret":"{secret}"}},"target":{{"queue":"EVENTS"}}}}"#
        ));
        let cmd = signed_curl(&r, "https://hooks.example.com", NOW).unwrap();
        let (_, _, headers, body) = parse_curl(&cmd);
        // Stripe's recipe: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<body>")).
        let ts = NOW.0 / 1000;
        let content = format!("{ts}.{body}");
        assert_eq!(
            header(&headers, "stripe-signature"),
            format!("t={ts},v1={}", hmac_hex(secret, content.as_bytes())),
            "{cmd}"
        );
    }
}
