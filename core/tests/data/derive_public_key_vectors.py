#!/usr/bin/env python3
"""Writes public-key-vectors.json: vectors for the public-key and handshake schemes of
issue 23 (discord, sendgrid, meta, twitter, dropbox, microsoft-graph, okta).

Where the provider (or its official SDK) publishes a vector it is used as published
(SendGrid's event-webhook test in sendgrid-nodejs: key, signature, timestamp, payload).
Otherwise the vector is computed here from the recipe in the provider's documentation,
named in `source`, independently of hookgate's Rust code, and confirmed by the
provider's official verifier where one installs from PyPI:
  - Discord: `discord-interactions` (verify_key), signed with PyNaCl;
  - SendGrid: `sendgrid` (sendgrid.helpers.eventwebhook.EventWebhook.verify_signature).
Every scheme has at least one valid and one tampered vector; handshakes name the exact
answer hookgate must give.

Run: python3 -m venv v && v/bin/pip install discord-interactions sendgrid pynacl &&
     v/bin/python core/tests/data/derive_public_key_vectors.py
(the JSON is committed; core/tests/public_keys.rs reads it).
"""
import base64, hashlib, hmac, json, pathlib

import nacl.signing
from discord_interactions import verify_key
from sendgrid.helpers.eventwebhook import EventWebhook

DISCORD_DOC = "https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers"
DISCORD_EVENTS_DOC = "https://discord.com/developers/docs/events/webhook-events#responding-to-an-event"
SENDGRID_DOC = "https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features"
SENDGRID_SDK = "sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js (official SDK test vector)"
META_DOC = "https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests"
TWITTER_DOC = "https://docs.x.com/x-api/webhooks/introduction (Challenge-Response Check; x-twitter-webhooks-signature)"
DROPBOX_DOC = "https://www.dropbox.com/developers/reference/webhooks"
GRAPH_DOC = "https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks"
OKTA_DOC = "https://developer.okta.com/docs/concepts/event-hooks/ (one-time verification request)"

vectors = []
def add(**v):
    v.setdefault("derived", True)
    v.setdefault("method", "POST")
    v.setdefault("query", None)
    vectors.append(v)

def hmac_hex(key, msg):
    return hmac.new(key.encode(), msg.encode(), hashlib.sha256).hexdigest()

def hmac_b64(key, msg):
    return base64.b64encode(hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()).decode()

# --- Discord: Ed25519 over X-Signature-Timestamp + raw body, hex signature ----------------
seed = hashlib.sha256(b"hookgate discord test application").digest()
signing = nacl.signing.SigningKey(seed)
discord_pub = signing.verify_key.encode().hex()
d_ts = "1700000000"
def discord_sign(body, ts=d_ts):
    sig = signing.sign((ts + body).encode()).signature.hex()
    assert verify_key(body.encode(), sig, ts, discord_pub), "discord-interactions refuses our signature"
    return sig
d_auth = {"scheme": "discord", "public_key": discord_pub}
ping = '{"type":1,"id":"1199999999999999999","application_id":"1100000000000000000","version":1}'
cmd = '{"type":2,"id":"1200000000000000001","application_id":"1100000000000000000","token":"aW50ZXJhY3Rpb24","data":{"name":"deploy","type":1},"version":1}'
events_ping = '{"version":1,"application_id":"1100000000000000000","type":0}'
add(id="discord-ping", scheme="discord", source=DISCORD_DOC, auth=d_auth, body=ping,
    headers={"X-Signature-Ed25519": discord_sign(ping), "X-Signature-Timestamp": d_ts}, now=1700000000,
    expect="handshake", handshake={"status": 200, "content_type": "application/json", "body": '{"type":1}'},
    confirmed_by="discord-interactions verify_key", note="A signed PING is answered PONG at the edge.")
add(id="discord-ping-unsigned", scheme="discord", source=DISCORD_DOC, auth=d_auth, body=ping,
    headers={"X-Signature-Timestamp": d_ts}, now=1700000000, expect="invalid", expect_code="signature_missing",
    note="Discord checks that an unsigned PING is refused with 401.")
add(id="discord-command-valid", scheme="discord", source=DISCORD_DOC, auth=d_auth, body=cmd,
    headers={"X-Signature-Ed25519": discord_sign(cmd), "X-Signature-Timestamp": d_ts}, now=1700000000,
    expect="valid", confirmed_by="discord-interactions verify_key")
add(id="discord-command-tampered", scheme="discord", source=DISCORD_DOC, auth=d_auth, body=cmd.replace("deploy", "destroy"),
    headers={"X-Signature-Ed25519": discord_sign(cmd), "X-Signature-Timestamp": d_ts}, now=1700000000,
    expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.")
add(id="discord-command-other-timestamp", scheme="discord", source=DISCORD_DOC, auth=d_auth, body=cmd,
    headers={"X-Signature-Ed25519": discord_sign(cmd), "X-Signature-Timestamp": "1700000001"}, now=1700000000,
    expect="invalid", expect_code="signature_mismatch", note="The timestamp is signed.")
add(id="discord-signature-not-hex", scheme="discord", source=DISCORD_DOC, auth=d_auth, body=cmd,
    headers={"X-Signature-Ed25519": "zz" * 64, "X-Signature-Timestamp": d_ts}, now=1700000000,
    expect="invalid", expect_code="signature_malformed")
add(id="discord-events-ping", scheme="discord", source=DISCORD_EVENTS_DOC, auth=d_auth, body=events_ping,
    headers={"X-Signature-Ed25519": discord_sign(events_ping), "X-Signature-Timestamp": d_ts}, now=1700000000,
    expect="handshake", handshake={"status": 204, "content_type": "text/plain", "body": ""},
    confirmed_by="discord-interactions verify_key", note="The Events URL's PING (type 0) is acknowledged with 204.")

# --- SendGrid: the official SDK's vector --------------------------------------------------
sg_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
sg_sig = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="
sg_ts = "1600112502"
sg_body = json.dumps([{"email": "hello@world.com", "event": "dropped", "reason": "Bounced Address",
    "sg_event_id": "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA",
    "sg_message_id": "LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0",
    "smtp-id": "<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>", "timestamp": 1600112492}],
    separators=(",", ":")) + "\r\n"
ew = EventWebhook()
assert ew.verify_signature(sg_body, sg_sig, sg_ts, ew.convert_public_key_to_ecdsa(sg_key))
assert not ew.verify_signature(sg_body.replace("dropped", "Dropped"), sg_sig, sg_ts, ew.convert_public_key_to_ecdsa(sg_key))
sg_auth = {"scheme": "sendgrid", "public_key": sg_key}
sg_h = {"X-Twilio-Email-Event-Webhook-Signature": sg_sig, "X-Twilio-Email-Event-Webhook-Timestamp": sg_ts}
add(id="sendgrid-sdk-valid", scheme="sendgrid", source=SENDGRID_SDK, derived=False, auth=sg_auth, body=sg_body,
    headers=sg_h, now=int(sg_ts), expect="valid", confirmed_by="sendgrid (PyPI) EventWebhook.verify_signature",
    note="Published key, signature, timestamp and payload (with its trailing CRLF).")
add(id="sendgrid-sdk-tampered", scheme="sendgrid", source=SENDGRID_SDK, auth=sg_auth, body=sg_body.replace("dropped", "Dropped"),
    headers=sg_h, now=int(sg_ts), expect="invalid", expect_code="signature_mismatch",
    confirmed_by="sendgrid (PyPI) EventWebhook.verify_signature refuses it")
add(id="sendgrid-sdk-no-crlf", scheme="sendgrid", source=SENDGRID_SDK, auth=sg_auth, body=sg_body[:-2],
    headers=sg_h, now=int(sg_ts), expect="invalid", expect_code="signature_mismatch", note="The raw body, byte for byte.")
add(id="sendgrid-sdk-stale", scheme="sendgrid", source=SENDGRID_DOC, auth=sg_auth, body=sg_body,
    headers=sg_h, now=int(sg_ts) + 301, expect="invalid", expect_code="timestamp_out_of_tolerance",
    note="hookgate's 300 s tolerance on the signed timestamp.")
add(id="sendgrid-other-key", scheme="sendgrid", source=SENDGRID_SDK,
    auth={"scheme": "sendgrid", "public_key": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA=="},
    body=sg_body, headers=sg_h, now=int(sg_ts), expect="invalid", expect_code="signature_mismatch",
    note="The SDK test's 'invalid key'.")

# --- Meta: X-Hub-Signature-256 and the subscription GET --------------------------------
meta_secret, meta_token = "meta-app-secret-0123", "meta-verify-token-42"
meta_auth = {"scheme": "meta", "secret": meta_secret, "verify_token": meta_token}
meta_body = '{"object":"page","entry":[{"id":"102","time":1700000000,"changes":[{"field":"feed","value":{"item":"post"}}]}]}'
add(id="meta-subscribe", scheme="meta", source=META_DOC, auth=meta_auth, method="GET", body="",
    query=f"hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={meta_token}", headers={}, now=1700000000,
    expect="handshake", handshake={"status": 200, "content_type": "text/plain; charset=utf-8", "body": "1158201444"},
    note="The docs' example challenge, answered when the verify token matches.")
add(id="meta-subscribe-wrong-token", scheme="meta", source=META_DOC, auth=meta_auth, method="GET", body="",
    query="hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess", headers={}, now=1700000000,
    expect="invalid", expect_code="verify_token_mismatch")
add(id="meta-event-valid", scheme="meta", source=META_DOC, auth=meta_auth, body=meta_body,
    headers={"X-Hub-Signature-256": "sha256=" + hmac_hex(meta_secret, meta_body)}, now=1700000000, expect="valid")
add(id="meta-event-tampered", scheme="meta", source=META_DOC, auth=meta_auth, body=meta_body.replace("post", "p0st"),
    headers={"X-Hub-Signature-256": "sha256=" + hmac_hex(meta_secret, meta_body)}, now=1700000000,
    expect="invalid", expect_code="signature_mismatch")

# --- Twitter/X: CRC and x-twitter-webhooks-signature ----------------------------------
tw_secret = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu"  # the developer docs' example consumer secret
tw_token = "9b4507b3-9040-4669-9ca3-6b94edb50553"
tw_auth = {"scheme": "twitter", "secret": tw_secret}
tw_body = '{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"1","text":"hello"}]}'
add(id="twitter-crc", scheme="twitter", source=TWITTER_DOC, auth=tw_auth, method="GET", body="",
    query=f"crc_token={tw_token}", headers={}, now=1700000000, expect="handshake",
    handshake={"status": 200, "content_type": "application/json",
               "body": json.dumps({"response_token": "sha256=" + hmac_b64(tw_secret, tw_token)}, separators=(",", ":"))},
    note="The docs' example consumer secret and crc_token.")
add(id="twitter-event-valid", scheme="twitter", source=TWITTER_DOC, auth=tw_auth, body=tw_body,
    headers={"x-twitter-webhooks-signature": "sha256=" + hmac_b64(tw_secret, tw_body)}, now=1700000000, expect="valid")
add(id="twitter-event-tampered", scheme="twitter", source=TWITTER_DOC, auth=tw_auth, body=tw_body.replace("hello", "HELLO"),
    headers={"x-twitter-webhooks-signature": "sha256=" + hmac_b64(tw_secret, tw_body)}, now=1700000000,
    expect="invalid", expect_code="signature_mismatch")
add(id="twitter-event-no-prefix", scheme="twitter", source=TWITTER_DOC, auth=tw_auth, body=tw_body,
    headers={"x-twitter-webhooks-signature": hmac_b64(tw_secret, tw_body)}, now=1700000000,
    expect="invalid", expect_code="signature_malformed")

# --- Dropbox: challenge echo and X-Dropbox-Signature ----------------------------------
db_secret = "dropbox-app-secret-01"
db_auth = {"scheme": "dropbox", "secret": db_secret}
db_body = '{"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}, "delta": {"users": [12345678]}}'
add(id="dropbox-challenge", scheme="dropbox", source=DROPBOX_DOC, auth=db_auth, method="GET", body="",
    query="challenge=cNTHsa5VBnK5BDzhqbhjFhGtrbXO2LbNEFYyQqmsBbs", headers={}, now=1700000000, expect="handshake",
    handshake={"status": 200, "content_type": "text/plain; charset=utf-8", "body": "cNTHsa5VBnK5BDzhqbhjFhGtrbXO2LbNEFYyQqmsBbs"})
add(id="dropbox-event-valid", scheme="dropbox", source=DROPBOX_DOC, auth=db_auth, body=db_body,
    headers={"X-Dropbox-Signature": hmac_hex(db_secret, db_body)}, now=1700000000, expect="valid")
add(id="dropbox-event-tampered", scheme="dropbox", source=DROPBOX_DOC, auth=db_auth, body=db_body.replace("12345678", "12345679"),
    headers={"X-Dropbox-Signature": hmac_hex(db_secret, db_body)}, now=1700000000,
    expect="invalid", expect_code="signature_mismatch")

# --- Microsoft Graph: validationToken and clientState --------------------------------
g_state = "secretClientValue-0123"
g_auth = {"scheme": "microsoft-graph", "client_state": g_state}
def graph_body(*states):
    return json.dumps({"value": [{"subscriptionId": "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
        "subscriptionExpirationDateTime": "2016-11-20T18:23:45.9356913Z", "clientState": s,
        "changeType": "created", "resource": "Users/2a5c3ed2/Messages/AAMkAGUw",
        "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95"} if s is not None else
        {"subscriptionId": "7f105c7d", "changeType": "created", "resource": "Users/x"} for s in states]},
        separators=(",", ":"))
add(id="graph-validation", scheme="microsoft-graph", source=GRAPH_DOC, auth=g_auth, body="",
    query="validationToken=Validation%3A%20Testing%20client%20application%20reachability%20for%20subscription%20Request-Id%3A%205a3dd9b3",
    headers={}, now=1700000000, expect="handshake",
    handshake={"status": 200, "content_type": "text/plain; charset=utf-8",
               "body": "Validation: Testing client application reachability for subscription Request-Id: 5a3dd9b3"},
    note="The token is answered decoded, as text/plain.")
add(id="graph-notification-valid", scheme="microsoft-graph", source=GRAPH_DOC, auth=g_auth, body=graph_body(g_state, g_state),
    headers={}, now=1700000000, expect="valid", note="The docs' notification shape; every item's clientState matches.")
add(id="graph-notification-one-wrong", scheme="microsoft-graph", source=GRAPH_DOC, auth=g_auth, body=graph_body(g_state, "guess"),
    headers={}, now=1700000000, expect="invalid", expect_code="client_state_mismatch",
    note="Every item is checked, not only the first.")
add(id="graph-notification-missing", scheme="microsoft-graph", source=GRAPH_DOC, auth=g_auth, body=graph_body(None),
    headers={}, now=1700000000, expect="invalid", expect_code="client_state_missing")

# --- Okta: one-time verification and the header secret --------------------------------
ok_secret = "okta-hook-secret-0123"
ok_auth = {"scheme": "okta", "secret": ok_secret}
ok_body = '{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","data":{"events":[{"eventType":"user.session.start"}]}}'
add(id="okta-verification", scheme="okta", source=OKTA_DOC, auth=ok_auth, method="GET", body="", headers={
    "X-Okta-Verification-Challenge": "rQAJZJzWl1OPrbg3Jw9i2bzTWaHz5ufG9S_Me2RYpvLk"}, now=1700000000, expect="handshake",
    handshake={"status": 200, "content_type": "application/json", "body": '{"verification":"rQAJZJzWl1OPrbg3Jw9i2bzTWaHz5ufG9S_Me2RYpvLk"}'})
add(id="okta-event-valid", scheme="okta", source=OKTA_DOC, auth=ok_auth, body=ok_body, headers={"Authorization": ok_secret},
    now=1700000000, expect="valid")
add(id="okta-event-wrong-secret", scheme="okta", source=OKTA_DOC, auth=ok_auth, body=ok_body, headers={"Authorization": "okta-hook-secret-0124"},
    now=1700000000, expect="invalid", expect_code="secret_mismatch")

out = pathlib.Path(__file__).with_name("public-key-vectors.json")
out.write_text(json.dumps({"vectors": vectors}, indent=1, ensure_ascii=False) + "\n")
print(f"{len(vectors)} vectors -> {out}")
