#!/usr/bin/env python3
"""Vectors for `intercom`: Intercom's signed webhook notifications.

Recipe (https://developers.intercom.com/docs/references/webhooks/webhook-models, "Signed
notifications"): `X-Hub-Signature: sha1=<40 hex>`, the HMAC-SHA1 (RFC 2104) of the JSON
notification body, keyed with the app's client_secret. The body is the docs' example
notification. The docs' example signature comes without its secret, so it cannot be
checked; Intercom ships no verifier. The HEAD URL check is tested in handshake.rs and e2e.

Run: python3 core/tests/data/providers/derive/intercom.py
"""
import hashlib

from common import hex_mac, write

DOC = "https://developers.intercom.com/docs/references/webhooks/webhook-models (Signed notifications)"
SECRET = "intercom-client-secret-3b0c1a7f-2d9e"
# The docs' example signed request body, verbatim (pretty-printed as shown there).
BODY = """{
  "type" : "notification_event",
  "id" : "notif_78c122d0-23ba-11e4-9464-79b01267cc2e",
  "topic" : "user.created",
  "app_id" : "a86dr8yl",
  "data" : {
    "type" : "notification_event_data",
    "item" : {
      "type" : "user",
      "id" : "530370b477ad7120001d",
      "user_id" : "25",
      "name" : "Hoban Washburne",
      "unsubscribed_from_emails" : false,
      "custom_attributes" : {}
    }
  }
}"""
SIG = "sha1=" + hex_mac(SECRET, BODY, hashlib.sha1)
HEADERS = {"User-Agent": "intercom-parrot-service-client/1.0", "Content-Type": "application/json", "X-Hub-Signature": SIG}
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)
without = {k: v for k, v in HEADERS.items() if k != "X-Hub-Signature"}

write("intercom", [
    dict(id="intercom-docs-example-body", headers=HEADERS, expect="valid", note="The docs' example notification, signed with the documented recipe.", **common),
    dict(id="intercom-tampered", headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("Hoban", "Zoe")}),
    dict(id="intercom-docs-signature-other-secret", headers={**without, "X-Hub-Signature": "sha1=21ff2e149e0fdcac6f947740f6177f6434bda921"}, expect="invalid", expect_code="signature_mismatch", note="The docs' example header value: made with a secret that is not this one.", **common),
    dict(id="intercom-sha256-prefix", headers={**without, "X-Hub-Signature": "sha256=" + hex_mac(SECRET, BODY)}, expect="invalid", expect_code="signature_malformed", note="Intercom signs with SHA-1 and says sha1=.", **common),
    dict(id="intercom-unsigned", headers=without, expect="invalid", expect_code="signature_missing", note="No X-Hub-Signature.", **common),
])
