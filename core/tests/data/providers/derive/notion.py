"""Notion: events carry `X-Notion-Signature: sha256=<hex>`, the hex HMAC-SHA256 of the raw
body keyed by the subscription's `verification_token`
(https://developers.notion.com/reference/webhooks, "Step 3 - Validating event payloads").
The token itself arrives once, when the subscription is created, as a POST whose body is
`{"verification_token": "secret_…"}` ("Step 2 - Verifying the subscription"); it is not
signed (the only key is the token in the body), so hookgate accepts that exact shape
unsigned only while the webhook still holds the placeholder secret hookgate generated
(`hgs_…`), i.e. before the operator stored the token. The delivery id is the event's `id`.
No example signature or verifier is published.
"""
from common import compact, hex_mac, write

SOURCE = "https://developers.notion.com/reference/webhooks (Step 2 verification_token; Step 3 X-Notion-Signature)"
TOKEN = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"
PLACEHOLDER = "hgs_kq0C4m9Yb3xT7vR2nL5wE8aJ1fH6dS0pU4iO7gZ3cVw"
BODY = compact({
    "id": "367cba44-b6f3-4c92-81e7-6a2e9659efd4",
    "timestamp": "2024-12-05T23:55:34.285Z",
    "workspace_id": "13950b26-c203-4f3b-b97d-93ec06319565",
    "workspace_name": "Quantify Labs",
    "subscription_id": "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
    "integration_id": "0ef2e755-4912-8096-91c1-00376a88a5ca",
    "type": "page.content_updated",
    "authors": [{"id": "c7c11cca-1d73-471d-9b6e-bdef51470190", "type": "person"}],
    "attempt_number": 1,
    "entity": {"id": "153104cd-477e-809d-8dc4-ff2d96ae3090", "type": "page"},
    "data": {"parent": {"id": "13950b26-c203-4f3b-b97d-93ec06319565", "type": "space"},
             "updated_blocks": [{"id": "153104cd-477e-80ec-b24c-c5a8b8e8b2ca", "type": "block"}]},
})
SIG = "sha256=" + hex_mac(TOKEN, BODY)
VERIFICATION = compact({"verification_token": TOKEN})


def vector(id, headers, expect, note, body=BODY, secret=TOKEN, code=None):
    v = {"id": id, "source": SOURCE, "secret": secret, "secret_encoding": "utf8",
         "headers": {"Content-Type": "application/json", **headers}, "body": body,
         "now": 1733442934, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("notion", [
    vector("notion-valid", {"X-Notion-Signature": SIG}, "valid",
           "A page.content_updated event signed with the stored verification_token."),
    vector("notion-tampered", {"X-Notion-Signature": SIG}, "invalid",
           "The event type changed after signing.",
           body=BODY.replace("content_updated", "deleted"), code="signature_mismatch"),
    vector("notion-missing", {}, "invalid", "An event without X-Notion-Signature.",
           code="signature_missing"),
    vector("notion-unprefixed", {"X-Notion-Signature": SIG.removeprefix("sha256=")}, "invalid",
           "The right hex MAC without sha256=.", code="signature_malformed"),
    vector("notion-verification-while-awaiting-token", {}, "valid",
           "The one-time verification request, unsigned, while the webhook holds hookgate's "
           "placeholder secret: accepted (and forwarded, so the operator reads the token).",
           body=VERIFICATION, secret=PLACEHOLDER),
    vector("notion-verification-after-token-stored", {}, "invalid",
           "The same unsigned request once the token is the webhook's secret: refused.",
           body=VERIFICATION, code="signature_missing"),
    vector("notion-verification-with-more-members", {}, "invalid",
           "Unsigned, with a member besides verification_token: an unsigned event, refused "
           "even while the webhook awaits its token.",
           body=compact({"verification_token": TOKEN, "type": "page.deleted"}),
           secret=PLACEHOLDER, code="signature_missing"),
    vector("notion-event-unsigned-while-awaiting-token", {}, "invalid",
           "An unsigned event while the webhook awaits its token: refused.",
           secret=PLACEHOLDER, code="signature_missing"),
])
