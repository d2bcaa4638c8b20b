#!/usr/bin/env python3
"""Vectors for `workos`: `WorkOS-Signature: t=<unix milliseconds>, v1=<hex>`, the hex
HMAC-SHA256 of `<t>.<body>` keyed with the endpoint's webhook secret as text.

Source: https://workos.com/docs/events/data-syncing/webhooks ("Validating events are
from WorkOS"); the header's shape (`t=${timestamp}, v1=${signatureHash}`, milliseconds)
and the 180 s default window are those of WorkOS's SDK. Every vector the SDK can judge
is confirmed with WorkOS's official verifier, `@workos-inc/node`'s
`webhooks.verifyHeader`, installed from npm into a temporary directory (needs node and
npm; `--no-sdk` skips it). The SDK checks only a time in the past, so the future-time
vector is hookgate's own.
Run: python3 core/tests/data/providers/derive/workos.py
"""
import sys

from common import compact, hex_mac, write
from official_sdk import confirm, npm

DOC = "https://workos.com/docs/events/data-syncing/webhooks (WorkOS-Signature: t=<ms>, v1=<hex HMAC-SHA256 of t.body>)"
SECRET = "wos_webhook_secret_3Ys9dL2qPzR7"
NOW_MS = 1700000000123
T = str(NOW_MS)
NOW = NOW_MS // 1000
BODY = compact({"id": "event_01HWWKW3DEFBA9V3FQXA6KTNHQ", "event": "dsync.user.created", "data": {"id": "directory_user_01FAEAJCR3ZBZ30D8BD1924TVG", "state": "active", "object": "directory_user"}, "created_at": "2023-11-14T22:13:20.123Z"})
SIG = hex_mac(SECRET, f"{T}.{BODY}")
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW)
H = "WorkOS-Signature"
sdk = [
    dict(id="workos-valid", headers={H: f"t={T}, v1={SIG}"}, expect="valid", note="A dsync.user.created event, the header with the SDK's space after the comma.", **common),
    dict(id="workos-valid-no-space", headers={H: f"t={T},v1={SIG}"}, expect="valid", note="The same without the space.", **common),
    dict(id="workos-tampered", headers={H: f"t={T}, v1={SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("active", "inactive")}),
    dict(id="workos-stale", headers={H: f"t={T}, v1={SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 181 s later (the SDK's 180 s default).", **{**common, "now": NOW + 181}),
    dict(id="workos-seconds", headers={H: f"t={NOW}, v1={hex_mac(SECRET, f'{NOW}.{BODY}')}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time in seconds read as WorkOS's milliseconds is in 1970.", **common),
    dict(id="workos-empty-signature", headers={H: f"t={T}, v1="}, expect="invalid", expect_code="signature_malformed", note="The SDK's test: an empty signature hash.", **common),
]
ours = [
    dict(id="workos-future", headers={H: f"t={NOW_MS + 181000}, v1={hex_mac(SECRET, f'{NOW_MS + 181000}.{BODY}')}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="A time 181 s ahead (hookgate checks both directions).", **common),
    dict(id="workos-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
]

CHECK = """
const { WorkOS } = require('@workos-inc/node');
const workos = new WorkOS('sk_test_0000000000000000000000000');
(async () => {
  const out = [];
  for (const v of VECTORS) {
    Date.now = () => v.now * 1000;
    try {
      await workos.webhooks.verifyHeader({ payload: JSON.parse(v.body), sigHeader: v.headers['workos-signature'], secret: v.secret });
      out.push(true);
    } catch (e) { out.push(false); }
  }
  console.log(JSON.stringify(out));
})();
"""
if "--no-sdk" not in sys.argv:
    lowered = [dict(v, headers={k.lower(): x for k, x in v["headers"].items()}) for v in sdk]
    confirm("workos", sdk, npm(["@workos-inc/node"], CHECK, lowered), "@workos-inc/node verifyHeader")
write("workos", sdk + ours)
