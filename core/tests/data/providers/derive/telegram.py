#!/usr/bin/env python3
"""Vectors for `telegram`: setWebhook's `secret_token` (1-256 characters of A-Z, a-z,
0-9, `_` and `-`) comes back verbatim in `X-Telegram-Bot-Api-Secret-Token`; nothing is
signed.

Source: https://core.telegram.org/bots/api#setwebhook
Run: python3 core/tests/data/providers/derive/telegram.py
"""
from common import compact, write

DOC = "https://core.telegram.org/bots/api#setwebhook (secret_token, X-Telegram-Bot-Api-Secret-Token)"
TOKEN = "tg_Secret-Token_0123456789abcdefABCDEF"
BODY = compact({"update_id": 10000, "message": {"message_id": 1365, "date": 1700000000,
                "chat": {"id": 1111111, "type": "private"}, "text": "/start"}})
H = "X-Telegram-Bot-Api-Secret-Token"
base = dict(source=DOC, secret=TOKEN, secret_encoding="utf8", now=1700000000, body=BODY)
write("telegram", [
    dict(id="telegram-valid", headers={H: TOKEN}, expect="valid", note="The secret_token as sent.", **base),
    dict(id="telegram-wrong", headers={H: TOKEN[:-1] + "G"}, expect="invalid", expect_code="secret_mismatch",
         note="Another token.", **base),
    dict(id="telegram-missing", headers={}, expect="invalid", expect_code="secret_missing",
         note="No secret token header (setWebhook without secret_token).", **base),
])
