#!/usr/bin/env python3
"""Vectors for `tiktok`: `TikTok-Signature: t=<unix>,s=<hex>`, the hex HMAC-SHA256 of
`<t>.<body>` keyed with the app's client secret.

Source: https://developers.tiktok.com/doc/webhooks-verification (split on `,` then `=`;
`t` is the timestamp and `s` the signature; signed_payload = timestamp + "." + body).
TikTok ships no official verifier; it documents no window (hookgate uses 300 s).
Run: python3 core/tests/data/providers/derive/tiktok.py
"""
from common import compact, hex_mac, write

DOC = "https://developers.tiktok.com/doc/webhooks-verification (TikTok-Signature: t=<ts>,s=<hex HMAC-SHA256 of ts.body>)"
SECRET = "tiktok-client-secret-5c8e0b7a"
NOW = 1633174587  # the page's example header's t
T = str(NOW)
BODY = compact({"client_key": "bwo2m45353a6k85", "event": "video.publish.completed", "create_time": NOW, "user_openid": "act.example12345Example12345Example", "content": "{\"publish_id\":\"v_pub_url~v2.123456789\"}"})
SIG = hex_mac(SECRET, f"{T}.{BODY}")
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW)
H = "TikTok-Signature"
write("tiktok", [
    dict(id="tiktok-valid", headers={H: f"t={T},s={SIG}"}, expect="valid", note="A video.publish.completed event signed as the page says.", **common),
    dict(id="tiktok-tampered", headers={H: f"t={T},s={SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("completed", "failed")}),
    dict(id="tiktok-stale", headers={H: f"t={T},s={SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s later (hookgate's 300 s window).", **{**common, "now": NOW + 301}),
    dict(id="tiktok-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
    dict(id="tiktok-v1-not-s", headers={H: f"t={T},v1={SIG}"}, expect="invalid", expect_code="signature_malformed", note="Stripe's v1 key: TikTok's signature is under s.", **common),
])
