"""DocuSign Connect (HMAC): one `X-DocuSign-Signature-<n>` header per HMAC key configured
in Connect (`-1`, `-2`, …), each the base64 HMAC-SHA256 of the entire POST body; a request
is DocuSign's when any one matches
(https://developers.docusign.com/platform/webhooks/connect/validate). The key is the
secret's text: DocuSign's own sample hashes `Encoding.UTF8.GetBytes(secret)`, so a key
that looks like base64 is not decoded. `x-authorization-digest` names the algorithm. No
top-level delivery id; no example signature or verifier is published.
"""
from common import b64_mac, compact, hex_mac, write

SOURCE = "https://developers.docusign.com/platform/webhooks/connect/validate (X-DocuSign-Signature-1…N)"
# DocuSign's keys look like base64; they are used as text.
SECRET = "1x8yqG2ZK3m+Jk9Q0o7dR5tW4vN6pL2sH8fC3aB1eD0="
OTHER_KEY = "Qm9ndXMta2V5LW9mLWFub3RoZXItY29ubmVjdC1rZXk="
BODY = compact({
    "event": "envelope-completed", "apiVersion": "v2.1",
    "uri": "/restapi/v2.1/accounts/9c7f4a1e/envelopes/93be49ab", "retryCount": 0,
    "configurationId": 10418, "generatedDateTime": "2024-05-01T10:00:00.0000000Z",
    "data": {"accountId": "9c7f4a1e-0000-0000-0000-000000000000", "userId": "f3b1c2d4",
             "envelopeId": "93be49ab-0000-0000-0000-000000000000"},
})
SIG = b64_mac(SECRET, BODY)
OTHER = b64_mac(OTHER_KEY, BODY)


def vector(id, headers, expect, note, body=BODY, code=None):
    headers = {"x-authorization-digest": "HMACSHA256", **headers}
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1714557600, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("docusign", [
    vector("docusign-valid", {"X-DocuSign-Signature-1": SIG}, "valid",
           "An envelope-completed event, one Connect key."),
    vector("docusign-second-key-matches",
           {"X-DocuSign-Signature-1": OTHER, "X-DocuSign-Signature-2": SIG}, "valid",
           "Two Connect keys: the first header is another key's, the second this webhook's."),
    vector("docusign-third-of-three",
           {"X-DocuSign-Signature-1": OTHER, "X-DocuSign-Signature-2": OTHER,
            "X-DocuSign-Signature-3": SIG}, "valid", "Any one header of the family may match."),
    vector("docusign-key-decoded",
           {"X-DocuSign-Signature-1": b64_mac(__import__("base64").b64decode(SECRET), BODY)},
           "invalid", "Keyed by the key's base64-decoded bytes: DocuSign uses the text.",
           code="signature_mismatch"),
    vector("docusign-other-keys-only",
           {"X-DocuSign-Signature-1": OTHER, "X-DocuSign-Signature-2": OTHER}, "invalid",
           "Only other keys' signatures.", code="signature_mismatch"),
    vector("docusign-tampered", {"X-DocuSign-Signature-1": SIG}, "invalid",
           "The event changed after signing.",
           body=BODY.replace("completed", "voided"), code="signature_mismatch"),
    vector("docusign-missing", {}, "invalid", "No X-DocuSign-Signature-<n> header.",
           code="signature_missing"),
    vector("docusign-hex", {"X-DocuSign-Signature-1": hex_mac(SECRET, BODY)}, "invalid",
           "The right MAC in hex: DocuSign sends base64.", code="signature_malformed"),
])
