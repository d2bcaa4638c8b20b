"""GoCardless: `Webhook-Signature`, the hex HMAC-SHA256 of the raw body keyed by the webhook
endpoint's secret (https://developer.gocardless.com/getting-started/stay-up-to-date-with-webhooks/,
and the API reference's "Webhooks"). The body batches events; no delivery id is given at
its top level.

`gocardless-valid-sdk` is the official Node library's test vector (gocardless-nodejs
src/__tests__/webhooks.test.ts: its fixture webhook_body.json as compact JSON, secret
ED7D658C-…). Every vector is also checked with GoCardless's official Python library: the
script installs PyPI `gocardless_pro==3.22.0` into a temporary directory and runs
`gocardless_pro.webhooks.parse` (skipped, with a message, when pip cannot install it).
"""
import json
import subprocess
import sys
import tempfile

from common import compact, hex_mac, write

SOURCE = "https://developer.gocardless.com/getting-started/stay-up-to-date-with-webhooks/ (Webhook-Signature)"
SDK_SECRET = "ED7D658C-D8EB-4941-948B-3973214F2D49"
SDK_BODY = compact({"events": [
    {"id": "EV00BD05S5VM2T", "created_at": "2018-07-05T09:13:51.404Z",
     "resource_type": "subscriptions", "action": "created",
     "links": {"subscription": "SB0003JJQ2MR06"},
     "details": {"origin": "api", "cause": "subscription_created",
                 "description": "Subscription created via the API."},
     "metadata": {}},
    {"id": "EV00BD05TB8K63", "created_at": "2018-07-05T09:13:56.893Z",
     "resource_type": "mandates", "action": "created", "links": {"mandate": "MD000AMA19XGEC"},
     "details": {"origin": "api", "cause": "mandate_created",
                 "description": "Mandate created via the API."},
     "metadata": {}},
]})
SDK_SIG = "2693754819d3e32d7e8fcb13c729631f316c6de8dc1cf634d6527f1c07276e7e"
assert hex_mac(SDK_SECRET, SDK_BODY) == SDK_SIG, "the fixture's compact form changed"
SECRET = "gc-webhook-endpoint-secret-81f0"
BODY = compact({"events": [{"id": "EV123", "created_at": "2014-08-04T12:00:00.000Z",
                            "action": "cancelled", "resource_type": "mandates",
                            "links": {"mandate": "MD123"},
                            "details": {"origin": "bank", "cause": "bank_account_disabled"}}]})
SIG = hex_mac(SECRET, BODY)


def vector(id, headers, expect, note, body=BODY, secret=SECRET, code=None):
    v = {"id": id, "source": SOURCE, "secret": secret, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1530782040, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


VECTORS = [
    vector("gocardless-valid-sdk", {"Webhook-Signature": SDK_SIG}, "valid",
           "The official library's test vector.", body=SDK_BODY, secret=SDK_SECRET),
    vector("gocardless-valid", {"Webhook-Signature": SIG}, "valid",
           "The getting-started page's mandate cancelled event, signed as documented."),
    vector("gocardless-tampered", {"Webhook-Signature": SIG}, "invalid",
           "The action changed after signing.",
           body=BODY.replace("cancelled", "active"), code="signature_mismatch"),
    vector("gocardless-missing", {}, "invalid", "No Webhook-Signature.",
           code="signature_missing"),
    vector("gocardless-not-convincing", {"Webhook-Signature": "NOTVERYCONVINCING"}, "invalid",
           "The official library's own bad header.", code="signature_malformed"),
]


def confirm_with_official_library(vectors):
    with tempfile.TemporaryDirectory() as tmp:
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", tmp,
             "gocardless_pro==3.22.0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if installed.returncode != 0:
            print("gocardless: gocardless_pro could not be installed, official check skipped")
            return
        script = """
import json, sys
sys.path.insert(0, sys.argv[1])
from gocardless_pro import webhooks
from gocardless_pro.errors import InvalidSignatureError
out = {}
for c in json.loads(sys.argv[2]):
    try:
        webhooks.parse(c["body"], c["secret"], c["sig"])
        out[c["id"]] = True
    except InvalidSignatureError:
        out[c["id"]] = False
print(json.dumps(out))
"""
        cases = [{"id": v["id"], "body": v["body"], "secret": v["secret"],
                  "sig": v["headers"]["Webhook-Signature"]} for v in vectors
                 if "Webhook-Signature" in v["headers"]]
        result = subprocess.run([sys.executable, "-c", script, tmp, json.dumps(cases)],
                                check=True, capture_output=True, text=True)
        verdicts = json.loads(result.stdout)
    for v in vectors:
        if v["id"] in verdicts:
            assert verdicts[v["id"]] == (v["expect"] == "valid"), v["id"]
    print(f"gocardless: {len(verdicts)} vectors confirmed by gocardless_pro 3.22.0")


confirm_with_official_library(VECTORS)
write("gocardless", VECTORS)
