//! The filter language, both spellings: compiling never panics, stays within its
//! bounds, and what compiles evaluates (against a request built from the same bytes)
//! without panicking. Compiling the kept source again gives the same condition.
#![no_main]

use hookgate_core::filter::{evaluate, Filter, Source, MAX_FILTER_BYTES};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::borrow::Cow;

struct Req(Option<Value>);

impl Source for Req {
    fn body(&self) -> Option<&Value> {
        self.0.as_ref()
    }
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        (name.len() % 2 == 0).then_some(Cow::Borrowed("x"))
    }
    fn query(&self, _name: &str, index: usize) -> Option<Cow<'_, str>> {
        (index == 0).then_some(Cow::Borrowed("1"))
    }
    fn path(&self) -> &str {
        "/p"
    }
    fn method(&self) -> &str {
        "POST"
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the filter, the rest the body.
    let (filter, body) = text.split_once('\n').unwrap_or((text, ""));
    let source = serde_json::from_str::<Value>(filter)
        .unwrap_or_else(|_| Value::String(filter.to_string()));
    let Ok(f) = Filter::compile(source.clone()) else {
        return;
    };
    assert!(filter.len() <= MAX_FILTER_BYTES || source.is_object());
    let again = Filter::compile(f.source().clone()).expect("a kept source compiles again");
    assert_eq!(again.condition(), f.condition());
    let body = serde_json::from_str(body).ok().or(Some(Value::String(body.into())));
    let _ = evaluate(f.condition(), &Req(body));
});
