"""TikTok tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) under TIKTOK_TOKEN_KEYS.

MultiFernet encrypts with the first key and decrypts with any of them, so a key is rotated by
putting a new one first, re-encrypting (`manage.py tiktok_tokens_reencrypt`) and then dropping
the old one. Nothing here logs or returns a key or a plaintext in an error.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from tiktok.exceptions import NotConfigured


class TokenUnreadable(Exception):
    """A stored token that none of the configured keys decrypts (a key was dropped too soon)."""


def _fernet() -> MultiFernet:
    keys = settings.TIKTOK_TOKEN_KEYS
    if not keys:
        raise NotConfigured("Set TIKTOK_TOKEN_KEYS to store TikTok tokens")
    return MultiFernet([Fernet(key) for key in keys])


def token_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def _readable(operation: str, stored: str) -> str:
    """MultiFernet's `decrypt` or `rotate` of a stored token; nothing stored, nothing to do."""
    if not stored:
        return ""
    try:
        return getattr(_fernet(), operation)(stored.encode()).decode()
    except InvalidToken:
        raise TokenUnreadable("no TIKTOK_TOKEN_KEYS key decrypts this token") from None


def token_decrypt(stored: str) -> str:
    return _readable("decrypt", stored)


def token_reencrypt(stored: str) -> str:
    """The same token, encrypted again under the first key."""
    return _readable("rotate", stored)
