#!/usr/bin/env python3
"""Vectors for `frameio`: `X-Frameio-Signature: v0=<hex>`, the hex HMAC-SHA256 of
`v0:<X-Frameio-Request-Timestamp>:<body>` keyed with the webhook's signing secret.

Source: https://developer.frame.io/platform/docs/guides/webhooks ("Verifying webhook
signatures": the timestamp header is Unix seconds, the window five minutes). Frame.io
ships no verifier package.
Run: python3 core/tests/data/providers/derive/frameio.py
"""
from common import compact, hex_mac, write

DOC = "https://developer.frame.io/platform/docs/guides/webhooks (X-Frameio-Signature: v0=<hex HMAC-SHA256 of v0:timestamp:body>)"
SECRET = "frameio-signing-secret-71c0d9"
NOW = 1700000000
T = str(NOW)
BODY = compact({"type": "file.ready", "resource": {"type": "file", "id": "d1d6c1d4-0f6f-4d84-9f0e-3f8c3d0b2b8e"}, "account": {"id": "6e2f5a7c"}, "workspace": {"id": "9b1c7d2e"}, "user": {"id": "4c3b2a19"}})
SIG = "v0=" + hex_mac(SECRET, f"v0:{T}:{BODY}")
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW)


def headers(sig=SIG, ts=T):
    return {"X-Frameio-Signature": sig, "X-Frameio-Request-Timestamp": ts}


write("frameio", [
    dict(id="frameio-valid", headers=headers(), expect="valid", note="A file.ready event signed as the page says.", **common),
    dict(id="frameio-tampered", headers=headers(), expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("ready", "upload")}),
    dict(id="frameio-stale", headers=headers(), expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s later (five minutes).", **{**common, "now": NOW + 301}),
    dict(id="frameio-timestamp-missing", headers={"X-Frameio-Signature": SIG}, expect="invalid", expect_code="timestamp_missing", note="No timestamp header.", **common),
    dict(id="frameio-signature-missing", headers={"X-Frameio-Request-Timestamp": T}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
    dict(id="frameio-no-prefix", headers=headers(sig=SIG[3:]), expect="invalid", expect_code="signature_malformed", note="The hex without its v0= prefix.", **common),
])
