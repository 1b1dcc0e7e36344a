"""TikTok's two signatures, written from the published algorithm (docs/tiktok-simulator.md).

Open API requests (version 202309 on): every query parameter except `sign` and
`access_token`, sorted by name and written as name then value, after the path and before the
raw body (left out for multipart uploads), the whole wrapped in the app secret and signed with
HMAC-SHA256 keyed by the same secret, as lowercase hex.

Webhooks: the `Authorization` header is the lowercase hex HMAC-SHA256, keyed by the app secret,
of the app key followed by the raw body.
"""

import hashlib
import hmac

UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def request_sign(path: str, params: dict, body: bytes, app_secret: str) -> str:
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    message = app_secret.encode() + path.encode() + pairs.encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def request_sign_valid(path: str, params: dict, body: bytes, app_secret: str, sign: str) -> bool:
    """Whether `sign` signs this request. An empty JSON object body may be signed with or
    without it: TikTok's own samples in different languages disagree on that one case."""
    candidates = [body]
    if body.strip() == b"{}":
        candidates.append(b"")
    given = sign.lower().encode()
    return any(
        hmac.compare_digest(request_sign(path, params, candidate, app_secret).encode(), given)
        for candidate in candidates
    )


def webhook_signature(app_key: str, app_secret: str, raw_body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + raw_body, hashlib.sha256).hexdigest()


def webhook_signature_valid(app_key: str, app_secret: str, raw_body: bytes, header: str) -> bool:
    expected = webhook_signature(app_key, app_secret, raw_body).encode()
    return hmac.compare_digest(expected, (header or "").encode())
