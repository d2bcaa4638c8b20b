//! The filter language: a webhook's conditions on what a request carries (body,
//! headers, query, path, method). A request that does not meet them answers `204`, is
//! not forwarded and does not count against the rate limit.
//!
//! Two spellings compile to the same [`Condition`]: the structured JSON form
//! (`{"field": "body.action", "eq": "opened"}`, `{"and": [...]}`; see [`structured`])
//! and Kestra's expression string (`{{ trigger.body.hello == 'world' }}`; see
//! [`kestra`]). Both are checked when the webhook is created, so a bad filter is a `400`
//! then and never a failure at delivery time. Evaluation ([`eval`]) is bounded: at most
//! [`MAX_NODES`] tests, each a walk of at most [`MAX_STEPS`] steps and one comparison
//! that is linear in the selected value, so the work per request is linear in the body.

mod eval;
pub mod kestra;
pub mod structured;

pub use eval::{evaluate, select_text, Source};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Longest filter accepted, in bytes of its JSON (structured) or text (Kestra).
pub const MAX_FILTER_BYTES: usize = 4096;
/// Tests and connectives in one filter.
pub const MAX_NODES: usize = 64;
/// Nesting of `and` / `or` / `not`.
pub const MAX_DEPTH: usize = 8;
/// Steps of one selector (`body.a.b[0]` has three).
pub const MAX_STEPS: usize = 16;
/// Values in one `in` list.
pub const MAX_LIST: usize = 64;
/// Longest string literal.
pub const MAX_LITERAL_BYTES: usize = 1024;

/// A condition, compiled.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Test { selector: Selector, op: Op },
}

/// What part of the request a selector starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// The body as JSON, or as a string when it is UTF-8 but not JSON.
    Body,
    /// A header by lowercase name (several values joined with `, `).
    Headers,
    /// A query parameter: its first value, or the n-th with `[n]`.
    Query,
    /// The request path.
    Path,
    /// The request method.
    Method,
}

impl Root {
    fn parse(name: &str) -> Option<Root> {
        Some(match name {
            "body" => Root::Body,
            "headers" | "header" => Root::Headers,
            "query" => Root::Query,
            "path" => Root::Path,
            "method" => Root::Method,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Where a value is taken from: a root and the steps into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    pub root: Root,
    pub steps: Vec<Step>,
}

/// A literal a selected value is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Eq(Scalar),
    Ne(Scalar),
    Gt(Scalar),
    Gte(Scalar),
    Lt(Scalar),
    Lte(Scalar),
    In(Vec<Scalar>),
    /// `true`: the value is present; `false`: it is absent.
    Exists(bool),
    /// A substring of a string, an element of an array, or a key of an object.
    Contains(Scalar),
    /// Present and not `false`, `null`, `""` or `0` (a bare Kestra path).
    Truthy,
}

/// Why a filter was refused, with where (a JSON pointer-ish location or a byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    pub at: String,
    pub message: String,
}

impl FilterError {
    pub(crate) fn new(at: impl Into<String>, message: impl Into<String>) -> FilterError {
        FilterError {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.at, self.message)
        }
    }
}

/// A webhook's filter: what the operator wrote (stored and shown as given) and what it
/// compiles to. Only [`Filter::compile`] makes one, so holding a `Filter` means it is valid.
#[derive(Clone, Debug)]
pub struct Filter {
    source: serde_json::Value,
    condition: Condition,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Filter) -> bool {
        self.source == other.source
    }
}

impl Filter {
    /// Compiles the structured form (a JSON object) or a Kestra expression (a string).
    pub fn compile(source: serde_json::Value) -> Result<Filter, FilterError> {
        let condition =
            match &source {
                serde_json::Value::String(text) => kestra::parse(text)?,
                serde_json::Value::Object(_) => {
                    let size = source.to_string().len();
                    if size > MAX_FILTER_BYTES {
                        return Err(FilterError::new(
                            "",
                            format!("is {size} bytes; at most {MAX_FILTER_BYTES} are allowed"),
                        ));
                    }
                    structured::parse(&source)?
                }
                _ => return Err(FilterError::new(
                    "",
                    "must be an object such as {\"field\": \"body.action\", \"eq\": \"opened\"} \
                     or a Kestra expression such as \"{{ trigger.body.hello == 'world' }}\"",
                )),
            };
        Ok(Filter { source, condition })
    }

    pub fn condition(&self) -> &Condition {
        &self.condition
    }

    pub fn source(&self) -> &serde_json::Value {
        &self.source
    }

    /// Whether evaluating this filter needs the body.
    pub fn reads_body(&self) -> bool {
        fn walk(c: &Condition) -> bool {
            match c {
                Condition::All(cs) | Condition::Any(cs) => cs.iter().any(walk),
                Condition::Not(c) => walk(c),
                Condition::Test { selector, .. } => selector.root == Root::Body,
            }
        }
        walk(&self.condition)
    }
}

impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.source.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Filter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let source = serde_json::Value::deserialize(d)?;
        Filter::compile(source).map_err(serde::de::Error::custom)
    }
}

/// Parses a selector such as `body.items[0].name`, `headers.x-github-event` or
/// `query.page` (a leading `$.` is allowed). Shared by both spellings and by
/// `event_type`. Its errors never quote the selector: the caller says where it was.
pub fn parse_selector(text: &str) -> Result<Selector, FilterError> {
    let text = text.trim();
    let text = text.strip_prefix("$.").unwrap_or(text);
    let root_end = text.find(['.', '[']).unwrap_or(text.len());
    let root = Root::parse(&text[..root_end]).ok_or_else(|| {
        FilterError::new(
            "",
            "must start with body, headers, query, path or method (e.g. \"body.action\")",
        )
    })?;
    let mut steps = Vec::new();
    let mut rest = &text[root_end..];
    while !rest.is_empty() {
        if steps.len() == MAX_STEPS {
            return Err(FilterError::new(
                "",
                format!("has more than {MAX_STEPS} steps"),
            ));
        }
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() {
                return Err(FilterError::new("", "has an empty step"));
            }
            steps.push(Step::Key(key.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after
                .find(']')
                .ok_or_else(|| FilterError::new("", "has an unclosed ["))?;
            let inside = after[..close].trim();
            let step = if let Some(quoted) = unquote(inside) {
                Step::Key(quoted.to_string())
            } else if !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()) {
                Step::Index(
                    inside
                        .parse()
                        .map_err(|_| FilterError::new("", "has an index that is too large"))?,
                )
            } else {
                return Err(FilterError::new(
                    "",
                    "has a [ ] step that is not an index or a quoted key",
                ));
            };
            steps.push(step);
            rest = &after[close + 1..];
        } else {
            return Err(FilterError::new(
                "",
                "is not a selector such as body.a.b[0]",
            ));
        }
    }
    if matches!(root, Root::Path | Root::Method) && !steps.is_empty() {
        return Err(FilterError::new("", "path and method take no steps"));
    }
    if matches!(root, Root::Headers | Root::Query) && steps.is_empty() {
        return Err(FilterError::new(
            "",
            "must name a header or parameter, e.g. headers.x-event",
        ));
    }
    if root == Root::Headers {
        if let Some(Step::Key(name)) = steps.first_mut() {
            *name = name.to_ascii_lowercase();
        }
    }
    Ok(Selector { root, steps })
}

/// A `'…'` or `"…"` key inside brackets (no escapes).
fn unquote(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        Some(&s[1..s.len() - 1])
    } else {
        None
    }
}

/// Counts nodes and depth of a compiled condition against the limits.
pub(crate) fn check_bounds(c: &Condition) -> Result<(), FilterError> {
    fn walk(c: &Condition, depth: usize, nodes: &mut usize) -> Result<(), FilterError> {
        *nodes += 1;
        if *nodes > MAX_NODES {
            return Err(FilterError::new(
                "",
                format!("has more than {MAX_NODES} conditions"),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(FilterError::new(
                "",
                format!("nests and/or/not deeper than {MAX_DEPTH}"),
            ));
        }
        match c {
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().try_for_each(|c| walk(c, depth + 1, nodes))
            }
            Condition::Not(c) => walk(c, depth + 1, nodes),
            Condition::Test { .. } => Ok(()),
        }
    }
    walk(c, 0, &mut 0)
}

#[cfg(test)]
mod tests;
