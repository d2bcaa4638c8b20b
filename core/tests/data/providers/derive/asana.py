#!/usr/bin/env python3
"""Vectors for `asana`: events carry `X-Hook-Signature`, the hex HMAC-SHA256 of the
request body keyed with the secret Asana sent as `X-Hook-Secret` in the webhook's
handshake.

Recipe from Asana's pages (named in each vector's `source`):
  - https://developers.asana.com/docs/webhooks-guide : the handshake, and events signed
    with its secret;
  - https://developers.asana.com/reference/createwebhook : "we will send a test POST to the
    target with an X-Hook-Secret header ... We strongly recommend storing this secret to be
    used to verify future webhook event signatures", with the sample secret used below;
  - Asana's own example server, linked from the guide (github.com/Asana/devrel-examples,
    javascript/webhooks-nodejs/index.js): createHmac("SHA256", X_HOOK_SECRET) over the
    body, digest("hex"), compared in constant time.
Asana publishes no vectors and no verifier package; each signature here is computed with
Python's standard library as that example computes it, and checked again below with
`hmac.compare_digest`, as the example compares.

The handshake itself is not a vector here: it is accepted only while a webhook is armed
(a window after creation or an explicit re-arm), which these records, made at time 0 with
a known secret, never are; so an X-Hook-Secret sent to one is refused
(`handshake_not_armed`). The armed handshake is covered by the core's unit tests
(`verify::tests::asana`) and end to end (`tests/e2e/asana.rs`).

Run: python3 core/tests/data/providers/derive/asana.py
"""
import hashlib
import hmac as std_hmac

from common import compact, hex_mac, write

GUIDE = "https://developers.asana.com/docs/webhooks-guide"
CREATE = "https://developers.asana.com/reference/createwebhook"
EXAMPLE = "https://developers.asana.com/docs/webhooks-guide (example server: Asana/devrel-examples javascript/webhooks-nodejs)"
# The X-Hook-Secret of Asana's handshake example (reference/createwebhook).
SECRET = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81"

EVENT = compact({"events": [{
    "user": {"gid": "1234567890123456", "resource_type": "user"},
    "created_at": "2026-11-30T12:00:00.000Z",
    "action": "changed",
    "resource": {"gid": "1200000000000001", "resource_type": "task", "resource_subtype": "default_task"},
    "parent": None,
    "change": {"field": "name", "action": "changed"},
}]})
HEARTBEAT = compact({"events": []})


def sign(body, key=SECRET):
    sig = hex_mac(key, body)
    # Asana's example, step by step: HMAC-SHA256 keyed with the secret's text, updated
    # with the body, hex digest, compared in constant time.
    example = std_hmac.new(key.encode(), digestmod=hashlib.sha256)
    example.update(body.encode())
    assert std_hmac.compare_digest(sig, example.hexdigest())
    return sig


common = dict(secret=SECRET, secret_encoding="utf8", now=1764590000)
vectors = [
    dict(id="asana-event-valid", source=EXAMPLE, body=EVENT,
         headers={"X-Hook-Signature": sign(EVENT), "Content-Type": "application/json"},
         expect="valid", note="A task change, signed with the handshake's secret.", **common),
    dict(id="asana-heartbeat-valid", source=GUIDE, body=HEARTBEAT,
         headers={"X-Hook-Signature": sign(HEARTBEAT)},
         expect="valid", note="Asana's heartbeat: an empty events array, signed like any event.", **common),
    dict(id="asana-event-tampered", source=EXAMPLE, body=EVENT.replace('"changed"', '"removed"', 1),
         headers={"X-Hook-Signature": sign(EVENT)},
         expect="invalid", expect_code="signature_mismatch", note="The body changed after signing.", **common),
    dict(id="asana-event-other-secret", source=EXAMPLE, body=EVENT,
         headers={"X-Hook-Signature": sign(EVENT, SECRET[:-1] + "0")},
         expect="invalid", expect_code="signature_mismatch", note="Signed with another secret (one digit changed).", **common),
    dict(id="asana-event-unsigned", source=GUIDE, body=EVENT, headers={},
         expect="invalid", expect_code="signature_missing", note="No X-Hook-Signature.", **common),
    dict(id="asana-event-prefixed", source=EXAMPLE, body=EVENT,
         headers={"X-Hook-Signature": "sha256=" + sign(EVENT)},
         expect="invalid", expect_code="signature_malformed", note="Asana sends the bare hex digest; a prefix is not its format.", **common),
    dict(id="asana-handshake-not-armed", source=CREATE, body="",
         headers={"X-Hook-Secret": "attacker-chosen-secret-0123456789"},
         expect="invalid", expect_code="handshake_not_armed",
         note="A handshake for a webhook that is not armed for one (it holds a secret already) plants nothing.", **common),
]
write("asana", vectors)
