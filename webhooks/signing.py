"""The delivery signature, Stripe's scheme: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.

The receiver's side is the snippet in docs/webhooks.md ("Verifying a delivery"); the tests run
that snippet against what `signature_header` makes.
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def secret_new() -> str:
    """A fresh endpoint secret: 256 random bits, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    message = f"{timestamp}.{body}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: str) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
