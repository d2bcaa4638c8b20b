//! ARCHITECTURE's invariant "an unverified body is only hashed, never parsed": for every
//! scheme, verifying a large request whose signature does not match allocates a small
//! constant, whatever the size of the body. A counting global allocator measures the
//! peak while `verify` runs (its own binary and no test harness, so nothing else
//! allocates meanwhile). Parsing the body as JSON or as a map of owned form parameters,
//! as Linear's and Twilio's checks once did, costs many times the body.

use hookgate_core::admin::{validate_create, Fresh, Policy, WebhookSpec};
use hookgate_core::model::scheme::Check;
use hookgate_core::model::{Scheme, WebhookRecord};
use hookgate_core::request::{Headers, Inbound, RouteMatch};
use hookgate_core::secret::WebhookId;
use hookgate_core::time::UnixMillis;
use hookgate_core::verify::sign::test_request;
use hookgate_core::verify::verify;
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call is passed straight to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What verifying may allocate besides the request it is given: a few URL forms, keys,
/// decoded signatures, Twilio's parameter index. Constant, whatever the body.
const BUDGET_BYTES: usize = 64 * 1024;

const NOW: UnixMillis = UnixMillis(1_700_000_000_000);
const ORIGIN: &str = "https://hooks.example.com";

fn record(scheme: Scheme) -> WebhookRecord {
    let mut auth = json!({"scheme": scheme.name()});
    match scheme {
        Scheme::Hmac => {
            auth["template"] = json!({"header": "X-Sig", "content": "{timestamp}.{body}",
                "timestamp_header": "X-Ts"});
        }
        // The public keys of the published vectors (core/tests/data/public-key-vectors.json).
        Scheme::Discord => {
            auth["public_key"] =
                json!("bba8da10264636cc4a43dfacecb58374832f198e2319b2a1f8eab2f99b518469");
        }
        Scheme::Sendgrid => {
            auth["public_key"] = json!("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==");
        }
        Scheme::Meta => auth["verify_token"] = json!("meta-verify-token-42"),
        Scheme::MicrosoftGraph => auth["client_state"] = json!("secretClientValue-0123"),
        // The fetched-key schemes' settings (their keys are never fetched here: the
        // request is refused before, or for want of, its key document).
        Scheme::AwsSns => {
            auth["topic_arns"] = json!(["arn:aws:sns:us-east-1:123456789012:hookgate-orders"])
        }
        Scheme::Paypal => auth["webhook_id"] = json!("8PT597110X687430LKGECATA"),
        Scheme::GooglePubsub => {
            auth["audience"] = json!("https://hooks.example.com/memory");
            auth["service_account"] = json!("push@hookgate-test.iam.gserviceaccount.com");
        }
        Scheme::Plaid => {
            auth["client_id"] = json!("5f0c1d2e3a4b5c6d7e8f9a0b");
            auth["secret"] = json!("hookgate-test-plaid-secret-0123456789");
        }
        _ => {}
    }
    let spec = json!({"path": "/memory", "auth": auth, "target": {"queue": "EVENTS"},
        "max_body_bytes": 16 * 1024 * 1024});
    validate_create(
        WebhookSpec::parse(spec.to_string().as_bytes()).unwrap(),
        Fresh {
            id: WebhookId::generate([7; 12]),
            secret_bytes: [9; 32],
            forwarding_secret_bytes: [3; 32],
            now: NOW,
        },
        Policy::default(),
    )
    .unwrap_or_else(|p| panic!("{}: {}", scheme.name(), p.detail))
    .record
}

/// Bodies that are costly to parse: a JSON array of many small values (with the signed
/// time Linear reads), form parameters with long escaped values, and more parameters
/// than Twilio sends.
fn bodies(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut json_body = format!(
        "{{\"webhookTimestamp\":{},\"id\":\"evt_1\",\"items\":[0",
        NOW.0
    )
    .into_bytes();
    while json_body.len() < size {
        json_body.extend_from_slice(b",0");
    }
    json_body.extend_from_slice(b"]}");
    let mut escaped_form = b"AccountSid=AC1&Body=".to_vec();
    while escaped_form.len() < size {
        escaped_form.extend_from_slice(b"%41+");
    }
    let mut many_params = Vec::with_capacity(size);
    while many_params.len() < size {
        many_params.extend_from_slice(b"a=1&");
    }
    vec![
        ("a JSON array", json_body),
        ("a form with a long escaped value", escaped_form),
        ("a form with many parameters", many_params),
    ]
}

/// The peak allocation above the starting point while verifying `body` with the headers
/// a real sender of `record` sends (signed over another body, so the MAC cannot match).
fn peak_while_verifying(record: &WebhookRecord, body: Vec<u8>) -> usize {
    // Public-key schemes cannot be signed here (only the provider holds the private
    // key): a signature of the right shape that cannot verify.
    let signed = test_request(record, ORIGIN, NOW, "memory").unwrap_or_else(|_| {
        let ts = (NOW.0 / 1000).to_string();
        let headers = match record.auth().scheme() {
            Scheme::Discord => vec![
                ("X-Signature-Ed25519".to_string(), "ab".repeat(64)),
                ("X-Signature-Timestamp".to_string(), ts),
            ],
            _ => vec![
                (
                    "X-Twilio-Email-Event-Webhook-Signature".to_string(),
                    "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=".to_string(),
                ),
                ("X-Twilio-Email-Event-Webhook-Timestamp".to_string(), ts),
            ],
        };
        hookgate_core::verify::sign::SignedRequest {
            method: hookgate_core::model::Method::Post,
            path_and_query: "/memory".to_string(),
            headers,
            body: Vec::new(),
        }
    });
    let query = signed
        .path_and_query
        .split_once('?')
        .map(|(_, q)| q.to_string());
    let inbound = Inbound {
        method: signed.method.as_str().to_string(),
        url: format!("{ORIGIN}{}", signed.path_and_query),
        query,
        headers: Headers::new(signed.headers),
        source_ip: None,
        body,
    };
    let route = RouteMatch::exact(record.clone());
    let start = CURRENT.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let result = verify(route, inbound, NOW);
    let peak = PEAK.load(Ordering::SeqCst) - start;
    // A shared secret or URL key does not sign the body: right headers pass with any.
    let signs_body = matches!(
        record.auth().scheme().descriptor().check,
        Check::Hmac(_) | Check::Template | Check::PublicKey(_) | Check::AdyenNotificationItems
    );
    assert!(
        result.is_err() || !signs_body,
        "{}: an unsigned body verified",
        record.auth().scheme().name()
    );
    peak
}

fn main() {
    let (mut passed, mut failures) = (0, Vec::new());
    for scheme in Scheme::ALL {
        let record = record(scheme);
        for size in [256 * 1024, 4 * 1024 * 1024] {
            for (what, body) in bodies(size) {
                let peak = peak_while_verifying(&record, body);
                // Ed25519 and this ECDSA verifier take the signed message whole: the
                // timestamp and the body are copied into one buffer, once. A copy, not
                // a parse: at most the body's own size more.
                let copies_once = matches!(
                    record.auth().scheme().descriptor().check,
                    Check::PublicKey(_)
                );
                let budget = if copies_once {
                    BUDGET_BYTES + size
                } else {
                    BUDGET_BYTES
                };
                if peak <= budget {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{}: verifying {what} of {size} bytes allocated {peak} bytes at its peak",
                        scheme.name()
                    ));
                }
            }
        }
    }
    println!(
        "unverified_memory: {passed} passed, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "at most {BUDGET_BYTES} bytes may be allocated (an unverified body is only hashed, \
         never parsed):\n{}",
        failures.join("\n")
    );
}
