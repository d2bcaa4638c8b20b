//! Evaluating a condition against a request. No allocation proportional to the body:
//! selectors borrow from the parsed body, and every comparison is linear in the value
//! it looks at (`str::contains` is the two-way algorithm, linear in the haystack).

use super::{Condition, Op, Root, Scalar, Selector, Step};
use serde_json::Value;
use std::borrow::Cow;

/// What a filter can look at. The request layer implements it over a verified request.
pub trait Source {
    /// The body as JSON, or as a JSON string when it is UTF-8 but not JSON; `None` when
    /// it is neither (or the filter never asked for it).
    fn body(&self) -> Option<&Value>;
    /// A header by lowercase name, several values joined with `, `.
    fn header(&self, lowercase_name: &str) -> Option<Cow<'_, str>>;
    /// The `index`-th value of a query parameter.
    fn query(&self, name: &str, index: usize) -> Option<Cow<'_, str>>;
    fn path(&self) -> &str;
    fn method(&self) -> &str;
}

pub fn evaluate(condition: &Condition, source: &dyn Source) -> bool {
    match condition {
        Condition::All(cs) => cs.iter().all(|c| evaluate(c, source)),
        Condition::Any(cs) => cs.iter().any(|c| evaluate(c, source)),
        Condition::Not(c) => !evaluate(c, source),
        Condition::Test { selector, op } => test(select(selector, source).as_ref(), op),
    }
}

/// A selected value: borrowed from the body, or a string from headers, query, path.
enum Selected<'a> {
    Json(&'a Value),
    Text(Cow<'a, str>),
}

fn select<'a>(selector: &Selector, source: &'a dyn Source) -> Option<Selected<'a>> {
    let steps = selector.steps.as_slice();
    match selector.root {
        Root::Body => {
            let mut v = source.body()?;
            for step in steps {
                v = match (step, v) {
                    (Step::Key(k), Value::Object(m)) => m.get(k)?,
                    (Step::Index(i), Value::Array(a)) => a.get(*i)?,
                    _ => return None,
                };
            }
            Some(Selected::Json(v))
        }
        Root::Headers | Root::Query => {
            let (Step::Key(name), rest) = steps.split_first()? else {
                return None;
            };
            let index = match rest {
                [] => 0,
                [Step::Index(i)] => *i,
                _ => return None,
            };
            let text = if selector.root == Root::Headers {
                if index == 0 {
                    source.header(name)
                } else {
                    None
                }
            } else {
                source.query(name, index)
            };
            text.map(Selected::Text)
        }
        Root::Path => Some(Selected::Text(Cow::Borrowed(source.path()))),
        Root::Method => Some(Selected::Text(Cow::Borrowed(source.method()))),
    }
}

fn test(selected: Option<&Selected<'_>>, op: &Op) -> bool {
    let Some(v) = selected else {
        return match op {
            Op::Exists(want) => !want,
            Op::Ne(_) => true,
            _ => false,
        };
    };
    match op {
        Op::Exists(want) => *want,
        Op::Eq(l) => equals(v, l),
        Op::Ne(l) => !equals(v, l),
        Op::In(list) => list.iter().any(|l| equals(v, l)),
        Op::Gt(l) => compare(v, l).is_some_and(|o| o.is_gt()),
        Op::Gte(l) => compare(v, l).is_some_and(|o| o.is_ge()),
        Op::Lt(l) => compare(v, l).is_some_and(|o| o.is_lt()),
        Op::Lte(l) => compare(v, l).is_some_and(|o| o.is_le()),
        Op::Contains(l) => contains(v, l),
        Op::Truthy => match v {
            Selected::Json(Value::Null | Value::Bool(false)) => false,
            Selected::Json(Value::String(s)) => !s.is_empty(),
            Selected::Json(Value::Number(n)) => n.as_f64() != Some(0.0),
            Selected::Json(_) => true,
            Selected::Text(t) => !t.is_empty(),
        },
    }
}

/// Equality with a literal. Text from headers and the query is compared as written,
/// or as a number or boolean when the literal is one (`query.page == 2`).
fn equals(v: &Selected<'_>, l: &Scalar) -> bool {
    match (v, l) {
        (Selected::Json(Value::Null), Scalar::Null) => true,
        (Selected::Json(Value::Bool(a)), Scalar::Bool(b)) => a == b,
        (Selected::Json(Value::Number(a)), Scalar::Number(b)) => a.as_f64() == Some(*b),
        (Selected::Json(Value::String(a)), Scalar::String(b)) => a == b,
        (Selected::Text(a), Scalar::String(b)) => a == b,
        (Selected::Text(a), Scalar::Number(b)) => a.trim().parse::<f64>().ok() == Some(*b),
        (Selected::Text(a), Scalar::Bool(b)) => a.trim() == if *b { "true" } else { "false" },
        _ => false,
    }
}

fn compare(v: &Selected<'_>, l: &Scalar) -> Option<std::cmp::Ordering> {
    match (v, l) {
        (Selected::Json(Value::Number(a)), Scalar::Number(b)) => a.as_f64()?.partial_cmp(b),
        (Selected::Json(Value::String(a)), Scalar::String(b)) => Some(a.as_str().cmp(b)),
        (Selected::Text(a), Scalar::Number(b)) => a.trim().parse::<f64>().ok()?.partial_cmp(b),
        (Selected::Text(a), Scalar::String(b)) => Some(a.as_ref().cmp(b.as_str())),
        _ => None,
    }
}

fn contains(v: &Selected<'_>, l: &Scalar) -> bool {
    match (v, l) {
        (Selected::Json(Value::String(s)), Scalar::String(needle)) => s.contains(needle.as_str()),
        (Selected::Text(s), Scalar::String(needle)) => s.contains(needle.as_str()),
        (Selected::Json(Value::Array(items)), l) => {
            items.iter().any(|item| equals(&Selected::Json(item), l))
        }
        (Selected::Json(Value::Object(m)), Scalar::String(key)) => m.contains_key(key),
        _ => false,
    }
}

/// The selected value as text, for an envelope field such as `event_type`: strings as
/// they are, numbers and booleans written out; objects, arrays, `null` and absent
/// values give `None`.
pub fn select_text(selector: &Selector, source: &dyn Source) -> Option<String> {
    match select(selector, source)? {
        Selected::Text(t) => Some(t.into_owned()),
        Selected::Json(Value::String(s)) => Some(s.clone()),
        Selected::Json(Value::Number(n)) => Some(n.to_string()),
        Selected::Json(Value::Bool(b)) => Some(b.to_string()),
        Selected::Json(_) => None,
    }
}
