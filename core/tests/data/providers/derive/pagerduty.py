"""PagerDuty (v3 webhooks): `X-PagerDuty-Signature` holds one or more comma-separated
`v1=<hex>` signatures, each the hex HMAC-SHA256 of the body with one signing secret
(several during a secret rotation); split on `,`, keep the `v1=` items, and the request
is authentic "if at least one of the signatures matches" (PagerDuty's developer docs,
docs/webhooks/04-Signatures.md, "Verifying Signatures"). The delivery id is the
`X-Webhook-Id` header (docs/webhooks/02-Behavior.md, "At-Least-Once Delivery"). The page's
example header has no body or secret to check; PagerDuty's verifier is Go
(go-pagerduty/webhookv3), which the registries here do not serve, so these are derived.
"""
from common import compact, hex_mac, write

SOURCE = "https://github.com/PagerDuty/developer-docs/blob/main/docs/webhooks/04-Signatures.md (X-PagerDuty-Signature: v1=<hex>, several)"
SECRET = "pd-subscription-secret-4b7e91"
OLD_SECRET = "pd-subscription-secret-old-0c2a"
BODY = compact({"event": {
    "id": "5ac64822-4adc-4fda-ade0-410becf0de4f",
    "event_type": "incident.priority_updated",
    "resource_type": "incident",
    "occurred_at": "2020-10-02T18:45:22.169Z",
    "agent": {"id": "PLH1HKV", "type": "user_reference"},
    "client": {"name": "PagerDuty"},
    "data": {"id": "PGR0VU2", "type": "incident", "number": 2, "status": "triggered",
             "title": "A little bump in the road", "urgency": "high"},
}})
SIG = "v1=" + hex_mac(SECRET, BODY)
OLD = "v1=" + hex_mac(OLD_SECRET, BODY)
WEBHOOK_ID = "0f1d4c8b-36c2-4b5a-9e2d-71b0c4a8e6f3"


def vector(id, signature, expect, note, body=BODY, code=None):
    headers = {"X-Webhook-Id": WEBHOOK_ID}
    if signature is not None:
        headers["X-PagerDuty-Signature"] = signature
    v = {"id": id, "source": SOURCE, "secret": SECRET, "secret_encoding": "utf8",
         "headers": headers, "body": body, "now": 1601664322, "expect": expect, "note": note}
    if code:
        v["expect_code"] = code
    return v


write("pagerduty", [
    vector("pagerduty-valid", SIG, "valid", "The docs' incident.priority_updated event, one v1."),
    vector("pagerduty-rotation-second", f"{OLD},{SIG}", "valid",
           "During a rotation: the old secret's v1 first, this webhook's second."),
    vector("pagerduty-rotation-first-with-space", f"{SIG}, {OLD}", "valid",
           "This webhook's v1 first, a space after the comma."),
    vector("pagerduty-other-secret-only", OLD, "invalid",
           "Only a v1 from a secret this webhook does not hold.", code="signature_mismatch"),
    vector("pagerduty-tampered", f"{OLD},{SIG}", "invalid", "The title changed after signing.",
           body=BODY.replace("bump", "bumq"), code="signature_mismatch"),
    vector("pagerduty-missing", None, "invalid", "No X-PagerDuty-Signature.",
           code="signature_missing"),
    vector("pagerduty-unversioned", SIG.removeprefix("v1="), "invalid",
           "The right hex MAC without v1=: no v1 signature in the header.",
           code="signature_malformed"),
    vector("pagerduty-other-version-only", "v2=" + SIG.removeprefix("v1="), "invalid",
           "Only a v2 item: not a version PagerDuty documents, ignored.",
           code="signature_malformed"),
])
