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

    #[test]
    fn a_runnable_command_with_the_signature_and_body() {
        let r =
            record(r#"{"path":"/hooks/x","auth":{"scheme":"github"},"target":{"queue":"EVENTS"}}"#);
        let cmd = signed_curl(&r, "https://hooks.example.com", NOW).unwrap();
        assert!(
            cmd.starts_with("curl -X POST 'https://hooks.example.com/hooks/x'"),
            "{cmd}"
        );
        assert!(cmd.contains("-H 'x-hub-signature-256: sha256="), "{cmd}");
        assert!(cmd.contains("--data-binary '{"), "{cmd}");
        assert_eq!(quote("it's"), "'it'\\''s'");
    }
}
