#!/usr/bin/env python3
"""Vectors for `orb`: `X-Orb-Signature: v1=<hex>` (several space-separated), the hex
HMAC-SHA256 of `v1:<X-Orb-Timestamp>:<body>` keyed with the webhook secret as text;
`X-Orb-Timestamp` is ISO 8601 in UTC, usually without a zone
(`2024-03-27T15:42:29.551`), and must be within five minutes either way.

Source: Orb's official SDK, `orb-billing` (src/resources/webhooks.ts, verifySignature);
Orb's own documentation page was not reachable from here. The first vectors are the ones
Orb publishes in that SDK's test (orbcorp/orb-node, tests/api-resources/webhooks.test.ts).
Every vector is confirmed with `orb-billing`'s `webhooks.verifySignature`, installed from
npm into a temporary directory (needs node and npm; `--no-sdk` skips it).
Run: python3 core/tests/data/providers/derive/orb.py
"""
import sys

from common import compact, hex_mac, write
from official_sdk import confirm, npm

DOC = "https://www.npmjs.com/package/orb-billing (webhooks.verifySignature: X-Orb-Signature v1=<hex HMAC-SHA256 of v1:timestamp:body>, X-Orb-Timestamp UTC, 5 min)"
SDK_TEST = DOC + "; published in orbcorp/orb-node tests/api-resources/webhooks.test.ts"
SECRET = "c-UGKYdnhHh436B_sMouYAPUvXyWpzOdunZBV5dFSD8"
TS = "2024-03-27T15:42:29.551"
NOW = 1711554149  # TS in Unix seconds (UTC)
BODY = '{"id": "o4mmewpfNNTnjfZc", "created_at": "2024-03-27T15:42:29+00:00", "type": "resource_event.test", "properties": {"message": "A test webhook from Orb. Happy testing!"}}'
SIG = "9d25de966891ab0bc18754faf8d83d0980b44ae330fcc130b41a6cf3daf1f391"
assert hex_mac(SECRET, f"v1:{TS}:{BODY}") == SIG


def headers(sig=f"v1={SIG}", ts=TS):
    return {"X-Orb-Timestamp": ts, "X-Orb-Signature": sig}


pub = dict(source=SDK_TEST, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW, derived=False)
ours = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW)
TS_Z = TS + "Z"
SIG_Z = hex_mac(SECRET, f"v1:{TS_Z}:{BODY}")
vectors = [
    dict(id="orb-sdk-valid", headers=headers(), expect="valid", note="Orb's own test vector.", **pub),
    dict(id="orb-sdk-stale", headers=headers(), expect="invalid", expect_code="timestamp_out_of_tolerance", note="Orb's test: read six minutes later.", **{**pub, "now": NOW + 360}),
    dict(id="orb-sdk-future", headers=headers(), expect="invalid", expect_code="timestamp_out_of_tolerance", note="Orb's test: read six minutes earlier.", **{**pub, "now": NOW - 360}),
    dict(id="orb-sdk-multiple", headers=headers(sig=f"v1=my-invalid-signature v1={SIG}"), expect="valid", note="Orb's test: one of several signatures matches.", **pub),
    dict(id="orb-sdk-other-version", headers=headers(sig=f"v2={SIG}"), expect="invalid", expect_code="signature_malformed", note="Orb's test: a v2 signature only.", **pub),
    dict(id="orb-sdk-versions-mixed", headers=headers(sig=f"v2={SIG} v1={SIG}"), expect="valid", note="Orb's test: v2 ignored, v1 matches.", **pub),
    dict(id="orb-sdk-no-version", headers=headers(sig=SIG), expect="invalid", expect_code="signature_malformed", note="Orb's test: the hex without v1=.", **pub),
    dict(id="orb-sdk-wrong-secret", headers=headers(), expect="invalid", expect_code="signature_mismatch", note="Orb's test: verified with the secret `foo` (here a longer wrong secret).", **{**pub, "secret": "foo-not-the-secret"}),
    dict(id="orb-zoned-timestamp", headers=headers(sig=f"v1={SIG_Z}", ts=TS_Z), expect="valid", note="A timestamp with its Z, signed as sent.", **ours),
    dict(id="orb-tampered", headers=headers(), expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**ours, "body": BODY.replace("Happy", "Sad")}),
    dict(id="orb-timestamp-missing", headers={"X-Orb-Signature": f"v1={SIG}"}, expect="invalid", expect_code="timestamp_missing", note="No timestamp header.", **ours),
    dict(id="orb-timestamp-unix", headers=headers(ts=str(NOW), sig="v1=" + hex_mac(SECRET, f"v1:{NOW}:{BODY}")), expect="invalid", expect_code="timestamp_malformed", note="A Unix time where Orb sends ISO 8601.", **ours),
    dict(id="orb-signature-missing", headers={"X-Orb-Timestamp": TS}, expect="invalid", expect_code="signature_missing", note="No signature header.", **ours),
]

CHECK = """
const Orb = require('orb-billing');
const orb = new Orb({ apiKey: 'x' });
const out = [];
for (const v of VECTORS) {
  Date.now = () => v.now * 1000;
  try { orb.webhooks.verifySignature(v.body, v.headers, v.secret); out.push(true); }
  catch (e) { out.push(false); }
}
console.log(JSON.stringify(out));
"""
if "--no-sdk" not in sys.argv:
    confirm("orb", vectors, npm(["orb-billing"], CHECK, vectors), "orb-billing verifySignature")
write("orb", vectors)
