#!/usr/bin/env python3
"""Vectors for `mailchimp`: Mailchimp's audience webhooks are not signed; the secret is
part of the callback URL, as the last path segment (hookgate's URL-key rule). The body is
`application/x-www-form-urlencoded` (`type`, `fired_at`, `data[...]`).

Source: https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/
Run: python3 core/tests/data/providers/derive/mailchimp.py
"""
from common import write

DOC = "https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/ (the secret in the callback URL)"
KEY = "mc7Yq2LkP9vR4tW8zX1bN6cF3hJ5gD0s"
BASE = "https://hooks.example.com/conformance/"
BODY = ("type=subscribe&fired_at=2026-11-30+10%3A00%3A00&data%5Bid%5D=8a25ff1d98"
        "&data%5Blist_id%5D=a6b5da1054&data%5Bemail%5D=api%40mailchimp.com")
base = dict(source=DOC, secret=KEY, secret_encoding="utf8", now=1700000000, body=BODY,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
write("mailchimp", [
    dict(id="mailchimp-valid", url=BASE + KEY, expect="valid", note="The key as the callback URL's last segment.", **base),
    dict(id="mailchimp-url-validation-get", url=BASE + KEY, method="GET", expect="valid",
         note="Mailchimp's GET of the callback URL when the webhook is saved (answered 200).",
         **dict(base, body="", headers={})),
    dict(id="mailchimp-other-key", url=BASE + KEY[:-1] + "t", expect="invalid", expect_code="url_key_mismatch",
         note="One character changed.", **base),
])
