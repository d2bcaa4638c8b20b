#!/usr/bin/env python3
"""Vectors for `hubspot-v3`: `X-HubSpot-Signature-v3`, the base64 HMAC-SHA256 of the
method, the URI, the body and `X-HubSpot-Request-Timestamp` (Unix milliseconds),
concatenated, keyed with the app's client secret; the timestamp within five minutes.
The URI is the URL the request was sent to, as the sender called it.

Source: https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
(Validate the v3 request signature). The first vector is the one HubSpot publishes in
its Python SDK's test (HubSpot/hubspot-api-python tests/spec/utils/test_signature.py).
Every signature is confirmed with HubSpot's official helper,
`hubspot.utils.signature.Signature.get_signature` of PyPI `hubspot-api-client`,
installed with pip into a temporary directory (`--no-sdk` skips it); the helper's own
freshness check reads the real clock, so times are checked here only.
Run: python3 core/tests/data/providers/derive/hubspot_v3.py
"""
import sys

from common import b64_mac, compact, write
from official_sdk import confirm, pypi

DOC = "https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests (X-HubSpot-Signature-v3: base64 HMAC-SHA256 of method + URI + body + X-HubSpot-Request-Timestamp)"
SDK_TEST = DOC + "; published in HubSpot/hubspot-api-python tests/spec/utils/test_signature.py"
SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
URL = "https://www.example.com/webhook_uri"
BODY = "{'example_field':'example_value'}"
TS = "15000000"
NOW = 15000
SIG = "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="
assert b64_mac(SECRET, "POST" + URL + BODY + TS) == SIG


def sign(method, url, body, ts):
    return b64_mac(SECRET, method + url + body + ts)


def headers(sig, ts=TS):
    return {"X-HubSpot-Signature-v3": sig, "X-HubSpot-Request-Timestamp": ts}


pub = dict(source=SDK_TEST, secret=SECRET, secret_encoding="utf8", url=URL, body=BODY, now=NOW, derived=False)
EVENTS = compact([{"eventId": 1, "subscriptionId": 12345, "portalId": 62515, "occurredAt": 1700000000000, "subscriptionType": "contact.creation", "attemptNumber": 0, "objectId": 123, "changeSource": "CRM", "changeFlag": "NEW", "appId": 54321}])
Q_URL = "https://hooks.example.com/conformance?portal=62515&app=54321"
E_TS = "1700000000789"
ours = dict(source=DOC, secret=SECRET, secret_encoding="utf8", url=Q_URL, body=EVENTS, now=1700000000)
E_SIG = sign("POST", Q_URL, EVENTS, E_TS)
signed = [
    dict(id="hubspot-v3-sdk-valid", method="POST", headers=headers(SIG), expect="valid", note="HubSpot's own test vector.", **pub),
    dict(id="hubspot-v3-sdk-other-method", method="PUT", headers=headers(SIG), expect="invalid", expect_code="signature_mismatch", note="The method is signed: the same request as a PUT fails.", **pub),
    dict(id="hubspot-v3-sdk-other-uri", method="POST", headers=headers(SIG), expect="invalid", expect_code="signature_mismatch", note="The URI is signed: another path fails.", **{**pub, "url": URL + "2"}),
    dict(id="hubspot-v3-sdk-tampered", method="POST", headers=headers(SIG), expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**pub, "body": BODY.replace("value", "VALUE")}),
    dict(id="hubspot-v3-events-with-query", method="POST", headers=headers(E_SIG, ts=E_TS), expect="valid", note="A batch of contact.creation events to a URL with a query string, signed as called.", **ours),
    dict(id="hubspot-v3-get", method="GET", headers=headers(sign("GET", Q_URL, "", E_TS), ts=E_TS), expect="valid", note="A bodyless GET (a CRM card's fetch) signs the empty body.", **{**ours, "body": ""}),
]
timed = [
    dict(id="hubspot-v3-sdk-stale", method="POST", headers=headers(SIG), expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s after HubSpot's test timestamp (five minutes).", **{**pub, "now": NOW + 301}),
    dict(id="hubspot-v3-future", method="POST", headers=headers(sign("POST", Q_URL, EVENTS, "1700000301000"), ts="1700000301000"), expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time 301 s ahead (hookgate checks both directions).", **ours),
    dict(id="hubspot-v3-seconds", method="POST", headers=headers(sign("POST", Q_URL, EVENTS, "1700000000"), ts="1700000000"), expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time in seconds read as HubSpot's milliseconds is in 1970.", **ours),
    dict(id="hubspot-v3-timestamp-missing", method="POST", headers={"X-HubSpot-Signature-v3": E_SIG}, expect="invalid", expect_code="timestamp_missing", note="No timestamp header.", **ours),
    dict(id="hubspot-v3-signature-missing", method="POST", headers={"X-HubSpot-Request-Timestamp": E_TS, "X-HubSpot-Signature": "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"}, expect="invalid", expect_code="signature_missing", note="Only the older v1 signature header.", **ours),
]

CHECK = """
from hubspot.utils.signature import Signature
out = []
for v in VECTORS:
    expected = Signature.get_signature(v["secret"], v["body"], "v3", http_uri=v["url"], http_method=v["method"], timestamp=v["headers"]["X-HubSpot-Request-Timestamp"])
    out.append(expected == v["headers"]["X-HubSpot-Signature-v3"])
print(json.dumps(out))
"""
if "--no-sdk" not in sys.argv:
    confirm("hubspot-v3", signed, pypi(["hubspot-api-client==12.0.0"], CHECK, signed), "hubspot-api-client Signature.get_signature")
write("hubspot-v3", signed + timed)
