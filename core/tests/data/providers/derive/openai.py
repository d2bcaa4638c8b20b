#!/usr/bin/env python3
"""Vectors for `openai`: OpenAI's webhooks follow Standard Webhooks (`webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<base64>`); the key is the base64 after
`whsec_` (openai-python `resources/webhooks.py` `verify_signature`, 300 s both ways).

Source: https://platform.openai.com/docs/guides/webhooks
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`).
Run: python3 core/tests/data/providers/derive/openai.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://platform.openai.com/docs/guides/webhooks (Standard Webhooks headers, whsec_ secret)"
SECRET = "whsec_" + base64.b64encode(b"openai-conformance-key-32-bytes!").decode()
KEY = b"openai-conformance-key-32-bytes!"
BODY = compact({"object": "event", "id": "evt_685343a1381c819085d44c354e1b330e",
                "type": "response.completed", "created_at": 1750287018, "data": {"id": "resp_abc123"}})
vectors = sf.vectors("openai", DOC, SECRET, KEY, "webhook", BODY, "wh_685342e6c53c8190a1be43f081506c52")
sf.confirm(vectors, lambda v: KEY)
write("openai", vectors)
