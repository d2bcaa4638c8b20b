"""Basic authentication schemes (postmark, pipedrive, chargebee): the sender presents
`Authorization: Basic base64(username:password)` with the credentials the operator set
at the provider; hookgate stores `username:password` as the secret and compares the
decoded credentials in constant time."""
import base64


def vectors(scheme, source, user, password, body, extra_headers=None):
    cred = f"{user}:{password}"

    def auth(text):
        return {"Authorization": "Basic " + base64.b64encode(text.encode()).decode(), **(extra_headers or {})}

    base = dict(source=source, secret=cred, secret_encoding="utf8", now=1700000000, body=body)
    return [
        dict(id=f"{scheme}-valid", headers=auth(cred), expect="valid", note="The configured credentials.", **base),
        dict(id=f"{scheme}-lowercase-scheme", headers={"Authorization": "basic " + auth(cred)["Authorization"][6:]},
             expect="valid", note="The auth scheme name is case-insensitive.", **base),
        dict(id=f"{scheme}-wrong-password", headers=auth(f"{user}:{password}x"), expect="invalid",
             expect_code="basic_auth_mismatch", note="Another password.", **base),
        dict(id=f"{scheme}-wrong-user", headers=auth(f"{user}x:{password}"), expect="invalid",
             expect_code="basic_auth_mismatch", note="Another username.", **base),
        dict(id=f"{scheme}-missing", headers=dict(extra_headers or {}), expect="invalid",
             expect_code="basic_auth_missing", note="No Authorization header.", **base),
        dict(id=f"{scheme}-bearer", headers={"Authorization": "Bearer " + password}, expect="invalid",
             expect_code="basic_auth_missing", note="Not Basic authentication.", **base),
        dict(id=f"{scheme}-no-colon", headers=auth(user + password), expect="invalid",
             expect_code="basic_auth_mismatch", note="Credentials without the ':' between the two parts.", **base),
        dict(id=f"{scheme}-not-base64", headers={"Authorization": "Basic %%%"}, expect="invalid",
             expect_code="basic_auth_mismatch", note="The credentials do not decode.", **base),
    ]
