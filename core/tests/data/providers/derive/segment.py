#!/usr/bin/env python3
"""Vectors for `segment`: Segment's Webhooks (Actions) destination with a shared secret.

Recipe (https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook,
Getting started, step 5): "If you provide a shared secret, Segment will sign requests with
an HMAC in the "X-Signature" request header. The HMAC is a hex-encoded SHA1 hash generated
using the shared secret and the request body." The body is a Segment track event, whose
`messageId` names the message. Segment ships no verifier.

Run: python3 core/tests/data/providers/derive/segment.py
"""
import hashlib

from common import compact, hex_mac, write

DOC = "https://www.twilio.com/docs/segment/connections/destinations/catalog/actions-webhook (shared secret: X-Signature)"
SECRET = "segment-shared-secret-41c9"
BODY = compact({
    "type": "track",
    "event": "Order Completed",
    "userId": "user_4821",
    "messageId": "ajs-next-1700000000000-6f2a1c3e-8b4d-4e5f-a6b7-c8d9e0f1a2b3",
    "timestamp": "2023-11-14T22:13:20.000Z",
    "properties": {"order_id": "50314b8e9bcf000000000000", "total": 27.5, "currency": "USD"},
})
SIG = hex_mac(SECRET, BODY, hashlib.sha1)
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)

write("segment", [
    dict(id="segment-track", headers={"X-Signature": SIG, "Content-Type": "application/json"}, expect="valid", note="A track event as the destination sends it.", **common),
    dict(id="segment-put", headers={"X-Signature": SIG}, expect="valid", note="The destination may use PUT; the signature covers the body alone.", **{**common, "method": "PUT"}),
    dict(id="segment-tampered", headers={"X-Signature": SIG}, expect="invalid", expect_code="signature_mismatch", note="The total changed after signing.", **{**common, "body": BODY.replace("27.5", "2.5")}),
    dict(id="segment-sha256", headers={"X-Signature": hex_mac(SECRET, BODY)}, expect="invalid", expect_code="signature_malformed", note="A SHA-256 length digest: Segment signs with SHA-1.", **common),
    dict(id="segment-missing-signature", headers={"Content-Type": "application/json"}, expect="invalid", expect_code="signature_missing", note="No X-Signature (a destination without a shared secret).", **common),
])
