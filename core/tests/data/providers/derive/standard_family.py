"""The Standard Webhooks layout shared by the named aliases (polar, replicate, openai,
clerk, resend, brex, lithic, gitlab's signing token): HMAC-SHA256 over
`{id}.{timestamp}.{body}`, `v1,<base64>` entries separated by spaces, the timestamp in
Unix seconds, the key from the provider's secret (its own rule, passed in as bytes).

`vectors(...)` builds one alias's vectors and `confirm(...)` checks every one of them with
the official `standardwebhooks` library (PyPI), installed into a temporary venv
(`official.pip_eval`): its `Webhook.sign` must give each valid vector's signature, and
its `verify` (at the vector's `now`) must accept exactly the valid ones.
"""
import base64

from common import b64_mac
import official

NOW = 1700000000


def signed(key, msg_id, ts, body):
    return "v1," + b64_mac(key, f"{msg_id}.{ts}.{body}")


def vectors(scheme, source, secret, key, prefix, body, msg_id, tolerance_s=300):
    """`prefix` is the header prefix (`webhook` or `svix`); `key` the HMAC key bytes."""
    h_id, h_ts, h_sig = f"{prefix}-id", f"{prefix}-timestamp", f"{prefix}-signature"
    ts = str(NOW)

    def headers(sig, ts=ts, msg_id=msg_id):
        return {h_id: msg_id, h_ts: ts, h_sig: sig}

    good = signed(key, msg_id, ts, body)
    other = "v1," + base64.b64encode(bytes(32)).decode()
    base = dict(source=source, secret=secret, secret_encoding="utf8", now=NOW)
    stale_ts = str(NOW - tolerance_s - 1)
    return [
        dict(id=f"{scheme}-valid", headers=headers(good), body=body, expect="valid",
             note="Signed with the documented recipe.", **base),
        dict(id=f"{scheme}-rotation-second-entry", headers=headers(other + " " + good), body=body,
             expect="valid", note="Two entries during a rotation; the second matches.", **base),
        dict(id=f"{scheme}-tampered-body", headers=headers(good), body=body.replace("}", ',"x":1}', 1),
             expect="invalid", expect_code="signature_mismatch", note="The body changed after signing.", **base),
        dict(id=f"{scheme}-other-id", headers=headers(good, msg_id=msg_id + "x"), body=body,
             expect="invalid", expect_code="signature_mismatch", note="The id header is signed.", **base),
        dict(id=f"{scheme}-stale", headers=headers(signed(key, msg_id, stale_ts, body), ts=stale_ts), body=body,
             expect="invalid", expect_code="timestamp_out_of_tolerance",
             note=f"Signed {tolerance_s + 1} s before now.", **base),
        dict(id=f"{scheme}-no-signature", headers={h_id: msg_id, h_ts: ts}, body=body,
             expect="invalid", expect_code="signature_missing", note="No signature header.", **base),
        dict(id=f"{scheme}-no-timestamp", headers={h_id: msg_id, h_sig: good}, body=body,
             expect="invalid", expect_code="timestamp_missing", note="No timestamp header.", **base),
        dict(id=f"{scheme}-no-id", headers={h_ts: ts, h_sig: good}, body=body,
             expect="invalid", expect_code="header_missing", note="No id header: the signed id is missing.", **base),
        dict(id=f"{scheme}-malformed", headers=headers("v1,not base64!"), body=body,
             expect="invalid", expect_code="signature_malformed", note="No entry decodes to a MAC.", **base),
    ]


CONFIRM = r"""
import json, sys
from datetime import datetime, timezone
import standardwebhooks.webhooks as sw
cases = json.load(sys.stdin)
out = []
for c in cases:
    key = c["key"].encode("latin-1")
    wh = sw.Webhook(key)
    h = {k.lower(): v for k, v in c["headers"].items()}
    for p in ("svix", "webhook"):
        for part in ("id", "timestamp", "signature"):
            if f"{p}-{part}" in h:
                h[f"webhook-{part}"] = h[f"{p}-{part}"]
    # The library checks the time against the clock; pin it at the vector's `now`.
    now = datetime.fromtimestamp(c["now"], tz=timezone.utc)
    class Pinned(datetime):
        @classmethod
        def now(cls, tz=None):
            return now
    sw.datetime = Pinned
    try:
        wh.verify(c["body"], h)
        ok = True
    except Exception:
        ok = False
    signature = None
    if c["expect"] == "valid":
        signature = wh.sign(h["webhook-id"], datetime.fromtimestamp(int(h["webhook-timestamp"]), tz=timezone.utc), c["body"])
    out.append({"id": c["id"], "verified": ok, "signature": signature})
print(json.dumps(out))
"""


def confirm(cases, key_for):
    """`key_for(vector)` gives the HMAC key bytes the library is handed for that vector."""
    if official.offline():
        print("confirmation with standardwebhooks skipped (HOOKGATE_DERIVE_OFFLINE=1)")
        return
    payload = [dict(v, key=key_for(v).decode("latin-1")) for v in cases]
    results = official.pip_eval(["standardwebhooks==1.1.0"], CONFIRM, payload)
    for v, r in zip(cases, results):
        assert r["verified"] == (v["expect"] == "valid"), (v["id"], r)
        if r["signature"] is not None:
            sig = next(val for k, val in v["headers"].items() if k.lower().endswith("-signature"))
            assert r["signature"] in sig.split(" "), (v["id"], r["signature"], sig)
    print(f"confirmed {len(cases)} vectors with standardwebhooks")
