#!/usr/bin/env python3
"""Vectors for `shared-secret`, hookgate's generic scheme for senders (Flowker, and any
system that can only set a header) that present the secret itself in `X-Webhook-Secret`
or `X-Webhook-Token`: compared, not used as a MAC key (README, Verification schemes).

Run: python3 core/tests/data/providers/derive/shared_secret.py
"""
from common import write

DOC = "README.md#verification-schemes (shared-secret: X-Webhook-Secret or X-Webhook-Token)"
SECRET = "flowker-shared-secret-example"
BODY = '{"event":"flow.completed","run":42}'
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=1700000000)
write("shared-secret", [
    dict(id="shared-secret-in-x-webhook-secret", headers={"X-Webhook-Secret": SECRET}, expect="valid", note="The secret in the first header.", **common),
    dict(id="shared-secret-in-x-webhook-token", headers={"X-Webhook-Token": SECRET}, expect="valid", note="The secret in the second header.", **common),
    dict(id="shared-secret-other-value", headers={"X-Webhook-Secret": SECRET[:-1] + "X"}, expect="invalid", expect_code="secret_mismatch", note="One character changed.", **common),
    dict(id="shared-secret-prefix-only", headers={"X-Webhook-Secret": SECRET[:-1]}, expect="invalid", expect_code="secret_mismatch", note="A prefix of the secret is not the secret.", **common),
    dict(id="shared-secret-absent", headers={"X-Other": SECRET}, expect="invalid", expect_code="secret_missing", note="The secret in a header the scheme does not read.", **common),
])
