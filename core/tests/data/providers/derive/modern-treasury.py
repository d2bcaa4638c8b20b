"""Modern Treasury: `X-Signature`, the hex HMAC-SHA256 of the body keyed by the webhook
key (https://docs.moderntreasury.com/platform/docs/verifying-webhooks); the delivery id is
the `X-Webhook-ID` header (https://docs.moderntreasury.com/platform/reference/webhooks,
"Webhook Idempotency").

`modern-treasury-valid-sdk` is the official SDK's own test vector (key `hello, world`,
body `{"foo":"bar"}`; modern-treasury-node tests/api-resources/webhooks.test.ts). Every
vector is also checked with the official verifier: the script installs the npm package
`modern-treasury@3.3.0` (the last major that ships `webhooks.validateSignature`) into a
temporary directory and runs it with `node` (skipped, with a message, when npm or node is
missing).
"""
import json
import shutil
import subprocess
import tempfile

from common import compact, hex_mac, write

SOURCE = "https://docs.moderntreasury.com/platform/docs/verifying-webhooks (X-Signature, X-Webhook-ID)"
SECRET = "mt_webhook_key_4c1d2e8b"
BODY = compact({
    "event": "completed",
    "data": {"id": "2c2a8b5e-5e2a-4a2c-9d6b-7f7b2f0a9e11", "object": "payment_order",
             "status": "completed", "amount": 1000, "currency": "USD"},
})
SIG = hex_mac(SECRET, BODY)
WEBHOOK_ID = "e1f7c9a4-7d2b-4b0e-8d3a-5a0c2f9b6d10"


def vector(id, headers, expect, note, body=BODY, secret=SECRET, code=None):
    v = {"id": id, "source": SOURCE, "secret": secret, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1700000000, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


VECTORS = [
    vector("modern-treasury-valid-sdk",
           {"X-Signature": "07e118b4a9818c9242baf9009e76a78c29aeb015da93f600d514b77185247069"},
           "valid", "The official SDK's test vector (key `hello, world`).",
           body='{"foo":"bar"}', secret="hello, world"),
    vector("modern-treasury-valid", {"X-Signature": SIG, "X-Webhook-ID": WEBHOOK_ID}, "valid",
           "A payment_order event signed as documented, with its X-Webhook-ID."),
    vector("modern-treasury-tampered", {"X-Signature": SIG, "X-Webhook-ID": WEBHOOK_ID},
           "invalid", "The amount changed after signing.",
           body=BODY.replace("1000", "9000"), code="signature_mismatch"),
    vector("modern-treasury-missing", {"X-Webhook-ID": WEBHOOK_ID}, "invalid",
           "No X-Signature.", code="signature_missing"),
    vector("modern-treasury-not-hex", {"X-Signature": "z" * 64}, "invalid",
           "64 characters that are not hex.", code="signature_malformed"),
]


def confirm_with_official_sdk(vectors):
    if not (shutil.which("npm") and shutil.which("node")):
        print("modern-treasury: npm/node missing, official SDK check skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", tmp,
                        "modern-treasury@3.3.0"], check=True, stdout=subprocess.DEVNULL)
        cases = [{"id": v["id"], "key": v["secret"], "body": v["body"],
                  "sig": v["headers"].get("X-Signature")} for v in vectors
                 if "X-Signature" in v["headers"]]
        script = """
const MT = require(process.argv[1] + '/node_modules/modern-treasury');
const client = new MT({apiKey: 'unused', organizationID: 'unused'});
const out = {};
for (const c of JSON.parse(process.argv[2])) {
  out[c.id] = client.webhooks.validateSignature(c.body, {'X-Signature': c.sig}, {key: c.key});
}
console.log(JSON.stringify(out));
"""
        result = subprocess.run(["node", "-e", script, tmp, json.dumps(cases)],
                                check=True, capture_output=True, text=True)
        verdicts = json.loads(result.stdout)
    for v in vectors:
        if v["id"] in verdicts:
            assert verdicts[v["id"]] == (v["expect"] == "valid"), v["id"]
    print(f"modern-treasury: {len(verdicts)} vectors confirmed by modern-treasury@3.3.0")


confirm_with_official_sdk(VECTORS)
write("modern-treasury", VECTORS)
