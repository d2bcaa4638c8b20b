//! Kestra's condition expressions, translated into [`Condition`]s.
//!
//! Kestra writes a webhook trigger's conditions as Pebble expressions over the trigger's
//! variables, such as `{{ trigger.body.hello == 'world' }}`. This accepts the part of
//! Pebble those conditions use:
//!
//! - values: `trigger.body…`, `trigger.headers…`, `trigger.parameters…` (the query),
//!   with `.name`, `['name']` and `[0]` steps; string, number, `true`, `false`, `null`
//!   literals; lists `[a, b]` after `in`;
//! - comparisons `==`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `in`, `equals`, and the
//!   tests `is defined`, `is not defined`, `is null`, `is not null`;
//! - `and` / `&&`, `or` / `||`, `not` / `!`, parentheses; a bare value means "present
//!   and truthy".
//!
//! One side of a comparison must be a trigger value and the other a literal. Kestra
//! gives headers and parameters as lists; `[0]` on them selects the first value, and
//! without it the value is compared as a string (headers joined with `, `).

use super::structured::literal;
use super::{check_bounds, Condition, FilterError, Op, Root, Scalar, Selector, Step};
use super::{MAX_DEPTH, MAX_FILTER_BYTES, MAX_LIST, MAX_STEPS};

pub fn parse(text: &str) -> Result<Condition, FilterError> {
    if text.len() > MAX_FILTER_BYTES {
        return Err(FilterError::new(
            "",
            format!(
                "is {} bytes; at most {MAX_FILTER_BYTES} are allowed",
                text.len()
            ),
        ));
    }
    let trimmed = text.trim();
    let inner = match trimmed.strip_prefix("{{") {
        Some(rest) => rest
            .strip_suffix("}}")
            .ok_or_else(|| FilterError::new("", "opens {{ but does not end with }}"))?,
        None => trimmed,
    };
    let tokens = lex(inner)?;
    let mut p = Parser { tokens, pos: 0 };
    let condition = p.expr(0)?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(p.error_at(t.at, "unexpected text after the condition"));
    }
    check_bounds(&condition)?;
    Ok(condition)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Sym(&'static str),
}

#[derive(Debug)]
struct Token {
    tok: Tok,
    at: usize,
}

const SYMBOLS: [&str; 14] = [
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".",
];

fn lex(s: &str) -> Result<Vec<Token>, FilterError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b',' {
            out.push(Token {
                tok: Tok::Sym(","),
                at: i,
            });
            i += 1;
        } else if c == b'\'' || c == b'"' {
            let start = i;
            i += 1;
            let mut text = String::new();
            loop {
                match b.get(i) {
                    None => return Err(FilterError::new(format!("at {start}"), "unclosed string")),
                    Some(&q) if q == c => break,
                    // The escaped character whole: it may take several bytes.
                    Some(b'\\') if i + 1 < b.len() => {
                        let ch = s[i + 1..].chars().next().unwrap_or('\u{fffd}');
                        text.push(ch);
                        i += 1 + ch.len_utf8();
                    }
                    Some(_) => {
                        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
                        text.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            i += 1;
            out.push(Token {
                tok: Tok::Str(text),
                at: start,
            });
        } else if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let n: f64 = s[start..i]
                .parse()
                .map_err(|_| FilterError::new(format!("at {start}"), "is not a number"))?;
            out.push(Token {
                tok: Tok::Num(n),
                at: start,
            });
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            // `-` is allowed inside names: header names are written `x-github-event`.
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(s[start..i].to_string()),
                at: start,
            });
        } else if let Some(sym) = SYMBOLS.iter().find(|sym| s[i..].starts_with(**sym)) {
            out.push(Token {
                tok: Tok::Sym(sym),
                at: i,
            });
            i += sym.len();
        } else {
            // Where, not what: an admin error never quotes what was sent.
            return Err(FilterError::new(format!("at {i}"), "unexpected character"));
        }
    }
    Ok(out)
}

enum Operand {
    Value(Selector),
    Literal(Scalar),
    List(Vec<Scalar>),
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(usize::MAX, |t| t.at)
    }

    fn error_at(&self, at: usize, message: &str) -> FilterError {
        let where_ = if at == usize::MAX {
            "at the end".to_string()
        } else {
            format!("at {at}")
        };
        FilterError::new(where_, message)
    }

    fn error(&self, message: &str) -> FilterError {
        self.error_at(self.at(), message)
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        if self.peek() == Some(&Tok::Sym(symbol(sym))) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Condition, FilterError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nests deeper than {MAX_DEPTH}")));
        }
        let mut parts = vec![self.and(depth)?];
        while self.eat_word("or") || self.eat_sym("||") {
            parts.push(self.and(depth)?);
        }
        Ok(one_or(parts, Condition::Any))
    }

    fn and(&mut self, depth: usize) -> Result<Condition, FilterError> {
        let mut parts = vec![self.unary(depth)?];
        while self.eat_word("and") || self.eat_sym("&&") {
            parts.push(self.unary(depth)?);
        }
        Ok(one_or(parts, Condition::All))
    }

    fn unary(&mut self, depth: usize) -> Result<Condition, FilterError> {
        if self.eat_word("not") || self.eat_sym("!") {
            if depth + 1 > MAX_DEPTH {
                return Err(self.error(&format!("nests deeper than {MAX_DEPTH}")));
            }
            return Ok(Condition::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.eat_sym("(") {
            let inner = self.expr(depth + 1)?;
            if !self.eat_sym(")") {
                return Err(self.error("expected )"));
            }
            return Ok(inner);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Condition, FilterError> {
        let start = self.at();
        let left = self.operand()?;
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            let Operand::Value(selector) = left else {
                return Err(self.error_at(start, "`is` tests a trigger value"));
            };
            let op = if self.eat_word("defined") {
                Op::Exists(!negated)
            } else if self.eat_word("null") {
                if negated {
                    Op::Ne(Scalar::Null)
                } else {
                    Op::Eq(Scalar::Null)
                }
            } else {
                return Err(self.error("expected `defined` or `null` after `is`"));
            };
            return Ok(Condition::Test { selector, op });
        }
        let op = match self.peek() {
            Some(Tok::Sym(s @ ("==" | "!=" | "<" | "<=" | ">" | ">="))) => *s,
            Some(Tok::Ident(w)) if w == "contains" || w == "in" || w == "equals" => {
                if w == "equals" {
                    "=="
                } else if w == "in" {
                    "in"
                } else {
                    "contains"
                }
            }
            _ => {
                return match left {
                    Operand::Value(selector) => Ok(Condition::Test {
                        selector,
                        op: Op::Truthy,
                    }),
                    _ => Err(self.error_at(
                        start,
                        "a literal alone is not a condition; compare a trigger value with it",
                    )),
                };
            }
        };
        self.pos += 1;
        let right = self.operand()?;
        let (selector, literal, flipped) = match (left, right) {
            (Operand::Value(s), Operand::Literal(l)) => (s, Operand::Literal(l), false),
            (Operand::Value(s), Operand::List(l)) => (s, Operand::List(l), false),
            (Operand::Literal(l), Operand::Value(s)) => (s, Operand::Literal(l), true),
            (Operand::Value(_), Operand::Value(_)) => {
                return Err(self.error_at(
                    start,
                    "compares two trigger values; compare a trigger value with a literal",
                ))
            }
            _ => return Err(self.error_at(start, "compares two literals; name a trigger value")),
        };
        let op = match (op, literal) {
            ("in", Operand::List(list)) if !flipped => Op::In(list),
            ("in", _) => return Err(self.error_at(start, "`in` takes a list: x in ['a', 'b']")),
            (_, Operand::List(_)) => {
                return Err(self.error_at(start, "a list is only allowed after `in`"))
            }
            (op, Operand::Literal(l)) => match (op, flipped) {
                ("==", _) => Op::Eq(l),
                ("!=", _) => Op::Ne(l),
                ("contains", false) => Op::Contains(l),
                ("contains", true) => {
                    return Err(self.error_at(start, "write value contains 'literal'"))
                }
                ("<", false) | (">", true) => Op::Lt(ordered(l, self, start)?),
                ("<=", false) | (">=", true) => Op::Lte(ordered(l, self, start)?),
                (">", false) | ("<", true) => Op::Gt(ordered(l, self, start)?),
                (">=", false) | ("<=", true) => Op::Gte(ordered(l, self, start)?),
                _ => return Err(self.error_at(start, "unknown comparison")),
            },
            _ => return Err(self.error_at(start, "unknown comparison")),
        };
        Ok(Condition::Test { selector, op })
    }

    fn operand(&mut self) -> Result<Operand, FilterError> {
        let at = self.at();
        let Some(tok) = self.peek().cloned() else {
            return Err(self.error("expected a value"));
        };
        self.pos += 1;
        Ok(match tok {
            Tok::Str(s) => Operand::Literal(literal(&s, &format!("at {at}"))?),
            Tok::Num(n) => Operand::Literal(Scalar::Number(n)),
            Tok::Ident(w) if w == "true" => Operand::Literal(Scalar::Bool(true)),
            Tok::Ident(w) if w == "false" => Operand::Literal(Scalar::Bool(false)),
            Tok::Ident(w) if w == "null" => Operand::Literal(Scalar::Null),
            Tok::Ident(w) if w == "trigger" => Operand::Value(self.trigger_value(at)?),
            Tok::Sym("[") => {
                let mut items = Vec::new();
                loop {
                    // Lists hold literals, so they cannot nest: refused before recursing.
                    if matches!(self.peek(), Some(Tok::Sym("["))) {
                        return Err(self.error("a list holds literals only, not lists"));
                    }
                    match self.operand()? {
                        Operand::Literal(l) => items.push(l),
                        _ => return Err(self.error_at(at, "a list holds literals only")),
                    }
                    if items.len() > MAX_LIST {
                        return Err(self.error_at(at, &format!("lists more than {MAX_LIST} values")));
                    }
                    if self.eat_sym("]") {
                        break;
                    }
                    if !self.eat_sym(",") {
                        return Err(self.error("expected , or ] in the list"));
                    }
                }
                Operand::List(items)
            }
            Tok::Ident(_) => {
                return Err(self.error_at(
                    at,
                    "this name is not known; values are trigger.body, trigger.headers or trigger.parameters",
                ))
            }
            Tok::Sym(s) => return Err(self.error_at(at, &format!("unexpected {s:?}"))),
        })
    }

    /// `trigger.body…`, `trigger.headers…` or `trigger.parameters…`.
    fn trigger_value(&mut self, at: usize) -> Result<Selector, FilterError> {
        let mut steps = Vec::new();
        loop {
            if self.eat_sym(".") {
                match self.peek().cloned() {
                    Some(Tok::Ident(name)) => {
                        self.pos += 1;
                        steps.push(Step::Key(name));
                    }
                    _ => return Err(self.error("expected a name after .")),
                }
            } else if self.eat_sym("[") {
                match self.peek().cloned() {
                    Some(Tok::Str(key)) => steps.push(Step::Key(key)),
                    Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => {
                        steps.push(Step::Index(n as usize))
                    }
                    _ => return Err(self.error("expected an index or a quoted name in [ ]")),
                }
                self.pos += 1;
                if !self.eat_sym("]") {
                    return Err(self.error("expected ]"));
                }
            } else {
                break;
            }
            if steps.len() > MAX_STEPS + 1 {
                return Err(self.error_at(at, &format!("has more than {MAX_STEPS} steps")));
            }
        }
        let mut steps = steps.into_iter();
        let root = match steps.next() {
            Some(Step::Key(k)) if k == "body" => Root::Body,
            Some(Step::Key(k)) if k == "headers" => Root::Headers,
            Some(Step::Key(k)) if k == "parameters" => Root::Query,
            _ => {
                return Err(self.error_at(
                    at,
                    "trigger values are trigger.body, trigger.headers and trigger.parameters",
                ))
            }
        };
        let mut steps: Vec<Step> = steps.collect();
        if root != Root::Body && steps.is_empty() {
            return Err(self.error_at(
                at,
                "name a header or parameter, e.g. trigger.headers['x-event']",
            ));
        }
        if root == Root::Headers {
            if let Some(Step::Key(name)) = steps.first_mut() {
                *name = name.to_ascii_lowercase();
            }
        }
        Ok(Selector { root, steps })
    }
}

fn symbol(s: &str) -> &'static str {
    SYMBOLS
        .iter()
        .chain([","].iter())
        .find(|sym| **sym == s)
        .copied()
        .unwrap_or("")
}

fn ordered(l: Scalar, p: &Parser, at: usize) -> Result<Scalar, FilterError> {
    match l {
        s @ (Scalar::Number(_) | Scalar::String(_)) => Ok(s),
        _ => Err(p.error_at(at, "orders numbers or strings only")),
    }
}

fn one_or(mut parts: Vec<Condition>, join: fn(Vec<Condition>) -> Condition) -> Condition {
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        join(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escaped_multibyte_character_is_one_character() {
        let c = parse("{{ trigger.body.a == '\\é' }}").unwrap();
        let Condition::Test { op, .. } = c else {
            panic!("{c:?}")
        };
        assert_eq!(op, Op::Eq(Scalar::String("é".into())));
        for text in [
            "trigger.body.a == '\\日本'",
            "trigger.body.a == \"\\🚀\"",
            "'\\é",
        ] {
            // Parsed or refused, never a panic.
            let _ = parse(text);
        }
        assert_eq!(
            parse("trigger.body.a == '\\é\\'").unwrap_err().message,
            "unclosed string"
        );
    }

    #[test]
    fn lists_do_not_nest() {
        let deep = format!("trigger.body.a in {}", "[".repeat(4000));
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.at, "at 19");
        assert!(e.message.contains("literals only"), "{e:?}");
        assert!(parse("trigger.body.a in [['x']]").is_err());
        assert!(parse("trigger.body.a in ['x', 1, true, null]").is_ok());
    }
}
