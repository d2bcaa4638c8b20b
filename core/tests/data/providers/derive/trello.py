#!/usr/bin/env python3
"""Vectors for `trello`: `X-Trello-Webhook`, the base64 HMAC-SHA1 of the full body
followed by the callback URL "exactly as it was provided during webhook creation", keyed
with the application's (OAuth) secret. hookgate signs with `auth.notification_url` when
the record has one, else with the URL the request arrived at.

Source: https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks (Webhook
signatures). Trello ships no verifier package.
Run: python3 core/tests/data/providers/derive/trello.py
"""
import hashlib

from common import b64_mac, compact, write

DOC = "https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks (X-Trello-Webhook: base64 HMAC-SHA1 of body + callbackURL, keyed with the application secret)"
SECRET = "3c2b1a0f9e8d7c6b5a49382716051f0e3c2b1a0f9e8d7c6b5a49382716051f0e"
CALLBACK = "https://hooks.example.com/conformance?memberID=14&mainModel=true"  # the page's example parameters
BODY = compact({"action": {"id": "51f9424bcd6e040f3c002412", "idMemberCreator": "4fc78a59a885233f4b349bd9", "type": "commentCard", "date": "2023-11-14T22:13:20.000Z", "data": {"text": "Ship it", "card": {"id": "51a79e72dbb7e23c7c003778", "name": "Release"}}}, "model": {"id": "4d5ea62fd76aa1136000000c", "name": "Board"}})
SIG = b64_mac(SECRET, BODY + CALLBACK, hashlib.sha1)
H = "X-Trello-Webhook"
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, url=CALLBACK, now=1700000000)
PROXIED = "https://gateway.internal.example/conformance"
write("trello", [
    dict(id="trello-valid", headers={H: SIG}, expect="valid", note="A commentCard action, arriving at the callback URL it was registered with.", **common),
    dict(id="trello-configured-url", headers={H: SIG}, auth={"notification_url": CALLBACK}, expect="valid", note="Behind a proxy: auth.notification_url is the callback URL Trello signs.", **{**common, "url": PROXIED}),
    dict(id="trello-other-url", headers={H: SIG}, expect="invalid", expect_code="signature_mismatch", note="The callback URL is signed: arriving elsewhere without auth.notification_url fails.", **{**common, "url": PROXIED}),
    dict(id="trello-query-order", headers={H: SIG}, expect="invalid", expect_code="signature_mismatch", note="The URL exactly as registered: reordered parameters fail.", **{**common, "url": "https://hooks.example.com/conformance?mainModel=true&memberID=14"}),
    dict(id="trello-tampered", headers={H: SIG}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("Ship it", "Hold it")}),
    dict(id="trello-sha256", headers={H: b64_mac(SECRET, BODY + CALLBACK)}, expect="invalid", expect_code="signature_malformed", note="A SHA-256 MAC: 32 bytes where Trello's SHA-1 gives 20.", **common),
    dict(id="trello-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
])
