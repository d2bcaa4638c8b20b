//! `hookgate send`: a request signed for the webhook's scheme with the secret the
//! operator gives, by the core's own signer (`hookgate_core::verify::sign`), so it is
//! exactly what the webhook's provider would send.

use crate::api::{Api, Failure, Outcome};
use crate::args::SendArgs;
use crate::commands::read_stdin_line;
use hookgate_core::admin::{validate_create, Fresh, Policy, WebhookSpec};
use hookgate_core::model::Method;
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::sign::{sign_body, OwnBody, SignError};
use serde_json::{json, Value};
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

/// The admin API's spec for a webhook as the API shows it, with the secret (and the
/// Basic auth password) the view never holds.
pub fn spec_from_view(view: &Value, secret: &str, password: Option<&str>) -> Value {
    let mut spec = json!({});
    for key in [
        "name",
        "path",
        "enabled",
        "methods",
        "max_body_bytes",
        "target",
        "idempotency",
        "rate_limit",
        "namespace",
        "style",
        "filter",
        "event_type",
    ] {
        if let Some(v) = view.get(key) {
            spec[key] = v.clone();
        }
    }
    let mut auth = json!({ "secret": secret });
    for key in [
        "scheme",
        "header",
        "tolerance_s",
        "secret_encoding",
        "template",
    ] {
        if let Some(v) = view["auth"].get(key) {
            auth[key] = v.clone();
        }
    }
    spec["auth"] = auth;
    if let Some(username) = view["basic_auth"]["username"].as_str() {
        spec["basic_auth"] =
            json!({"username": username, "password": password.unwrap_or_default()});
    }
    spec
}

fn now() -> UnixMillis {
    UnixMillis(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64),
    )
}

fn read_data(raw: &str) -> Outcome<Vec<u8>> {
    match raw {
        "@-" => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| Failure::Usage(format!("reading the body from stdin: {e}")))?;
            Ok(body)
        }
        _ => match raw.strip_prefix('@') {
            Some(path) => std::fs::read(path).map_err(|e| Failure::Usage(format!("{path}: {e}"))),
            None => Ok(raw.as_bytes().to_vec()),
        },
    }
}

pub fn send(api: &Api, args: &SendArgs, json_out: bool) -> Outcome<()> {
    let view = api.find(&args.webhook)?;
    let body = read_data(&args.data)?;
    let secret = match &args.secret {
        Some(s) => s.clone(),
        None if args.data == "@-" => {
            return Err(Failure::Usage(
                "with --data @- give the secret with --secret or HOOKGATE_SECRET".into(),
            ))
        }
        None => read_stdin_line("webhook secret")?,
    };
    let spec = spec_from_view(&view, &secret, args.basic_password.as_deref());
    let spec =
        WebhookSpec::parse(spec.to_string().as_bytes()).map_err(|p| Failure::Invalid(p.detail))?;
    let at = now();
    // The gateway already accepted this webhook under its own policy; here it only has
    // to become a record to sign for (the generated values are never used).
    let record = validate_create(
        spec,
        Fresh {
            id: WebhookId::generate([0; 12]),
            secret_bytes: [0; 32],
            forwarding_secret_bytes: [0; 32],
            now: at,
        },
        Policy {
            allow_insecure_origins: true,
        },
    )
    .map_err(|p| Failure::Invalid(format!("the secret does not fit the scheme: {}", p.detail)))?
    .record;

    let method = match &args.method {
        Some(m) => serde_json::from_value::<Method>(Value::String(m.to_ascii_uppercase()))
            .map_err(|_| Failure::Usage(format!("{m}: not an HTTP method the gateway takes")))?,
        None if record.methods().contains(&Method::Post) => Method::Post,
        None => record.methods()[0],
    };
    let content_type = args.content_type.clone().or_else(|| {
        (method != Method::Get).then(|| {
            if record.auth().scheme() == hookgate_core::model::Scheme::Twilio {
                "application/x-www-form-urlencoded".to_string()
            } else {
                "application/json".to_string()
            }
        })
    });
    let mut headers = Vec::new();
    for h in &args.headers {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| Failure::Usage(format!("{h}: a header is `Name: value`")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let delivery_id = format!("msg_hookgate_cli_{}", at.0);
    let signed = sign_body(
        &record,
        &api.base,
        at,
        &delivery_id,
        OwnBody {
            method,
            content_type,
            headers,
            body,
        },
    )
    .map_err(|e| match e {
        SignError::NoActiveSecret => Failure::Invalid("the secret is expired".into()),
        SignError::Misconfigured(why) => Failure::Invalid(why.into()),
        SignError::PublicKeyOnly => Failure::Invalid(
            "this scheme is signed with the provider's private key: only the provider can send it"
                .into(),
        ),
    })?;

    let method_name = serde_json::to_value(signed.method)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "POST".into());
    let mut req = ureq::AgentBuilder::new()
        .redirects(0)
        .build()
        .request(&method_name, &api.url(&signed.path_and_query));
    for (name, value) in &signed.headers {
        req = req.set(name, value);
    }
    let response = match req.send_bytes(&signed.body) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(t)) => return Err(Failure::Transport(t.to_string())),
    };
    let status = response.status();
    let text = response.into_string().unwrap_or_default();
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
    if json_out {
        crate::output::json(&json!({"status": status, "body": answer}));
    } else {
        println!("{status}");
        println!("{text}");
    }
    if status >= 400 {
        return Err(Failure::Api {
            status,
            code: answer["code"].as_str().unwrap_or("unknown").to_string(),
            detail: answer["detail"].as_str().unwrap_or_default().to_string(),
        });
    }
    Ok(())
}
