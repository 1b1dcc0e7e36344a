"""Token secrets: made from 32 random bytes, kept only as a SHA-256 hash, compared in constant
time. A token reads `sc_pat_<lookup>_<secret>`: the lookup part is stored in clear to find the
row (and shown so a person recognises the token); only the hash can confirm the whole."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "sc_pat_"
LOOKUP_BYTES = 6  # 8 characters: shown on the tokens page, indexed
SECRET_BYTES = 32
_SHAPE = re.compile(r"sc_pat_([A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class NewSecret:
    token: str  # shown once, never stored
    lookup: str
    digest: str


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def secret_make() -> NewSecret:
    lookup = secrets.token_urlsafe(LOOKUP_BYTES).replace("_", "x").replace("-", "y")
    token = f"{PREFIX}{lookup}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewSecret(token=token, lookup=lookup, digest=secret_hash(token))


def lookup_of(token: str) -> str | None:
    """The lookup part of something shaped like one of our tokens, else None (nothing else
    reaches the database)."""
    shaped = _SHAPE.fullmatch(token)
    return shaped.group(1) if shaped else None


def secret_matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(secret_hash(token), digest)
