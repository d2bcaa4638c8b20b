#!/usr/bin/env python3
"""Vectors for `heroku`: Heroku app webhooks.

Recipe (https://devcenter.heroku.com/articles/app-webhooks, "Securing webhook requests";
https://devcenter.heroku.com/articles/app-webhooks-schema: "secret: A value that Heroku
will use to sign all webhook notification requests (the signature is included in the
request's Heroku-Webhook-Hmac-SHA256 header)"): the header is the base64 HMAC-SHA256 of
the raw body, keyed with the webhook's secret. The body follows the documented event
shape (https://devcenter.heroku.com/articles/webhook-events), whose `id` is the event's
and whose `webhook_metadata.attempt.id` changes per attempt. Heroku ships no verifier.

Run: python3 core/tests/data/providers/derive/heroku.py
"""
import base64

from common import b64_mac, compact, write

DOC = "https://devcenter.heroku.com/articles/app-webhooks (Securing webhook requests: Heroku-Webhook-Hmac-SHA256)"
SECRET = "heroku-webhook-secret-0b7d3f9a"
BODY = compact({
    "action": "create",
    "actor": {"email": "user-0165@example.com", "id": "33500732-3b64-436f-9710-64cc569c3e4f"},
    "created_at": "2016-10-26T22:48:45Z",
    "id": "7846bee9-b017-4492-9bed-34cd8327e71d",
    "data": {"app": {"id": "d2f24bd2-399a-4868-9467-bc0ba2411cc2", "name": "sample-app-0084"}, "id": "25bfb830-8c4a-49e1-b0a3-831da386de90", "name": "DATABASE"},
    "previous_data": {},
    "published_at": None,
    "resource": "addon-attachment",
    "sequence": None,
    "updated_at": "2016-10-26T22:48:45Z",
    "version": "application/vnd.heroku+json; version=3",
    "webhook_metadata": {"attempt": {"id": "8a44f820-2354-489d-9a11-a793cbf49979"}, "delivery": {"id": "d244009a-670f-4340-88e9-789a4f9002d5"}, "event": {"id": "7846bee9-b017-4492-9bed-34cd8327e71d", "include": "api:addon-attachment"}, "webhook": {"id": "b54e6a7e-d162-4bd7-ab42-1011582c19cc"}},
})
SIG = b64_mac(SECRET, BODY)
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1477522125, body=BODY)

write("heroku", [
    dict(id="heroku-addon-attachment-create", headers={"Heroku-Webhook-Hmac-SHA256": SIG, "Content-Type": "application/json"}, expect="valid", note="The documented api:addon-attachment create event.", **common),
    dict(id="heroku-tampered", headers={"Heroku-Webhook-Hmac-SHA256": SIG}, expect="invalid", expect_code="signature_mismatch", note="The attachment's name changed after signing.", **{**common, "body": BODY.replace("DATABASE", "DATABASE2")}),
    dict(id="heroku-other-attempt", headers={"Heroku-Webhook-Hmac-SHA256": SIG}, expect="invalid", expect_code="signature_mismatch", note="Another attempt's metadata under this attempt's signature.", **{**common, "body": BODY.replace("8a44f820", "9b55a931")}),
    dict(id="heroku-hex-signature", headers={"Heroku-Webhook-Hmac-SHA256": base64.b64decode(SIG).hex()}, expect="invalid", expect_code="signature_malformed", note="The right MAC in hex: Heroku sends base64.", **common),
    dict(id="heroku-missing-signature", headers={"Content-Type": "application/json"}, expect="invalid", expect_code="signature_missing", note="A webhook created without a secret sends no signature.", **common),
])
