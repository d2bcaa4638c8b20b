#!/usr/bin/env python3
"""Vectors for `gitlab`. GitLab sends the webhook's secret token itself in
`X-Gitlab-Token`; a webhook with a signing token (`whsec_` + base64 of 32 bytes) is
signed as Standard Webhooks (`webhook-id` = the `Idempotency-Key`, `webhook-timestamp`,
`webhook-signature: v1,<base64>` over `id.timestamp.body`). The stored secret's form
says which check applies: a `whsec_` secret requires the signature (a token header does
not stand in for it), any other secret is compared with `X-Gitlab-Token`. GitLab 19 also
sends `webhook-id`/`webhook-timestamp` without a signing token; they change nothing for a
token webhook.

Sources: https://docs.gitlab.com/user/project/integrations/webhooks/ (secret token,
delivery headers); the signing token: GitLab's merge requests
https://gitlab.com/gitlab-org/gitlab/-/merge_requests/230944 and !231325.
The signed vectors are confirmed with PyPI `standardwebhooks` (temp venv, `official.py`).
Run: python3 core/tests/data/providers/derive/gitlab.py
"""
import base64

from common import compact, write
import standard_family as sf

DOC = "https://docs.gitlab.com/user/project/integrations/webhooks/ (X-Gitlab-Token, Idempotency-Key)"
SIGNING_DOC = "https://gitlab.com/gitlab-org/gitlab/-/merge_requests/230944 (signing token: Standard Webhooks)"
TOKEN = "gl-conformance-secret-token"
KEY = b"gitlab-conformance-signing-key!!"
WHSEC = "whsec_" + base64.b64encode(KEY).decode()
BODY = compact({"object_kind": "push", "event_name": "push", "ref": "refs/heads/main",
                "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"})
IDEM = "f5e5f430-f57b-4e6e-9c6c-d9128cd7232f"
NOW = sf.NOW
plain = dict(source=DOC, secret=TOKEN, secret_encoding="utf8", now=NOW, body=BODY)
token_headers = {"X-Gitlab-Token": TOKEN, "X-Gitlab-Event": "Push Hook", "Idempotency-Key": IDEM}
vectors = [
    dict(id="gitlab-token-valid", headers=token_headers, expect="valid",
         note="The secret token itself in X-Gitlab-Token.", **plain),
    dict(id="gitlab-token-with-unsigned-webhook-headers",
         headers=dict(token_headers, **{"webhook-id": IDEM, "webhook-timestamp": str(NOW)}),
         expect="valid", note="GitLab 19 sends webhook-id/-timestamp without a signing token.", **plain),
    dict(id="gitlab-token-wrong", headers=dict(token_headers, **{"X-Gitlab-Token": TOKEN + "x"}),
         expect="invalid", expect_code="secret_mismatch", note="Another token.", **plain),
    dict(id="gitlab-token-missing", headers={"X-Gitlab-Event": "Push Hook"},
         expect="invalid", expect_code="secret_missing", note="No X-Gitlab-Token.", **plain),
]
signed = sf.vectors("gitlab-signed", SIGNING_DOC, WHSEC, KEY, "webhook", BODY, IDEM)
for v in signed:
    v["scheme"] = "gitlab"
    v["headers"]["X-Gitlab-Event"] = "Push Hook"
    v["headers"]["Idempotency-Key"] = IDEM
vectors += signed
vectors.append(dict(
    id="gitlab-signed-token-instead", source=SIGNING_DOC, secret=WHSEC, secret_encoding="utf8", now=NOW,
    body=BODY, headers={"X-Gitlab-Token": WHSEC, "webhook-id": IDEM, "webhook-timestamp": str(NOW)},
    expect="invalid", expect_code="signature_missing",
    note="A signing-token webhook requires the signature: the token header does not replace it."))
sf.confirm(signed, lambda v: KEY)
write("gitlab", vectors)
