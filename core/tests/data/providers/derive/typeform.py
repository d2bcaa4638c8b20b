"""Typeform: `Typeform-Signature: sha256=<base64>`, the base64 HMAC-SHA256 of the entire
payload keyed by the webhook's `secret`, the `sha256=` prefix part of the value
(https://www.typeform.com/developers/webhooks/secure-your-webhooks/). The delivery id is
the body's `event_id` (https://www.typeform.com/developers/webhooks/example-payload/). No
example signature or verifier is published.
"""
from common import b64_mac, compact, hex_mac, write

SOURCE = "https://www.typeform.com/developers/webhooks/secure-your-webhooks/ (Typeform-Signature: sha256=<base64>)"
# The docs suggest `SecureRandom.hex(20)` for a secret: forty hex characters.
SECRET = "3f9c2a71d04b8e65a1c7f2d9b0e4a6c8d1f3b5a7"
BODY = compact({
    "event_id": "01EK4R5PFZZP6C8H14RTP4YW6C",
    "event_type": "form_response",
    "form_response": {"form_id": "lT4Z3j", "token": "a3a12ec67a1365927098a606107fac15",
                      "submitted_at": "2018-01-18T18:17:02Z", "landed_at": "2018-01-18T18:07:02Z",
                      "answers": [{"type": "text", "text": "Lorem ipsum",
                                   "field": {"id": "DlXFaesGBpoF", "type": "long_text"}}]},
})
SIG = "sha256=" + b64_mac(SECRET, BODY)


def vector(id, headers, expect, note, body=BODY, code=None):
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1516299422, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("typeform", [
    vector("typeform-valid", {"Typeform-Signature": SIG}, "valid",
           "A form_response event signed as documented."),
    vector("typeform-tampered", {"Typeform-Signature": SIG}, "invalid",
           "An answer changed after signing.",
           body=BODY.replace("Lorem", "Lorum"), code="signature_mismatch"),
    vector("typeform-missing", {}, "invalid", "No Typeform-Signature.",
           code="signature_missing"),
    vector("typeform-unprefixed", {"Typeform-Signature": SIG.removeprefix("sha256=")}, "invalid",
           "The right base64 MAC without its sha256= prefix.", code="signature_malformed"),
    vector("typeform-hex", {"Typeform-Signature": "sha256=" + hex_mac(SECRET, BODY)}, "invalid",
           "The right MAC in hex: Typeform sends base64.", code="signature_malformed"),
])
