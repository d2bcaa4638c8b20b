#!/usr/bin/env python3
"""Vectors for `box`: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY`, each the
base64 HMAC-SHA256 of the body followed by `BOX-DELIVERY-TIMESTAMP` (RFC 3339), keyed
with the application's primary or secondary signature key; the timestamp within ten
minutes. hookgate stores the keys as the webhook's secrets (the primary; the secondary
added with rotate-secret while Box's keys change) and accepts either header's signature
by any stored key.

Source: https://developer.box.com/guides/webhooks/v2/signatures-v2 (headers:
https://developer.box.com/guides/webhooks/v2/). Every vector the SDK can judge is
confirmed with Box's official verifier, `box-node-sdk`'s
`WebhooksManager.validateMessage`, installed from npm into a temporary directory (needs
node and npm; `--no-sdk` skips it). The SDK refuses any future time, hookgate one more
than ten minutes ahead, so the future-time vector is hookgate's own.
Run: python3 core/tests/data/providers/derive/box.py
"""
import sys

from common import b64_mac, compact, write
from official_sdk import confirm, npm

DOC = "https://developer.box.com/guides/webhooks/v2/signatures-v2 (base64 HMAC-SHA256 of body + BOX-DELIVERY-TIMESTAMP, primary and secondary keys, 10 min)"
PRIMARY = "SamplePrimaryKey0a1b2c3d4e5f6a7b"
SECONDARY = "SampleSecondaryKey9f8e7d6c5b4a3"
TS = "2016-07-11T10:10:33-07:00"  # the page's example timestamp
NOW = 1468257033  # TS in Unix seconds
BODY = compact({"type": "webhook_event", "id": "eb0c4e06-751f-442c-86f8-fd5bb404dbec", "created_at": TS, "trigger": "FILE.UPLOADED", "webhook": {"id": "53", "type": "webhook"}, "source": {"id": "73835521473", "type": "file"}})
P_SIG = b64_mac(PRIMARY, BODY + TS)
S_SIG = b64_mac(SECONDARY, BODY + TS)


def headers(primary=P_SIG, secondary=S_SIG, ts=TS):
    out = {"BOX-DELIVERY-ID": "673a081b-bb4b-4d45-b4f1-4131a29c1d07", "BOX-DELIVERY-TIMESTAMP": ts, "BOX-SIGNATURE-VERSION": "1", "BOX-SIGNATURE-ALGORITHM": "HmacSHA256"}
    if primary is not None:
        out["BOX-SIGNATURE-PRIMARY"] = primary
    if secondary is not None:
        out["BOX-SIGNATURE-SECONDARY"] = secondary
    if ts is None:
        del out["BOX-DELIVERY-TIMESTAMP"]
    return out


common = dict(source=DOC, secret=PRIMARY, secret_encoding="utf8", body=BODY, now=NOW)
sdk = [
    dict(id="box-primary", headers=headers(), expect="valid", note="A FILE.UPLOADED event; the primary key's signature matches.", **common),
    dict(id="box-secondary", headers=headers(), expect="valid", note="The stored key is the secondary: its header's signature matches.", **{**common, "secret": SECONDARY}),
    dict(id="box-primary-only", headers=headers(secondary=None), expect="valid", note="Only a primary key configured, so only its header.", **common),
    dict(id="box-tampered", headers=headers(), expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("UPLOADED", "DELETED")}),
    dict(id="box-other-key", headers=headers(), expect="invalid", expect_code="signature_mismatch", note="Neither header is by the stored key.", **{**common, "secret": "SomeOtherKeyNotBoxs00000000000"}),
    dict(id="box-stale", headers=headers(), expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 601 s later (ten minutes).", **{**common, "now": NOW + 601}),
    dict(id="box-signatures-missing", headers=headers(primary=None, secondary=None), expect="invalid", expect_code="signature_missing", note="Neither signature header.", **common),
]
ours = [
    dict(id="box-future", headers=headers(primary=b64_mac(PRIMARY, BODY + "2016-07-11T10:20:34-07:00"), ts="2016-07-11T10:20:34-07:00"), expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time 601 s ahead.", **common),
    dict(id="box-timestamp-missing", headers=headers(ts=None), expect="invalid", expect_code="timestamp_missing", note="No delivery timestamp.", **common),
    dict(id="box-timestamp-unix", headers=headers(primary=b64_mac(PRIMARY, BODY + str(NOW)), ts=str(NOW)), expect="invalid", expect_code="timestamp_malformed", note="A Unix time where Box sends RFC 3339.", **common),
    dict(id="box-signature-hex", headers=headers(primary="ab" * 32, secondary=None), expect="invalid", expect_code="signature_malformed", note="Hex where Box sends base64.", **common),
]

CHECK = """
const { WebhooksManager } = require('box-node-sdk/lib/managers/webhooks');
(async () => {
  const out = [];
  for (const v of VECTORS) {
    Date.now = () => v.now * 1000;
    out.push(await WebhooksManager.validateMessage(v.body, v.headers, v.secret, { secondaryKey: v.secret }));
  }
  console.log(JSON.stringify(out));
})();
"""
if "--no-sdk" not in sys.argv:
    lowered = [dict(v, headers={k.lower(): x for k, x in v["headers"].items()}) for v in sdk]
    confirm("box", sdk, npm(["box-node-sdk"], CHECK, lowered), "box-node-sdk validateMessage")
write("box", sdk + ours)
