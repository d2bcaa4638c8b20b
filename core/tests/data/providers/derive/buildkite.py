#!/usr/bin/env python3
"""Vectors for `buildkite`: `X-Buildkite-Signature: timestamp=<unix>,signature=<hex>`, the
hex HMAC-SHA256 of `<timestamp>.<body>` keyed with the webhook's token.

Source: https://buildkite.com/docs/apis/webhooks/pipelines ("Webhook signature",
"Verifying HMAC signatures": `OpenSSL::HMAC.hexdigest("sha256", secret,
"#{timestamp}.#{webhook_request_body}")`; "Defending against replay attacks": a window
"for example, 5 minutes"). Buildkite ships no verifier package.
Run: python3 core/tests/data/providers/derive/buildkite.py
"""
from common import compact, hex_mac, write

DOC = "https://buildkite.com/docs/apis/webhooks/pipelines (X-Buildkite-Signature: timestamp=…,signature=<hex HMAC-SHA256 of timestamp.body>)"
TOKEN = "309c9c842g8565adecpd7469x6005989"  # the page's example token
NOW = 1619071700  # the page's example timestamp
T = str(NOW)
BODY = compact({"event": "build.finished", "build": {"id": "f62a1b4d-10f9-4790-bc1c-e2c3a0c80983", "number": 1, "state": "passed"}, "sender": {"name": "Some Person"}})
SIG = hex_mac(TOKEN, f"{T}.{BODY}")
common = dict(source=DOC, secret=TOKEN, secret_encoding="utf8", body=BODY, now=NOW)
H = "X-Buildkite-Signature"
write("buildkite", [
    dict(id="buildkite-valid", headers={H: f"timestamp={T},signature={SIG}", "X-Buildkite-Event": "build.finished"}, expect="valid", note="A build.finished event signed with the page's example token.", **common),
    dict(id="buildkite-tampered", headers={H: f"timestamp={T},signature={SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("passed", "failed")}),
    dict(id="buildkite-stale", headers={H: f"timestamp={T},signature={SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s later (the page's five minutes).", **{**common, "now": NOW + 301}),
    dict(id="buildkite-token-only", headers={"X-Buildkite-Token": TOKEN}, expect="invalid", expect_code="signature_missing", note="The plain-token mode: this scheme verifies the signature mode only.", **common),
    dict(id="buildkite-stripe-keys", headers={H: f"t={T},v1={SIG}"}, expect="invalid", expect_code="signature_malformed", note="Stripe's keys: Buildkite names them timestamp and signature.", **common),
])
