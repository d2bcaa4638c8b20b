#!/usr/bin/env python3
"""Vectors for `replicate`: Standard Webhooks headers (`webhook-id` stays the same when a
webhook is resent), the key is the base64 after the `whsec_` prefix of the secret that
`GET /v1/webhooks/default/secret` returns (replicate-javascript `validateWebhook`).

Source: https://replicate.com/docs/topics/webhooks/verify-webhook
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`).
Run: python3 core/tests/data/providers/derive/replicate.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://replicate.com/docs/topics/webhooks/verify-webhook (webhook-id.webhook-timestamp.body, whsec_ key)"
KEY = b"replicate-conformance-key-32byte"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = compact({"id": "ufawqhfynnddngldkgtslldrkq", "status": "succeeded",
                "model": "stability-ai/sdxl", "output": ["https://replicate.delivery/out.png"]})
vectors = sf.vectors("replicate", DOC, SECRET, KEY, "webhook", BODY, "msg_2Xc2pQ9uVh3ZkWlM1q0A1f")
sf.confirm(vectors, lambda v: KEY)
write("replicate", vectors)
