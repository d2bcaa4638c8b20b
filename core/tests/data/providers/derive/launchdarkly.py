"""LaunchDarkly: `X-LD-Signature`, the hex HMAC-SHA256 of the body keyed by the webhook's
secret (https://docs.launchdarkly.com/home/connecting/webhooks, "Sign a webhook"). The
body is an audit-log entry (https://launchdarkly.com/docs/api/webhooks); its `_id` is the
delivery id. LaunchDarkly publishes no example signature and ships no verifier, so these
are derived from the recipe alone.
"""
from common import compact, hex_mac, write

SOURCE = "https://docs.launchdarkly.com/home/connecting/webhooks (Sign a webhook: X-LD-Signature)"
SECRET = "ld-webhook-secret-7f3a9c"
# The docs' sample payload, trimmed to its top-level fields.
BODY = compact({
    "_id": "57c0a8e29969090743529965",
    "date": 1472243938774,
    "accesses": [{"action": "updateName", "resource": "proj/alexis:env/test"}],
    "kind": "environment",
    "name": "Testing",
    "description": "- Changed the name from ~~Test~~ to *Testing*",
})
SIG = hex_mac(SECRET, BODY)


def vector(id, headers, expect, note, body=BODY, code=None):
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1472243939, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("launchdarkly", [
    vector("launchdarkly-valid", {"X-LD-Signature": SIG}, "valid",
           "The docs' sample audit-log entry, signed as documented."),
    vector("launchdarkly-tampered", {"X-LD-Signature": SIG}, "invalid",
           "The entry's name changed after signing.",
           body=BODY.replace('"Testing"', '"Testinf"'), code="signature_mismatch"),
    vector("launchdarkly-missing", {}, "invalid", "No X-LD-Signature at all.",
           code="signature_missing"),
    vector("launchdarkly-prefixed", {"X-LD-Signature": "sha256=" + SIG}, "invalid",
           "LaunchDarkly sends the bare hex digest; a prefixed value is not its shape.",
           code="signature_malformed"),
    vector("launchdarkly-short", {"X-LD-Signature": SIG[:40]}, "invalid",
           "A hex value shorter than an HMAC-SHA256.", code="signature_malformed"),
])
