//! The generic scheme's signed-content template: never panics; an accepted template
//! signs the body exactly once and its literals reassemble the input.
#![no_main]

use hookgate_core::model::template::{parse_template, Part};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parts) = parse_template(s) {
        assert_eq!(parts.iter().filter(|p| **p == Part::Body).count(), 1);
        let rebuilt: String = parts
            .iter()
            .map(|p| match p {
                Part::Literal(l) => l.to_string(),
                Part::Id => "{id}".into(),
                Part::Timestamp => "{timestamp}".into(),
                Part::Body => "{body}".into(),
            })
            .collect();
        assert_eq!(rebuilt, s);
    }
});
