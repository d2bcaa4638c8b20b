#!/usr/bin/env python3
"""Vectors for `woocommerce`: WooCommerce webhooks.

Recipe (https://developer.woocommerce.com/docs/apis/rest-api/v3/webhooks/: "a HMAC-SHA256
hash of the request body"; the sender, `WC_Webhook::generate_signature` in
woocommerce/includes/class-wc-webhook.php, is `base64_encode(hash_hmac('sha256', $payload,
$secret, true))` over the exact body it sends, `trim(wp_json_encode($payload))`): the
`X-WC-Webhook-Signature` header is the base64 HMAC-SHA256 of the raw body, keyed with the
webhook's secret. `wp_json_encode` escapes `/` as `\\/`, as the body below does. WooCommerce
ships no verifier (its sender is PHP). The unsigned creation ping (`webhook_id=<id>`) is
tested in handshake.rs and end to end, not here.

Run: python3 core/tests/data/providers/derive/woocommerce.py
"""
import base64

from common import b64_mac, write

DOC = "https://developer.woocommerce.com/docs/apis/rest-api/v3/webhooks/ (secret: HMAC-SHA256 of the request body)"
SECRET = "wc-secret-P]8zL!q2&Fm"
# order.created, as wp_json_encode writes it (slashes escaped, no spaces).
BODY = '{"id":727,"parent_id":0,"status":"processing","currency":"USD","total":"29.35","billing":{"first_name":"John","last_name":"Doe","email":"john.doe@example.com"},"payment_method":"bacs","_links":{"self":[{"href":"https:\\/\\/example.com\\/wp-json\\/wc\\/v3\\/orders\\/727"}]}}'
SIG = b64_mac(SECRET, BODY)
HEADERS = {
    "X-WC-Webhook-Source": "https://example.com/",
    "X-WC-Webhook-Topic": "order.created",
    "X-WC-Webhook-Resource": "order",
    "X-WC-Webhook-Event": "created",
    "X-WC-Webhook-Signature": SIG,
    "X-WC-Webhook-ID": "12",
    "X-WC-Webhook-Delivery-ID": "7a1f3c9e5b2d8f4a6c0e1b3d5f7a9c2e",
}
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=1700000000, body=BODY)
without = {k: v for k, v in HEADERS.items() if k != "X-WC-Webhook-Signature"}

write("woocommerce", [
    dict(id="woocommerce-order-created", headers=HEADERS, expect="valid", note="order.created with WooCommerce's headers; the secret has the punctuation WooCommerce allows.", **common),
    dict(id="woocommerce-tampered", headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="The total changed after signing.", **{**common, "body": BODY.replace("29.35", "0.35")}),
    dict(id="woocommerce-unescaped-slashes", headers=HEADERS, expect="invalid", expect_code="signature_mismatch", note="The same JSON with '/' unescaped: the MAC covers the bytes WooCommerce sent.", **{**common, "body": BODY.replace("\\/", "/")}),
    dict(id="woocommerce-hex-signature", headers={**without, "X-WC-Webhook-Signature": base64.b64decode(SIG).hex()}, expect="invalid", expect_code="signature_malformed", note="The right MAC in hex: WooCommerce sends base64.", **common),
    dict(id="woocommerce-missing-signature", headers=without, expect="invalid", expect_code="signature_missing", note="A delivery without X-WC-Webhook-Signature (and without the ping's body) is refused.", **common),
])
