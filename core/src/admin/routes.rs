//! Admin API authorization and routing, without the platform.

use crate::problem::{ErrorCode, Problem};
use crate::secret::{constant_time_eq_hashed, WebhookId};
use sha2::{Digest, Sha256};

/// The shortest `ADMIN_TOKEN` that opens the admin API: a bearer token is all that
/// guards it, so a short one would be guessable.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 32;

/// Why the configured `ADMIN_TOKEN` keeps the admin API closed, if it does: for the
/// operator's log (the answer says only that it is closed).
pub fn token_unusable(configured: Option<&str>) -> Option<&'static str> {
    match configured {
        None | Some("") => Some("no ADMIN_TOKEN is configured"),
        Some(t) if t.chars().count() < MIN_ADMIN_TOKEN_CHARS => {
            Some("ADMIN_TOKEN is shorter than 32 characters")
        }
        Some(_) => None,
    }
}

/// Decides whether an admin request may proceed. `configured` is the `ADMIN_TOKEN`
/// secret; when it is unset, empty or shorter than [`MIN_ADMIN_TOKEN_CHARS`] the admin
/// API is closed, never open.
pub fn authorize(configured: Option<&str>, authorization: Option<&str>) -> Result<(), Problem> {
    let expected = match (token_unusable(configured), configured) {
        (None, Some(expected)) => expected,
        _ => {
            return Err(Problem::new(
                ErrorCode::AdminDisabled,
                "the admin API is closed: ADMIN_TOKEN is unset or shorter than 32 characters; \
                 set one with `wrangler secret put ADMIN_TOKEN`",
            ))
        }
    };
    let presented = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if !presented.is_empty() && constant_time_eq_hashed(expected.as_bytes(), presented.as_bytes()) {
        Ok(())
    } else {
        Err(Problem::new(
            ErrorCode::Unauthorized,
            "send Authorization: Bearer <ADMIN_TOKEN>",
        )
        .with_header("WWW-Authenticate", "Bearer realm=\"hookgate-admin\""))
    }
}

/// The first `name=` value of a query string.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `?limit=N`: 1 to `max`, `default` when absent.
fn limit(query: Option<&str>, default: usize, max: usize) -> Result<usize, Problem> {
    match query_param(query, "limit") {
        None => Ok(default),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Problem::new(
                ErrorCode::InvalidQuery,
                format!("limit must be a whole number from 1 to {max}"),
            )),
        },
    }
}

/// `?limit=N` of the deliveries endpoint: 1 to `max`, `max` when absent.
pub fn deliveries_limit(query: Option<&str>, max: usize) -> Result<usize, Problem> {
    limit(query, max, max)
}

/// Webhooks per page of `GET /admin/v1/webhooks` when `limit` is not given, and at
/// most: a page is one KV list and one KV bulk read, which takes up to 100 keys.
pub const DEFAULT_LIST_LIMIT: usize = 50;
pub const MAX_LIST_LIMIT: usize = 100;

/// A page of the webhook list asked for: how many, and after which (the KV list cursor
/// the previous page's `next_cursor` carries).
#[derive(Debug, PartialEq, Eq)]
pub struct ListPage {
    pub limit: usize,
    pub kv_cursor: Option<String>,
}

/// Bytes of the check that ends a `next_cursor`: a cursor cut short or mistyped is
/// refused here, not passed on to KV (which may fail on it, or start again).
const CURSOR_CHECK_BYTES: usize = 4;
const MAX_CURSOR_CHARS: usize = 2048;

/// `?limit=N&cursor=C` of `GET /admin/v1/webhooks`.
pub fn list_page(query: Option<&str>) -> Result<ListPage, Problem> {
    let limit = limit(query, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)?;
    let kv_cursor = query_param(query, "cursor")
        .map(|c| {
            decode_cursor(&c).ok_or_else(|| {
                Problem::new(
                    ErrorCode::InvalidQuery,
                    "cursor is not a next_cursor this API gave; list again without it",
                )
            })
        })
        .transpose()?;
    Ok(ListPage { limit, kv_cursor })
}

/// The `next_cursor` that continues after a page: KV's cursor with a check, in hex (URL
/// safe, and the hex codec is in the Worker already).
pub fn next_cursor(kv_cursor: &str) -> String {
    let mut bytes = kv_cursor.as_bytes().to_vec();
    bytes.extend_from_slice(&Sha256::digest(kv_cursor.as_bytes())[..CURSOR_CHECK_BYTES]);
    hex::encode(bytes)
}

fn decode_cursor(cursor: &str) -> Option<String> {
    if cursor.len() > MAX_CURSOR_CHARS {
        return None;
    }
    let bytes = hex::decode(cursor).ok()?;
    let split = bytes.len().checked_sub(CURSOR_CHECK_BYTES)?;
    let (kv, check) = bytes.split_at(split);
    if split == 0 || Sha256::digest(kv)[..CURSOR_CHECK_BYTES] != *check {
        return None;
    }
    String::from_utf8(kv.to_vec()).ok()
}

/// The admin operations, parsed from method and path.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminRoute {
    List,
    Create,
    Get(WebhookId),
    Update(WebhookId),
    Delete(WebhookId),
    RotateSecret(WebhookId),
    RotateForwardingSecret(WebhookId),
    /// `POST …/arm-handshake`: accept one handshake that plants the secret (Asana's)
    /// during a window from now.
    ArmHandshake(WebhookId),
    Deliveries(WebhookId),
    /// `GET …/deliveries/{delivery_id}`.
    Delivery(WebhookId, String),
    /// `POST …/deliveries/{delivery_id}/replay`.
    Replay(WebhookId, String),
    /// `POST …/test`: a signed synthetic event through the whole pipeline.
    Test(WebhookId),
    /// `GET …/stats`: per-minute counts of the last hour.
    Stats(WebhookId),
    /// `POST …/replays`: a bulk replay of the selected deliveries (`admin::replays`).
    StartReplay(WebhookId),
    /// `GET …/replays/{replay_id}`: its progress.
    ReplayProgress(WebhookId, String),
    /// `GET /admin/v1/schemes`: every scheme and what its sender sends.
    Schemes,
    /// `PUT|GET /admin/v1/namespaces/{name}`.
    PutNamespace(String),
    GetNamespace(String),
}

/// Every authenticated admin operation, as `(method, path template)`. The OpenAPI test
/// checks that `openapi/openapi.json` documents exactly these, and [`route`] serves
/// nothing else: an operation missing here answers `404`, so none can be served
/// undocumented.
pub const OPERATIONS: &[(&str, &str)] = &[
    ("GET", "/admin/v1/webhooks"),
    ("POST", "/admin/v1/webhooks"),
    ("GET", "/admin/v1/webhooks/{id}"),
    ("PATCH", "/admin/v1/webhooks/{id}"),
    ("DELETE", "/admin/v1/webhooks/{id}"),
    ("POST", "/admin/v1/webhooks/{id}/rotate-secret"),
    ("POST", "/admin/v1/webhooks/{id}/rotate-forwarding-secret"),
    ("POST", "/admin/v1/webhooks/{id}/arm-handshake"),
    ("POST", "/admin/v1/webhooks/{id}/test"),
    ("GET", "/admin/v1/webhooks/{id}/stats"),
    ("GET", "/admin/v1/webhooks/{id}/deliveries"),
    ("GET", "/admin/v1/webhooks/{id}/deliveries/{delivery_id}"),
    (
        "POST",
        "/admin/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
    ),
    ("POST", "/admin/v1/webhooks/{id}/replays"),
    ("GET", "/admin/v1/webhooks/{id}/replays/{replay_id}"),
    ("GET", "/admin/v1/schemes"),
    ("GET", "/admin/v1/namespaces/{name}"),
    ("PUT", "/admin/v1/namespaces/{name}"),
];

/// Served without the token: the dashboard's files and the OpenAPI document. Neither
/// holds anything but code and documentation.
pub const PUBLIC_PATHS: &[&str] = &[
    "/admin/",
    "/admin/app.js",
    "/admin/app.css",
    "/admin/v1/openapi.json",
];

impl AdminRoute {
    /// The `(method, path template)` this route serves; exhaustive, so a new route
    /// cannot compile without naming its operation.
    pub fn operation(&self) -> (&'static str, &'static str) {
        use AdminRoute::*;
        match self {
            List => ("GET", "/admin/v1/webhooks"),
            Create => ("POST", "/admin/v1/webhooks"),
            Get(_) => ("GET", "/admin/v1/webhooks/{id}"),
            Update(_) => ("PATCH", "/admin/v1/webhooks/{id}"),
            Delete(_) => ("DELETE", "/admin/v1/webhooks/{id}"),
            RotateSecret(_) => ("POST", "/admin/v1/webhooks/{id}/rotate-secret"),
            RotateForwardingSecret(_) => {
                ("POST", "/admin/v1/webhooks/{id}/rotate-forwarding-secret")
            }
            ArmHandshake(_) => ("POST", "/admin/v1/webhooks/{id}/arm-handshake"),
            Test(_) => ("POST", "/admin/v1/webhooks/{id}/test"),
            Stats(_) => ("GET", "/admin/v1/webhooks/{id}/stats"),
            Deliveries(_) => ("GET", "/admin/v1/webhooks/{id}/deliveries"),
            Delivery(..) => ("GET", "/admin/v1/webhooks/{id}/deliveries/{delivery_id}"),
            Replay(..) => (
                "POST",
                "/admin/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
            ),
            StartReplay(_) => ("POST", "/admin/v1/webhooks/{id}/replays"),
            ReplayProgress(..) => ("GET", "/admin/v1/webhooks/{id}/replays/{replay_id}"),
            Schemes => ("GET", "/admin/v1/schemes"),
            GetNamespace(_) => ("GET", "/admin/v1/namespaces/{name}"),
            PutNamespace(_) => ("PUT", "/admin/v1/namespaces/{name}"),
        }
    }
}

pub const NAMESPACES_PREFIX: &str = "/admin/v1/namespaces/";

pub const ADMIN_PREFIX: &str = "/admin/v1/webhooks";

pub fn route(method: &str, path: &str) -> Result<AdminRoute, Problem> {
    let found = route_any(method, path)?;
    if OPERATIONS.contains(&found.operation()) {
        Ok(found)
    } else {
        Err(not_found())
    }
}

fn route_any(method: &str, path: &str) -> Result<AdminRoute, Problem> {
    // The public files are served (GET) before routing; any other method reaches here.
    if PUBLIC_PATHS.contains(&path) {
        return Err(not_allowed("GET"));
    }
    if path == "/admin/v1/schemes" {
        return match method {
            "GET" => Ok(AdminRoute::Schemes),
            _ => Err(not_allowed("GET")),
        };
    }
    if let Some(name) = path.strip_prefix(NAMESPACES_PREFIX) {
        if !crate::model::rules::namespace_name_ok(name) {
            return Err(Problem::new(ErrorCode::NotFound, "no such namespace name"));
        }
        return match method {
            "PUT" => Ok(AdminRoute::PutNamespace(name.to_string())),
            "GET" => Ok(AdminRoute::GetNamespace(name.to_string())),
            _ => Err(not_allowed("GET, PUT")),
        };
    }
    let rest = path.strip_prefix(ADMIN_PREFIX).ok_or_else(not_found)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return match method {
            "GET" => Ok(AdminRoute::List),
            "POST" => Ok(AdminRoute::Create),
            _ => Err(not_allowed("GET, POST")),
        };
    }
    let rest = rest.strip_prefix('/').ok_or_else(not_found)?;
    if let Some((raw_id, tail)) = rest.split_once("/deliveries/") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        let (delivery, replay) = match tail.strip_suffix("/replay") {
            Some(d) => (d, true),
            None => (tail, false),
        };
        let ok = delivery.starts_with("evt_")
            && delivery.len() == 36
            && delivery[4..].bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(Problem::new(ErrorCode::NotFound, "no such delivery"));
        }
        return match (method, replay) {
            ("GET", false) => Ok(AdminRoute::Delivery(id, delivery.to_string())),
            ("POST", true) => Ok(AdminRoute::Replay(id, delivery.to_string())),
            (_, false) => Err(not_allowed("GET")),
            (_, true) => Err(not_allowed("POST")),
        };
    }
    if let Some(found) = replay_route(method, rest) {
        return found;
    }
    if let Some(raw_id) = rest.strip_suffix("/deliveries") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        return match method {
            "GET" => Ok(AdminRoute::Deliveries(id)),
            _ => Err(not_allowed("GET")),
        };
    }
    if let Some(raw_id) = rest.strip_suffix("/rotate-forwarding-secret") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        return match method {
            "POST" => Ok(AdminRoute::RotateForwardingSecret(id)),
            _ => Err(not_allowed("POST")),
        };
    }
    if let Some(raw_id) = rest.strip_suffix("/arm-handshake") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        return match method {
            "POST" => Ok(AdminRoute::ArmHandshake(id)),
            _ => Err(not_allowed("POST")),
        };
    }
    if let Some(raw_id) = rest.strip_suffix("/stats") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        return match method {
            "GET" => Ok(AdminRoute::Stats(id)),
            _ => Err(not_allowed("GET")),
        };
    }
    if let Some(raw_id) = rest.strip_suffix("/test") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        return match method {
            "POST" => Ok(AdminRoute::Test(id)),
            _ => Err(not_allowed("POST")),
        };
    }
    if let Some(raw_id) = rest.strip_suffix("/rotate-secret") {
        let id = WebhookId::parse(raw_id)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
        return match method {
            "POST" => Ok(AdminRoute::RotateSecret(id)),
            _ => Err(not_allowed("POST")),
        };
    }
    let raw_id = rest;
    let id = WebhookId::parse(raw_id)
        .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))?;
    match method {
        "GET" => Ok(AdminRoute::Get(id)),
        "PATCH" => Ok(AdminRoute::Update(id)),
        "DELETE" => Ok(AdminRoute::Delete(id)),
        _ => Err(not_allowed("GET, PATCH, DELETE")),
    }
}

/// `{id}/replays` and `{id}/replays/{replay_id}`; `None` for any other path.
fn replay_route(method: &str, rest: &str) -> Option<Result<AdminRoute, Problem>> {
    let webhook = |raw: &str| {
        WebhookId::parse(raw)
            .ok_or_else(|| Problem::new(ErrorCode::NotFound, "no webhook with this id"))
    };
    if let Some(raw_id) = rest.strip_suffix("/replays") {
        return Some(match method {
            "POST" => webhook(raw_id).map(AdminRoute::StartReplay),
            _ => Err(not_allowed("POST")),
        });
    }
    let (raw_id, replay) = rest.split_once("/replays/")?;
    // The method first: a path's methods do not depend on which replay it names.
    Some(if method != "GET" {
        Err(not_allowed("GET"))
    } else if !super::replays::is_replay_id(replay) {
        Err(Problem::new(ErrorCode::NotFound, "no such replay"))
    } else {
        webhook(raw_id).map(|id| AdminRoute::ReplayProgress(id, replay.to_string()))
    })
}

fn not_found() -> Problem {
    Problem::new(ErrorCode::NotFound, "no such admin resource")
}

fn not_allowed(allow: &str) -> Problem {
    Problem::new(
        ErrorCode::MethodNotAllowed,
        "method not allowed on this admin resource",
    )
    .with_header("Allow", allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tok-0123456789abcdef0123456789abcdef";

    #[test]
    fn closed_without_token_and_strict_with_one() {
        assert_eq!(
            authorize(None, Some("Bearer x")).unwrap_err().code,
            ErrorCode::AdminDisabled
        );
        assert_eq!(
            authorize(Some(""), Some("Bearer ")).unwrap_err().code,
            ErrorCode::AdminDisabled
        );
        assert!(authorize(Some(TOKEN), Some(&format!("Bearer {TOKEN}"))).is_ok());
        for bad in [
            None,
            Some(TOKEN.to_string()),
            Some(format!("Bearer {TOKEN}4")),
            Some(format!("Basic {TOKEN}")),
            Some("Bearer ".to_string()),
        ] {
            assert_eq!(
                authorize(Some(TOKEN), bad.as_deref()).unwrap_err().code,
                ErrorCode::Unauthorized,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_short_token_keeps_the_admin_api_closed() {
        let short = &TOKEN[..MIN_ADMIN_TOKEN_CHARS - 1];
        let p = authorize(Some(short), Some(&format!("Bearer {short}"))).unwrap_err();
        assert_eq!(p.code, ErrorCode::AdminDisabled);
        // The answer does not tell a caller how long the token is; the log does.
        assert_eq!(
            p.detail,
            authorize(None, None).unwrap_err().detail,
            "one answer for unset and short"
        );
        assert_eq!(
            token_unusable(Some(short)),
            Some("ADMIN_TOKEN is shorter than 32 characters")
        );
        assert_eq!(token_unusable(None), Some("no ADMIN_TOKEN is configured"));
        let exact = &TOKEN[..MIN_ADMIN_TOKEN_CHARS];
        assert_eq!(token_unusable(Some(exact)), None);
        assert!(authorize(Some(exact), Some(&format!("Bearer {exact}"))).is_ok());
    }

    #[test]
    fn list_pages_are_bounded_and_cursors_checked() {
        assert_eq!(
            list_page(None).unwrap(),
            ListPage {
                limit: DEFAULT_LIST_LIMIT,
                kv_cursor: None
            }
        );
        let cursor = next_cursor("AAEC/route:x+y=");
        assert!(cursor.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(
            list_page(Some(&format!("limit=100&cursor={cursor}"))).unwrap(),
            ListPage {
                limit: 100,
                kv_cursor: Some("AAEC/route:x+y=".into())
            }
        );
        for bad in [
            "limit=0".to_string(),
            "limit=101".into(),
            "limit=ten".into(),
            "limit=".into(),
            "cursor=".into(),
            "cursor=not%20hex".into(),
            "cursor=abc".into(),
            format!("cursor={}", &cursor[..cursor.len() - 1]),
            format!("cursor={}A", cursor),
            // One character changed: the check refuses it.
            format!(
                "cursor={}{}",
                if cursor.starts_with('a') { 'b' } else { 'a' },
                &cursor[1..]
            ),
            format!("cursor={}", "A".repeat(MAX_CURSOR_CHARS + 1)),
        ] {
            assert_eq!(
                list_page(Some(&bad)).unwrap_err().code,
                ErrorCode::InvalidQuery,
                "{bad}"
            );
        }
    }

    #[test]
    fn deliveries_limit_is_bounded() {
        assert_eq!(deliveries_limit(None, 100).unwrap(), 100);
        assert_eq!(deliveries_limit(Some("limit=5"), 100).unwrap(), 5);
        for bad in ["limit=0", "limit=101", "limit=abc", "limit=-1"] {
            assert_eq!(
                deliveries_limit(Some(bad), 100).unwrap_err().code,
                ErrorCode::InvalidQuery
            );
        }
    }

    #[test]
    fn routes() {
        let id = "wh_0123456789abcdef01234567";
        assert_eq!(
            route("GET", "/admin/v1/webhooks").unwrap(),
            AdminRoute::List
        );
        assert_eq!(
            route("POST", "/admin/v1/webhooks/").unwrap(),
            AdminRoute::Create
        );
        assert!(matches!(
            route("GET", &format!("/admin/v1/webhooks/{id}")).unwrap(),
            AdminRoute::Get(_)
        ));
        assert!(matches!(
            route("PATCH", &format!("/admin/v1/webhooks/{id}")).unwrap(),
            AdminRoute::Update(_)
        ));
        assert!(matches!(
            route("DELETE", &format!("/admin/v1/webhooks/{id}")).unwrap(),
            AdminRoute::Delete(_)
        ));
        assert!(matches!(
            route("GET", &format!("/admin/v1/webhooks/{id}/deliveries")).unwrap(),
            AdminRoute::Deliveries(_)
        ));
        assert_eq!(
            route("POST", &format!("/admin/v1/webhooks/{id}/deliveries"))
                .unwrap_err()
                .code,
            ErrorCode::MethodNotAllowed
        );
        assert_eq!(
            route("PUT", "/admin/v1/namespaces/acme-prod").unwrap(),
            AdminRoute::PutNamespace("acme-prod".into())
        );
        assert_eq!(
            route("PUT", "/admin/v1/namespaces/Bad%20Name")
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
        assert_eq!(
            route("PUT", "/admin/v1/webhooks").unwrap_err().code,
            ErrorCode::MethodNotAllowed
        );
        assert_eq!(
            route("GET", "/admin/v1/webhooks/nope").unwrap_err().code,
            ErrorCode::NotFound
        );
        assert!(matches!(
            route("POST", &format!("/admin/v1/webhooks/{id}/replays")).unwrap(),
            AdminRoute::StartReplay(_)
        ));
        assert!(matches!(
            route(
                "GET",
                &format!("/admin/v1/webhooks/{id}/replays/rpl_0123456789abcdef01234567")
            )
            .unwrap(),
            AdminRoute::ReplayProgress(..)
        ));
        assert_eq!(
            route("GET", &format!("/admin/v1/webhooks/{id}/replays/rpl_x"))
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
        assert_eq!(
            route("GET", &format!("/admin/v1/webhooks/{id}/replays"))
                .unwrap_err()
                .code,
            ErrorCode::MethodNotAllowed
        );
        assert_eq!(
            route("GET", "/admin/v2").unwrap_err().code,
            ErrorCode::NotFound
        );
        for public in PUBLIC_PATHS {
            let refused = route("POST", public).unwrap_err();
            assert_eq!(refused.code, ErrorCode::MethodNotAllowed, "{public}");
            assert!(
                refused
                    .headers
                    .iter()
                    .any(|(k, v)| *k == "Allow" && v == "GET"),
                "{public}"
            );
        }
        assert_eq!(
            route("GET", "/admin/v1/webhooksX").unwrap_err().code,
            ErrorCode::NotFound
        );
    }
}
