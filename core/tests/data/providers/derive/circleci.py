"""CircleCI outbound webhooks: `circleci-signature` is "a comma-separated list of versioned
signatures" (`v1=…,v2=…`); "Currently, the latest (and only) signature version is v1. You
should only check the latest signature type"; v1 is the hex HMAC-SHA256 of the body with
the signing secret (https://circleci.com/docs/outbound-webhooks, "Validate outbound
webhooks"; read in CircleCI's docs source, jekyll/_cci2/webhooks.adoc). The delivery id
is the body's `id`.

The page publishes example signatures; the `-published-` vectors are those (the two with
secret `secret` are shorter than hookgate's minimum, so the conformance test marks them).
"""
from common import compact, hex_mac, write

SOURCE = "https://circleci.com/docs/outbound-webhooks (Validate outbound webhooks: circleci-signature)"
PUBLISHED = [
    ("hello-world", "hello world", "secret", "734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a"),
    ("lalala", "lalala", "another-secret", "daa220016c8f29a8b214fbfc3671aeec2145cfb1e6790184ffb38b6d0425fa00"),
    ("payload", "an-important-request-payload", "hunter123", "9be2242094a9a8c00c64306f382a7f9d691de910b4a266f67bd314ef18ac49fa"),
    ("foo", "foo", "secret", "773ba44693c7553d6ee20f61ea5d2757a9a4f4a44d2841ae4e95b52e4cd62db4"),
]
SECRET = "circleci-signing-secret-5d2e"
BODY = compact({
    "id": "3888f21b-eaa7-38e3-8f3d-75a63bba8895",
    "type": "workflow-completed",
    "happened_at": "2021-09-01T22:49:34.317Z",
    "webhook": {"id": "cf8c4fdd-0587-4da1-b4ca-4846e9640af9", "name": "Sample Webhook"},
    "workflow": {"id": "fda08377-fe7e-46b1-8992-3a7aaecac9c3", "name": "build-test-deploy",
                 "status": "success"},
})
SIG = hex_mac(SECRET, BODY)


def vector(id, signature, expect, note, body=BODY, secret=SECRET, code=None):
    headers = {"circleci-event-type": "workflow-completed"}
    if signature is not None:
        headers["circleci-signature"] = signature
    v = {"id": id, "source": SOURCE, "secret": secret, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1630536574, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


VECTORS = []
for name, body, secret, digest in PUBLISHED:
    assert hex_mac(secret, body) == digest, name
    VECTORS.append(vector(f"circleci-published-{name}", f"v1={digest}", "valid",
                          "An example signature from CircleCI's page.", body=body, secret=secret))
VECTORS += [
    vector("circleci-valid", f"v1={SIG}", "valid", "A workflow-completed event, signed as documented."),
    vector("circleci-later-versions-ignored", f"v1={SIG},v2=notyetdefined,v3=x", "valid",
           "The page's list form: other versions beside v1 are ignored."),
    vector("circleci-tampered", f"v1={SIG}", "invalid", "The workflow status changed after signing.",
           body=BODY.replace("success", "failed"), code="signature_mismatch"),
    vector("circleci-missing", None, "invalid", "No circleci-signature.", code="signature_missing"),
    vector("circleci-v2-only", f"v2={SIG}", "invalid",
           "The right MAC under another version: only v1 is checked.", code="signature_malformed"),
    vector("circleci-bare-hex", SIG, "invalid", "The right MAC with no version.",
           code="signature_malformed"),
]
write("circleci", VECTORS)
