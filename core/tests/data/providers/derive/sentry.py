#!/usr/bin/env python3
"""Vectors for `sentry`: Sentry's integration-platform webhooks.

Recipe (https://docs.sentry.io/integrations/integration-platform/webhooks/,
"Verifying the Signature"; Sentry's sender `SentryApp.build_signature` agrees): the
`Sentry-Hook-Signature` header is the hex HMAC-SHA256 of the request body, keyed with the
integration's Client Secret. The body is what Sentry's `json.dumps` wrote (Python's
default separators, `", "` and `": "`), signed as sent. `Sentry-Hook-Timestamp` is not
signed, so nothing here depends on the clock. Sentry ships no verifier to confirm with.

Run: python3 core/tests/data/providers/derive/sentry.py
"""
import json

from common import hex_mac, write

DOC = "https://docs.sentry.io/integrations/integration-platform/webhooks/ (Sentry-Hook-Signature)"
SECRET = "b5c1f3e2a9d84c7e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"
# An issue.created notification in the documented request structure.
BODY = json.dumps({
    "action": "created",
    "installation": {"uuid": "a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},
    "data": {"issue": {"id": "1170820242", "shortId": "FRONTEND-9", "title": "TypeError: Cannot read property 'foo' of undefined", "status": "unresolved"}},
    "actor": {"type": "application", "id": "sentry", "name": "Sentry"},
})
SIG = hex_mac(SECRET, BODY)
HEADERS = {
    "Content-Type": "application/json",
    "Request-ID": "a3b7c1d9e2f0461aa8b5c6d7e8f90123",
    "Sentry-Hook-Resource": "issue",
    "Sentry-Hook-Timestamp": "1700000000",
    "Sentry-Hook-Signature": SIG,
}
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000)
without = {k: v for k, v in HEADERS.items() if k != "Sentry-Hook-Signature"}

write("sentry", [
    dict(id="sentry-issue-created", body=BODY, headers=HEADERS, expect="valid", note="The body as Sentry's json.dumps writes it, signed as sent.", **common),
    dict(id="sentry-late-timestamp-is-not-signed", body=BODY, headers=HEADERS, expect="valid", note="Read an hour after Sentry-Hook-Timestamp: the time is not signed, so it is not a replay window.", **{**common, "now": 1700003600}),
    dict(id="sentry-reserialised-body", body=json.dumps(json.loads(BODY), separators=(",", ":")), headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="The same JSON re-serialised without spaces: the MAC covers the bytes sent.", **common),
    dict(id="sentry-tampered", body=BODY.replace("unresolved", "resolved"), headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **common),
    dict(id="sentry-other-secret", body=BODY, headers={**HEADERS, "Sentry-Hook-Signature": hex_mac(SECRET[::-1], BODY)}, expect="invalid", expect_code="signature_mismatch", note="Signed with another Client Secret.", **common),
    dict(id="sentry-missing-signature", body=BODY, headers=without, expect="invalid", expect_code="signature_missing", note="Sentry-Hook-Signature removed.", **common),
    dict(id="sentry-truncated-signature", body=BODY, headers={**HEADERS, "Sentry-Hook-Signature": SIG[:40]}, expect="invalid", expect_code="signature_malformed", note="40 hex digits: a SHA-1 length, not SHA-256's.", **common),
])
