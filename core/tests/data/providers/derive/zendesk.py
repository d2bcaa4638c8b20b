#!/usr/bin/env python3
"""Vectors for `zendesk`: `X-Zendesk-Webhook-Signature` is the base64 HMAC-SHA256 of
`X-Zendesk-Webhook-Signature-Timestamp` (RFC 3339) followed directly by the body, keyed
with the webhook's signing secret as text.

Source: https://developer.zendesk.com/documentation/webhooks/verifying/
("base64(HMACSHA256(TIMESTAMP + BODY))"; its Node example signs `timestamp + body` with
the page's test secret, used here). The page's older revision published an example
signed over body + timestamp instead: it is kept as a refused vector, to show that the
current recipe is the one hookgate follows. Zendesk ships no official verifier.
Run: python3 core/tests/data/providers/derive/zendesk.py
"""
from common import b64_mac, compact, write

DOC = "https://developer.zendesk.com/documentation/webhooks/verifying/ (base64(HMACSHA256(TIMESTAMP + BODY)))"
OLD_DOC = "https://developer.zendesk.com/documentation/event-connectors/webhooks/verifying/ (superseded revision: base64(HMACSHA256((BODY)(TIMESTAMP))))"
SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="  # the page's test signing secret, used as text
TS = "2021-03-25T05:09:27Z"  # the timestamp of the page's example headers
NOW = 1616648967  # TS in Unix seconds
BODY = compact({"type": "zen:event-type:ticket.created", "id": "01F1KRFQ6BG29CNWFR60NK5FNY", "detail": {"id": "35436", "subject": "Help, my printer is on fire!"}})
INVOCATION = "8350205582"


def headers(sig, ts=TS):
    return {"X-Zendesk-Webhook-Signature": sig, "X-Zendesk-Webhook-Signature-Timestamp": ts, "X-Zendesk-Webhook-Invocation-Id": INVOCATION}


SIG = b64_mac(SECRET, TS + BODY)
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=NOW)
OLD_SECRET = "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA="
OLD_BODY = '{"say": "hello"}'
OLD_TS = "2021-07-25T10:00:00Z"
OLD_SIG = "tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw="
assert b64_mac(OLD_SECRET, OLD_BODY + OLD_TS) == OLD_SIG  # it is the body-first order

write("zendesk", [
    dict(id="zendesk-doc-valid", headers=headers(SIG), body=BODY, expect="valid", note="A ticket event signed as the page says: timestamp then body.", **common),
    dict(id="zendesk-empty-body", method="DELETE", headers=headers(b64_mac(SECRET, TS)), body="", expect="valid", note="A bodyless request (the page: GET and DELETE webhooks have no body) signs the timestamp alone.", **common),
    dict(id="zendesk-tampered", headers=headers(SIG), body=BODY.replace("fire", "FIRE"), expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **common),
    dict(id="zendesk-stale", headers=headers(SIG), body=BODY, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s after the timestamp (hookgate's 300 s window: Zendesk documents none).", **{**common, "now": NOW + 301}),
    dict(id="zendesk-timestamp-missing", headers={"X-Zendesk-Webhook-Signature": SIG}, body=BODY, expect="invalid", expect_code="timestamp_missing", note="No timestamp header.", **common),
    dict(id="zendesk-timestamp-unix", headers=headers(b64_mac(SECRET, str(NOW) + BODY), ts=str(NOW)), body=BODY, expect="invalid", expect_code="timestamp_malformed", note="A Unix time where Zendesk sends RFC 3339.", **common),
    dict(id="zendesk-signature-missing", headers={"X-Zendesk-Webhook-Signature-Timestamp": TS}, body=BODY, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
    dict(id="zendesk-signature-hex", headers=headers(bytes.fromhex("00" * 32).hex()), body=BODY, expect="invalid", expect_code="signature_malformed", note="Hex where Zendesk sends base64 (64 characters decode to 48 bytes, not 32).", **common),
    dict(id="zendesk-superseded-order", source=OLD_DOC, secret=OLD_SECRET, secret_encoding="utf8", headers=headers(OLD_SIG, ts=OLD_TS), body=OLD_BODY, now=1627207200, expect="invalid", expect_code="signature_mismatch", note="The example an older revision of the page published: its signature covers body then timestamp, the order the current page reverses."),
])
