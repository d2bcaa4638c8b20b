#!/usr/bin/env python3
"""Vectors for `lithic`: Lithic's event webhooks are Standard Webhooks (`webhook-id`,
`webhook-timestamp`, `webhook-signature`), the event subscription's secret is `whsec_` +
base64; Lithic's official Go SDK verifies with `standardwebhooks.NewWebhook(secret)`.

Source: https://docs.lithic.com/docs/events-api
Confirmed with PyPI `standardwebhooks` (installed into a temp venv by `official.py`).
Run: python3 core/tests/data/providers/derive/lithic.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://docs.lithic.com/docs/events-api (event subscriptions; Standard Webhooks signature)"
KEY = b"lithic-conformance-key-32-bytes!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = compact({"event_type": "card.created", "token": "8b1f2a4c-9d3e-4f5a-b6c7-d8e9f0a1b2c3",
                "card_token": "2c9d4f0e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
vectors = sf.vectors("lithic", DOC, SECRET, KEY, "webhook", BODY, "msg_2Zq8yS0p1bJ7hW3kN5cV9xT")
sf.confirm(vectors, lambda v: KEY)
write("lithic", vectors)
