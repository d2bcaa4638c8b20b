//! What hookgate calls JSON, decided in one place for everything that reads a body: the
//! filter, the styles, the envelope's `encoding`, Flowker's `_webhook` splice, Linear's
//! signed time and Stripe's event id.
//!
//! A body is JSON exactly when serde_json parses it into a `Value`: one JSON text
//! (surrounding whitespace allowed), nested less than [`MAX_DEPTH`] deep, with no lone
//! surrogate escape (`"\ud800"`) and no number beyond `f64` (`1e400`). Anything else is
//! text (or binary) to every reader. [`is_json`] and [`top_level_member`] make the same
//! decision without building a `Value`, so deciding allocates nothing per body byte.

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// serde_json's recursion limit: a body whose arrays and objects nest this deep (or
/// deeper) is not JSON. 127 levels are.
pub const MAX_DEPTH: usize = 128;

/// The body as JSON, if it is JSON.
pub fn parse(bytes: &[u8]) -> Option<Value> {
    serde_json::from_slice(bytes).ok()
}

/// Whether [`parse`] would accept the body, without building the value.
pub fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Strict>(bytes).is_ok()
}

/// JSON's insignificant whitespace (RFC 8259: space, tab, line feed, carriage return).
fn is_json_whitespace(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A JSON text split into its leading whitespace, the value, and its trailing whitespace.
pub fn split_whitespace(text: &str) -> (&str, &str, &str) {
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !is_json_whitespace(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_json_whitespace(b))
        .map_or(start, |i| i + 1);
    (&text[..start], &text[start..end], &text[end..])
}

/// A top-level member's value, as the readers of one field need it.
#[derive(Debug, PartialEq, Eq)]
pub enum Member<'a> {
    /// An integer that fits an `i64`.
    Integer(i64),
    /// A string, borrowed from the body unless it has escapes.
    Text(Cow<'a, str>),
    /// Anything else: a float, a larger integer, a boolean, `null`, an array, an object.
    Other,
}

/// One member of the body's top-level object, read without building the rest: `None`
/// when the body is not a JSON object (by [`parse`]'s rule), `Some(None)` when the member
/// is absent. A name given twice means its last value, as a parsed map keeps it.
pub fn top_level_member<'a>(body: &'a [u8], name: &str) -> Option<Option<Member<'a>>> {
    let text = std::str::from_utf8(body).ok()?;
    let object = members_named(text, name)?;
    let Some(last) = object.named.last() else {
        return Some(None);
    };
    let raw = &text[last.value_start..last.value_end];
    Some(Some(match raw.as_bytes()[0] {
        b'"' if !raw.contains('\\') => Member::Text(Cow::Borrowed(&raw[1..raw.len() - 1])),
        b'"' => Member::Text(Cow::Owned(serde_json::from_str(raw).ok()?)),
        // JSON's integers are Rust's; a fraction or an exponent is not an integer here.
        b'-' | b'0'..=b'9' => raw.parse().map_or(Member::Other, Member::Integer),
        _ => Member::Other,
    }))
}

/// A small object that is a member of the body's top-level object (Mailgun's
/// `signature`), its fields read as text: `None` when the body is not a JSON object, the
/// member is absent or no object, or its text is longer than `max_len` (so reading its
/// fields costs a bounded parse, whatever the body's size).
pub fn small_object_member<'a>(
    body: &'a [u8],
    name: &str,
    max_len: usize,
) -> Option<SmallObject<'a>> {
    let text = std::str::from_utf8(body).ok()?;
    let object = members_named(text, name)?;
    let last = object.named.last()?;
    let raw = &text[last.value_start..last.value_end];
    (raw.len() <= max_len && raw.starts_with('{')).then_some(SmallObject { raw })
}

/// See [`small_object_member`]: the object's text, each field read by the same
/// member reader as the body's own (so a name given twice means its last value).
pub struct SmallObject<'a> {
    raw: &'a str,
}

impl<'a> SmallObject<'a> {
    /// A field's value as text: a string's (unescaped), or an integer's digits
    /// (Mailgun's timestamp is either); `None` for anything else or an absent field.
    pub fn text(&self, field: &str) -> Option<Cow<'a, str>> {
        match top_level_member(self.raw.as_bytes(), field)?? {
            Member::Text(text) => Some(text),
            Member::Integer(n) if n >= 0 => Some(Cow::Owned(n.to_string())),
            Member::Integer(_) | Member::Other => None,
        }
    }
}

/// Where the members named `name` of a JSON object text are: what reading one member
/// or splicing members out of the text needs, without building the rest.
#[derive(Debug, PartialEq, Eq)]
pub struct ObjectMembers {
    /// The offset of the opening brace.
    pub open: usize,
    /// How many members the object has, named or not.
    pub count: usize,
    /// Each member named `name`, in order.
    pub named: Vec<NamedMember>,
}

/// Where a named member's value lies, and where the value before it ends (`None` for
/// the object's first member).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedMember {
    pub previous_value_end: Option<usize>,
    pub value_start: usize,
    pub value_end: usize,
}

/// The members named `name` of a JSON object text; `None` when the text is not a JSON
/// object (by [`parse`]'s rule).
pub fn members_named(text: &str, name: &str) -> Option<ObjectMembers> {
    if !is_json(text.as_bytes()) {
        return None;
    }
    // From bytes, like every parse here: one copy of serde_json's parser in the wasm.
    let mut de = serde_json::Deserializer::from_slice(text.as_bytes());
    let (count, named) = de
        .deserialize_map(Spans {
            name,
            base: text.as_ptr() as usize,
        })
        .ok()?;
    de.end().ok()?;
    let open = text.len()
        - text
            .trim_start_matches(|c| is_json_whitespace(&(c as u8)))
            .len();
    Some(ObjectMembers { open, count, named })
}

/// Accepts exactly what `Value` accepts, keeping nothing.
struct Strict;

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_str<E>(self, _: &str) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        while seq.next_element::<Strict>()?.is_some() {}
        Ok(Strict)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        while map.next_key::<Strict>()?.is_some() {
            map.next_value::<Strict>()?;
        }
        Ok(Strict)
    }
}

/// A map key compared with a name, without keeping it.
struct IsName<'n>(&'n str);

impl<'de> DeserializeSeed<'de> for IsName<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsName<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Each top-level value's place, from where serde_json's borrowed raw value lies in the
/// text (the text was checked by [`is_json`] first; raw values only skip). Only the
/// named members are kept, so a verified body's size does not matter.
struct Spans<'n> {
    name: &'n str,
    base: usize,
}

impl<'de> Visitor<'de> for Spans<'_> {
    type Value = (usize, Vec<NamedMember>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut count, mut named, mut previous_value_end) = (0, Vec::new(), None);
        while let Some(is_named) = map.next_key_seed(IsName(self.name))? {
            let raw: &'de RawValue = map.next_value()?;
            let text = raw.get();
            // Borrowed from the text being parsed, so it lies inside it.
            let value_start = text.as_ptr() as usize - self.base;
            let value_end = value_start + text.len();
            if is_named {
                named.push(NamedMember {
                    previous_value_end,
                    value_start,
                    value_end,
                });
            }
            previous_value_end = Some(value_end);
            count += 1;
        }
        Ok((count, named))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    /// The inputs where serde_json's raw-value check (which only skips) and its parse
    /// disagree, and their neighbours.
    fn tricky() -> Vec<Vec<u8>> {
        let mut cases: Vec<Vec<u8>> = [
            r#"{"a":1}"#,
            " {\"a\": [1, 2.5, -3e2, true, null, \"x\"]} \n",
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud83d\ude00""#,
            r#"{"\ud800":1}"#,
            r#"["ok", "\ud800x"]"#,
            "1e400",
            "-1e400",
            "[1e308]",
            "1e-400",
            "123456789012345678901234567890",
            "\"\\x\"",
            "{\"a\":1,}",
            "[1,]",
            "",
            "   ",
            "{} {}",
            "nul",
            "\u{feff}{}",
            "\"tab\there\"",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        cases.push(vec![b'"', 0xff, b'"']);
        for depth in [1, 64, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 4000] {
            cases.push(nested(depth).into_bytes());
            cases.push(format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)).into_bytes());
        }
        cases
    }

    #[test]
    fn is_json_decides_as_the_parse_does() {
        for case in tricky() {
            assert_eq!(
                is_json(&case),
                parse(&case).is_some(),
                "{:?}",
                String::from_utf8_lossy(&case)
            );
        }
    }

    #[test]
    fn lone_surrogates_huge_numbers_and_deep_nesting_are_not_json() {
        for not_json in [r#""\ud800""#, r#"{"a":"\udfff"}"#, "1e400", "[-1e400]"] {
            assert!(!is_json(not_json.as_bytes()), "{not_json}");
            // serde_json's raw value, which the envelope once trusted, accepts them.
            assert!(serde_json::from_str::<&RawValue>(not_json).is_ok());
        }
        assert!(is_json(nested(MAX_DEPTH - 1).as_bytes()));
        assert!(!is_json(nested(MAX_DEPTH).as_bytes()));
        assert!(serde_json::from_str::<&RawValue>(&nested(4000)).is_ok());
        assert!(!is_json(nested(4000).as_bytes()));
    }

    #[test]
    fn one_member_is_read_strictly() {
        let body = br#"{"id":"evt_1","webhookTimestamp":1676056940508,"x":[1,{"y":2}]}"#;
        assert_eq!(
            top_level_member(body, "id"),
            Some(Some(Member::Text(Cow::Borrowed("evt_1"))))
        );
        assert_eq!(
            top_level_member(body, "webhookTimestamp"),
            Some(Some(Member::Integer(1_676_056_940_508)))
        );
        assert_eq!(top_level_member(body, "x"), Some(Some(Member::Other)));
        assert_eq!(top_level_member(body, "nope"), Some(None));
        assert_eq!(
            top_level_member(br#"{"id":"a","id":"b"}"#, "id"),
            Some(Some(Member::Text(Cow::Borrowed("b"))))
        );
        assert_eq!(
            top_level_member(br#"{"i\u0064":"e\u0301"}"#, "id"),
            Some(Some(Member::Text(Cow::Owned("e\u{301}".into()))))
        );
        assert_eq!(
            top_level_member(br#"{"t":18446744073709551615}"#, "t"),
            Some(Some(Member::Other))
        );
        // Not an object, or not JSON by the one rule: nothing is read.
        for not_object in [
            &b"[1]"[..],
            b"\"id\"",
            br#"{"id":"a","x":"\ud800"}"#,
            br#"{"id":"a","x":1e400}"#,
            br#"{"id":"a"} x"#,
            b"",
        ] {
            assert_eq!(top_level_member(not_object, "id"), None);
        }
    }

    #[test]
    fn whitespace_is_split_off_exactly() {
        assert_eq!(
            split_whitespace(" \t{\"a\":1}\r\n"),
            (" \t", "{\"a\":1}", "\r\n")
        );
        assert_eq!(split_whitespace("1"), ("", "1", ""));
        assert_eq!(split_whitespace("  "), ("  ", "", ""));
        assert_eq!(split_whitespace("\"a b\" "), ("", "\"a b\"", " "));
    }

    #[test]
    fn named_members_are_located_in_the_text() {
        let text = r#" { "a" : [1, 2] , "_webhook":{"x":1},"b":"c" } "#;
        let m = members_named(text, "_webhook").unwrap();
        assert_eq!(&text[m.open..=m.open], "{");
        assert_eq!(m.count, 3);
        let [named] = m.named.as_slice() else {
            panic!("{m:?}")
        };
        assert_eq!(&text[named.value_start..named.value_end], r#"{"x":1}"#);
        assert!(text[..named.previous_value_end.unwrap()].ends_with("[1, 2]"));
        let first = members_named(r#"{"_webhook":1,"a":2}"#, "_webhook").unwrap();
        assert_eq!(first.named[0].previous_value_end, None);
        assert_eq!(members_named("[1]", "a"), None);
        assert_eq!(members_named(r#"{"a":"\ud800"}"#, "a"), None);
    }
}
