#!/usr/bin/env python3
"""Vectors for `mailgun`: the JSON body's top-level `signature` object holds `token` (50
characters, the delivery's id), `timestamp` (Unix seconds) and `signature`, the hex
HMAC-SHA256 of timestamp ‖ token (no separator) with the webhook signing key. A
subaccount's event adds `parent-signature`, the same MAC with the primary account's key.
Only the timestamp and the token are signed: `event-data` is not covered (so hookgate
dedupes on the signed token).

Source: https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
No official verifier package: the page's Node snippet is the recipe.
Run: python3 core/tests/data/providers/derive/mailgun.py
"""
import json

from common import compact, hex_mac, write

DOC = "https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks (HMAC-SHA256 hex of timestamp+token)"
KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
PRIMARY = "key-primaryaccount0conformance0000"
NOW = 1770920772
TOKEN = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123"
EVENT = {"event": "delivered", "id": "CPgfbmQMTCKtHW6uIWtuVe", "timestamp": 1770920771.2,
         "recipient": "alice@example.com"}


def body(signature, event=EVENT):
    return json.dumps({"signature": signature, "event-data": event}, separators=(",", ":"))


def sig(key=KEY, ts=str(NOW), token=TOKEN):
    return {"token": token, "timestamp": ts, "signature": hex_mac(key, ts + token)}


base = dict(source=DOC, secret=KEY, secret_encoding="utf8", now=NOW, headers={"Content-Type": "application/json"})
stale = str(NOW - 901)
vectors = [
    dict(id="mailgun-valid", body=body(sig()), expect="valid",
         note="The docs' example token and timestamp, signed with the recipe.", **base),
    dict(id="mailgun-integer-timestamp", body=body(dict(sig(), timestamp=NOW)), expect="valid",
         note="The table calls the timestamp an int: a JSON number is signed as its digits.", **base),
    dict(id="mailgun-event-data-not-signed", body=body(sig(), dict(EVENT, recipient="mallory@example.com")),
         expect="valid", note="Mailgun signs timestamp+token only; event-data changes do not break it.", **base),
    dict(id="mailgun-parent-signature",
         body=body(dict(sig(key="key-subaccount-not-ours"), **{"parent-signature": hex_mac(PRIMARY, str(NOW) + TOKEN)})),
         expect="valid", note="A subaccount's event verified with the primary key's parent-signature.",
         **dict(base, secret=PRIMARY)),
    dict(id="mailgun-other-token", body=body(dict(sig(), token=TOKEN[:-1] + "4")),
         expect="invalid", expect_code="signature_mismatch", note="The token is signed.", **base),
    dict(id="mailgun-other-timestamp", body=body(dict(sig(), timestamp=str(NOW - 1))),
         expect="invalid", expect_code="signature_mismatch", note="The timestamp is signed.", **base),
    dict(id="mailgun-stale", body=body(sig(ts=stale)), expect="invalid", expect_code="timestamp_out_of_tolerance",
         note="Signed 901 s before now (hookgate's default window is 900 s).", **base),
    dict(id="mailgun-no-signature-object", body=compact({"event-data": EVENT}), expect="invalid",
         expect_code="signature_missing", note="No top-level signature object.", **base),
    dict(id="mailgun-not-json", body="timestamp=1&token=x&signature=y", expect="invalid",
         expect_code="signature_missing", note="Not a JSON body: no signature object to read.", **base),
    dict(id="mailgun-no-timestamp", body=body({k: v for k, v in sig().items() if k != "timestamp"}),
         expect="invalid", expect_code="timestamp_missing", note="The signature object has no timestamp.", **base),
    dict(id="mailgun-timestamp-not-a-number", body=body(dict(sig(), timestamp="soon")), expect="invalid",
         expect_code="timestamp_malformed", note="The timestamp is not Unix seconds.", **base),
    dict(id="mailgun-no-token", body=body({k: v for k, v in sig().items() if k != "token"}),
         expect="invalid", expect_code="signature_malformed", note="No token: nothing to sign.", **base),
    dict(id="mailgun-signature-not-hex", body=body(dict(sig(), signature="zz" * 32)), expect="invalid",
         expect_code="signature_malformed", note="The signature is not 64 hex digits.", **base),
]
write("mailgun", vectors)
