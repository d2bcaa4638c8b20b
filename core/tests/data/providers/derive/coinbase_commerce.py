#!/usr/bin/env python3
"""Vectors for `coinbase-commerce`: Coinbase Commerce webhooks.

Recipe (https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security): every
request carries `X-CC-Webhook-Signature`, "the SHA256 HMAC signature of the raw request
payload, computed using your webhook shared secret as the key", in hex. The body is the
documented webhook shape (https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-fields):
`attempt_number`, `event`, `id` (the webhook event's uuid), `scheduled_for`.

Confirmed with the official verifier: the script installs npm `coinbase-commerce-node`
1.0.4 into a temporary directory and checks that `Webhook.verifySigHeader` accepts every
valid vector and rejects every signature_mismatch one (needs `npm` and the npm registry).

Run: python3 core/tests/data/providers/derive/coinbase_commerce.py
"""
import base64
import json
import os
import subprocess
import tempfile

from common import compact, hex_mac, write

DOC = "https://docs.cdp.coinbase.com/commerce/api-arcitecture/webhooks-security (X-CC-Webhook-Signature)"
SECRET = "2f6c1b8e-9a4d-4c3e-b7f1-0d5a8e2c6b94"
EVENT = {
    "api_version": "2018-03-22",
    "created_at": "2023-08-30T19:29:20Z",
    "data": {"id": "2aee9dd1-67b8-43ef-8dfe-977959850f27", "code": "XA6G6ZFR", "pricing": {"local": {"amount": "1.00", "currency": "USD"}, "settlement": {"amount": "1", "currency": "USDC"}}},
    "id": "9d2a5d10-1c7e-4f0b-9b5e-3a6f2e8c4d71",
    "resource": "event",
    "type": "charge:pending",
}
BODY = compact({"attempt_number": 1, "event": EVENT, "id": "6c1e5a3b-8f2d-4b7a-9e0c-1d4f7a2b5c8e", "scheduled_for": "2023-08-30T19:29:20Z"})
RETRY = compact({"attempt_number": 2, "event": EVENT, "id": "6c1e5a3b-8f2d-4b7a-9e0c-1d4f7a2b5c8e", "scheduled_for": "2023-08-30T19:30:20Z"})
SIG = hex_mac(SECRET, BODY)
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1693423760, body=BODY)

vectors = [
    dict(id="coinbase-commerce-charge-pending", headers={"X-CC-Webhook-Signature": SIG, "Content-Type": "application/json"}, expect="valid", note="A charge:pending webhook in the documented shape.", **common),
    dict(id="coinbase-commerce-retry", headers={"X-CC-Webhook-Signature": hex_mac(SECRET, RETRY)}, expect="valid", note="The retry: attempt_number and scheduled_for change, so it is signed anew.", **{**common, "body": RETRY}),
    dict(id="coinbase-commerce-retry-with-first-signature", headers={"X-CC-Webhook-Signature": SIG}, expect="invalid", expect_code="signature_mismatch", note="The retry's body under the first attempt's signature.", **{**common, "body": RETRY}),
    dict(id="coinbase-commerce-tampered", headers={"X-CC-Webhook-Signature": SIG}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("1.00", "9.00")}),
    dict(id="coinbase-commerce-missing-signature", headers={"Content-Type": "application/json"}, expect="invalid", expect_code="signature_missing", note="X-CC-Webhook-Signature removed.", **common),
    dict(id="coinbase-commerce-base64", headers={"X-CC-Webhook-Signature": base64.b64encode(bytes.fromhex(SIG)).decode()}, expect="invalid", expect_code="signature_malformed", note="The right MAC in base64: Coinbase sends hex.", **common),
]


def confirm(vectors):
    """Runs coinbase-commerce-node's own verifier over the valid and mismatched vectors."""
    cases = [
        dict(body=v["body"], sig=v["headers"]["X-CC-Webhook-Signature"], secret=v["secret"], want=v["expect"] == "valid")
        for v in vectors
        if v["expect"] == "valid" or v.get("expect_code") == "signature_mismatch"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "install", "--prefix", tmp, "--no-audit", "--no-fund", "--silent", "coinbase-commerce-node@1.0.4"], check=True)
        script = """
const { Webhook } = require('coinbase-commerce-node');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(cases.map(c => {
  try { Webhook.verifySigHeader(c.body, c.sig, c.secret); return true; } catch (e) { return false; }
})));
"""
        out = subprocess.run(["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True, cwd=tmp, env={"NODE_PATH": f"{tmp}/node_modules", "PATH": os.environ["PATH"]})
    got = json.loads(out.stdout)
    assert got == [c["want"] for c in cases], (got, cases)
    print(f"coinbase-commerce-node agrees on {len(cases)} vectors")


confirm(vectors)
write("coinbase-commerce", vectors)
