#!/usr/bin/env python3
"""Vectors for `url-key`: Kestra's webhook trigger, whose key is the last segment of the
URL (`/api/v1/executions/webhook/{namespace}/{flowId}/{key}`); hookgate registers the
path without the key and compares the segment with the stored key.

Source: https://kestra.io/docs/workflow-components/triggers/webhook-trigger
Run: python3 core/tests/data/providers/derive/url_key.py
"""
from common import write

DOC = "https://kestra.io/docs/workflow-components/triggers/webhook-trigger (the key is the URL's last segment)"
KEY = "4wjtkzwVGBM9yKnjm3yv8r"  # the docs' example key
BASE = "https://hooks.example.com/conformance/"
common = dict(source=DOC, secret=KEY, secret_encoding="utf8", body='{"hello":"kestra"}', headers={}, now=1700000000)
write("url-key", [
    dict(id="url-key-doc-key", url=BASE + KEY, expect="valid", note="The docs' example key as the last segment.", **common),
    dict(id="url-key-other-key", url=BASE + KEY[:-1] + "R", expect="invalid", expect_code="url_key_mismatch", note="One character changed.", **common),
    dict(id="url-key-key-with-query", url=BASE + KEY + "?x=1", expect="valid", note="A query string is not part of the key.", **common),
])
