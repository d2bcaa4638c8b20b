//! The structured form of a filter, as JSON:
//!
//! ```json
//! {"and": [
//!   {"field": "headers.x-github-event", "eq": "pull_request"},
//!   {"field": "body.action", "in": ["opened", "reopened"]},
//!   {"not": {"field": "body.pull_request.draft", "eq": true}}
//! ]}
//! ```
//!
//! A test is `field` plus exactly one operator: `eq`, `ne`, `gt`, `gte`, `lt`, `lte`
//! (a scalar), `in` (a list of scalars), `contains` (a scalar), `exists` (a boolean).
//! Connectives are `and` and `or` (non-empty lists) and `not` (one condition).

use super::{
    check_bounds, parse_selector, Condition, FilterError, Op, Scalar, MAX_LIST, MAX_LITERAL_BYTES,
};
use serde_json::Value;

const OPERATORS: &str = "eq, ne, gt, gte, lt, lte, in, contains, exists";

pub fn parse(source: &Value) -> Result<Condition, FilterError> {
    let condition = node(source, "filter", 0)?;
    check_bounds(&condition)?;
    Ok(condition)
}

fn node(v: &Value, at: &str, depth: usize) -> Result<Condition, FilterError> {
    // Deeper input than the limit is refused here, before recursing further.
    if depth > super::MAX_DEPTH {
        return Err(FilterError::new(
            at,
            format!("nests deeper than {}", super::MAX_DEPTH),
        ));
    }
    let Value::Object(map) = v else {
        return Err(FilterError::new(
            at,
            "must be an object: {\"field\": …, \"eq\": …}, {\"and\": […]}, {\"or\": […]} or {\"not\": …}",
        ));
    };
    for connective in ["and", "or"] {
        if let Some(list) = map.get(connective) {
            if map.len() != 1 {
                return Err(FilterError::new(
                    at,
                    format!("\"{connective}\" must be the only member of its object"),
                ));
            }
            let Value::Array(items) = list else {
                return Err(FilterError::new(
                    format!("{at}.{connective}"),
                    "must be a list of conditions",
                ));
            };
            if items.is_empty() {
                return Err(FilterError::new(
                    format!("{at}.{connective}"),
                    "must not be empty",
                ));
            }
            if items.len() > super::MAX_NODES {
                return Err(FilterError::new(
                    format!("{at}.{connective}"),
                    format!("has more than {} conditions", super::MAX_NODES),
                ));
            }
            let parts = items
                .iter()
                .enumerate()
                .map(|(i, item)| node(item, &format!("{at}.{connective}[{i}]"), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(if connective == "and" {
                Condition::All(parts)
            } else {
                Condition::Any(parts)
            });
        }
    }
    if let Some(inner) = map.get("not") {
        if map.len() != 1 {
            return Err(FilterError::new(
                at,
                "\"not\" must be the only member of its object",
            ));
        }
        return Ok(Condition::Not(Box::new(node(
            inner,
            &format!("{at}.not"),
            depth + 1,
        )?)));
    }
    let Some(field) = map.get("field") else {
        return Err(FilterError::new(
            at,
            "needs \"field\" (e.g. \"body.action\") and one operator, or \"and\", \"or\", \"not\"",
        ));
    };
    let Value::String(field) = field else {
        return Err(FilterError::new(
            format!("{at}.field"),
            "must be a string such as \"body.action\"",
        ));
    };
    let selector =
        parse_selector(field).map_err(|e| FilterError::new(format!("{at}.field"), e.message))?;
    let ops: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| *k != "field").collect();
    let [(name, value)] = ops.as_slice() else {
        return Err(FilterError::new(
            at,
            format!("needs exactly one operator besides \"field\" (one of {OPERATORS})"),
        ));
    };
    let at_op = format!("{at}.{name}");
    let op = match name.as_str() {
        "eq" => Op::Eq(scalar(value, &at_op)?),
        "ne" => Op::Ne(scalar(value, &at_op)?),
        "gt" => Op::Gt(ordered(value, &at_op)?),
        "gte" => Op::Gte(ordered(value, &at_op)?),
        "lt" => Op::Lt(ordered(value, &at_op)?),
        "lte" => Op::Lte(ordered(value, &at_op)?),
        "contains" => Op::Contains(scalar(value, &at_op)?),
        "exists" => match value {
            Value::Bool(b) => Op::Exists(*b),
            _ => return Err(FilterError::new(at_op, "must be true or false")),
        },
        "in" => {
            let Value::Array(items) = value else {
                return Err(FilterError::new(at_op, "must be a list of values"));
            };
            if items.is_empty() || items.len() > MAX_LIST {
                return Err(FilterError::new(
                    at_op,
                    format!("must list between 1 and {MAX_LIST} values"),
                ));
            }
            Op::In(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(v, &format!("{at_op}[{i}]")))
                    .collect::<Result<_, _>>()?,
            )
        }
        other => {
            return Err(FilterError::new(
                at,
                format!("{other:?} is not an operator (use one of {OPERATORS})"),
            ))
        }
    };
    Ok(Condition::Test { selector, op })
}

fn scalar(v: &Value, at: &str) -> Result<Scalar, FilterError> {
    Ok(match v {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Number(n) => Scalar::Number(
            n.as_f64()
                .ok_or_else(|| FilterError::new(at, "is not a finite number"))?,
        ),
        Value::String(s) => literal(s, at)?,
        _ => {
            return Err(FilterError::new(
                at,
                "must be a string, number, boolean or null (compare objects field by field)",
            ))
        }
    })
}

fn ordered(v: &Value, at: &str) -> Result<Scalar, FilterError> {
    match scalar(v, at)? {
        s @ (Scalar::Number(_) | Scalar::String(_)) => Ok(s),
        _ => Err(FilterError::new(at, "must be a number or a string")),
    }
}

pub(super) fn literal(s: &str, at: &str) -> Result<Scalar, FilterError> {
    if s.len() > MAX_LITERAL_BYTES {
        return Err(FilterError::new(
            at,
            format!("is longer than {MAX_LITERAL_BYTES} bytes"),
        ));
    }
    Ok(Scalar::String(s.to_string()))
}
