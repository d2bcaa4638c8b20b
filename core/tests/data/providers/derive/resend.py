#!/usr/bin/env python3
"""Vectors for `resend`: Resend signs through Svix (`svix-id`, `svix-timestamp`,
`svix-signature`); the signing secret shown on the webhook's page is `whsec_` + base64.

Source: https://resend.com/docs/webhooks/verify-webhooks-requests
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`).
Run: python3 core/tests/data/providers/derive/resend.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://resend.com/docs/webhooks/verify-webhooks-requests (Svix headers, whsec_ signing secret)"
KEY = b"resend-conformance-key-32-bytes!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = compact({"type": "email.delivered", "created_at": "2026-11-30T10:00:00.000Z",
                "data": {"email_id": "56761188-7520-42d8-8898-ff6fc54ce618"}})
vectors = sf.vectors("resend", DOC, SECRET, KEY, "svix", BODY, "msg_2ZdY0Jm1XyW8H2kQv7p3n5r")
sf.confirm(vectors, lambda v: KEY)
write("resend", vectors)
