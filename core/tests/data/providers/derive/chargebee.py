#!/usr/bin/env python3
"""Vectors for `chargebee`: Chargebee signs nothing; "Protect webhook URL with basic
authentication" sends the configured username and password as HTTP Basic
authentication. The event's top-level `id` identifies it (Chargebee's duplicates share
it).

Source: https://www.chargebee.com/docs/2.0/webhook_settings.html
Run: python3 core/tests/data/providers/derive/chargebee.py
"""
from common import compact, write
import basic_family

DOC = "https://www.chargebee.com/docs/2.0/webhook_settings.html (Protect webhook URL with basic authentication)"
BODY = compact({"id": "ev_16BPgETyVrQbiGhA", "occurred_at": 1700000000, "source": "admin_console",
                "object": "event", "api_version": "v2", "event_type": "subscription_created",
                "content": {"subscription": {"id": "16BPgETyVrQVHGh1"}}})
write("chargebee", basic_family.vectors("chargebee", DOC, "chargebee", "cb-conformance-password", BODY))
