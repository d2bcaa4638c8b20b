"""Shared by the per-provider derivation scripts beside it.

Each `<scheme>.py` here computes its provider's vectors with Python's standard library
from the recipe on the provider's own page (named in each vector's `source`), independently
of hookgate's Rust code, and writes `../<scheme>.json` with `write`. Where the provider
ships an official verifier or signer, the script also confirms its vectors with it (and
says how it installs it in its docstring). The JSON files are committed; the conformance
test (`core/tests/conformance.rs`) reads every one of them.

Vector fields (as in `core/tests/data/derived-vectors.json`): id, scheme, source, secret,
secret_encoding ("utf8" or "base64"), headers, body (or body_base64), now (unix seconds),
expect ("valid" or "invalid"), expect_code (the refusal hookgate must give), note, and
optionally method (default POST), url (the URL the sender called; default
https://hooks.example.com/conformance), tolerance_s and auth (extra `auth` fields).
"""
import base64
import hashlib
import hmac
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


def mac(key, msg, algo=hashlib.sha256):
    """The raw HMAC of `msg` (str or bytes) with `key` (str or bytes)."""
    if isinstance(key, str):
        key = key.encode()
    if isinstance(msg, str):
        msg = msg.encode()
    return hmac.new(key, msg, algo).digest()


def hex_mac(key, msg, algo=hashlib.sha256):
    return mac(key, msg, algo).hex()


def b64_mac(key, msg, algo=hashlib.sha256):
    return base64.b64encode(mac(key, msg, algo)).decode()


def compact(value):
    """JSON as senders usually send it: no spaces."""
    return json.dumps(value, separators=(",", ":"))


def write(scheme, vectors):
    """Writes `../<scheme>.json`, marking every vector as ours and naming its scheme."""
    assert vectors, scheme
    ids = [v["id"] for v in vectors]
    assert len(ids) == len(set(ids)), f"{scheme}: duplicate ids"
    assert any(v["expect"] == "valid" for v in vectors), f"{scheme}: no valid vector"
    assert any(v["expect"] == "invalid" for v in vectors), f"{scheme}: no refused vector"
    for v in vectors:
        v.setdefault("scheme", scheme)
        v.setdefault("derived", True)
        assert v["expect"] == "valid" or "expect_code" in v, v["id"]
    out = HERE.parent / f"{scheme}.json"
    out.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n")
    print(f"{out.name}: {len(vectors)} vectors")
