#!/usr/bin/env python3
"""Writes ../aws-sns.json, ../paypal.json, ../google-pubsub.json and ../plaid.json:
vectors for issue 23's fetched-key schemes, each a request, the key document hookgate
must ask for (`key`: its URL, cache key and, for Plaid, the request body) and the
document the test serves (or not: `served`), and the expected outcome.

None of these providers publishes a vector a third party can verify offline (their
signing keys are their own), so every vector is computed here from the recipe in the
provider's documentation, with test keys and self-issued certificates, independently of
hookgate's Rust code, and confirmed by the provider's official verifier where one runs
offline:
  - Google Pub/Sub: google-auth's `google.oauth2.id_token.verify_oauth2_token` (the
    library Pub/Sub's page uses), given our certificates through its `request` argument
    and our fixed clock;
  - PayPal: paypalrestsdk's `WebhookEvent._verify_signature` (the official Python SDK's
    check, without its network fetch and chain check, which need PayPal's real CA; it
    calls pyOpenSSL's `crypto.verify`, gone after pyOpenSSL 24.2);
  - AWS SNS: the official `sns-validator` (npm, aws-js-sns-message-validator) when
    SNS_VALIDATOR_NODE_PATH names a node_modules folder holding it (see below);
  - Plaid: no offline verifier exists (its SDKs only call the key endpoint); the JWT is
    checked here with `cryptography` against the JWK it publishes.

Sources (cited again per vector):
  SNS:    https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
          https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
          https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html
  PayPal: https://developer.paypal.com/api/rest/webhooks/rest/ (verify: transmission_id|
          transmission_time|webhook_id|crc32 of the raw body, decimal; SHA256withRSA under
          the certificate at PAYPAL-CERT-URL) and the SDK above
  Google: https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
  Plaid:  https://plaid.com/docs/api/webhooks/webhook-verification/

Keys are deterministic (RSA primes found from a seeded search, a P-256 scalar from a
hash), so a rerun writes the same file (ECDSA signatures use RFC 6979 when the installed
`cryptography` offers it).

Run: python3 -m venv v && v/bin/pip install cryptography google-auth paypalrestsdk 'pyOpenSSL<24.3' &&
     npm install --prefix /tmp/snsv sns-validator &&
     SNS_VALIDATOR_NODE_PATH=/tmp/snsv/node_modules v/bin/python core/tests/data/providers/derive/fetched_keys.py
(the JSON files are committed; core/tests/conformance.rs reads them, serving `key`).
"""
import base64, datetime, hashlib, json, os, random, subprocess, sys, zlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

SNS_DOC = "https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html"
PAYPAL_DOC = "https://developer.paypal.com/api/rest/webhooks/rest/"
GOOGLE_DOC = "https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions"
PLAID_DOC = "https://plaid.com/docs/api/webhooks/webhook-verification/"

NOW = 1764590400  # 2025-12-01T12:00:00Z, the clock every vector is checked at
NOW_MS = NOW * 1000

# --- deterministic keys ------------------------------------------------------------------
def is_probable_prime(n, rng):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2; s += 1
    for _ in range(40):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True

def rsa_key(label, bits=2048):
    rng = random.Random(hashlib.sha256(label.encode()).digest())
    def prime():
        while True:
            c = rng.getrandbits(bits // 2) | (1 << (bits // 2 - 1)) | (1 << (bits // 2 - 2)) | 1
            if is_probable_prime(c, rng) and (c - 1) % 65537 != 0:
                return c
    e = 65537
    p, q = prime(), prime()
    while q == p:
        q = prime()
    n = p * q
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, n)
    )
    key = numbers.private_key()
    assert key.key_size == bits
    return key

def certificate(key, common_name, not_after=datetime.datetime(2040, 1, 1, tzinfo=datetime.timezone.utc)):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(common_name.encode()).digest()[:8], "big"))
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()

def b64(b):
    return base64.b64encode(b).decode()

def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

vectors = []
def add(**v):
    v.setdefault("method", "POST")
    v.setdefault("now_ms", NOW_MS)
    v.setdefault("expect_code", None)
    vectors.append(v)

# --- AWS SNS ----------------------------------------------------------------------------
sns_key = rsa_key("hookgate sns test signing key")
sns_cert = certificate(sns_key, "sns.amazonaws.com")
SNS_CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-hookgate-test.pem"
TOPIC = "arn:aws:sns:us-east-1:123456789012:hookgate-orders"
sns_auth = {"scheme": "aws-sns", "topic_arns": [TOPIC]}

def sns_string_to_sign(m):
    if m["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{k}\n{m[k]}\n" for k in keys if k in m)

def sns_sign(m, version="2"):
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()
    m = dict(m, SignatureVersion=version, SigningCertURL=m.get("SigningCertURL", SNS_CERT_URL))
    sig = sns_key.sign(sns_string_to_sign(m).encode(), padding.PKCS1v15(), digest)
    m["Signature"] = b64(sig)
    return m

notification = {
    "Type": "Notification",
    "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    "TopicArn": TOPIC,
    "Subject": "order placed",
    "Message": "{\"order\": 42,\n \"note\": \"line\\nbreak\"}",
    "Timestamp": "2025-12-01T11:59:58.123Z",
    "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
}
confirmation = {
    "Type": "SubscriptionConfirmation",
    "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
    "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
    "TopicArn": TOPIC,
    "Message": "You have chosen to subscribe to the topic " + TOPIC + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
    "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=2336412f37fb",
    "Timestamp": "2025-12-01T11:59:00.000Z",
}
sns_doc = {"url": SNS_CERT_URL, "cache_key": "cert:" + SNS_CERT_URL, "text": sns_cert}
sns_headers = {"content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification"}

def sns_vector(name, message, expect_code=None, auth=sns_auth, doc=sns_doc, served=True, **kw):
    add(scheme="aws-sns", name=name, auth=auth, headers=sns_headers, body=json.dumps(message, indent=2),
        key=doc, served=served, expect_code=expect_code, source=SNS_DOC, **kw)

v2 = sns_sign(notification, "2")
v1 = sns_sign(notification, "1")
conf = sns_sign(confirmation, "2")
SNS_MESSAGES = [("v2", v2), ("v1", v1), ("confirmation", conf)]
sns_vector("sns-notification-signature-version-2", v2)
sns_vector("sns-notification-signature-version-1-sha1", v1)
sns_vector("sns-subscription-confirmation", conf)
sns_vector("sns-tampered-message", dict(v2, Message="{\"order\": 43}"), "signature_mismatch")
sns_vector("sns-signature-version-swapped", dict(v2, SignatureVersion="1"), "signature_mismatch")
sns_vector("sns-topic-not-allowed", v2, "topic_not_allowed",
           auth={"scheme": "aws-sns", "topic_arns": ["arn:aws:sns:us-east-1:123456789012:other"]}, doc=None)
evil = sns_sign(dict(notification, SigningCertURL="https://sns.us-east-1.amazonaws.com.evil.example/cert.pem"))
sns_vector("sns-cert-url-off-host", evil, "key_url_refused", doc=None)
sns_vector("sns-certificate-not-served", v2, "key_unavailable", served=False)
other_cert = certificate(rsa_key("hookgate sns impostor key"), "sns.amazonaws.com")
sns_vector("sns-signed-by-another-key", v2, "signature_mismatch", doc=dict(sns_doc, text=other_cert))

# --- PayPal -----------------------------------------------------------------------------
pp_key = rsa_key("hookgate paypal test signing key")
pp_cert = certificate(pp_key, "messageverificationcerts.paypal.com")
PP_CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-hookgate"
WEBHOOK_ID = "8PT597110X687430LKGECATA"
pp_auth = {"scheme": "paypal", "webhook_id": WEBHOOK_ID}
pp_body = json.dumps({"id": "WH-2WR32451HC0233532-67976317FL4543714", "event_version": "1.0",
                      "create_time": "2025-12-01T11:59:59.000Z", "resource_type": "capture",
                      "event_type": "PAYMENT.CAPTURE.COMPLETED", "summary": "Payment completed for $ 7.47 USD",
                      "resource": {"id": "42311647XV020574X", "amount": {"currency_code": "USD", "value": "7.47"}}})
TRANSMISSION_ID = "69cd13f0-d67a-11e5-baa3-778b53f4ae55"
TRANSMISSION_TIME = "2025-12-01T11:59:59Z"

def paypal_sig(body, transmission_id=TRANSMISSION_ID, time=TRANSMISSION_TIME, webhook_id=WEBHOOK_ID):
    signed = f"{transmission_id}|{time}|{webhook_id}|{zlib.crc32(body.encode()) & 0xffffffff}"
    return b64(pp_key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256()))

def paypal_headers(sig, cert_url=PP_CERT_URL):
    return {"content-type": "application/json", "paypal-transmission-id": TRANSMISSION_ID,
            "paypal-transmission-time": TRANSMISSION_TIME, "paypal-transmission-sig": sig,
            "paypal-cert-url": cert_url, "paypal-auth-algo": "SHA256withRSA"}

pp_doc = {"url": PP_CERT_URL, "cache_key": "cert:" + PP_CERT_URL, "text": pp_cert}
pp_sig = paypal_sig(pp_body)
def pp_vector(name, headers, body=pp_body, expect_code=None, auth=pp_auth, doc=pp_doc, served=True):
    add(scheme="paypal", name=name, auth=auth, headers=headers, body=body, key=doc, served=served,
        expect_code=expect_code, source=PAYPAL_DOC)
pp_vector("paypal-valid", paypal_headers(pp_sig))
pp_vector("paypal-tampered-body", paypal_headers(pp_sig), body=pp_body.replace("7.47", "747.00"),
          expect_code="signature_mismatch")
pp_vector("paypal-other-webhook-id", paypal_headers(pp_sig), auth={"scheme": "paypal", "webhook_id": "1JE4291016473214C"},
          expect_code="signature_mismatch")
pp_vector("paypal-cert-off-host", paypal_headers(pp_sig, "https://api.paypal.com.evil.example/v1/notifications/certs/X"),
          expect_code="key_url_refused", doc=None)
pp_vector("paypal-cert-plain-http", paypal_headers(pp_sig, "http://api.paypal.com/v1/notifications/certs/X"),
          expect_code="key_url_refused", doc=None)
pp_vector("paypal-certificate-not-served", paypal_headers(pp_sig), expect_code="key_unavailable", served=False)
expired_cert = certificate(pp_key, "messageverificationcerts.paypal.com",
                           not_after=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
pp_vector("paypal-certificate-expired", paypal_headers(pp_sig), expect_code="key_unavailable",
          doc=dict(pp_doc, text=expired_cert))

# --- Google Pub/Sub ---------------------------------------------------------------------
g_key = rsa_key("hookgate google oidc test key")
KID = "7d680d8c70d44e947133cbd499ebc1a61c3d5abc"
g_certs = json.dumps({KID: certificate(g_key, "accounts.google.com"),
                      "a1b2c3": certificate(rsa_key("hookgate google other key"), "accounts.google.com")})
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
AUD = "https://hooks.example.com/providers/pubsub"
EMAIL = "push-invoker@hookgate-test.iam.gserviceaccount.com"
g_auth = {"scheme": "google-pubsub", "audience": AUD, "service_account": EMAIL}
g_doc = {"url": GOOGLE_CERTS_URL, "cache_key": "certs:" + GOOGLE_CERTS_URL, "text": g_certs}

def google_token(claims=None, kid=KID, key=g_key):
    c = {"aud": AUD, "azp": "113774264463038321964", "email": EMAIL, "email_verified": True,
         "exp": NOW + 3600, "iat": NOW - 10, "iss": "https://accounts.google.com", "sub": "113774264463038321964"}
    c.update(claims or {})
    header = b64url(json.dumps({"alg": "RS256", "kid": kid, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64url(json.dumps(c, separators=(",", ":")).encode())
    sig = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{b64url(sig)}"

g_body = json.dumps({"message": {"attributes": {"key": "value"}, "data": "SGVsbG8gQ2xvdWQgUHViL1N1YiEgSGVyZSBpcyBteSBtZXNzYWdlIQ==",
                                 "messageId": "2070443601311540", "publishTime": "2025-12-01T11:59:59.000Z"},
                     "subscription": "projects/myproject/subscriptions/mysubscription"})
def g_vector(name, token, expect_code=None, doc=g_doc, served=True, auth=g_auth, confirm=True):
    add(scheme="google-pubsub", name=name, auth=auth,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        body=g_body, key=doc, served=served, expect_code=expect_code, source=GOOGLE_DOC, confirm=confirm)
good = google_token()
g_vector("pubsub-valid", good)
g_vector("pubsub-issuer-without-scheme", google_token({"iss": "accounts.google.com"}))
# Valid at the real clock too (until 2040), for the end-to-end test (tests/e2e/fetched_keys.rs).
g_vector("pubsub-valid-long-lived", google_token({"exp": 2208988800}))
g_vector("pubsub-wrong-audience", google_token({"aud": "https://other.example.com/"}), "claim_mismatch", confirm=False)
g_vector("pubsub-wrong-service-account", google_token({"email": "someone@evil.example"}), "claim_mismatch", confirm=False)
g_vector("pubsub-email-unverified", google_token({"email_verified": False}), "claim_mismatch", confirm=False)
g_vector("pubsub-expired", google_token({"exp": NOW - 1, "iat": NOW - 3601}), "timestamp_out_of_tolerance", confirm=False)
g_vector("pubsub-foreign-issuer", google_token({"iss": "https://evil.example"}), "claim_mismatch", confirm=False)
head, payload, sig = good.split(".")
tampered_payload = b64url(json.dumps({"aud": AUD, "email": EMAIL, "email_verified": True, "exp": NOW + 7200,
                                      "iat": NOW, "iss": "https://accounts.google.com"}).encode())
g_vector("pubsub-tampered-claims", f"{head}.{tampered_payload}.{sig}", "signature_mismatch", confirm=False)
g_vector("pubsub-unknown-kid", google_token(kid="0000"), "key_unavailable", confirm=False)
g_vector("pubsub-signed-by-another-key", google_token(key=rsa_key("hookgate google other key"), kid=KID),
         "signature_mismatch", confirm=False)
g_vector("pubsub-certificates-not-served", good, "key_unavailable", served=False, confirm=False)

# --- Plaid ------------------------------------------------------------------------------
p_key = ec.derive_private_key(int.from_bytes(hashlib.sha256(b"hookgate plaid test key").digest(), "big"), ec.SECP256R1())
P_KID = "bfbd5111-8e33-4643-8ced-b2e642a72f3c"
nums = p_key.public_key().public_numbers()
jwk = {"alg": "ES256", "created_at": 1560466150, "crv": "P-256", "expired_at": None, "kid": P_KID,
       "kty": "EC", "use": "sig", "x": b64url(nums.x.to_bytes(32, "big")), "y": b64url(nums.y.to_bytes(32, "big"))}
CLIENT_ID = "5f0c1d2e3a4b5c6d7e8f9a0b"
p_auth = {"scheme": "plaid", "client_id": CLIENT_ID, "secret": "hookgate-test-plaid-secret-0123456789"}
p_doc = {"url": "https://production.plaid.com/webhook_verification_key/get",
         "cache_key": f"plaid:production.plaid.com:{CLIENT_ID}:{P_KID}",
         "text": json.dumps({"key": jwk, "request_id": "RZ6Omi1bzzwDaLo"}),
         "request_body": {"client_id": CLIENT_ID, "secret": p_auth["secret"], "key_id": P_KID}}
p_body = json.dumps({"environment": "production", "error": None, "item_id": "wz666MBjYWTp2PDzzggYhM6oWWmBb",
                     "new_transactions": 3, "webhook_code": "DEFAULT_UPDATE", "webhook_type": "TRANSACTIONS"}, indent=2)

def ecdsa_sign(message):
    try:
        algo = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    except TypeError:
        algo = ec.ECDSA(hashes.SHA256())
    r, s = decode_dss_signature(p_key.sign(message, algo))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")

def plaid_jwt(body=p_body, iat=NOW - 5, kid=P_KID, alg="ES256"):
    header = b64url(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"iat": iat, "request_body_sha256": hashlib.sha256(body.encode()).hexdigest()}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = ecdsa_sign(f"{header}.{payload}".encode())
    token = f"{header}.{payload}.{b64url(sig)}"
    # Checked with the JWK's key (no offline Plaid verifier exists).
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    p_key.public_key().verify(encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")),
                              f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    return token

def p_vector(name, token, body=p_body, expect_code=None, auth=p_auth, doc=p_doc, served=True):
    add(scheme="plaid", name=name, auth=auth, headers={"content-type": "application/json", "plaid-verification": token},
        body=body, key=doc, served=served, expect_code=expect_code, source=PLAID_DOC)
p_token = plaid_jwt()
p_vector("plaid-valid", p_token)
p_vector("plaid-pinned-jwk", p_token, auth={"scheme": "plaid", "jwk": jwk}, doc=None)
p_vector("plaid-tampered-body", p_token, body=p_body.replace("3", "4"), expect_code="claim_mismatch")
p_vector("plaid-older-than-five-minutes", plaid_jwt(iat=NOW - 301), expect_code="timestamp_out_of_tolerance")
p_vector("plaid-not-es256", plaid_jwt(alg="HS256"), expect_code="signature_malformed", doc=None)
ph, pp, ps = p_token.split(".")
p_vector("plaid-tampered-signature", f"{ph}.{pp}.{b64url(bytes(64))}", expect_code="signature_mismatch")
p_vector("plaid-key-not-served", p_token, expect_code="key_unavailable", served=False)
p_vector("plaid-key-expired", p_token, expect_code="key_unavailable",
         doc=dict(p_doc, text=json.dumps({"key": dict(jwk, expired_at=NOW - 60)})))

# --- confirmation by the providers' verifiers -------------------------------------------
def confirm_google():
    import google.auth._helpers as helpers
    from google.oauth2 import id_token
    helpers.utcnow = lambda: datetime.datetime.fromtimestamp(NOW, datetime.timezone.utc).replace(tzinfo=None)
    class Response:
        status = 200
        data = g_certs.encode()
    def request(url, method="GET", **_):
        assert url == GOOGLE_CERTS_URL, url
        return Response()
    for v in vectors:
        if v["scheme"] != "google-pubsub" or not v.pop("confirm"):
            v.pop("confirm", None)
            continue
        token = v["headers"]["authorization"].split(" ", 1)[1]
        info = id_token.verify_oauth2_token(token, request, audience=AUD)
        assert info["email"] == EMAIL and info["email_verified"], v["name"]
        v["confirmed_by"] = "google-auth id_token.verify_oauth2_token"

def confirm_paypal():
    from OpenSSL import crypto
    from paypalrestsdk.notifications import WebhookEvent
    for v in vectors:
        if v["scheme"] != "paypal" or v["expect_code"] not in (None, "signature_mismatch") or not v["key"]:
            continue
        cert = crypto.load_certificate(crypto.FILETYPE_PEM, v["key"]["text"])
        h = v["headers"]
        ok = WebhookEvent._verify_signature(h["paypal-transmission-id"], h["paypal-transmission-time"],
                                            v["auth"]["webhook_id"], v["body"], cert, h["paypal-transmission-sig"],
                                            "sha256WithRSAEncryption")
        assert ok == (v["expect_code"] is None), v["name"]
        v["confirmed_by"] = "paypalrestsdk WebhookEvent._verify_signature"

def confirm_sns():
    node_path = os.environ.get("SNS_VALIDATOR_NODE_PATH")
    if not node_path:
        print("SNS_VALIDATOR_NODE_PATH unset: the SNS vectors are not confirmed by sns-validator", file=sys.stderr)
        return
    script = r"""
const https = require('https'); const { PassThrough } = require('stream');
const [cert, messages] = [process.env.SNS_CERT, JSON.parse(process.env.SNS_MESSAGES)];
https.get = (url, cb) => { const res = new PassThrough(); res.statusCode = 200; process.nextTick(() => { cb(res); res.end(cert); }); return { on() { return this; } }; };
const MessageValidator = require('sns-validator'); const v = new MessageValidator();
let left = messages.length; const results = {};
for (const [name, m] of messages) v.validate(m, (err) => { results[name] = err ? String(err) : 'ok'; if (--left === 0) console.log(JSON.stringify(results)); });
"""
    env = dict(os.environ, NODE_PATH=node_path, SNS_CERT=sns_cert, SNS_MESSAGES=json.dumps(SNS_MESSAGES))
    out = subprocess.run(["node", "-e", script], env=env,
                         capture_output=True, text=True, check=True).stdout
    results = json.loads(out)
    assert all(r == "ok" for r in results.values()), results
    for v in vectors:
        if v["scheme"] == "aws-sns" and v["expect_code"] is None:
            v["confirmed_by"] = "sns-validator (npm) MessageValidator.validate"

confirm_google()
confirm_paypal()
confirm_sns()

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import write

# The placeholder secret of schemes whose record keeps one it never uses.
UNUSED = "hookgate-unused-secret"
for scheme in ("aws-sns", "paypal", "google-pubsub", "plaid"):
    out = []
    for v in vectors:
        if v["scheme"] != scheme:
            continue
        auth = {k: val for k, val in v["auth"].items() if k not in ("scheme", "secret")}
        entry = dict(id=v["name"], scheme=scheme, source=v["source"], secret=v["auth"].get("secret", UNUSED),
                     secret_encoding="utf8", headers=v["headers"], body=v["body"], now=v["now_ms"] // 1000,
                     expect="valid" if v["expect_code"] is None else "invalid", auth=auth)
        if v["expect_code"] is not None:
            entry["expect_code"] = v["expect_code"]
        if v["key"] is not None:
            entry["key"] = dict(v["key"], served=v["served"])
        if "confirmed_by" in v:
            entry["confirmed_by"] = v["confirmed_by"]
        out.append(entry)
    write(scheme, out)
