#!/usr/bin/env python3
"""Vectors for `brex`: `Webhook-Id`, `Webhook-Timestamp`, `Webhook-Signature` (two
entries after a secret rotation), HMAC-SHA256 of `id.timestamp.body` with the
base64-decoded secret from `GET /v1/webhooks/secrets`.

Source: https://developer.brex.com/docs/webhooks (the headers, the rotation); the
decoding of the secret is as in trigger.dev's Brex example, Standard Webhooks' rule.
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`).
Run: python3 core/tests/data/providers/derive/brex.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://developer.brex.com/docs/webhooks (Webhook-Id, Webhook-Timestamp, Webhook-Signature)"
KEY = b"brex-conformance-key-32-bytes!!!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = compact({"event_type": "TRANSFER_PROCESSED", "transfer_id": "dpt_clp2l7h7v0001",
                "company_id": "cuacc_clp2l7h7v0002"})
vectors = sf.vectors("brex", DOC, SECRET, KEY, "webhook", BODY, "msg_2ZrbQ3u1kT8vN0pX5cY7wL2")
# Brex's headers are capitalised on the wire; names are case-insensitive.
for v in vectors:
    v["headers"] = {k.title(): val for k, val in v["headers"].items()}
sf.confirm(vectors, lambda v: KEY)
write("brex", vectors)
