#!/usr/bin/env python3
"""Vectors for `postmark`: Postmark signs nothing; its webhook URL carries Basic
authentication credentials (`https://<username>:<password>@example.com/webhook`), which
arrive as `Authorization: Basic …`.

Source: https://postmarkapp.com/developer/webhooks/webhooks-overview
Run: python3 core/tests/data/providers/derive/postmark.py
"""
from common import compact, write
import basic_family

DOC = "https://postmarkapp.com/developer/webhooks/webhooks-overview (Basic HTTP authentication in the webhook URL)"
BODY = compact({"RecordType": "Delivery", "ServerID": 23, "MessageStream": "outbound",
                "MessageID": "00000000-0000-0000-0000-000000000000", "Recipient": "john@example.com",
                "DeliveredAt": "2026-11-30T10:00:00Z"})
write("postmark", basic_family.vectors("postmark", DOC, "postmark-hooks", "pm-conformance-password", BODY))
