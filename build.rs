//! The dashboard's script is named in its Content-Security-Policy by hash, not by origin
//! (`script-src 'sha256-…'`), and the page asks for exactly that script
//! (`integrity="sha256-…"`). Both come from `dashboard/app.js` as it is built, so the
//! hash can never go stale.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

const SCRIPT_TAG: &str = r#"<script src="/admin/app.js" defer></script>"#;

fn main() {
    println!("cargo:rerun-if-changed=dashboard/app.js");
    println!("cargo:rerun-if-changed=dashboard/index.html");
    let script = std::fs::read("dashboard/app.js").expect("dashboard/app.js");
    let integrity = format!("sha256-{}", STANDARD.encode(Sha256::digest(&script)));
    let page = std::fs::read_to_string("dashboard/index.html").expect("dashboard/index.html");
    assert_eq!(
        page.matches(SCRIPT_TAG).count(),
        1,
        "dashboard/index.html must load its script with exactly {SCRIPT_TAG}"
    );
    let page = page.replace(
        SCRIPT_TAG,
        &format!(r#"<script src="/admin/app.js" integrity="{integrity}" defer></script>"#),
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("index.html"), page).expect("writes the page");
    println!("cargo:rustc-env=HOOKGATE_APP_JS_INTEGRITY={integrity}");
}
