"""Pusher Channels: `X-Pusher-Signature`, the hex HMAC-SHA256 of the POST body keyed by
the app's secret; `X-Pusher-Key` names the (public) key whose secret signed
(https://pusher.com/docs/channels/server_api/webhooks/, "Authentication"). No delivery id
is documented.

`pusher-valid-sdk` is the official library's own test vector (secret `tofu`, shorter than
hookgate's minimum, so the conformance test marks it; pusher-http-node
tests/integration/webhook.js). Every vector is also checked with the official library:
the script installs the npm package `pusher@5.3.4` into a temporary directory and runs
its `WebHook.isValid()` with `node` (skipped, with a message, without npm or node).
"""
import json
import shutil
import subprocess
import tempfile

from common import compact, hex_mac, write

SOURCE = "https://pusher.com/docs/channels/server_api/webhooks/ (Authentication: X-Pusher-Key, X-Pusher-Signature)"
KEY = "a1b2c3d4e5f6a7b8c9d0"
SECRET = "7ad3773142a6692b25b8"
BODY = compact({"time_ms": 1700000000123,
                "events": [{"name": "channel_occupied", "channel": "presence-lobby"}]})
SIG = hex_mac(SECRET, BODY)
SDK_BODY = compact({"time_ms": 1403175510755,
                    "events": [{"channel": "test_channel", "name": "channel_vacated"}]})


def vector(id, headers, expect, note, body=BODY, secret=SECRET, code=None):
    v = {"id": id, "source": SOURCE, "secret": secret, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1700000000, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


VECTORS = [
    vector("pusher-valid-sdk",
           {"X-Pusher-Key": "123456789",
            "X-Pusher-Signature": "c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5"},
           "valid", "The official library's test vector (secret `tofu`).",
           body=SDK_BODY, secret="tofu"),
    vector("pusher-valid", {"X-Pusher-Key": KEY, "X-Pusher-Signature": SIG}, "valid",
           "A channel_occupied event signed as documented."),
    vector("pusher-tampered", {"X-Pusher-Key": KEY, "X-Pusher-Signature": SIG}, "invalid",
           "The channel changed after signing.",
           body=BODY.replace("lobby", "lobbz"), code="signature_mismatch"),
    vector("pusher-missing", {"X-Pusher-Key": KEY}, "invalid", "No X-Pusher-Signature.",
           code="signature_missing"),
    vector("pusher-truncated", {"X-Pusher-Key": KEY, "X-Pusher-Signature": SIG[:-2]}, "invalid",
           "The signature lost its last byte.", code="signature_malformed"),
]


def confirm_with_official_library(vectors):
    if not (shutil.which("npm") and shutil.which("node")):
        print("pusher: npm/node missing, official library check skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", tmp,
                        "pusher@5.3.4"], check=True, stdout=subprocess.DEVNULL)
        cases = [{"id": v["id"], "secret": v["secret"], "body": v["body"],
                  "headers": {k.lower(): x for k, x in v["headers"].items()}} for v in vectors]
        script = """
const Pusher = require(process.argv[1] + '/node_modules/pusher');
const out = {};
for (const c of JSON.parse(process.argv[2])) {
  const key = c.headers['x-pusher-key'];
  const pusher = new Pusher({appId: '1', key: key, secret: c.secret});
  c.headers['content-type'] = 'application/json';
  // The library throws on a request without a signature: that is a refusal too.
  try { out[c.id] = pusher.webhook({headers: c.headers, rawBody: c.body}).isValid(); }
  catch (e) { out[c.id] = false; }
}
console.log(JSON.stringify(out));
"""
        result = subprocess.run(["node", "-e", script, tmp, json.dumps(cases)],
                                check=True, capture_output=True, text=True)
        verdicts = json.loads(result.stdout)
    for v in vectors:
        assert verdicts[v["id"]] == (v["expect"] == "valid"), v["id"]
    print(f"pusher: {len(verdicts)} vectors confirmed by pusher@5.3.4")


confirm_with_official_library(VECTORS)
write("pusher", VECTORS)
