"""MongoDB Atlas alert webhooks: `X-MMS-Signature`, "the base64-encoded HMAC-SHA-1
signature of the request body", keyed by the Webhook Secret the operator typed
(https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/). `X-MMS-Event` names
the alert state. The body's `id` is the alert's, shared by its open, update and close, so
it is not a delivery id. No example signature or verifier is published.
"""
from common import compact, b64_mac, hex_mac, write
import hashlib

SOURCE = "https://www.mongodb.com/docs/atlas/tutorial/webhook-integration/ (X-MMS-Signature)"
SECRET = "atlas-webhook-secret-2d9f"
BODY = compact({
    "id": "5f5a1c2b3d4e5f6a7b8c9d0e",
    "groupId": "5e4d3c2b1a0f9e8d7c6b5a49",
    "eventTypeName": "OUTSIDE_METRIC_THRESHOLD",
    "status": "OPEN",
    "created": "2024-05-01T10:00:00Z",
    "metricName": "ASSERT_REGULAR",
})
SIG = b64_mac(SECRET, BODY, hashlib.sha1)


def vector(id, headers, expect, note, body=BODY, code=None):
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1714557600, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("mongodb-atlas", [
    vector("mongodb-atlas-valid", {"X-MMS-Signature": SIG, "X-MMS-Event": "alert.open"},
           "valid", "An alert.open notification signed as documented."),
    vector("mongodb-atlas-tampered", {"X-MMS-Signature": SIG, "X-MMS-Event": "alert.open"},
           "invalid", "The alert's status changed after signing.",
           body=BODY.replace('"OPEN"', '"CLOSED"'), code="signature_mismatch"),
    vector("mongodb-atlas-missing", {"X-MMS-Event": "alert.open"}, "invalid",
           "No X-MMS-Signature (Atlas sends none when no secret is set).",
           code="signature_missing"),
    vector("mongodb-atlas-hex", {"X-MMS-Signature": hex_mac(SECRET, BODY, hashlib.sha1)},
           "invalid", "The right MAC in hex: Atlas sends base64, so this is not its shape.",
           code="signature_malformed"),
    vector("mongodb-atlas-sha256", {"X-MMS-Signature": b64_mac(SECRET, BODY)}, "invalid",
           "An HMAC-SHA256 in base64: too long for Atlas's SHA-1.",
           code="signature_malformed"),
])
