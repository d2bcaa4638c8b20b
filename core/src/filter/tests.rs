use super::*;
use serde_json::{json, Value};
use std::borrow::Cow;

struct Req {
    body: Option<Value>,
    headers: Vec<(&'static str, &'static str)>,
    query: Vec<(&'static str, &'static str)>,
    path: &'static str,
    method: &'static str,
}

impl Source for Req {
    fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| Cow::Borrowed(*v))
    }
    fn query(&self, name: &str, index: usize) -> Option<Cow<'_, str>> {
        self.query
            .iter()
            .filter(|(k, _)| *k == name)
            .nth(index)
            .map(|(_, v)| Cow::Borrowed(*v))
    }
    fn path(&self) -> &str {
        self.path
    }
    fn method(&self) -> &str {
        self.method
    }
}

fn req(body: Value) -> Req {
    Req {
        body: Some(body),
        headers: vec![("x-github-event", "pull_request"), ("x-count", "7")],
        query: vec![("env", "prod"), ("env", "staging"), ("page", "2")],
        path: "/hooks/github",
        method: "POST",
    }
}

fn sample() -> Req {
    req(json!({
        "hello": "world",
        "action": "opened",
        "n": 5,
        "ratio": 0.5,
        "draft": false,
        "nothing": null,
        "tags": ["a", "b", 3],
        "pr": {"title": "Fix the thing", "labels": {"bug": true}},
        "dotted.key": "yes"
    }))
}

fn holds(filter: Value, r: &Req) -> bool {
    let f = Filter::compile(filter.clone()).unwrap_or_else(|e| panic!("{filter}: {e}"));
    evaluate(f.condition(), r)
}

fn refused(filter: Value) -> String {
    match Filter::compile(filter.clone()) {
        Ok(_) => panic!("{filter} compiled"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn equality_and_inequality() {
    let r = sample();
    assert!(holds(json!({"field": "body.hello", "eq": "world"}), &r));
    assert!(!holds(json!({"field": "body.hello", "eq": "moon"}), &r));
    assert!(holds(json!({"field": "body.n", "eq": 5}), &r));
    assert!(holds(json!({"field": "body.n", "eq": 5.0}), &r));
    assert!(
        !holds(json!({"field": "body.n", "eq": "5"}), &r),
        "no coercion inside JSON"
    );
    assert!(holds(json!({"field": "body.draft", "eq": false}), &r));
    assert!(holds(json!({"field": "body.nothing", "eq": null}), &r));
    assert!(holds(json!({"field": "body.hello", "ne": "moon"}), &r));
    assert!(holds(json!({"field": "body.missing", "ne": "x"}), &r));
    assert!(!holds(json!({"field": "body.missing", "eq": null}), &r));
    assert!(holds(
        json!({"field": "body[\"dotted.key\"]", "eq": "yes"}),
        &r
    ));
    assert!(holds(
        json!({"field": "$.body.pr.title", "eq": "Fix the thing"}),
        &r
    ));
}

#[test]
fn headers_query_path_and_method() {
    let r = sample();
    assert!(holds(
        json!({"field": "headers.X-GitHub-Event", "eq": "pull_request"}),
        &r
    ));
    assert!(holds(json!({"field": "headers.x-count", "eq": 7}), &r));
    assert!(holds(json!({"field": "headers.x-count", "gt": 6}), &r));
    assert!(holds(json!({"field": "query.env", "eq": "prod"}), &r));
    assert!(holds(json!({"field": "query.env[1]", "eq": "staging"}), &r));
    assert!(!holds(json!({"field": "query.env[2]", "exists": true}), &r));
    assert!(holds(json!({"field": "query.page", "lte": 2}), &r));
    assert!(holds(json!({"field": "path", "contains": "github"}), &r));
    assert!(holds(json!({"field": "method", "in": ["POST", "PUT"]}), &r));
}

#[test]
fn ordering() {
    let r = sample();
    assert!(holds(json!({"field": "body.n", "gt": 4}), &r));
    assert!(!holds(json!({"field": "body.n", "gt": 5}), &r));
    assert!(holds(json!({"field": "body.n", "gte": 5}), &r));
    assert!(holds(json!({"field": "body.ratio", "lt": 1}), &r));
    assert!(holds(json!({"field": "body.ratio", "lte": 0.5}), &r));
    assert!(holds(json!({"field": "body.action", "gt": "a"}), &r));
    // Different types never order.
    assert!(!holds(json!({"field": "body.action", "gt": 1}), &r));
    assert!(!holds(json!({"field": "body.missing", "lt": 1}), &r));
    assert!(refused(json!({"field": "body.n", "gt": true})).contains("number or a string"));
}

#[test]
fn in_exists_and_contains() {
    let r = sample();
    assert!(holds(
        json!({"field": "body.action", "in": ["opened", "reopened"]}),
        &r
    ));
    assert!(!holds(
        json!({"field": "body.action", "in": ["closed"]}),
        &r
    ));
    assert!(holds(json!({"field": "body.pr", "exists": true}), &r));
    assert!(holds(json!({"field": "body.pr.nope", "exists": false}), &r));
    assert!(
        !holds(json!({"field": "body.nothing", "exists": false}), &r),
        "null is present"
    );
    assert!(holds(
        json!({"field": "body.pr.title", "contains": "thing"}),
        &r
    ));
    assert!(holds(json!({"field": "body.tags", "contains": "b"}), &r));
    assert!(holds(json!({"field": "body.tags", "contains": 3}), &r));
    assert!(!holds(json!({"field": "body.tags", "contains": "c"}), &r));
    assert!(holds(
        json!({"field": "body.pr.labels", "contains": "bug"}),
        &r
    ));
    assert!(holds(json!({"field": "body.tags[1]", "eq": "b"}), &r));
    assert!(!holds(json!({"field": "body.tags[9]", "exists": true}), &r));
}

#[test]
fn connectives() {
    let r = sample();
    let yes = json!({"field": "body.hello", "eq": "world"});
    let no = json!({"field": "body.hello", "eq": "moon"});
    assert!(holds(json!({"and": [yes, yes]}), &r));
    assert!(!holds(json!({"and": [yes, no]}), &r));
    assert!(holds(json!({"or": [no, yes]}), &r));
    assert!(!holds(json!({"or": [no, no]}), &r));
    assert!(holds(json!({"not": no}), &r));
    assert!(holds(json!({"not": {"and": [yes, no]}}), &r));
}

#[test]
fn non_json_bodies_are_strings_and_absent_bodies_select_nothing() {
    let mut r = req(Value::String("plain text".into()));
    assert!(holds(json!({"field": "body", "contains": "plain"}), &r));
    assert!(!holds(json!({"field": "body.x", "exists": true}), &r));
    r.body = None;
    assert!(!holds(json!({"field": "body", "exists": true}), &r));
    assert!(holds(
        json!({"field": "headers.x-count", "exists": true}),
        &r
    ));
}

#[test]
fn kestra_expressions_translate() {
    let r = sample();
    let k = |e: &str| holds(Value::String(e.into()), &r);
    assert!(k("{{ trigger.body.hello == 'world' }}"));
    assert!(!k("{{ trigger.body.hello == 'moon' }}"));
    assert!(k("{{ 'world' == trigger.body.hello }}"));
    assert!(k("{{trigger.body.hello != \"moon\"}}"));
    assert!(k("trigger.body.n > 4 and trigger.body.n <= 5"));
    assert!(k("{{ 4 < trigger.body.n }}"), "flipped comparisons flip");
    assert!(!k("{{ 5 < trigger.body.n }}"));
    assert!(k("{{ trigger.body.action in ['opened', 'reopened'] }}"));
    assert!(k("{{ trigger.body.tags contains 'a' }}"));
    assert!(k(
        "{{ trigger.body.pr.title contains 'thing' && !(trigger.body.draft) }}"
    ));
    assert!(k(
        "{{ not trigger.body.draft or trigger.body.hello == 'x' }}"
    ));
    assert!(k(
        "{{ trigger.headers['x-github-event'][0] == 'pull_request' }}"
    ));
    assert!(k("{{ trigger.headers.x-github-event == 'pull_request' }}"));
    assert!(k("{{ trigger.parameters.env[1] == 'staging' }}"));
    assert!(k("{{ trigger.parameters.page == 2 }}"));
    assert!(k(
        "{{ trigger.body.pr is defined and trigger.body.nope is not defined }}"
    ));
    assert!(k(
        "{{ trigger.body.nothing is null and trigger.body.hello is not null }}"
    ));
    assert!(k("{{ trigger.body.hello equals 'world' }}"));
    assert!(k("{{ trigger.body.hello }}"), "a bare value is truthy");
    assert!(!k("{{ trigger.body.draft }}"));
}

#[test]
fn kestra_mistakes_are_refused_with_a_reason() {
    for (expr, why) in [
        ("{{ trigger.body.hello == }}", "expected a value"),
        ("{{ trigger.body.hello == 'world' ", "does not end with }}"),
        (
            "{{ trigger.body.a == trigger.body.b }}",
            "two trigger values",
        ),
        ("{{ 'a' == 'b' }}", "two literals"),
        ("{{ flow.id == 'x' }}", "is not known"),
        ("{{ trigger.outputs.x == 1 }}", "trigger.body"),
        ("{{ trigger.body.x in 'a' }}", "takes a list"),
        ("{{ trigger.body.x == 'unclosed }}", "unclosed string"),
        ("{{ trigger.body.x == 1 ) }}", "unexpected text"),
        ("{{ trigger.body.x > true }}", "numbers or strings"),
        ("{{ 'lonely' }}", "literal alone"),
        ("{{ trigger.headers == 'x' }}", "name a header"),
        ("{{ trigger.body.x ~ 1 }}", "unexpected character"),
    ] {
        let e = refused(Value::String(expr.into()));
        assert!(e.contains(why), "{expr}: {e}");
    }
}

#[test]
fn structured_mistakes_are_refused_with_a_location() {
    for (filter, why) in [
        (json!(42), "must be an object"),
        (json!({}), "needs \"field\""),
        (json!({"field": "body.a"}), "exactly one operator"),
        (
            json!({"field": "body.a", "eq": 1, "ne": 2}),
            "exactly one operator",
        ),
        (
            json!({"field": "body.a", "like": "x"}),
            "is not an operator",
        ),
        (
            json!({"field": "cookies.a", "eq": 1}),
            "must start with body",
        ),
        (json!({"field": "body..a", "eq": 1}), "empty step"),
        (
            json!({"field": "body[x]", "eq": 1}),
            "index or a quoted key",
        ),
        (json!({"field": "body[0", "eq": 1}), "unclosed"),
        (json!({"field": "path.x", "eq": 1}), "take no steps"),
        (json!({"field": "headers", "eq": 1}), "must name a header"),
        (json!({"field": 7, "eq": 1}), "must be a string"),
        (
            json!({"field": "body.a", "eq": {"x": 1}}),
            "compare objects field by field",
        ),
        (json!({"field": "body.a", "in": []}), "between 1 and"),
        (json!({"field": "body.a", "in": "x"}), "list of values"),
        (json!({"field": "body.a", "exists": "yes"}), "true or false"),
        (json!({"and": []}), "must not be empty"),
        (
            json!({"and": {"field": "body.a", "eq": 1}}),
            "list of conditions",
        ),
        (
            json!({"and": [{"field": "body.a", "eq": 1}], "x": 1}),
            "only member",
        ),
        (
            json!({"or": [{"field": "body.a", "like": 1}]}),
            "filter.or[0]",
        ),
    ] {
        let e = refused(filter.clone());
        assert!(e.contains(why), "{filter}: {e}");
    }
}

#[test]
fn hostile_filters_are_bounded() {
    // Deep nesting, in both spellings.
    let mut deep = json!({"field": "body.a", "eq": 1});
    for _ in 0..200 {
        deep = json!({"not": deep});
    }
    assert!(refused(deep).contains("deeper"));
    let deep_kestra = format!(
        "{{{{ {}trigger.body.a{} }}}}",
        "(".repeat(500),
        ")".repeat(500)
    );
    assert!(refused(Value::String(deep_kestra)).contains("deeper"));
    let nots = format!("{{{{ {}trigger.body.a }}}}", "!".repeat(100));
    assert!(refused(Value::String(nots)).contains("deeper"));
    // Too many conditions.
    let wide: Vec<Value> = (0..65)
        .map(|i| json!({"field": format!("body.a{i}"), "eq": i}))
        .collect();
    assert!(refused(json!({"or": wide})).contains("more than 64"));
    let wide_kestra = (0..65)
        .map(|i| format!("trigger.body.a == {i}"))
        .collect::<Vec<_>>()
        .join(" or ");
    assert!(refused(Value::String(wide_kestra)).contains("more than 64"));
    // Huge lists, literals, selectors and sources.
    let list: Vec<u32> = (0..65).collect();
    assert!(refused(json!({"field": "body.a", "in": list})).contains("between 1 and 64"));
    assert!(refused(json!({"field": "body.a", "eq": "x".repeat(1025)})).contains("longer"));
    let long_path = format!("body{}", ".a".repeat(17));
    assert!(refused(json!({"field": long_path, "eq": 1})).contains("steps"));
    assert!(refused(Value::String(format!(
        "trigger.body.a == '{}'",
        "x".repeat(5000)
    )))
    .contains("at most 4096"));
    assert!(
        refused(json!({"field": "body.a", "eq": 1, "pad": "x".repeat(5000)}))
            .contains("at most 4096")
    );
    let huge_index = "body[99999999999999999999999]".to_string();
    assert!(refused(json!({"field": huge_index, "eq": 1})).contains("too large"));
}

/// The fastest of `runs` timings of `f`, in nanoseconds (the minimum is what is left
/// when the machine's other work is not in the way).
fn fastest_ns(runs: usize, mut f: impl FnMut()) -> u128 {
    (0..runs)
        .map(|_| {
            let started = std::time::Instant::now();
            f();
            started.elapsed().as_nanos()
        })
        .min()
        .unwrap()
        .max(1)
}

#[test]
fn evaluation_over_a_huge_body_is_linear() {
    // libtest has no time limit, so "linear" is measured: the same conditions over a body
    // n and 4n long. Linear work takes about 4 times as long; quadratic work 16 times.
    // The bound (8) leaves room for noise on a loaded machine and still catches n^2.
    let body = |n: usize| {
        let items: Vec<Value> = (0..n as u64).map(Value::from).collect();
        req(json!({"s": "a".repeat(n * 64), "items": items}))
    };
    let needle = format!("{}b", "a".repeat(1000));
    let conditions = [
        Filter::compile(json!({"field": "body.s", "contains": needle})).unwrap(),
        Filter::compile(json!({"field": "body.items", "contains": -1})).unwrap(),
    ];
    let (small, large) = (body(4 * 1024), body(16 * 1024));
    let time = |r: &Req| {
        fastest_ns(15, || {
            for c in &conditions {
                assert!(!evaluate(c.condition(), std::hint::black_box(r)));
            }
        })
    };
    // Warm both bodies once (page faults, caches), then measure. A busy machine can slow
    // one measurement down: up to three tries, the best ratio counts. Quadratic work is
    // about 16x every time, so no try passes it.
    time(&small);
    time(&large);
    let mut best = f64::INFINITY;
    let mut tries = Vec::new();
    for _ in 0..3 {
        let (t_small, t_large) = (time(&small), time(&large));
        let ratio = t_large as f64 / t_small as f64;
        tries.push(format!("{ratio:.1}x ({t_small} ns, then {t_large} ns)"));
        best = best.min(ratio);
        if best < 8.0 {
            break;
        }
    }
    assert!(
        best < 8.0,
        "4x the body took this much more time in each try: {tries:?}; not linear"
    );
    // And the answers are right at the far end of the big body.
    assert!(holds(
        json!({"field": "body.items[16383]", "eq": 16383}),
        &large
    ));
}

#[test]
fn the_source_is_kept_as_given_and_round_trips() {
    let f: Filter = serde_json::from_str(r#""{{ trigger.body.hello == 'world' }}""#).unwrap();
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#""{{ trigger.body.hello == 'world' }}""#
    );
    assert!(f.reads_body());
    let g: Filter = serde_json::from_str(r#"{"field":"headers.x-a","exists":true}"#).unwrap();
    assert!(!g.reads_body());
    assert!(serde_json::from_str::<Filter>(r#"{"field":"nope","eq":1}"#).is_err());
}

#[test]
fn selectors_parse() {
    let s = parse_selector("body.items[2]['a b'].c").unwrap();
    assert_eq!(s.root, Root::Body);
    assert_eq!(
        s.steps,
        vec![
            Step::Key("items".into()),
            Step::Index(2),
            Step::Key("a b".into()),
            Step::Key("c".into())
        ]
    );
    let h = parse_selector("headers.X-Event").unwrap();
    assert_eq!(h.steps, vec![Step::Key("x-event".into())]);
}
