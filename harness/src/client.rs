//! The sender's and the operator's side: real HTTP over loopback.

use crate::gateway::Gateway;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// Asserts an RFC 9457 problem with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status, status,
            "want {status} {code}, got {}: {}",
            self.status, self.body
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "problem content type for {code}"
        );
        let v = self.json();
        assert_eq!(v["code"], code, "{}", self.body);
        assert_eq!(v["status"], status);
        assert!(v["title"].is_string() && v["detail"].is_string() && v["type"].is_string());
        v
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .redirects(0)
        .build()
}

fn into_resp(result: Result<ureq::Response, ureq::Error>) -> Resp {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|n| {
            let v = response.header(&n).unwrap_or_default().to_string();
            (n, v)
        })
        .collect();
    let body = response.into_string().unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut req = agent().request(method, url);
    for (k, v) in headers {
        req = req.set(k, v);
    }
    into_resp(if body.is_empty() && method == "GET" {
        req.call()
    } else {
        req.send_bytes(body)
    })
}

/// Sends the body with `Transfer-Encoding: chunked` and no Content-Length.
pub fn send_chunked(url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Resp {
    let mut req = agent().request("POST", url);
    for (k, v) in headers {
        req = req.set(k, v);
    }
    into_resp(req.send(std::io::Cursor::new(body)))
}

/// Writes raw bytes on a fresh connection: for requests no well-behaved client would
/// send (unnormalized paths, lying headers).
pub fn raw(gateway: &Gateway, request: &str) -> Resp {
    let addr = gateway.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The operator's side of the admin API.
pub struct Admin<'g> {
    pub gateway: &'g Gateway,
    pub token: String,
}

impl<'g> Admin<'g> {
    pub fn of(gateway: &'g Gateway) -> Admin<'g> {
        Admin {
            gateway,
            token: gateway
                .admin_token
                .clone()
                .expect("this gateway has an admin token"),
        }
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let auth = self.auth();
        let text = body.map(|b| b.to_string()).unwrap_or_default();
        send(
            method,
            &self.gateway.url(path),
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            text.as_bytes(),
        )
    }

    /// Creates a webhook and returns the 201 answer.
    pub fn create(&self, spec: Value) -> Value {
        let r = self.call("POST", "/admin/v1/webhooks", Some(&spec));
        assert_eq!(r.status, 201, "create {spec}: {}", r.body);
        r.json()
    }
}

/// A unique path segment per call, so tests running in parallel never collide.
pub fn unique(tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{tag}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
