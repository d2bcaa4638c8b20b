#!/usr/bin/env python3
"""Vectors for `clerk`: Clerk delivers through Svix, so the headers are `svix-id`,
`svix-timestamp` and `svix-signature` (`v1,<base64>`); the signing secret is `whsec_` +
base64 (@clerk/backend `verifyWebhook` maps the svix-* headers to Standard Webhooks').

Source: https://clerk.com/docs/webhooks/sync-data
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`).
Run: python3 core/tests/data/providers/derive/clerk.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://clerk.com/docs/webhooks/sync-data (Svix headers, whsec_ signing secret)"
KEY = b"clerk-conformance-key-32-bytes!!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = compact({"type": "user.created", "object": "event", "data": {"id": "user_29w83sxmDNGwOuEthce5gg56FcC"}})
vectors = sf.vectors("clerk", DOC, SECRET, KEY, "svix", BODY, "msg_2Y3dKdNqkJ0zyLwZ8Lx0b2wXy")
sf.confirm(vectors, lambda v: KEY)
write("clerk", vectors)
