#!/usr/bin/env python3
"""Vectors for `polar`: Standard Webhooks headers (`webhook-id` is the event id), with
Polar's two key rules (server/polar/webhook/tasks.py `sign_webhook`, and the SDKs'
`validateEvent`, which base64-encode the secret before handing it to standardwebhooks):

* a secret Polar generated before it moved to Standard Webhooks (`polar_whs_…`, or
  `whsec_` + 43 URL-safe characters) is used as its UTF-8 text, prefix included;
* a newer one (`whsec_` + base64 of 32 bytes, `uses_standard_webhook_signature`) is
  decoded, as Standard Webhooks says.

Nothing in a delivery says which, so hookgate tries both keys for a `whsec_` secret.

Source: https://docs.polar.sh/integrate/webhooks/delivery ("the webhook secret is
expected to be base64 encoded"; Polar's SDKs do it).
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`):
for a legacy secret with the text's bytes as the key, as Polar's server signs.
Run: python3 core/tests/data/providers/derive/polar.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://docs.polar.sh/integrate/webhooks/delivery (Standard Webhooks; Polar's secret rules)"
BODY = compact({"type": "order.paid", "timestamp": "2026-11-30T10:00:00Z",
                "data": {"id": "b0a6ad7e-3b1f-4d6e-9c59-6f2b9e0d1a11", "amount": 1000}})
MSG = "5a0c2d6e-7f81-4b2a-9c3d-4e5f6a7b8c9d"

LEGACY = "polar_whs_c0nf0rmanceLegacyP0larT0ken1234567890abcdefghij"
# A `whsec_` secret of the old generator: 43 URL-safe characters, used as text.
OLD_WHSEC = "whsec_p0LarLegacy-T0ken_with43UrlSafeCharsAbCdEf0"
# One without `-` or `_` (a quarter of them): it also decodes as base64, yet its text is the key.
OLD_DECODABLE = "whsec_p0LarLegacyT0kenWith43AlphanumericCharsAbCd"
NEW_KEY = b"polar-conformance-key-32-bytes!!"
NEW_WHSEC = "whsec_" + base64.b64encode(NEW_KEY).decode()
assert len(OLD_WHSEC) - len("whsec_") == 43 == len(OLD_DECODABLE) - len("whsec_")
assert base64.b64decode(OLD_DECODABLE[6:] + "=")  # decodes, so both keys are tried

keys = {}
vectors = []
for label, secret, key in [
    ("legacy", LEGACY, LEGACY.encode()),
    ("old-whsec", OLD_WHSEC, OLD_WHSEC.encode()),
    ("old-whsec-decodable", OLD_DECODABLE, OLD_DECODABLE.encode()),
    ("standard", NEW_WHSEC, NEW_KEY),
]:
    for v in sf.vectors(f"polar-{label}", DOC, secret, key, "webhook", BODY, MSG):
        v["scheme"] = "polar"
        keys[v["id"]] = key
        vectors.append(v)
# The decoded key of a new secret is not its text: signing with the text is refused.
wrong = sf.signed(NEW_WHSEC.encode(), MSG, str(sf.NOW), BODY)
vectors.append(dict(id="polar-standard-signed-with-text", source=DOC, secret=NEW_WHSEC,
                    secret_encoding="utf8", now=sf.NOW, body=BODY,
                    headers={"webhook-id": MSG, "webhook-timestamp": str(sf.NOW), "webhook-signature": wrong},
                    expect="valid",
                    note="A whsec_ secret is also tried as text (Polar's legacy rule): both keys are the secret's."))
keys["polar-standard-signed-with-text"] = NEW_WHSEC.encode()
sf.confirm(vectors, lambda v: keys[v["id"]])
write("polar", vectors)
