#!/usr/bin/env python3
"""Vectors for `calendly`: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, the hex
HMAC-SHA256 of `<t>.<body>` keyed with the subscription's signing key as text.

Source: https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures and
https://developer.calendly.com/docs/webhooks/overview ("Verify HMAC-SHA256(key, "<t>." +
raw_body)"). Calendly ships no official verifier.
Run: python3 core/tests/data/providers/derive/calendly.py
"""
from common import compact, hex_mac, write

DOC = "https://developer.calendly.com/docs/webhooks/overview (Calendly-Webhook-Signature: t=<unix>,v1=<hex> of \"<t>.\" + raw_body)"
KEY = "calendly-signing-key-8f2c1e"  # the operator chooses it for a personal-access-token subscription
NOW = 1700000000
T = str(NOW)
BODY = compact({"created_at": "2023-11-14T22:13:20.000000Z", "created_by": "https://api.calendly.com/users/AAAAAAAAAAAAAAAA", "event": "invitee.created", "payload": {"email": "test@example.com", "name": "John Doe", "uri": "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA"}})
SIG = hex_mac(KEY, f"{T}.{BODY}")
common = dict(source=DOC, secret=KEY, secret_encoding="utf8", body=BODY, now=NOW)
H = "Calendly-Webhook-Signature"
write("calendly", [
    dict(id="calendly-valid", headers={H: f"t={T},v1={SIG}"}, expect="valid", note="An invitee.created event signed as the page says.", **common),
    dict(id="calendly-tampered", headers={H: f"t={T},v1={SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("John", "Jane")}),
    dict(id="calendly-other-time", headers={H: f"t={NOW + 1},v1={SIG}"}, expect="invalid", expect_code="signature_mismatch", note="The time in the header is signed: another t fails.", **common),
    dict(id="calendly-stale", headers={H: f"t={T},v1={SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 181 s later (hookgate's 180 s window, the three minutes of Calendly's example).", **{**common, "now": NOW + 181}),
    dict(id="calendly-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
    dict(id="calendly-no-v1", headers={H: f"t={T}"}, expect="invalid", expect_code="signature_malformed", note="A timestamp and no signature.", **common),
])
