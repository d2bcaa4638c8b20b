#!/usr/bin/env python3
"""Vectors for `bitbucket`: Bitbucket Cloud webhooks with a secret.

Recipe (https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/, "Secure
webhooks"): `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with
the webhook's secret; the `sha256=` prefix names the algorithm. Headers
(https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/): X-Event-Key,
X-Hook-UUID, X-Request-UUID, X-Attempt-Number. Bitbucket ships no verifier.

Run: python3 core/tests/data/providers/derive/bitbucket.py
"""
import hashlib

from common import compact, hex_mac, write

DOC = "https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/ (Secure webhooks: X-Hub-Signature)"
SECRET = "bb-webhook-secret-7f3a9c1e"
BODY = compact({
    "push": {"changes": [{"new": {"type": "branch", "name": "main", "target": {"hash": "709d658dc5b6d6afcd46049c2f332ee3f515a67d"}}}]},
    "repository": {"full_name": "team/repo", "uuid": "{b7c4f0a2-1d3e-4f5a-8b9c-0d1e2f3a4b5c}"},
    "actor": {"display_name": "A. Developer"},
})
SIG = "sha256=" + hex_mac(SECRET, BODY)
HEADERS = {
    "X-Event-Key": "repo:push",
    "X-Hook-UUID": "8d2b5a3e-4c1f-4e6a-9b7d-2f0e1a3c5b7d",
    "X-Request-UUID": "2f4c6e8a-0b1d-4f3e-a5c7-9e1b3d5f7a9c",
    "X-Attempt-Number": "1",
    "X-Hub-Signature": SIG,
}
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)
without = {k: v for k, v in HEADERS.items() if k != "X-Hub-Signature"}

write("bitbucket", [
    dict(id="bitbucket-repo-push", headers=HEADERS, expect="valid", note="A repo:push with the documented headers.", **common),
    dict(id="bitbucket-retry", headers={**HEADERS, "X-Attempt-Number": "3"}, expect="valid", note="A retry: X-Attempt-Number is not signed, the body is the same.", **common),
    dict(id="bitbucket-tampered", headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("main", "mainx")}),
    dict(id="bitbucket-bare-hex", headers={**without, "X-Hub-Signature": SIG[len("sha256="):]}, expect="invalid", expect_code="signature_malformed", note="The hex without its sha256= prefix.", **common),
    dict(id="bitbucket-sha1-prefix", headers={**without, "X-Hub-Signature": "sha1=" + hex_mac(SECRET, BODY, hashlib.sha1)}, expect="invalid", expect_code="signature_malformed", note="A GitHub-style sha1= signature: Bitbucket signs with SHA-256.", **common),
    dict(id="bitbucket-unsigned", headers=without, expect="invalid", expect_code="signature_missing", note="A webhook saved without a secret sends no X-Hub-Signature.", **common),
])
