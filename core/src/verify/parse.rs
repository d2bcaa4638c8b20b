//! Parsers for the shapes of signature headers providers send. Each is total: any input
//! gives a value or `None`, never a panic (fuzzed in `fuzz/`). Which provider uses which
//! shape, with which names, is in the scheme descriptors (`model::scheme`).

use crate::codec::unix_seconds;

/// `key=value` items separated by `separator`, one Unix-seconds timestamp under
/// `time_key` and one or more signatures under `sig_key` (Stripe:
/// `t=<unix>,v1=<hex>,v0=...`; Paddle: `ts=<unix>;h1=<hex>`). Other keys are ignored.
/// Returns the timestamp as sent and every signature.
pub fn key_values<'h>(
    header: &'h str,
    separator: char,
    time_key: &str,
    sig_key: &str,
) -> Option<(&'h str, Vec<&'h str>)> {
    let mut time = None;
    let mut signatures = Vec::new();
    for item in header.split(separator) {
        let (k, v) = item.trim().split_once('=')?;
        if k == time_key {
            time = Some(v);
        } else if k == sig_key && !v.is_empty() {
            signatures.push(v);
        }
    }
    let time = time.filter(|t| unix_seconds(t).is_some())?;
    (!signatures.is_empty()).then_some((time, signatures))
}

/// Standard Webhooks / Svix: space-separated `v1,<base64>` entries → the v1 payloads.
/// Other versions (`v1a`, `v2`) are ignored.
pub fn signature_list(header: &str) -> Vec<&str> {
    header
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .map(|(_, sig)| sig)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripe(h: &str) -> Option<(&str, Vec<&str>)> {
        key_values(h, ',', "t", "v1")
    }

    fn paddle(h: &str) -> Option<(&str, Vec<&str>)> {
        key_values(h, ';', "ts", "h1")
    }

    #[test]
    fn stripe_header() {
        let (t, v1) = stripe("t=1533204620,v1=aa,v0=bb,v1=cc").unwrap();
        assert_eq!(t, "1533204620");
        assert_eq!(v1, vec!["aa", "cc"]);
        for bad in [
            "t=,v1=aa",
            "t,v1=,v0=",
            "t,,",
            ",,",
            "t",
            "t=1,v0=aa",
            "t=x,v1=aa",
            "",
        ] {
            assert!(stripe(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn paddle_header() {
        let (ts, h1) = paddle("ts=1698796800;h1=ab;h1=cd;h2=zz").unwrap();
        assert_eq!(ts, "1698796800");
        assert_eq!(h1, vec!["ab", "cd"]);
        for bad in ["invalid_header", "h1=x", "ts=1234;h2=x", "ts=x;h1=y", ""] {
            assert!(paddle(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn signature_lists_keep_v1_only() {
        assert_eq!(
            signature_list("v1,abc v2,def v1a,ghi v1,jkl"),
            vec!["abc", "jkl"]
        );
        assert_eq!(signature_list("v1,"), vec![""]);
        assert!(signature_list("garbage").is_empty());
    }
}
