//! The generic HMAC scheme (`auth.scheme = "hmac"`): algorithm, encoding, header, prefix
//! and a signed-content template such as `{timestamp}.{body}`.

use super::scheme::{Layout, Piece, Prefix, SignatureSource, TimestampSource};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Sha256,
    Sha1,
    Sha512,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureEncoding {
    Hex,
    Base64,
}

/// A validated template, as stored in the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmacTemplate {
    pub(crate) algorithm: Algorithm,
    pub(crate) encoding: SignatureEncoding,
    /// Lowercase header carrying the signature.
    pub(crate) header: String,
    /// Text before the encoded signature in the header, e.g. `sha256=`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) prefix: String,
    /// What is signed: literal text with `{id}`, `{timestamp}` and `{body}`.
    pub(crate) content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id_header: Option<String>,
    /// Unix seconds; when set, the request must be within the tolerance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) timestamp_header: Option<String>,
}

impl HmacTemplate {
    pub fn id_header(&self) -> Option<&str> {
        self.id_header.as_deref()
    }

    /// The template as a layout the verification engine runs, borrowing from `self`.
    /// Fails only for a template validation would have refused.
    pub fn layout(&self) -> Result<Layout<'_>, TemplateError> {
        let mut content = Vec::new();
        for part in parse_template(&self.content)? {
            content.push(match part {
                Part::Literal(text) => Piece::Literal(text),
                Part::Body => Piece::Body,
                Part::Timestamp => Piece::Timestamp,
                Part::Id => Piece::Header(
                    self.id_header
                        .as_deref()
                        .ok_or(TemplateError::IdHeaderMissing)?,
                ),
            });
        }
        let timestamp = match (&self.timestamp_header, content.contains(&Piece::Timestamp)) {
            (Some(h), true) => Some(TimestampSource::UnixSecondsHeader(h.as_str())),
            (None, false) => None,
            _ => return Err(TemplateError::TimestampHeaderMismatch),
        };
        Ok(Layout {
            algorithm: self.algorithm,
            signature: SignatureSource::Header {
                names: Cow::Owned(vec![self.header.as_str()]),
                prefix: Prefix::Required(&self.prefix),
                encoding: self.encoding,
                configurable: false,
            },
            timestamp,
            content: Cow::Owned(content),
        })
    }
}

impl Algorithm {
    /// Length of the MAC in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha1 => 20,
            Algorithm::Sha512 => 64,
        }
    }
}

/// One piece of a signed-content template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    Literal(&'a str),
    Id,
    Timestamp,
    Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    UnknownPlaceholder(String),
    UnbalancedBrace,
    NoBody,
    RepeatedBody,
    TooLong,
    IdHeaderMissing,
    TimestampHeaderMismatch,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Not quoted: an admin error never repeats what was sent.
            TemplateError::UnknownPlaceholder(_) => {
                f.write_str("has an unknown placeholder; use {id}, {timestamp} or {body}")
            }
            TemplateError::UnbalancedBrace => {
                f.write_str("a '{' or '}' is not part of a placeholder")
            }
            TemplateError::NoBody => f.write_str("the template must sign {body}"),
            TemplateError::RepeatedBody => f.write_str("{body} may appear only once"),
            TemplateError::TooLong => f.write_str("the template is longer than 256 characters"),
            TemplateError::IdHeaderMissing => {
                f.write_str("id_header is required when the content signs {id}")
            }
            TemplateError::TimestampHeaderMismatch => f.write_str(
                "timestamp_header is required exactly when the content signs {timestamp}",
            ),
        }
    }
}

/// Splits a template into parts. `{body}` must appear exactly once: a signature that does
/// not cover the body proves nothing about it.
pub fn parse_template(template: &str) -> Result<Vec<Part<'_>>, TemplateError> {
    if template.len() > 256 {
        return Err(TemplateError::TooLong);
    }
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let next = rest.find(['{', '}']).unwrap_or(rest.len());
        if next > 0 {
            parts.push(Part::Literal(&rest[..next]));
            rest = &rest[next..];
            continue;
        }
        if rest.starts_with('}') {
            return Err(TemplateError::UnbalancedBrace);
        }
        let close = rest.find('}').ok_or(TemplateError::UnbalancedBrace)?;
        let name = &rest[1..close];
        parts.push(match name {
            "id" => Part::Id,
            "timestamp" => Part::Timestamp,
            "body" => Part::Body,
            _ if name.contains('{') => return Err(TemplateError::UnbalancedBrace),
            _ => return Err(TemplateError::UnknownPlaceholder(name.to_string())),
        });
        rest = &rest[close + 1..];
    }
    match parts.iter().filter(|p| **p == Part::Body).count() {
        0 => Err(TemplateError::NoBody),
        1 => Ok(parts),
        _ => Err(TemplateError::RepeatedBody),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_placeholders_and_literals() {
        assert_eq!(
            parse_template("v0:{timestamp}:{body}").unwrap(),
            vec![
                Part::Literal("v0:"),
                Part::Timestamp,
                Part::Literal(":"),
                Part::Body
            ]
        );
        assert_eq!(
            parse_template("{id}.{timestamp}.{body}").unwrap(),
            vec![
                Part::Id,
                Part::Literal("."),
                Part::Timestamp,
                Part::Literal("."),
                Part::Body
            ]
        );
        assert_eq!(parse_template("{body}").unwrap(), vec![Part::Body]);
    }

    #[test]
    fn refuses_bad_templates() {
        use TemplateError::*;
        assert_eq!(parse_template("{timestamp}"), Err(NoBody));
        assert_eq!(parse_template("{body}{body}"), Err(RepeatedBody));
        assert_eq!(
            parse_template("{nonce}.{body}"),
            Err(UnknownPlaceholder("nonce".into()))
        );
        assert_eq!(parse_template("{body"), Err(UnbalancedBrace));
        assert_eq!(parse_template("body}"), Err(UnbalancedBrace));
        assert_eq!(parse_template("{{body}}"), Err(UnbalancedBrace));
        assert_eq!(parse_template(&"x".repeat(257)), Err(TooLong));
    }
}
