#!/usr/bin/env python3
"""Vectors for `adyen`: each `NotificationRequestItem` of the body's `notificationItems`
carries `additionalData.hmacSignature`, the base64 HMAC-SHA256 (key: the HMAC key's
hex, decoded) of pspReference:originalReference:merchantAccountCode:merchantReference:
amount.value:amount.currency:eventCode:success, an absent field empty. hookgate checks
every item.

Source: https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures
The first two vectors are published: Adyen's Node library test
(src/__tests__/hmacValidator.spec.ts, sign xhpHvYq2…) and its Ruby library spec
(spec/utils/hmac_validator_spec.rb, sign coqCmt/I…). Every vector is confirmed with npm
`@adyen/api-library`'s `hmacValidator` (installed into a temp dir by `official.py`).
Run: python3 core/tests/data/providers/derive/adyen.py
"""
import base64
import binascii
import copy

from common import b64_mac, compact, write
import official

DOC = "https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures (signing string, hex key, base64)"
NODE_KEY = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00"
RUBY_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
FIELDS = ["pspReference", "originalReference", "merchantAccountCode", "merchantReference"]


def signing_string(item):
    amount = item.get("amount", {})
    parts = [str(item.get(f, "")) for f in FIELDS]
    parts += [str(amount.get("value", "")), str(amount.get("currency", ""))]
    parts += [str(item.get("eventCode", "")), str(item.get("success", ""))]
    return ":".join(parts)


def sign(item, key):
    item = copy.deepcopy(item)
    item.setdefault("additionalData", {})["hmacSignature"] = b64_mac(binascii.unhexlify(key), signing_string(item))
    return item


def notification(*items):
    return compact({"live": "false", "notificationItems": [{"NotificationRequestItem": i} for i in items]})


NODE_ITEM = {"pspReference": "pspReference", "originalReference": "originalReference",
             "merchantAccountCode": "merchantAccount", "merchantReference": "reference",
             "amount": {"currency": "EUR", "value": 1000}, "eventCode": "CAPTURE",
             "eventDate": "1970-01-01T00:00:00.000Z", "paymentMethod": "VISA", "reason": "reason",
             "success": "true"}
RUBY_ITEM = {"amount": {"value": 1130, "currency": "EUR"}, "pspReference": "7914073381342284",
             "eventCode": "AUTHORISATION", "merchantAccountCode": "TestMerchant",
             "merchantReference": "TestPayment-1407325143704", "paymentMethod": "visa", "success": "true"}
node_signed = sign(NODE_ITEM, NODE_KEY)
ruby_signed = sign(RUBY_ITEM, RUBY_KEY)
assert node_signed["additionalData"]["hmacSignature"] == "xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0="
assert ruby_signed["additionalData"]["hmacSignature"] == "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="

second = sign(dict(RUBY_ITEM, pspReference="7914073381342285", eventCode="CAPTURE",
                   merchantReference="Order:42\\b"), RUBY_KEY)
tampered = copy.deepcopy(ruby_signed)
tampered["amount"]["value"] = 11300
no_sig = copy.deepcopy(ruby_signed)
del no_sig["additionalData"]["hmacSignature"]
bad_sig = copy.deepcopy(ruby_signed)
bad_sig["additionalData"]["hmacSignature"] = "not base64!"

base = dict(source=DOC, secret=RUBY_KEY, secret_encoding="utf8", now=1700000000,
            headers={"Content-Type": "application/json"})
vectors = [
    dict(id="adyen-node-library-vector", body=notification(node_signed), expect="valid",
         note="Adyen's Node library test item and key (published signature).", **dict(base, secret=NODE_KEY)),
    dict(id="adyen-ruby-library-vector", body=notification(ruby_signed), expect="valid",
         note="Adyen's Ruby library spec item and key; originalReference absent (empty).", **base),
    dict(id="adyen-two-items", body=notification(ruby_signed, second), expect="valid",
         note="Every item verified; a ':' or '\\' in a value is signed as it is (no escaping).", **base),
    dict(id="adyen-lowercase-key", body=notification(ruby_signed), expect="valid",
         note="The hex key in lower case.", **dict(base, secret=RUBY_KEY.lower())),
    dict(id="adyen-tampered-amount", body=notification(tampered), expect="invalid",
         expect_code="signature_mismatch", note="amount.value changed after signing.", **base),
    dict(id="adyen-second-item-tampered", body=notification(ruby_signed, dict(second, eventCode="REFUND")),
         expect="invalid", expect_code="signature_mismatch", note="One item of two does not verify.", **base),
    dict(id="adyen-other-key", body=notification(node_signed), expect="invalid",
         expect_code="signature_mismatch", note="Signed with another HMAC key.", **base),
    dict(id="adyen-no-hmac-signature", body=notification(no_sig), expect="invalid",
         expect_code="signature_missing", note="The item has no additionalData.hmacSignature.", **base),
    dict(id="adyen-signature-not-base64", body=notification(bad_sig), expect="invalid",
         expect_code="signature_malformed", note="hmacSignature is not a base64 MAC.", **base),
    dict(id="adyen-no-items", body=compact({"live": "false", "notificationItems": []}), expect="invalid",
         expect_code="signature_missing", note="No notification item: nothing is signed.", **base),
    dict(id="adyen-not-json", body="[accepted]", expect="invalid", expect_code="signature_missing",
         note="Not a notification body.", **base),
]

CONFIRM = r"""
const { hmacValidator } = require("@adyen/api-library");
const v = new hmacValidator();
let input = ""; process.stdin.on("data", d => input += d).on("end", () => {
  const out = JSON.parse(input).map(c => {
    let ok;
    try {
      const items = JSON.parse(c.body).notificationItems.map(i => i.NotificationRequestItem);
      ok = items.length > 0 && items.every(i => v.validateHMAC(i, c.secret));
    } catch (e) { ok = false; }
    return { id: c.id, ok };
  });
  console.log(JSON.stringify(out));
});
"""
if official.offline():
    print("confirmation with @adyen/api-library skipped (HOOKGATE_DERIVE_OFFLINE=1)")
else:
    results = official.npm_eval(["@adyen/api-library@32.1.0"], CONFIRM, vectors)
    for v, r in zip(vectors, results):
        assert r["ok"] == (v["expect"] == "valid"), (v["id"], r)
    print(f"confirmed {len(vectors)} vectors with @adyen/api-library")
write("adyen", vectors)
