#!/usr/bin/env python3
"""Vectors for `vercel`: Vercel's account and integration webhooks.

Recipe (https://vercel.com/docs/webhooks/webhooks-api, "Securing webhooks"): the
`x-vercel-signature` header is the hex HMAC-SHA1 of the raw request body, keyed with the
webhook's secret (or, for an integration, its Client Secret). The payload's top-level `id`
is "the ID of the webhook delivery". Vercel ships no verifier to confirm with.

Run: python3 core/tests/data/providers/derive/vercel.py
"""
import hashlib

from common import compact, hex_mac, write

DOC = "https://vercel.com/docs/webhooks/webhooks-api (Securing webhooks; payload keys)"
SECRET = "vercel-webhook-secret-Xq9t2LmP4"
BODY = compact({
    "id": "uLLb8Y8Q0HbyqcwMWvvtJqa4",
    "type": "deployment.created",
    "createdAt": 1700000000000,
    "region": "sfo1",
    "payload": {"team": {"id": "team_1a2b3c"}, "user": {"id": "usr_4d5e6f"}, "deployment": {"id": "dpl_89zNpQzxCG7cM7aYwvQTEJ", "url": "my-app-abc123.vercel.app", "name": "my-app"}, "project": {"id": "prj_7g8h9i"}, "target": "production"},
})
SIG = hex_mac(SECRET, BODY, hashlib.sha1)
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)

write("vercel", [
    dict(id="vercel-deployment-created", headers={"x-vercel-signature": SIG, "Content-Type": "application/json"}, expect="valid", note="A deployment.created payload in the documented shape.", **common),
    dict(id="vercel-tampered", headers={"x-vercel-signature": SIG}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("production", "preview")}),
    dict(id="vercel-sha256-instead-of-sha1", headers={"x-vercel-signature": hex_mac(SECRET, BODY)}, expect="invalid", expect_code="signature_malformed", note="An HMAC-SHA256 is 64 hex digits; Vercel's SHA-1 is 40.", **common),
    dict(id="vercel-other-secret", headers={"x-vercel-signature": hex_mac("another-vercel-secret", BODY, hashlib.sha1)}, expect="invalid", expect_code="signature_mismatch", note="Signed with another secret.", **common),
    dict(id="vercel-missing-signature", headers={"Content-Type": "application/json"}, expect="invalid", expect_code="signature_missing", note="x-vercel-signature removed.", **common),
    dict(id="vercel-not-hex", headers={"x-vercel-signature": "z" * 40}, expect="invalid", expect_code="signature_malformed", note="40 characters that are not hex.", **common),
])
