#!/usr/bin/env python3
"""Vectors for `jira`: Jira Cloud admin webhooks registered with a secret.

Recipe (https://developer.atlassian.com/cloud/jira/platform/webhooks/, "Secure admin
webhooks"): the WebSub `X-Hub-Signature: method=signature` header, here `sha256=<hex>`,
the HMAC-SHA256 of the raw body keyed with the webhook's secret. The delivery is named by
X-Atlassian-Webhook-Identifier (the same across retries). Atlassian ships no verifier.

Run: python3 core/tests/data/providers/derive/jira.py
"""
from common import compact, hex_mac, write

DOC = "https://developer.atlassian.com/cloud/jira/platform/webhooks/ (Secure admin webhooks)"
SECRET = "jira-admin-webhook-secret-Zr81kQ"
BODY = compact({
    "timestamp": 1700000000123,
    "webhookEvent": "jira:issue_created",
    "issue_event_type_name": "issue_created",
    "issue": {"id": "10002", "key": "PROJ-3", "fields": {"summary": "Checkout fails on Safari", "issuetype": {"name": "Bug"}}},
    "user": {"accountId": "5b10a2844c20165700ede21g", "displayName": "A. Reporter"},
})
SIG = "sha256=" + hex_mac(SECRET, BODY)
HEADERS = {"X-Atlassian-Webhook-Identifier": "3d2e5b6a-9c1f-4f0e-8a7b-6c5d4e3f2a1b", "X-Atlassian-Webhook-Flow": "Primary", "X-Hub-Signature": SIG}
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)
without = {k: v for k, v in HEADERS.items() if k != "X-Hub-Signature"}

write("jira", [
    dict(id="jira-issue-created", headers=HEADERS, expect="valid", note="jira:issue_created from an admin webhook with a secret.", **common),
    dict(id="jira-tampered", headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("Safari", "Chrome")}),
    dict(id="jira-other-secret", headers={**without, "X-Hub-Signature": "sha256=" + hex_mac("another-jira-secret", BODY)}, expect="invalid", expect_code="signature_mismatch", note="Signed with another webhook's secret.", **common),
    dict(id="jira-bare-hex", headers={**without, "X-Hub-Signature": SIG[len("sha256="):]}, expect="invalid", expect_code="signature_malformed", note="The signature without its method= prefix.", **common),
    dict(id="jira-unsigned", headers=without, expect="invalid", expect_code="signature_missing", note="An app (Connect/OAuth) or secretless webhook: no X-Hub-Signature.", **common),
])
