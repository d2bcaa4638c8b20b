//! The connection and the admin API client. Every refusal is a [`Failure`]; `run` maps
//! it to an exit code in one place.

use crate::args::Conn;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The API refused, with its RFC 9457 problem.
    Api {
        status: u16,
        code: String,
        detail: String,
    },
    /// The gateway could not be reached, or answered something that is not the API.
    Transport(String),
    /// A file or an input that is not valid (exit 1, like a refusal).
    Invalid(String),
    /// The command line or its inputs cannot be used (exit 2).
    Usage(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Api {
                status,
                code,
                detail,
            } => write!(f, "refused: {code} ({status}): {detail}"),
            Failure::Transport(e) => write!(f, "could not talk to the gateway: {e}"),
            Failure::Invalid(e) => write!(f, "invalid: {e}"),
            Failure::Usage(e) => write!(f, "usage: {e}"),
        }
    }
}

pub type Outcome<T> = Result<T, Failure>;

/// What `hookgate login` keeps.
#[derive(Serialize, Deserialize, Default)]
pub struct Profile {
    pub url: Option<String>,
    pub token: Option<String>,
}

pub fn profile_path(conn: &Conn) -> PathBuf {
    if let Some(p) = &conn.profile {
        return p.clone();
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("hookgate/profile.toml")
}

fn read_profile(conn: &Conn) -> Profile {
    std::fs::read_to_string(profile_path(conn))
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default()
}

/// Writes the profile readable by its owner only: it holds the admin token.
pub fn write_profile(conn: &Conn, profile: &Profile) -> Outcome<PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let path = profile_path(conn);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Usage(format!("{}: {e}", dir.display())))?;
    }
    let text = toml::to_string(profile).expect("a profile serializes");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    // An existing file keeps its mode on open: set it too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .and_then(|()| file.write_all(text.as_bytes()))
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    Ok(path)
}

pub struct Api {
    pub base: String,
    token: String,
    agent: ureq::Agent,
}

impl Api {
    /// Flags, then the environment (clap reads both), then the profile.
    pub fn connect(conn: &Conn) -> Outcome<Api> {
        let profile = read_profile(conn);
        let base = conn.url.clone().or(profile.url).ok_or_else(|| {
            Failure::Usage(
                "no gateway: pass --url, set HOOKGATE_URL, or run `hookgate login`".into(),
            )
        })?;
        let token = conn.token.clone().or(profile.token).ok_or_else(|| {
            Failure::Usage(
                "no admin token: pass --token, set HOOKGATE_TOKEN, or run `hookgate login`".into(),
            )
        })?;
        Ok(Api::new(&base, &token))
    }

    pub fn new(base: &str, token: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .redirects(0)
                .build(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An admin call; a problem answer becomes `Failure::Api`.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Outcome<Value> {
        let req = self
            .agent
            .request(method, &self.url(path))
            .set("Authorization", &format!("Bearer {}", self.token));
        let result = match body {
            Some(b) => req
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            None if method == "GET" => req.call(),
            // An explicit empty body (Content-Length: 0), as the admin API's own tests
            // send: a bodiless DELETE through the local dev proxy came back cut off.
            None => req.send_bytes(&[]),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(Failure::Transport(t.to_string())),
        };
        let status = response.status();
        if status == 204 {
            // No body to read: reading one anyway is an unexpected end of file.
            return Ok(Value::Null);
        }
        let text = response
            .into_string()
            .map_err(|e| Failure::Transport(e.to_string()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|_| Failure::Transport(format!("answer {status} is not JSON")))?;
        if status >= 400 {
            return Err(Failure::Api {
                status,
                code: value["code"].as_str().unwrap_or("unknown").to_string(),
                detail: problem_detail(&value),
            });
        }
        Ok(value)
    }

    /// Every webhook, following `next_cursor` when the list is paginated.
    pub fn webhooks(&self) -> Outcome<Vec<Value>> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/admin/v1/webhooks?cursor={}", encode(c)),
                None => "/admin/v1/webhooks".to_string(),
            };
            let page = self.call("GET", &path, None)?;
            if let Some(list) = page["webhooks"].as_array() {
                all.extend(list.iter().cloned());
            }
            match page.get("next_cursor").and_then(Value::as_str) {
                Some(next) if !next.is_empty() && cursor.as_deref() != Some(next) => {
                    cursor = Some(next.to_string())
                }
                _ => return Ok(all),
            }
        }
    }

    /// A webhook by id, name or path.
    pub fn find(&self, reference: &str) -> Outcome<Value> {
        if reference.starts_with("wh_") {
            return self.call("GET", &format!("/admin/v1/webhooks/{reference}"), None);
        }
        let all = self.webhooks()?;
        let field = if reference.starts_with('/') {
            "path"
        } else {
            "name"
        };
        let found: Vec<&Value> = all.iter().filter(|w| w[field] == reference).collect();
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Failure::Api {
                status: 404,
                code: "not_found".into(),
                detail: format!("no webhook with {field} {reference}"),
            }),
            _ => Err(Failure::Usage(format!(
                "{} webhooks have the {field} {reference}: use the id",
                found.len()
            ))),
        }
    }
}

/// The detail and, when the API names fields, each of them.
fn problem_detail(problem: &Value) -> String {
    let mut detail = problem["detail"].as_str().unwrap_or_default().to_string();
    if let Some(errors) = problem["errors"].as_array() {
        let fields: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                Some(format!(
                    "{}: {}",
                    e["field"].as_str()?,
                    e["message"].as_str()?
                ))
            })
            .collect();
        if !fields.is_empty() && !detail.contains(&fields[0]) {
            detail = format!("{detail} [{}]", fields.join("; "));
        }
    }
    detail
}

/// Percent-encodes a query value (cursors are opaque).
fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
