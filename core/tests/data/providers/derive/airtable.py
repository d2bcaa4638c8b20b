"""Airtable: `X-Airtable-Content-MAC: hmac-sha256=<hex>`, the hex HMAC-SHA256 of the
notification body keyed by the webhook's MAC secret *decoded from base64*: the create
call returns it as `macSecretBase64`, and Airtable's own snippet does
`Buffer.from(macSecretBase64, 'base64')` before the HMAC
(https://airtable.com/developers/web/api/webhooks-overview, "Webhook notification
delivery"). The operator pastes `macSecretBase64` as it is; hookgate always decodes it. No
delivery id; no example signature or verifier is published.
"""
import base64

from common import compact, hex_mac, write

SOURCE = "https://airtable.com/developers/web/api/webhooks-overview (Webhook notification delivery: X-Airtable-Content-MAC)"
KEY = bytes(range(7, 7 + 32))  # 32 key bytes that are not text
MAC_SECRET_BASE64 = base64.b64encode(KEY).decode()
BODY = compact({"base": {"id": "appUnC3a0Bk8Z2WiY"}, "webhook": {"id": "achYm7kDdU3XfQ2tN"},
                "timestamp": "2024-05-01T10:00:00.000Z"})
MAC = "hmac-sha256=" + hex_mac(KEY, BODY)


def vector(id, headers, expect, note, body=BODY, code=None):
    v = {"id": id, "source": SOURCE, "secret": MAC_SECRET_BASE64, "secret_encoding": "base64",
         "headers": headers, "body": body, "now": 1714557600, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("airtable", [
    vector("airtable-valid", {"X-Airtable-Content-MAC": MAC}, "valid",
           "A notification ping, MAC keyed by the decoded macSecretBase64."),
    vector("airtable-key-not-decoded",
           {"X-Airtable-Content-MAC": "hmac-sha256=" + hex_mac(MAC_SECRET_BASE64, BODY)},
           "invalid", "Keyed by the base64 text itself instead of its bytes: not Airtable's MAC.",
           code="signature_mismatch"),
    vector("airtable-tampered", {"X-Airtable-Content-MAC": MAC}, "invalid",
           "The webhook id changed after signing.",
           body=BODY.replace("achYm7", "achYm8"), code="signature_mismatch"),
    vector("airtable-missing", {}, "invalid", "No X-Airtable-Content-MAC.",
           code="signature_missing"),
    vector("airtable-unprefixed", {"X-Airtable-Content-MAC": MAC.removeprefix("hmac-sha256=")},
           "invalid", "The right hex MAC without its hmac-sha256= prefix.",
           code="signature_malformed"),
])
