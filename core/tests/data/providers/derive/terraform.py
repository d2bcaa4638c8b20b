#!/usr/bin/env python3
"""Vectors for `terraform`: HCP Terraform / Terraform Enterprise generic webhook
notifications with a token.

Recipe (https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings/notifications,
"Notification authenticity"): a notification configuration with a token sends
`X-TFE-Notification-Signature`, the hex HMAC-SHA512 of the request body keyed with the
token. The bodies follow the documented notification payload (version 1), including the
"verification" notification sent when a configuration is created. HashiCorp ships no
verifier.

Run: python3 core/tests/data/providers/derive/terraform.py
"""
import hashlib

from common import compact, hex_mac, write

DOC = "https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings/notifications (Notification authenticity)"
TOKEN = "tfe-notification-token-6Jm2Xv9Q"
RUN = compact({
    "payload_version": 1,
    "notification_configuration_id": "nc-AeUQ2zfKZzW9TiGZ",
    "run_url": "https://app.terraform.io/app/acme-org/my-workspace/runs/run-FwnENkvDnrpyFC7M",
    "run_id": "run-FwnENkvDnrpyFC7M",
    "run_message": "Add five new queue workers",
    "run_created_at": "2023-11-14T22:13:20.000Z",
    "run_created_by": "sample-user",
    "workspace_id": "ws-XdeUVMWShTesDMME",
    "workspace_name": "my-workspace",
    "organization_name": "acme-org",
    "notifications": [{"message": "Run Planned", "trigger": "run:planning", "run_status": "planning", "run_updated_at": "2023-11-14T22:13:25.000Z", "run_updated_by": None}],
})
VERIFICATION = compact({
    "payload_version": 1,
    "notification_configuration_id": "nc-AeUQ2zfKZzW9TiGZ",
    "run_url": None, "run_id": None, "run_message": None, "run_created_at": None, "run_created_by": None,
    "workspace_id": None, "workspace_name": None, "organization_name": None,
    "notifications": [{"message": "Verification of my-workspace", "trigger": "verification", "run_status": None, "run_updated_at": None, "run_updated_by": None}],
})
SIG = hex_mac(TOKEN, RUN, hashlib.sha512)
common = dict(source=DOC, secret=TOKEN, secret_encoding="utf8", now=1700000005, body=RUN)

write("terraform", [
    dict(id="terraform-run-planning", headers={"X-TFE-Notification-Signature": SIG, "Content-Type": "application/json"}, expect="valid", note="A run:planning notification; 128 hex digits of HMAC-SHA512.", **common),
    dict(id="terraform-verification", headers={"X-TFE-Notification-Signature": hex_mac(TOKEN, VERIFICATION, hashlib.sha512)}, expect="valid", note="The verification notification a new configuration sends is signed the same way.", **{**common, "body": VERIFICATION}),
    dict(id="terraform-tampered", headers={"X-TFE-Notification-Signature": SIG}, expect="invalid", expect_code="signature_mismatch", note="The run status changed after signing.", **{**common, "body": RUN.replace('"run_status":"planning"', '"run_status":"applied"')}),
    dict(id="terraform-sha256", headers={"X-TFE-Notification-Signature": hex_mac(TOKEN, RUN)}, expect="invalid", expect_code="signature_malformed", note="An HMAC-SHA256 is 64 hex digits; SHA-512's is 128.", **common),
    dict(id="terraform-other-token", headers={"X-TFE-Notification-Signature": hex_mac("another-notification-token", RUN, hashlib.sha512)}, expect="invalid", expect_code="signature_mismatch", note="Signed with another configuration's token.", **common),
    dict(id="terraform-missing-signature", headers={"Content-Type": "application/json"}, expect="invalid", expect_code="signature_missing", note="A configuration without a token sends no signature.", **common),
])
