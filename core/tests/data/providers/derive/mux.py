#!/usr/bin/env python3
"""Vectors for `mux`: `Mux-Signature: t=<unix>,v1=<hex>`, the hex HMAC-SHA256 of
`<t>.<body>` keyed with the endpoint's signing secret as text.

Source: https://www.mux.com/docs/core/verify-webhook-signatures. The first vectors are
the ones Mux publishes in its SDK's test (muxinc/mux-node-sdk,
tests/api-resources/webhooks.test.ts). Every vector is confirmed with Mux's official
verifier, `@mux/mux-node`'s `webhooks.verifySignature`, installed from npm into a
temporary directory (needs node and npm; `--no-sdk` skips it).
Run: python3 core/tests/data/providers/derive/mux.py
"""
import sys

from common import compact, hex_mac, write
from official_sdk import confirm, npm

DOC = "https://www.mux.com/docs/core/verify-webhook-signatures (Mux-Signature: t=<unix>,v1=<hex HMAC-SHA256 of t.body>)"
SDK_TEST = DOC + "; published in muxinc/mux-node-sdk tests/api-resources/webhooks.test.ts"
SECRET = "SuperSecret123"
NOW = 1565125718
T = str(NOW)
BODY = '{"test":"body"}'
HASH = "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7"
assert hex_mac(SECRET, f"{T}.{BODY}") == HASH
EVENT = compact({"type": "video.asset.ready", "object": {"type": "asset", "id": "0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002"}, "id": "3a56ac3d-33da-4366-855b-f592d898409d", "environment": {"name": "Demo pages", "id": "j0863n"}, "data": {"status": "ready"}, "created_at": "2019-08-07T21:08:38.000000Z", "attempts": []})
EVENT_SIG = hex_mac(SECRET, f"{T}.{EVENT}")
H = "Mux-Signature"
pub = dict(source=SDK_TEST, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW, derived=False)
ours = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=EVENT, now=NOW)
vectors = [
    dict(id="mux-sdk-valid", headers={H: f"t={T},v1={HASH}"}, expect="valid", note="Mux's own test vector.", **pub),
    dict(id="mux-sdk-multiple", headers={H: f"t={T},v1=invalid-sig,v1={HASH}"}, expect="valid", note="Mux's test: one of several v1 signatures matches.", **pub),
    dict(id="mux-sdk-other-version", headers={H: f"t={T},v2={HASH}"}, expect="invalid", expect_code="signature_malformed", note="Mux's test: a v2 signature only (no v1).", **pub),
    dict(id="mux-sdk-stale", headers={H: f"t={T},v1={HASH}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Mux's test: read six minutes later.", **{**pub, "now": NOW + 360}),
    dict(id="mux-sdk-no-timestamp", headers={H: HASH}, expect="invalid", expect_code="signature_malformed", note="Mux's test: the bare hash, no t= or v1=.", **pub),
    dict(id="mux-event-valid", headers={H: f"t={T},v1={EVENT_SIG}"}, expect="valid", note="A video.asset.ready event; its id is the delivery id.", **ours),
    dict(id="mux-event-tampered", headers={H: f"t={T},v1={EVENT_SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**ours, "body": EVENT.replace("ready", "errored")}),
    dict(id="mux-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **ours),
]

CHECK = """
const Mux = require('@mux/mux-node');
const mux = new Mux({ tokenId: 'x', tokenSecret: 'y' });
(async () => {
  const out = [];
  for (const v of VECTORS) {
    Date.now = () => v.now * 1000;
    try { await mux.webhooks.verifySignature(v.body, v.headers, v.secret); out.push(true); }
    catch (e) { out.push(false); }
  }
  console.log(JSON.stringify(out));
})();
"""
if "--no-sdk" not in sys.argv:
    lowered = [dict(v, headers={k.lower(): x for k, x in v["headers"].items()}) for v in vectors]
    confirm("mux", vectors, npm(["@mux/mux-node"], CHECK, lowered), "@mux/mux-node verifySignature")
write("mux", vectors)
