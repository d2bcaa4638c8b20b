#!/usr/bin/env python3
"""Vectors for `pipedrive`: Pipedrive signs nothing; a webhook created with
`http_auth_user` and `http_auth_password` is sent with HTTP Basic authentication.

Source: https://developers.pipedrive.com/docs/api/v1/Webhooks (http_auth_user, http_auth_password)
Run: python3 core/tests/data/providers/derive/pipedrive.py
"""
from common import compact, write
import basic_family

DOC = "https://developers.pipedrive.com/docs/api/v1/Webhooks (HTTP basic auth of the subscription URL)"
BODY = compact({"meta": {"action": "create", "entity": "deal", "entity_id": "123", "version": "2.0",
                         "attempt": 1}, "data": {"id": 123, "title": "Deal"}, "previous": None})
write("pipedrive", basic_family.vectors("pipedrive", DOC, "pipedrive", "pd-conformance-password", BODY))
