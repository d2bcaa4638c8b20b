#!/usr/bin/env python3
"""Vectors for `contentful`: `x-contentful-signature` is the hex HMAC-SHA256 (key: the
64-character signing secret's text) of method "\n" path "\n" headers "\n" body, where
headers are the `name:value` pairs of the headers listed in `x-contentful-signed-headers`
(names lower-cased, values trimmed, sorted by name, joined by ';'), the list itself and
`x-contentful-timestamp` (Unix milliseconds) among them.

Source: https://www.contentful.com/developers/docs/webhooks/request-verification/
Every valid vector is the output of Contentful's own signer, npm
`@contentful/node-apps-toolkit`'s `signRequest`, and is derived here independently too;
`verifyRequest` (TTL off: the vectors' `now` is fixed) must accept exactly the valid ones.
The toolkit is installed into a temp dir by `official.py`.
Run: python3 core/tests/data/providers/derive/contentful.py
"""
from common import compact, hex_mac, write
import official

DOC = "https://www.contentful.com/developers/docs/webhooks/request-verification/ (canonical request, signed headers, ms timestamp)"
SECRET = "wC5dKg2mNq7RtV9xZb3FhJ6LpS8uYe1oIa4cGk0nMrQzTvXyBdHjPlWsUfEiOqA2"
assert len(SECRET) == 64
NOW = 1700000000
TS = str(NOW * 1000)
PATH = "/conformance"
BODY = compact({"sys": {"type": "Entry", "id": "5KsDBWseXY6QegucYAoacS", "revision": 1}})
BASE_HEADERS = {"content-type": "application/vnd.contentful.management.v1+json",
                "x-contentful-topic": "ContentManagement.Entry.publish"}


def derive(method, path, headers, body, ts):
    signed = dict(headers)
    signed["x-contentful-timestamp"] = ts
    names = sorted(set(signed) | {"x-contentful-signed-headers"})
    signed["x-contentful-signed-headers"] = ",".join(names)
    canonical = ";".join(f"{n}:{signed[n].strip()}" for n in names)
    sig = hex_mac(SECRET, "\n".join([method, path, canonical, body]))
    return dict(signed, **{"x-contentful-signature": sig})


def request(method="POST", path=PATH, headers=BASE_HEADERS, body=BODY, ts=TS):
    return derive(method, normalized(path), headers, body, ts)


def escape(text, kept):
    return "".join(chr(b) if (b < 128 and chr(b).isalnum()) or chr(b) in kept else "%%%02X" % b
                   for b in text.encode())


def normalized(path):
    """The toolkit's getNormalizedEncodedURI: querystring.escape the query, encodeURI it all."""
    parts = path.split("?")
    pathname, search = parts[0], (parts[1] if len(parts) > 1 else "")
    uri = pathname + "?" + escape(search, "-_.!~*'()") if search else pathname
    return escape(uri, ";,/?:@&=+$-_.!~*'()#")


good = request()
stale_ts = str((NOW - 31) * 1000)
base = dict(source=DOC, secret=SECRET, secret_encoding="utf8", now=NOW, body=BODY)
vectors = [
    dict(id="contentful-valid", headers=good, expect="valid",
         note="Two headers signed besides the list and the timestamp.", **base),
    dict(id="contentful-only-required-headers", headers=request(headers={}), expect="valid",
         note="Only the list and the timestamp are signed.", **base),
    dict(id="contentful-unsigned-header-added", headers=dict(good, **{"x-extra": "not signed"}), expect="valid",
         note="A header outside the list changes nothing.", **base),
    dict(id="contentful-query-string", headers=request(path="/conformance?entry=5Ks&lang=en%20US"),
         url="https://hooks.example.com/conformance?entry=5Ks&lang=en%20US", expect="valid",
         note="A query is escaped twice, as the toolkit normalizes the path.", **base),
    dict(id="contentful-tampered-body", headers=good, expect="invalid", expect_code="signature_mismatch",
         note="The body changed after signing.", **dict(base, body=BODY.replace("1}", "2}"))),
    dict(id="contentful-signed-header-changed", headers=dict(good, **{"x-contentful-topic": "ContentManagement.Entry.delete"}),
         expect="invalid", expect_code="signature_mismatch", note="A listed header changed.", **base),
    dict(id="contentful-other-method", headers=good, method="PUT", expect="invalid",
         expect_code="signature_mismatch", note="The method is signed.", **base),
    dict(id="contentful-other-path", headers=good, url="https://hooks.example.com/conformance2",
         expect="invalid", expect_code="signature_mismatch", note="The path is signed.", **base),
    dict(id="contentful-stale", headers=request(ts=stale_ts), expect="invalid",
         expect_code="timestamp_out_of_tolerance", note="Signed 31 s before now (the toolkit's TTL is 30 s).", **base),
    dict(id="contentful-no-signature", headers={k: v for k, v in good.items() if k != "x-contentful-signature"},
         expect="invalid", expect_code="signature_missing", note="No x-contentful-signature.", **base),
    dict(id="contentful-no-timestamp", headers={k: v for k, v in good.items() if k != "x-contentful-timestamp"},
         expect="invalid", expect_code="timestamp_missing", note="No x-contentful-timestamp.", **base),
    dict(id="contentful-timestamp-seconds", headers=request(ts=str(NOW)), expect="invalid",
         expect_code="timestamp_out_of_tolerance", note="Seconds where milliseconds belong: far from now.", **base),
    dict(id="contentful-listed-header-absent", headers={k: v for k, v in good.items() if k != "x-contentful-topic"},
         expect="invalid", expect_code="header_missing", note="A header the list names is not sent.", **base),
    dict(id="contentful-timestamp-not-signed",
         headers=dict(good, **{"x-contentful-signed-headers": "content-type,x-contentful-signed-headers,x-contentful-topic"}),
         expect="invalid", expect_code="signature_malformed",
         note="A list without x-contentful-timestamp would let the time be replaced: refused.", **base),
    dict(id="contentful-signature-not-hex", headers=dict(good, **{"x-contentful-signature": "ab" * 31}),
         expect="invalid", expect_code="signature_malformed", note="Not 64 hex digits.", **base),
]

CONFIRM = r"""
const { signRequest, verifyRequest } = require("@contentful/node-apps-toolkit");
let input = ""; process.stdin.on("data", d => input += d).on("end", () => {
  const out = JSON.parse(input).map(c => {
    const u = new URL(c.url || "https://hooks.example.com/conformance");
    const path = u.pathname + u.search;
    const req = { method: c.method || "POST", path, headers: c.headers, body: c.body };
    let ok;
    try { ok = verifyRequest(c.secret, req, 0); } catch (e) { ok = false; }
    let signed = null;
    if (c.expect === "valid") {
      const names = c.headers["x-contentful-signed-headers"].split(",")
        .filter(n => n !== "x-contentful-signed-headers" && n !== "x-contentful-timestamp");
      const headers = Object.fromEntries(names.map(n => [n, c.headers[n]]));
      signed = signRequest(c.secret, { method: req.method, path, headers, body: c.body },
                           Number(c.headers["x-contentful-timestamp"]))["x-contentful-signature"];
    }
    return { id: c.id, ok, signed };
  });
  console.log(JSON.stringify(out));
});
"""
if official.offline():
    print("confirmation with @contentful/node-apps-toolkit skipped (HOOKGATE_DERIVE_OFFLINE=1)")
else:
    results = official.npm_eval(["@contentful/node-apps-toolkit@3.16.1"], CONFIRM, vectors)
    for v, r in zip(vectors, results):
        # The toolkit only warns past its TTL (off here) and drops absent listed headers;
        # hookgate refuses those (window, header_missing, an unsigned timestamp).
        strict = v["id"] in {"contentful-stale", "contentful-listed-header-absent",
                             "contentful-timestamp-not-signed", "contentful-timestamp-seconds"}
        if not strict:
            assert r["ok"] == (v["expect"] == "valid"), (v["id"], r)
        if r["signed"] is not None:
            assert r["signed"] == v["headers"]["x-contentful-signature"], (v["id"], r)
    print(f"confirmed {len(vectors)} vectors with @contentful/node-apps-toolkit")
write("contentful", vectors)
