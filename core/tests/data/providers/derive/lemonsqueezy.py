#!/usr/bin/env python3
"""Vectors for `lemonsqueezy`: Lemon Squeezy webhooks.

Recipe (https://docs.lemonsqueezy.com/help/webhooks/signing-requests): Lemon Squeezy uses
the signing secret entered when the webhook was created "to generate a hash of the payload
and send the hash in the X-Signature header"; the hash is an HMAC hex digest (SHA-256 in the
page's examples). Lemon Squeezy ships no verifier (its JS SDK is an API client).

Run: python3 core/tests/data/providers/derive/lemonsqueezy.py
"""
import hashlib

from common import compact, hex_mac, write

DOC = "https://docs.lemonsqueezy.com/help/webhooks/signing-requests (X-Signature)"
SECRET = "ls-signing-7Qw2e9Rt"
BODY = compact({
    "meta": {"event_name": "order_created", "webhook_id": "c4a0b7e5-2d1f-4e3a-9b8c-7d6e5f4a3b2c", "custom_data": {"customer_id": 25}},
    "data": {"type": "orders", "id": "1", "attributes": {"store_id": 1, "identifier": "104e18a2-d755-4d4b-80c4-a6c1dcbe1c10", "user_email": "darlene@example.com", "total": 999, "currency": "USD", "status": "paid"}},
})
SIG = hex_mac(SECRET, BODY)
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)

write("lemonsqueezy", [
    dict(id="lemonsqueezy-order-created", headers={"X-Event-Name": "order_created", "X-Signature": SIG}, expect="valid", note="An order_created webhook.", **common),
    dict(id="lemonsqueezy-tampered", headers={"X-Signature": SIG}, expect="invalid", expect_code="signature_mismatch", note="The status changed after signing.", **{**common, "body": BODY.replace('"paid"', '"refunded"')}),
    dict(id="lemonsqueezy-sha1", headers={"X-Signature": hex_mac(SECRET, BODY, hashlib.sha1)}, expect="invalid", expect_code="signature_malformed", note="A SHA-1 length digest: Lemon Squeezy signs with SHA-256.", **common),
    dict(id="lemonsqueezy-other-secret", headers={"X-Signature": hex_mac("ls-signing-other", BODY)}, expect="invalid", expect_code="signature_mismatch", note="Signed with another signing secret.", **common),
    dict(id="lemonsqueezy-missing-signature", headers={"X-Event-Name": "order_created"}, expect="invalid", expect_code="signature_missing", note="X-Signature removed.", **common),
])
