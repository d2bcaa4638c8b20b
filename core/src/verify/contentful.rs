//! Contentful's canonical request, as its own signer (`@contentful/node-apps-toolkit`'s
//! `signRequest`) writes it: `method "\n" path "\n" headers "\n" body`, where headers are
//! the `name:value` pairs of the headers `x-contentful-signed-headers` lists, names
//! lower-cased, values trimmed, sorted by name and joined by `;`. The list itself and
//! `x-contentful-timestamp` are always among them, with the values the signer gives
//! them (the sorted list joined by `,`, the time's decimal digits); a list without
//! either is refused, since an unsigned time could be replaced. A listed header the
//! request lacks is `header_missing` (the toolkit would quietly drop it).
//!
//! The path is the toolkit's `getNormalizedEncodedURI` of the path and query: the query
//! (up to a second `?`) escaped as Node's `querystring.escape` does, then the whole as
//! `encodeURI` does, so a `%` already in the path is escaped again.

use super::VerifyError;

pub(crate) const SIGNED_HEADERS: &str = "x-contentful-signed-headers";
pub(crate) const TIMESTAMP: &str = "x-contentful-timestamp";

/// The signed text before the body: `method "\n" path "\n" headers "\n"`.
pub(crate) fn canonical_prefix<'h>(
    method: &str,
    url: &str,
    header: impl Fn(&str) -> Option<&'h str>,
) -> Result<String, VerifyError> {
    let list = header(SIGNED_HEADERS)
        .ok_or_else(|| VerifyError::HeaderMissing(SIGNED_HEADERS.to_string()))?;
    let mut names: Vec<String> = list
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    if !names.iter().any(|n| n == SIGNED_HEADERS) || !names.iter().any(|n| n == TIMESTAMP) {
        return Err(VerifyError::SignatureMalformed);
    }
    let joined = names.join(",");
    let mut pairs = Vec::with_capacity(names.len());
    for name in &names {
        let value = match name.as_str() {
            SIGNED_HEADERS => joined.clone(),
            TIMESTAMP => header(TIMESTAMP)
                .and_then(super::parse::unix_millis)
                .ok_or(VerifyError::TimestampMalformed)?
                .to_string(),
            other => header(other)
                .ok_or_else(|| VerifyError::HeaderMissing(other.to_string()))?
                .trim()
                .to_string(),
        };
        pairs.push(format!("{name}:{value}"));
    }
    Ok(format!(
        "{method}\n{}\n{}\n",
        normalized_path(path_and_query(url)),
        pairs.join(";")
    ))
}

/// The path and query of a full URL (`https://host/p?q` → `/p?q`).
fn path_and_query(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// `getNormalizedEncodedURI`: `encodeURI(search ? pathname + "?" + escape(search) :
/// pathname)`, `search` being what lies between the first and a second `?`.
fn normalized_path(path_and_query: &str) -> String {
    let mut parts = path_and_query.split('?');
    let pathname = parts.next().unwrap_or_default();
    let uri = match parts.next().filter(|s| !s.is_empty()) {
        Some(search) => format!("{pathname}?{}", escape(search, QUERY_KEPT)),
        None => pathname.to_string(),
    };
    escape(&uri, URI_KEPT)
}

/// What `querystring.escape` leaves as it is (besides letters and digits).
const QUERY_KEPT: &[u8] = b"-_.!~*'()";
/// What `encodeURI` leaves as it is (besides letters and digits).
const URI_KEPT: &[u8] = b";,/?:@&=+$-_.!~*'()#";

fn escape(text: &str, kept: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || kept.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_normalized_as_the_toolkit_does() {
        assert_eq!(normalized_path("/api/resources/1"), "/api/resources/1");
        // The query is escaped, then the whole: its `=`, `&` and `%` end up double.
        assert_eq!(
            normalized_path("/a?q=1&w=x%20y"),
            "/a?q%253D1%2526w%253Dx%252520y"
        );
        assert_eq!(normalized_path("/a b"), "/a%20b");
        assert_eq!(normalized_path("/a?"), "/a");
        assert_eq!(normalized_path("/a?b?c"), "/a?b");
        assert_eq!(path_and_query("https://h.example/p/q?x=1#f"), "/p/q?x=1");
        assert_eq!(path_and_query("https://h.example"), "/");
    }
}
