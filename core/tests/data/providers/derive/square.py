#!/usr/bin/env python3
"""Vectors for `square`: `x-square-hmacsha256-signature`, the base64 HMAC-SHA256 of the
subscription's notification URL followed by the raw body, keyed with its signature key.
hookgate signs with `auth.notification_url` when the record has one (a proxy in front,
another public host), else with the URL the request arrived at.

Source: https://developer.squareup.com/docs/webhooks/step3validate. The vectors marked
published are those of Square's Node SDK test (square/square-nodejs-sdk,
tests/integration/webhooks.test.ts). Every vector the helper can judge is confirmed with
Square's official verifier, npm `square`'s `WebhooksHelper.verifySignature`, installed
into a temporary directory (needs node and npm; `--no-sdk` skips it), given the URL
hookgate signs with.
Run: python3 core/tests/data/providers/derive/square.py
"""
import sys

from common import b64_mac, write
from official_sdk import confirm, npm

DOC = "https://developer.squareup.com/docs/webhooks/step3validate (x-square-hmacsha256-signature: base64 HMAC-SHA256 of notification URL + raw body)"
SDK_TEST = DOC + "; published in square/square-nodejs-sdk tests/integration/webhooks.test.ts"
BODY = '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}'
SIG = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
KEY = "Ibxx_5AKakO-3qeNVR61Dw"
URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"
assert b64_mac(KEY, URL + BODY) == SIG
H = "x-square-hmacsha256-signature"
pub = dict(source=SDK_TEST, secret=KEY, secret_encoding="utf8", body=BODY, url=URL, now=1657744259, derived=False)
ESC_BODY = '{"data":{"type":"webhooks","id":">id<"}}'
ESC_URL = "https://webhook.site/webhooks"
assert b64_mac("signature-key", ESC_URL + ESC_BODY) == "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="
PROXIED = "https://gateway.internal.example/hooks/square"
vectors = [
    dict(id="square-sdk-valid", headers={H: SIG}, expect="valid", note="Square's own test vector, arriving at its notification URL.", **pub),
    dict(id="square-sdk-escaped", headers={H: "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="}, expect="valid", note="Square's test: a body with > and < signed as sent.", **{**pub, "secret": "signature-key", "body": ESC_BODY, "url": ESC_URL}),
    dict(id="square-sdk-other-url", headers={H: SIG}, expect="invalid", expect_code="signature_mismatch", note="Square's test: another notification URL.", **{**pub, "url": "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9"}),
    dict(id="square-sdk-other-key", headers={H: SIG}, expect="invalid", expect_code="signature_mismatch", note="Square's test: another signature key.", **{**pub, "secret": "MCmhFRxGX82xMwg5FsaoQA"}),
    dict(id="square-sdk-tampered", headers={H: SIG}, expect="invalid", expect_code="signature_mismatch", note="Square's test: another created_at in the body.", **{**pub, "body": BODY.replace("2022-07-13", "2022-06-13")}),
    dict(id="square-configured-url", headers={H: SIG}, auth={"notification_url": URL}, expect="valid", note="Behind a proxy the request arrives elsewhere; auth.notification_url is what Square signed.", **{**pub, "url": PROXIED}),
    dict(id="square-configured-url-not-arrival", headers={H: b64_mac(KEY, PROXIED + BODY)}, auth={"notification_url": URL}, expect="invalid", expect_code="signature_mismatch", note="With auth.notification_url set, the arrival URL is not what is checked.", **{**pub, "url": PROXIED}),
]
refused = [
    dict(id="square-sdk-sha1-length", headers={H: "1z2n3DEJJiUPKcPzQo1ftvbxGdw="}, expect="invalid", expect_code="signature_malformed", note="Square's test's invalid header: 20 bytes, an HMAC-SHA1's length.", **pub),
    dict(id="square-legacy-header-only", headers={"x-square-signature": "1z2n3DEJJiUPKcPzQo1ftvbxGdw="}, expect="invalid", expect_code="signature_missing", note="Only the legacy HMAC-SHA1 header.", **pub),
]

CHECK = """
const { WebhooksHelper } = require('square');
(async () => {
  const out = [];
  for (const v of VECTORS) {
    const notificationUrl = (v.auth && v.auth.notification_url) || v.url;
    out.push(await WebhooksHelper.verifySignature({ requestBody: v.body, signatureHeader: v.headers['x-square-hmacsha256-signature'], signatureKey: v.secret, notificationUrl }));
  }
  console.log(JSON.stringify(out));
})();
"""
if "--no-sdk" not in sys.argv:
    confirm("square", vectors, npm(["square"], CHECK, vectors), "square WebhooksHelper.verifySignature")
write("square", vectors + refused)
