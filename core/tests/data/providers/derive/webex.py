"""Webex: `X-Spark-Signature`, the hex HMAC-SHA1 of the raw JSON body keyed by the webhook's
`secret` (https://developer.webex.com/docs/api/guides/webhooks and Webex's own walk-through
https://developer.webex.com/blog/using-a-webhook-secret, whose example secret is used
here). No delivery id: the body's top-level `id` is the webhook's own, the same on every
event. No example signature or verifier is published.
"""
import hashlib

from common import compact, hex_mac, write

SOURCE = "https://developer.webex.com/blog/using-a-webhook-secret (X-Spark-Signature: HMAC-SHA1 of the body)"
SECRET = "somesupersecretphrase"
BODY = compact({
    "id": "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh",
    "name": "My Attachment Action Webhook",
    "resource": "messages",
    "event": "created",
    "data": {"id": "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2LThhZTktZGQ1YjNkZmM1NjVk",
             "roomType": "group"},
})
SIG = hex_mac(SECRET, BODY, hashlib.sha1)


def vector(id, headers, expect, note, body=BODY, code=None):
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1700000000, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("webex", [
    vector("webex-valid", {"X-Spark-Signature": SIG}, "valid",
           "A messages/created notification signed as Webex's walk-through does."),
    vector("webex-tampered", {"X-Spark-Signature": SIG}, "invalid",
           "The room type changed after signing.",
           body=BODY.replace("group", "direct"), code="signature_mismatch"),
    vector("webex-missing", {}, "invalid", "No X-Spark-Signature.", code="signature_missing"),
    vector("webex-sha256", {"X-Spark-Signature": hex_mac(SECRET, BODY)}, "invalid",
           "An HMAC-SHA256: longer than Webex's SHA-1.", code="signature_malformed"),
])
