#!/usr/bin/env python3
"""Vectors for `persona`: `Persona-Signature: t=<unix>,v1=<hex>`, the hex HMAC-SHA256 of
`<t>.<body>` keyed with the webhook secret; while a secret rotates, two such sets
separated by a space (`t=…,v1=… t=…,v1=…`), each signed with one of the secrets.

Source: https://docs.withpersona.com/docs/webhooks-best-practices ("Checking
signatures"). Persona ships no server-side verifier; it documents no window (hookgate
uses 300 s).
Run: python3 core/tests/data/providers/derive/persona.py
"""
from common import compact, hex_mac, write

DOC = "https://docs.withpersona.com/docs/webhooks-best-practices (Persona-Signature: t=<unix>,v1=<hex HMAC-SHA256 of t.body>; two space-separated sets while rotating)"
SECRET = "wbhsec_7d3f2a9c-5e1b-4c8d-a6f0-0b9e8d7c6a51"
OLD = "wbhsec_1a2b3c4d-0000-4c8d-a6f0-0b9e8d7c6a51"
NOW = 1700000000
T = str(NOW)
BODY = compact({"data": {"type": "event", "id": "evt_XGuYWp7WkRDgEzKHw6Z6jXkF", "attributes": {"name": "inquiry.completed", "payload": {"data": {"type": "inquiry", "id": "inq_2CVZ4HyVg7qaboXz6ufW5pLp"}}, "created-at": "2023-11-14T22:13:20.000Z"}}})
SIG = hex_mac(SECRET, f"{T}.{BODY}")
OLD_SIG = hex_mac(OLD, f"{T}.{BODY}")
common = dict(source=DOC, secret=SECRET, secret_encoding="utf8", body=BODY, now=NOW)
H = "Persona-Signature"
write("persona", [
    dict(id="persona-valid", headers={H: f"t={T},v1={SIG}"}, expect="valid", note="An inquiry.completed event signed as the page says.", **common),
    dict(id="persona-rotating-new-second", headers={H: f"t={T},v1={OLD_SIG} t={T},v1={SIG}"}, expect="valid", note="Two sets while rotating: the stored secret signed the second.", **common),
    dict(id="persona-rotating-new-first", headers={H: f"t={T},v1={SIG} t={T},v1={OLD_SIG}"}, expect="valid", note="Two sets, the stored secret's first.", **common),
    dict(id="persona-rotating-neither", headers={H: f"t={T},v1={OLD_SIG} t={T},v1={hex_mac('another', T + '.' + BODY)}"}, expect="invalid", expect_code="signature_mismatch", note="Two sets, neither by the stored secret.", **common),
    dict(id="persona-tampered", headers={H: f"t={T},v1={SIG}"}, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **{**common, "body": BODY.replace("completed", "failed")}),
    dict(id="persona-stale", headers={H: f"t={T},v1={SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s later (hookgate's 300 s window).", **{**common, "now": NOW + 301}),
    dict(id="persona-stale-set", headers={H: f"t={NOW - 301},v1={hex_mac(SECRET, str(NOW - 301) + '.' + BODY)} t={T},v1={OLD_SIG}"}, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Every set's time must be fresh: the stored secret's set is 301 s old.", **common),
    dict(id="persona-missing", headers={}, expect="invalid", expect_code="signature_missing", note="No signature header.", **common),
    dict(id="persona-no-v1", headers={H: f"t={T}"}, expect="invalid", expect_code="signature_malformed", note="A timestamp and no signature.", **common),
])
