//! A headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`;
//! nothing downloads a browser). A small client over the W3C protocol's JSON: enough to
//! load a page, find elements by CSS, click, type, run a script, read the console log
//! and save screenshots.

use crate::gateway::{free_port, TempDir};
use base64::Engine;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: String,
    session: String,
    child: Child,
    _profile: TempDir,
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session. Panics with the install
    /// command when either is missing: the test never skips.
    pub fn start() -> Browser {
        for bin in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: `apt-get install -y chromium chromium-driver` (scripts/test.sh does this)"
            );
        }
        let port = free_port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent().get(&format!("{driver}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = TempDir::new("chromium-profile");
        // The flags the machine notes give: no background networking (the network is
        // closed), no sandbox (root), a fresh profile.
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.0.display())]
            }
        }}});
        let answer: Value = serde_json::from_str(
            &agent()
                .post(&format!("{driver}/session"))
                .set("Content-Type", "application/json")
                .send_string(&caps.to_string())
                .expect("a Chromium session")
                .into_string()
                .unwrap(),
        )
        .unwrap();
        let session = answer["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Browser {
            driver,
            session,
            child,
            _profile: profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{}", self.driver, self.session, path);
        let req = agent().request(method, &url);
        let result = match body {
            Some(b) => req
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            None => req.call(),
        };
        match result {
            Ok(r) => {
                let v: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
                v["value"].clone()
            }
            Err(ureq::Error::Status(code, r)) => {
                let text = r.into_string().unwrap_or_default();
                panic!("WebDriver {method} {path}: {code} {text}")
            }
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn set_window(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    fn element(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    pub fn click(&self, css: &str) {
        self.wait_visible(css);
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Replaces the field's value by typing `text` into it.
    pub fn type_into(&self, css: &str, text: &str) {
        self.wait_visible(css);
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Chooses an option of a visible `<select>` by value and fires `change`, as the
    /// browser does when a person picks it (options themselves have no layout box to
    /// click in headless Chromium). Panics if no such option exists.
    pub fn select(&self, css: &str, value: &str) {
        self.wait_visible(css);
        let chosen = self.exec(
            "const s = document.querySelector(arguments[0]); \
             if (![...s.options].some(o => o.value === arguments[1])) return false; \
             s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); \
             return true;",
            vec![json!(css), json!(value)],
        );
        assert_eq!(chosen, json!(true), "{css} has no option {value:?}");
    }

    pub fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    pub fn text(&self, css: &str) -> String {
        self.exec(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            vec![json!(css)],
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits until `script` (a function body) returns true.
    pub fn wait_until(&self, what: &str, script: &str, args: Vec<Value>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.exec(script, args.clone()) == json!(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn wait_visible(&self, css: &str) {
        self.wait_until(
            &format!("{css} to be visible"),
            "const e = document.querySelector(arguments[0]); \
             return !!e && e.offsetParent !== null && !e.closest('[hidden]');",
            vec![json!(css)],
        );
    }

    pub fn wait_text(&self, css: &str, contains: &str) {
        self.wait_until(
            &format!("{css} to contain {contains:?}"),
            "const e = document.querySelector(arguments[0]); \
             return !!e && e.textContent.includes(arguments[1]);",
            vec![json!(css), json!(contains)],
        );
    }

    pub fn screenshot(&self, path: &Path) {
        let b64 = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// The browser console since the last call: `(level, message)`.
    pub fn console(&self) -> Vec<(String, String)> {
        let v = self.call("POST", "/se/log", Some(json!({"type": "browser"})));
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                (
                    e["level"].as_str().unwrap_or_default().to_string(),
                    e["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = agent()
            .delete(&format!("{}/session/{}", self.driver, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
