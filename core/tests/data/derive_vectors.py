#!/usr/bin/env python3
"""Writes derived-vectors.json: signature vectors for the schemes that have no published
vectors in ../shared/conformance (Linear, Zoom, Twitch, the generic template), and
single-fault vectors for published invalid vectors that carry more than one fault.

A published vector with two faults (Paddle's `ts=1234;h1=invalid_signature`: a stale time
and a bad h1) is refused for whichever the engine checks first, so its expected code says
nothing about the other fault. Each such fault gets a vector of its own here, built with
the provider's recipe from the same example values, in which that fault is the only one.

Each is computed here, with Python's stdlib only (independently of hookgate's Rust code),
from the recipe and example values in the provider's own documentation, named in
`source`. They are marked `"derived": true`: they are ours, not published by the provider.
Invalid vectors name the refusal code hookgate must give (`expect_code`).

Run: python3 core/tests/data/derive_vectors.py (the JSON is committed; tests read it).
"""
import base64, hashlib, hmac, json, pathlib

LINEAR_DOC = "https://linear.app/developers/webhooks (Securing webhooks: Linear-Signature, webhookTimestamp)"
ZOOM_DOC = "https://developers.zoom.us/docs/api/webhooks/ (Verify webhook events; Validate your webhook endpoint)"
TWITCH_DOC = "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/ (Verifying the event message)"
SLACK_DOC = "https://api.slack.com/authentication/verifying-requests-from-slack (worked example)"

def hex_mac(key, msg, algo=hashlib.sha256):
    return hmac.new(key.encode(), msg.encode(), algo).hexdigest()

vectors = []
def add(**v):
    v.setdefault("derived", True)
    vectors.append(v)

# Linear: hex HMAC-SHA256 of the raw body; webhookTimestamp (ms) within 60 s.
linear_secret = "lin_wh_5ca1ab1e5ecre7"
linear_body = json.dumps({"action": "create", "type": "Issue", "data": {"id": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9", "title": "Webhook test"}, "url": "https://linear.app/issue/LIN-1778", "createdAt": "2023-02-10T19:22:20.463Z", "webhookTimestamp": 1676056940508}, separators=(",", ":"))
linear_sig = hex_mac(linear_secret, linear_body)
common = dict(scheme="linear", source=LINEAR_DOC, secret=linear_secret, secret_encoding="utf8", tolerance_s=60)
add(id="linear-doc-valid", body=linear_body, headers={"Linear-Signature": linear_sig, "Linear-Delivery": "234d1a4e-b617-4388-90fe-adc3633d6b72"}, now=1676056940, expect="valid", note="The docs' example payload shape, signed with the documented recipe; now = webhookTimestamp (rounded down to seconds).", **common)
add(id="linear-doc-stale", body=linear_body, headers={"Linear-Signature": linear_sig}, now=1676056940 + 61, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Same request read 61 s after webhookTimestamp.", **common)
add(id="linear-doc-tampered", body=linear_body.replace("Webhook test", "Webhook tesT"), headers={"Linear-Signature": linear_sig}, now=1676056940, expect="invalid", expect_code="signature_mismatch", note="Body changed after signing.", **common)
add(id="linear-doc-no-timestamp", body='{"action":"create"}', headers={"Linear-Signature": hex_mac(linear_secret, '{"action":"create"}')}, now=1676056940, expect="invalid", expect_code="timestamp_missing", note="Validly signed body without webhookTimestamp.", **common)

# Zoom: v0=hex(HMAC-SHA256(secret token, "v0:{ts}:{body}")).
zoom_secret = "zoom_secret_token_example"
zoom_ts = "1658940994"
zoom_body = json.dumps({"event": "meeting.started", "payload": {"account_id": "AAAAAABBBB", "object": {"id": "1234567890", "topic": "My Meeting"}}, "event_ts": 1658940994000}, separators=(",", ":"))
zoom_sig = "v0=" + hex_mac(zoom_secret, f"v0:{zoom_ts}:{zoom_body}")
common = dict(scheme="zoom", source=ZOOM_DOC, secret=zoom_secret, secret_encoding="utf8", tolerance_s=300)
add(id="zoom-doc-valid", body=zoom_body, headers={"x-zm-signature": zoom_sig, "x-zm-request-timestamp": zoom_ts}, now=int(zoom_ts), expect="valid", note="Documented message format v0:{timestamp}:{body}.", **common)
add(id="zoom-doc-bare-hex", body=zoom_body, headers={"x-zm-signature": zoom_sig[3:], "x-zm-request-timestamp": zoom_ts}, now=int(zoom_ts), expect="invalid", expect_code="signature_malformed", note="The hash without its v0= prefix.", **common)
add(id="zoom-doc-expired", body=zoom_body, headers={"x-zm-signature": zoom_sig, "x-zm-request-timestamp": zoom_ts}, now=int(zoom_ts) + 301, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Read 301 s later.", **common)
add(id="zoom-doc-missing-timestamp", body=zoom_body, headers={"x-zm-signature": zoom_sig}, now=int(zoom_ts), expect="invalid", expect_code="timestamp_missing", note="x-zm-request-timestamp removed.", **common)

# Twitch EventSub: sha256=hex(HMAC-SHA256(secret, id + timestamp + body)); the docs'
# example subscription uses the secret "s3cRe7".
tw_secret = "s3cRe7s3cRe7"
tw_id = "e76c6bd4-55c9-4987-8304-da1588d8988b"
tw_ts = "2019-11-16T10:11:12.634234626Z"
tw_body = json.dumps({"subscription": {"id": "f1c2a387-161a-49f9-a165-0f21d7a4e1c4", "type": "channel.follow", "version": "2", "status": "enabled"}, "event": {"user_id": "1234", "user_login": "cool_user", "broadcaster_user_id": "1337"}}, separators=(",", ":"))
tw_sig = "sha256=" + hex_mac(tw_secret, tw_id + tw_ts + tw_body)
tw_now = 1573899072  # 2019-11-16T10:11:12Z
common = dict(scheme="twitch", source=TWITCH_DOC, secret=tw_secret, secret_encoding="utf8", tolerance_s=600)
hdrs = {"Twitch-Eventsub-Message-Id": tw_id, "Twitch-Eventsub-Message-Timestamp": tw_ts, "Twitch-Eventsub-Message-Signature": tw_sig, "Twitch-Eventsub-Message-Type": "notification"}
add(id="twitch-doc-valid", body=tw_body, headers=hdrs, now=tw_now, expect="valid", note="The docs' example id and nanosecond timestamp; message = id + timestamp + body. The docs' secret s3cRe7 is padded to s3cRe7s3cRe7 to meet hookgate's 8-character minimum.", **common)
add(id="twitch-doc-older-than-10-min", body=tw_body, headers=hdrs, now=tw_now + 601, expect="invalid", expect_code="timestamp_out_of_tolerance", note="The docs say to reject messages older than 10 minutes.", **common)
add(id="twitch-doc-missing-id", body=tw_body, headers={k: v for k, v in hdrs.items() if k != "Twitch-Eventsub-Message-Id"}, now=tw_now, expect="invalid", expect_code="header_missing", note="The signed message id removed.", **common)
add(id="twitch-doc-other-id", body=tw_body, headers={**hdrs, "Twitch-Eventsub-Message-Id": tw_id.replace("e76c", "f76c")}, now=tw_now, expect="invalid", expect_code="signature_mismatch", note="A different message id than the one signed.", **common)

# Generic template reproducing Slack's documented worked example (secret, timestamp,
# body and signature verbatim from Slack's page), and a SHA-512/base64 variant.
slack_secret = "8f742231b10e8888abcd99yyyzzz85a5"
slack_ts = "1531420618"
slack_body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
slack_sig = "v0=" + hex_mac(slack_secret, f"v0:{slack_ts}:{slack_body}")
assert slack_sig == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", slack_sig
slack_template = {"algorithm": "sha256", "encoding": "hex", "header": "x-slack-signature", "prefix": "v0=", "content": "v0:{timestamp}:{body}", "timestamp_header": "x-slack-request-timestamp"}
common = dict(scheme="hmac", source=SLACK_DOC, secret=slack_secret, secret_encoding="utf8", tolerance_s=300, template=slack_template)
add(id="template-slack-doc-valid", body=slack_body, headers={"X-Slack-Signature": slack_sig, "X-Slack-Request-Timestamp": slack_ts}, now=int(slack_ts), expect="valid", note="Slack's published example, verified through a generic template that describes Slack's recipe.", **common)
add(id="template-slack-doc-no-prefix", body=slack_body, headers={"X-Slack-Signature": slack_sig[3:], "X-Slack-Request-Timestamp": slack_ts}, now=int(slack_ts), expect="invalid", expect_code="signature_malformed", note="The template's prefix is required.", **common)
add(id="template-slack-doc-expired", body=slack_body, headers={"X-Slack-Signature": slack_sig, "X-Slack-Request-Timestamp": slack_ts}, now=int(slack_ts) + 301, expect="invalid", expect_code="timestamp_out_of_tolerance", note="Templates that sign a time get 300 s.", **common)
t512 = {"algorithm": "sha512", "encoding": "base64", "header": "x-signature", "content": "{id}.{body}", "id_header": "x-delivery"}
body512 = '{"event":"deploy.finished","ok":true}'
sig512 = base64.b64encode(hmac.new(b"generic-template-secret", ("d-42." + body512).encode(), hashlib.sha512).digest()).decode()
common = dict(scheme="hmac", source="hookgate README, verification schemes: the generic template", secret="generic-template-secret", secret_encoding="utf8", template=t512)
add(id="template-sha512-base64-valid", body=body512, headers={"X-Signature": sig512, "X-Delivery": "d-42"}, now=0, expect="valid", note="SHA-512, base64, {id}.{body}.", **common)
add(id="template-sha512-base64-missing-id", body=body512, headers={"X-Signature": sig512}, now=0, expect="invalid", expect_code="header_missing", note="The signed id header removed.", **common)
add(id="template-sha512-truncated", body=body512, headers={"X-Signature": sig512[:44], "X-Delivery": "d-42"}, now=0, expect="invalid", expect_code="signature_malformed", note="A MAC shorter than SHA-512's 64 bytes.", **common)

# Paddle: Paddle-Signature = ts=<unix>;h1=hex(HMAC-SHA256(secret, ts + ":" + body)), read
# with the Node SDK's 5 s window. Single-fault companions of the multi-fault published
# vectors paddle-node-bad-h1, paddle-node-bad-ts, paddle-node-malformed-ts,
# paddle-node-malformed-h1 and paddle-go-bad-format, on the Node SDK's example values.
PADDLE_DOC = "https://developer.paddle.com/webhooks/signature-verification (Paddle-Signature: ts and h1 over ts:body)"
pd_secret = "VALID_SECRET"
pd_body = '{"data": ["1", "2"]}'
pd_ts = "1698796800"
def pd_h1(ts):
    return hex_mac(pd_secret, f"{ts}:{pd_body}")
assert pd_h1(pd_ts) == "a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9"
common = dict(scheme="paddle", source=PADDLE_DOC, secret=pd_secret, secret_encoding="utf8", body=pd_body, tolerance_s=5, now=int(pd_ts), expect="invalid")
add(id="paddle-single-h1-not-hex", headers={"Paddle-Signature": f"ts={pd_ts};h1=invalid_signature"}, expect_code="signature_malformed", note="paddle-node-bad-h1's h1 with a fresh ts: the bad h1 is the only fault.", **common)
add(id="paddle-single-stale-ts", headers={"Paddle-Signature": f"ts=9876;h1={pd_h1('9876')}"}, expect_code="timestamp_out_of_tolerance", note="paddle-node-bad-ts's ts with h1 computed for it: the stale time is the only fault.", **common)
add(id="paddle-single-no-h1", headers={"Paddle-Signature": f"ts={pd_ts};h2=invalid_header"}, expect_code="signature_malformed", note="paddle-node-malformed-ts's header (no h1) with a fresh ts: the missing h1 is the only fault.", **common)
add(id="paddle-single-no-ts", headers={"Paddle-Signature": f"h1={pd_h1(pd_ts)}"}, expect_code="signature_malformed", note="paddle-node-malformed-h1's shape (no ts) with the correct h1: the missing ts is the only fault.", **common)
add(id="paddle-single-ts-not-a-number", headers={"Paddle-Signature": f"ts=x;h1={pd_h1('x')}"}, expect_code="signature_malformed", note="paddle-go-bad-format's ts=x with h1 computed over x:body: the ts that is not Unix seconds is the only fault.", **common)

# GitHub's legacy X-Hub-Signature: the go-github vector's correct MAC without its sha1=
# prefix (github-sha1-go-github-bad-yo lacks the prefix and is not hex).
GITHUB_DOC = "https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries (X-Hub-Signature: sha1=<hex>)"
gh_secret = "0123456789abcdef"
gh_body = '{"yo":true}'
gh_sig = hex_mac(gh_secret, gh_body, hashlib.sha1)
assert gh_sig == "126f2c800419c60137ce748d7672e77b65cf16d6", gh_sig
add(id="github-sha1-single-no-prefix", scheme="github-sha1", source=GITHUB_DOC, secret=gh_secret, secret_encoding="utf8", body=gh_body, headers={"X-Hub-Signature": gh_sig}, now=None, expect="invalid", expect_code="signature_malformed", note="The correct HMAC-SHA1 hex without sha1=: the missing prefix is the only fault.")

out = pathlib.Path(__file__).with_name("derived-vectors.json")
out.write_text(json.dumps(vectors, indent=1) + "\n")
print(f"wrote {len(vectors)} vectors to {out}")
