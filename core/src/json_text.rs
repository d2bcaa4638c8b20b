//! JSON text written by hand for the envelope, the one document built on every accepted
//! request. serde_json's serializer is generic over formatters and writers and escapes a
//! string a byte class at a time (about a third of the core's own work per 1 KiB
//! delivery, `scripts/bench.sh`); these helpers write the same bytes as serde_json
//! does, which the tests below check against serde_json itself and the envelope goldens
//! pin.

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"` and `\`, the
/// short forms `\b \t \n \f \r`, other control characters as `\u00xx` (lowercase hex),
/// everything else (including `/`, DEL and non-ASCII) as is.
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut from = 0;
    loop {
        let clean = from + clean_prefix_len(&bytes[from..]);
        // Bytes that need escaping are ASCII, so `clean` is a character boundary.
        out.push_str(&s[from..clean]);
        let Some(&b) = bytes.get(clean) else {
            break;
        };
        from = clean + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
        }
    }
    out.push('"');
}

/// The length of `bytes` written as a JSON string by [`push_str`], quotes included
/// (invalid UTF-8 counted a byte each: an upper bound for what any encoding writes of
/// it, but for base64's 4/3).
pub(crate) fn escaped_len(bytes: &[u8]) -> usize {
    2 + bytes
        .iter()
        .map(|&b| match b {
            b'"' | b'\\' | 0x08 | b'\t' | b'\n' | 0x0c | b'\r' => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// How many leading bytes need no escape. Eight bytes at a time: strings in an
/// envelope are mostly clean, so the usual answer is "all of them".
fn clean_prefix_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // Whether any byte of `w` is below `n` (n <= 0x80); exact about "any", which is all
    // that is asked: the byte loop below finds which.
    let has_below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS != 0;
    let has_byte = |w: u64, b: u8| has_below(w ^ (ONES * u64::from(b)), 1);
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        if has_below(w, 0x20) || has_byte(w, b'"') || has_byte(w, b'\\') {
            break;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| needs_escape(b))
        .unwrap_or(bytes.len() - at)
}

/// Appends an unsigned integer in decimal.
pub(crate) fn push_u64(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(s: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, s);
        out
    }

    #[test]
    fn escaped_len_is_the_written_length() {
        let all: String = (0u8..128).map(char::from).collect();
        for s in [all.as_str(), "", "plain", "é\"\n\u{1}"] {
            assert_eq!(escaped_len(s.as_bytes()), written(s).len(), "{s:?}");
        }
    }

    #[test]
    fn every_ascii_character_is_escaped_as_serde_json_escapes_it() {
        for c in (0u8..=0x7f).map(char::from) {
            let s = format!("a{c}b{c}");
            assert_eq!(written(&s), serde_json::to_string(&s).unwrap(), "{c:?}");
            // In every lane of the word-at-a-time scan.
            for lane in 0..17 {
                let mut s = "x".repeat(17);
                s.replace_range(lane..=lane, &c.to_string());
                assert_eq!(written(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
    }

    #[test]
    fn mixed_strings_match_serde_json() {
        for s in [
            "",
            "plain",
            "\"",
            "\\\\",
            "ends with a newline\n",
            "\u{0}\u{1f}\u{7f}",
            "é ü 日本 🚀 \u{2028}\u{2029}",
            "</script>",
            "tab\there \"quoted\" back\\slash",
        ] {
            assert_eq!(written(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn an_escape_anywhere_in_a_long_string_is_found() {
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
            for at in 0..40 {
                let mut s: String = "abcdefgh é ijklmnop 日本 qrstuvwxyz 0123".into();
                let byte_at = s.char_indices().map(|(i, _)| i).nth(at).unwrap_or(s.len());
                s.insert(byte_at, special);
                assert_eq!(written(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
        // Bytes just around the escaped ranges, and high bytes, in every lane.
        let lanes: String = ['\u{1f}', ' ', '!', '#', '[', ']', '\u{7f}', 'ÿ', '\u{80}']
            .iter()
            .cycle()
            .take(50)
            .collect();
        assert_eq!(written(&lanes), serde_json::to_string(&lanes).unwrap());
    }

    #[test]
    fn integers_match_serde_json() {
        for n in [0, 1, 9, 10, 99, 100, 1024, 123_456_789, u64::MAX] {
            let mut out = String::new();
            push_u64(&mut out, n);
            assert_eq!(out, serde_json::to_string(&n).unwrap());
        }
    }
}
