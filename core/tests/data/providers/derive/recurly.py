#!/usr/bin/env python3
"""Vectors for `recurly`: `recurly-signature: <unix ms>,<hex>[,<hex>…]`, the hex
HMAC-SHA256 of `<ms>.<body>` keyed with the endpoint's secret key; the time within five
minutes either way. Only JSON webhooks are signed.

Source: https://docs.recurly.com/recurly-subscriptions/docs/signature-verification ("a
Unix timestamp (in milliseconds), followed by one or more signatures"); the recipe as
Recurly's own Ruby client implements it (recurly/recurly-client-ruby,
lib/recurly/webhooks.rb: `"#{timestamp}.#{body}"`, DEFAULT_TOLERANCE 5 min). Recurly's
npm and PyPI clients carry no verifier, so nothing here runs one.
Run: python3 core/tests/data/providers/derive/recurly.py
"""
from common import compact, hex_mac, write

DOC = "https://docs.recurly.com/recurly-subscriptions/docs/signature-verification (recurly-signature: <ms>,<hex HMAC-SHA256 of ms.body>,…)"
SECRET = "recurly-endpoint-key-0b5c9e2d4f"
OTHER = "recurly-endpoint-key-rotated-old"
NOW_MS = 1700000000456
T = str(NOW_MS)
NOW = NOW_MS // 1000
BODY = compact({"id": "ucn6hq0kyoe1", "object_type": "account", "site_id": "r2eb9rgdb3vy", "event_type": "created", "event_time": "2023-11-14T22:13:20Z", "account_code": "1"})
SIG = hex_mac(SECRET, f"{T}.{BODY}")
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW)
H = "Recurly-Signature"
write("recurly", [
    dict(id="recurly-valid", headers={H: f"{T},{SIG}"}, expect="valid", note="An account.created notification signed as Recurly's client checks it.", **common),
    dict(id="recurly-two-signatures", headers={H: f"{T},{hex_mac(OTHER, T + '.' + BODY)},{SIG}"}, expect="valid", note="Two signatures (during a key change); the second is by the stored key.", **common),
    dict(id="recurly-tampered", headers={H: f"{T},{SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("created", "closed")}),
    dict(id="recurly-stale", headers={H: f"{T},{SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s later (five minutes).", **{**common, "now": NOW + 301}),
    dict(id="recurly-future", headers={H: f"{NOW_MS + 301000},{hex_mac(SECRET, str(NOW_MS + 301000) + '.' + BODY)}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time 301 s ahead (Recurly's client checks both directions).", **common),
    dict(id="recurly-seconds", headers={H: f"{NOW},{hex_mac(SECRET, f'{NOW}.{BODY}')}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time in seconds read as Recurly's milliseconds is in 1970.", **common),
    dict(id="recurly-no-signature", headers={H: T}, expect="invalid", expect_code="signature_malformed", note="A timestamp and no signature.", **common),
    dict(id="recurly-no-timestamp", headers={H: SIG}, expect="invalid", expect_code="signature_malformed", note="A signature where the timestamp must come first.", **common),
    dict(id="recurly-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
])
