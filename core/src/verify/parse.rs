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
    key_values_timed(header, separator, time_key, sig_key, |t| {
        unix_seconds(t).is_some()
    })
}

/// [`key_values`] with the time's form decided by `time_ok` (WorkOS's is milliseconds).
pub fn key_values_timed<'h>(
    header: &'h str,
    separator: char,
    time_key: &str,
    sig_key: &str,
    time_ok: fn(&str) -> bool,
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
    let time = time.filter(|t| time_ok(t))?;
    (!signatures.is_empty()).then_some((time, signatures))
}

/// Unix milliseconds as sent: 1 to 16 ASCII digits (trimmed).
pub fn unix_millis(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Persona while rotating: `set_separator`-separated [`key_values`] sets, each with its
/// own time. `None` when any set is not one.
pub fn key_value_sets<'h>(
    header: &'h str,
    set_separator: char,
    separator: char,
    time_key: &str,
    sig_key: &str,
) -> Option<Vec<(&'h str, Vec<&'h str>)>> {
    header
        .split(set_separator)
        .filter(|set| !set.trim().is_empty())
        .map(|set| key_values(set, separator, time_key, sig_key))
        .collect::<Option<Vec<_>>>()
        .filter(|sets| !sets.is_empty())
}

/// Recurly: the time first (digits), then one or more non-empty signatures.
pub fn time_then_signatures(header: &str, separator: char) -> Option<(&str, Vec<&str>)> {
    let mut items = header.split(separator).map(str::trim);
    let time = items.next().filter(|t| unix_millis(t).is_some())?;
    let signatures: Vec<&str> = items.filter(|s| !s.is_empty()).collect();
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

/// `prefix<signature>` items separated by `separator` (PagerDuty: `v1=<hex>,v1=<hex>`;
/// CircleCI: `v1=<hex>,v2=…`) → the signatures of the items with the prefix, in order.
/// Space around an item is ignored; items of other versions are left out.
pub fn prefixed_items<'h>(header: &'h str, separator: char, prefix: &str) -> Vec<&'h str> {
    header
        .split(separator)
        .filter_map(|item| item.trim().strip_prefix(prefix))
        .filter(|sig| !sig.is_empty())
        .collect()
}

/// The values of the headers named `<prefix><n>` for n from 1 to `max`, written without
/// leading zeros (DocuSign's `x-docusign-signature-1`, `-2`, …), in arrival order.
pub fn numbered<'h>(
    headers: impl Iterator<Item = (&'h str, &'h str)>,
    prefix: &str,
    max: u8,
) -> Vec<&'h str> {
    headers
        .filter(|(name, _)| {
            name.strip_prefix(prefix).is_some_and(|n| {
                !n.starts_with('0')
                    && n.len() <= 3
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && n.parse::<u16>()
                        .is_ok_and(|n| (1..=u16::from(max)).contains(&n))
            })
        })
        .map(|(_, value)| value)
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
    fn millisecond_times_in_key_values() {
        let millis = |t: &str| unix_millis(t).is_some();
        let (t, v1) = key_values_timed("t=1700000000123, v1=ab", ',', "t", "v1", millis).unwrap();
        assert_eq!((t, v1), ("1700000000123", vec!["ab"]));
        // Stripe's seconds parser refuses thirteen digits; the millisecond one takes them.
        assert!(stripe("t=1700000000123,v1=ab").is_none());
        for bad in [
            "t=17000000001234567,v1=ab",
            "t=-1,v1=ab",
            "t=,v1=ab",
            "v1=ab",
        ] {
            assert!(
                key_values_timed(bad, ',', "t", "v1", millis).is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn persona_sets() {
        let sets = key_value_sets("t=1,v1=aa t=2,v1=bb", ' ', ',', "t", "v1").unwrap();
        assert_eq!(sets, vec![("1", vec!["aa"]), ("2", vec!["bb"])]);
        assert_eq!(
            key_value_sets("t=1,v1=aa", ' ', ',', "t", "v1")
                .unwrap()
                .len(),
            1
        );
        for bad in ["", " ", "t=1,v1=aa t=2", "t=1,v1=aa garbage", "v1=aa t=1"] {
            assert!(
                key_value_sets(bad, ' ', ',', "t", "v1").is_none(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn prefixed_items_keep_their_version_only() {
        assert_eq!(prefixed_items("v1=aa,v1=bb", ',', "v1="), vec!["aa", "bb"]);
        assert_eq!(
            prefixed_items("v1=aa, v2=bb ,v3=cc,v1=dd", ',', "v1="),
            vec!["aa", "dd"]
        );
        for none in ["", "aa", "v2=aa", "v1=", "v1", ",,", "x v1=aa"] {
            assert!(prefixed_items(none, ',', "v1=").is_empty(), "{none:?}");
        }
    }

    #[test]
    fn recurly_header() {
        let (t, sigs) = time_then_signatures("1700000000456,aa, bb", ',').unwrap();
        assert_eq!((t, sigs), ("1700000000456", vec!["aa", "bb"]));
        for bad in ["1700000000456", "1700000000456,", "aa,bb", ",aa", ""] {
            assert!(time_then_signatures(bad, ',').is_none(), "{bad:?}");
        }
    }

    #[test]
    fn orb_list() {
        assert_eq!(
            prefixed_items("v1=aa v2=bb  v1=cc", ' ', "v1="),
            vec!["aa", "cc"]
        );
        assert!(prefixed_items("aa v2=bb", ' ', "v1=").is_empty());
    }

    #[test]
    fn numbered_headers_are_one_to_max_without_leading_zeros() {
        let h = [
            ("x-sig-1", "a"),
            ("content-type", "b"),
            ("x-sig-2", "c"),
            ("x-sig-0", "d"),
            ("x-sig-01", "e"),
            ("x-sig-", "f"),
            ("x-sig-100", "g"),
            ("x-sig-101", "h"),
            ("x-sig-1x", "i"),
            ("x-sig-99999999999999999999", "j"),
        ];
        assert_eq!(numbered(h.into_iter(), "x-sig-", 100), vec!["a", "c", "g"]);
        assert!(numbered(h.into_iter(), "x-other-", 100).is_empty());
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
