#!/usr/bin/env python3
"""Vectors for `razorpay`: Razorpay webhooks.

Recipe (https://razorpay.com/docs/webhooks/validate-test/, "Validate Webhooks"): the
`X-Razorpay-Signature` header is the hex HMAC-SHA256 of the raw webhook body, keyed with
the webhook secret set in the Dashboard (not the API key secret). Duplicates share
`x-razorpay-event-id` (https://razorpay.com/docs/webhooks/best-practices).

Confirmed with the official verifier: the script installs npm `razorpay` 2.x into a
temporary directory and checks that `validateWebhookSignature(body, signature, secret)`
accepts every valid vector and rejects every signature_mismatch one (needs `npm` and the
npm registry).

Run: python3 core/tests/data/providers/derive/razorpay.py
"""
import json
import os
import subprocess
import tempfile

from common import compact, hex_mac, write

DOC = "https://razorpay.com/docs/webhooks/validate-test/ (Validate webhooks: X-Razorpay-Signature)"
SECRET = "rzp-webhook-secret-Kd83nQ1x"
BODY = compact({
    "entity": "event",
    "account_id": "acc_BFQ7uQEaa7j2z7",
    "event": "payment.captured",
    "contains": ["payment"],
    "payload": {"payment": {"entity": {"id": "pay_DESlfW9H8K9uqM", "entity": "payment", "amount": 50000, "currency": "INR", "status": "captured", "order_id": "order_DESlLckIVRkHWj", "method": "upi", "captured": True}}},
    "created_at": 1700000000,
})
SIG = hex_mac(SECRET, BODY)
HEADERS = {"X-Razorpay-Signature": SIG, "x-razorpay-event-id": "NXq2Rg8DU9zB9Y", "Content-Type": "application/json"}
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)
without = {k: v for k, v in HEADERS.items() if k != "X-Razorpay-Signature"}

vectors = [
    dict(id="razorpay-payment-captured", headers=HEADERS, expect="valid", note="A payment.captured event with its event id.", **common),
    dict(id="razorpay-tampered", headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="The amount changed after signing.", **{**common, "body": BODY.replace("50000", "5000000")}),
    dict(id="razorpay-api-key-secret", headers={**without, "X-Razorpay-Signature": hex_mac("rzp_live_key_secret_0a1b2c", BODY)}, expect="invalid", expect_code="signature_mismatch", note="Signed with another secret (the docs warn against using the API key secret).", **common),
    dict(id="razorpay-missing-signature", headers=without, expect="invalid", expect_code="signature_missing", note="X-Razorpay-Signature removed.", **common),
    dict(id="razorpay-short-signature", headers={**without, "X-Razorpay-Signature": SIG[:-2]}, expect="invalid", expect_code="signature_malformed", note="One byte short.", **common),
]


def confirm(vectors):
    """Runs Razorpay's own validateWebhookSignature over the valid and mismatched vectors."""
    cases = [
        dict(body=v["body"], sig=v["headers"]["X-Razorpay-Signature"], secret=v["secret"], want=v["expect"] == "valid")
        for v in vectors
        if v["expect"] == "valid" or v.get("expect_code") == "signature_mismatch"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "install", "--prefix", tmp, "--no-audit", "--no-fund", "--silent", "razorpay@2"], check=True)
        script = """
const { validateWebhookSignature } = require('razorpay/dist/utils/razorpay-utils');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(cases.map(c => validateWebhookSignature(c.body, c.sig, c.secret))));
"""
        out = subprocess.run(["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True, cwd=tmp, env={"NODE_PATH": f"{tmp}/node_modules", "PATH": os.environ["PATH"]})
    got = json.loads(out.stdout)
    assert got == [c["want"] for c in cases], (got, cases)
    print(f"razorpay validateWebhookSignature agrees on {len(cases)} vectors")


confirm(vectors)
write("razorpay", vectors)
