"""TikTok's two HMAC-SHA256 signatures: the one we put on each Open API request, and the one
TikTok puts on each webhook delivery. docs/decisions.md "TikTok client and tokens".

Request (API version 202309 and later): the path, then every query parameter but `sign` and
`access_token` as `{key}{value}` in byte order of the keys, then the body exactly as sent (a
request without a body adds nothing), all wrapped in the app secret on both sides; the key is
the app secret too; lowercase hex.

Webhook: the `Authorization` header (no scheme) is lowercase hex of HMAC-SHA256 keyed with the
app secret over the app key followed by the raw body, byte for byte as received.
"""

import hashlib
import hmac
from collections.abc import Mapping

UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_string(*, path: str, query: Mapping[str, str], body: bytes = b"") -> bytes:
    """What is signed, before the secret wraps it."""
    keys = sorted((key for key in query if key not in UNSIGNED_PARAMS), key=str.encode)
    params = "".join(f"{key}{query[key]}" for key in keys)
    return (path + params).encode() + (body or b"")


def request_sign(*, app_secret: str, path: str, query: Mapping[str, str], body: bytes = b"") -> str:
    """The `sign` query parameter of one Open API request."""
    wrapped = app_secret.encode() + request_string(path=path, query=query, body=body)
    return _hmac_hex(app_secret, wrapped + app_secret.encode())


def webhook_signature(*, app_key: str, app_secret: str, body: bytes) -> str:
    """The `Authorization` header TikTok sends with this raw body."""
    return _hmac_hex(app_secret, app_key.encode() + body)


def webhook_verify(
    *, app_key: str, app_secret: str, body: bytes, authorization: str | None
) -> bool:
    """Whether the header signs this body; constant time, and False for a missing header or
    a missing secret (nothing can be verified without it)."""
    if not authorization or not app_secret or not app_key:
        return False
    expected = webhook_signature(app_key=app_key, app_secret=app_secret, body=body)
    return hmac.compare_digest(expected.encode(), authorization.strip().lower().encode())
