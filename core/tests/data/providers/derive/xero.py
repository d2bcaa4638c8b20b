"""Xero: `x-xero-signature`, the base64 HMAC-SHA256 of the payload keyed by the webhook's
signing key (https://developer.xero.com/documentation/webhooks/configuring-your-server,
"Intent to receive"). The intent-to-receive check sends correctly and incorrectly signed
requests shaped like the page's example and expects 200 for the first, 401 for the others
(every refusal here is a 401). No delivery id. No verifier is published.
"""
from common import b64_mac, compact, hex_mac, write

SOURCE = "https://developer.xero.com/documentation/webhooks/configuring-your-server (x-xero-signature)"
SECRET = "xero-webhook-signing-key-6e21"
INTENT = compact({"events": [], "lastEventSequence": 0, "firstEventSequence": 0,
                  "entropy": "S0m3r4Nd0mt3xt"})
EVENT = compact({
    "events": [{"resourceUrl": "https://api.xero.com/api.xro/2.0/Contacts/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",
                "resourceId": "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",
                "eventDateUtc": "2024-05-01T10:00:00.000", "eventType": "CREATE",
                "eventCategory": "CONTACT", "tenantId": "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f",
                "tenantType": "ORGANISATION"}],
    "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "YSXCMKAQBJOEMGUZEPFZ",
})


def vector(id, headers, expect, note, body, code=None):
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1714557600, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("xero", [
    vector("xero-intent-valid", {"x-xero-signature": b64_mac(SECRET, INTENT)}, "valid",
           "A correctly signed intent-to-receive request: Xero expects 200.", INTENT),
    vector("xero-intent-wrong-key", {"x-xero-signature": b64_mac("another-signing-key", INTENT)},
           "invalid", "An incorrectly signed intent-to-receive request: Xero expects 401.",
           INTENT, code="signature_mismatch"),
    vector("xero-event-valid", {"x-xero-signature": b64_mac(SECRET, EVENT)}, "valid",
           "A CONTACT CREATE event signed as documented.", EVENT),
    vector("xero-event-tampered", {"x-xero-signature": b64_mac(SECRET, EVENT)}, "invalid",
           "The event type changed after signing.", EVENT.replace("CREATE", "UPDATE"),
           code="signature_mismatch"),
    vector("xero-missing", {}, "invalid", "No x-xero-signature.", INTENT,
           code="signature_missing"),
    vector("xero-hex", {"x-xero-signature": hex_mac(SECRET, INTENT)}, "invalid",
           "The right MAC in hex: Xero sends base64.", INTENT, code="signature_malformed"),
])
