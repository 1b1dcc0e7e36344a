"""Reading TikTok's answers: the envelope, its error codes, and what may be retried.

Every answer is `{"code", "message", "request_id", "data"}`; only `code` 0 with an object in
`data` and a 2xx status is data. An HTML error page, a body cut short, or a 200 with a non-zero
`code` is an error. The tables below are what the public copies of TikTok's docs say; which HTTP
status comes with which code is not documented, so the code decides and the status only adds
"retry" (429, 5xx).
"""

import json
import math
from datetime import UTC, datetime

import requests

from tiktok.exceptions import (
    ApiError,
    BadResponse,
    BadSignature,
    InvalidAuthCode,
    InvalidShop,
    RateLimited,
    ScopeMissing,
    TikTokError,
    TokenExpired,
    TokenInvalid,
    Unavailable,
)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_CODES = frozenset({36009002})  # "too many requests", with or without HTTP 429
RETRY_CODES = RATE_LIMIT_CODES | {36009003, 36009007}  # internal error, gateway timeout
ERRORS_BY_CODE: dict[int, type[TikTokError]] = {
    105002: TokenExpired,
    105005: ScopeMissing,
    106001: BadSignature,
    106013: InvalidShop,  # shop_cipher missing where the path needs it
    101000: InvalidShop,  # the token is not tied to this shop (or is of another user type)
    36004004: InvalidAuthCode,
    36009002: RateLimited,
    36009003: Unavailable,
    36009007: Unavailable,
}
# TikTok answers 36009004 for several mistakes and says to tell them apart by the message;
# the first keyword found decides. Anything else under 36009004 (app key, timestamp,
# version) is a plain ApiError: a configuration or clock problem for a person.
OVERLOADED_CODE = 36009004
OVERLOADED_MESSAGES: tuple[tuple[str, type[TikTokError]], ...] = (
    ("shop_cipher", InvalidShop),
    ("shop_id", InvalidShop),
    ("access_token", TokenInvalid),
    ("access-token", TokenInvalid),  # the x-tts-access-token header
    ("signature", BadSignature),
    ("`sign`", BadSignature),
)
MESSAGE_CHARS = 300
# A Unix time in seconds lies between these (2001 and 5138); a smaller number is a duration,
# a larger one milliseconds, and both are refused rather than guessed.
UNIX_SECONDS_MIN, UNIX_SECONDS_MAX = 1_000_000_000, 100_000_000_000


def error_class(code: int, message: str) -> type[TikTokError]:
    if code == OVERLOADED_CODE:
        lowered = message.lower()
        for keyword, cls in OVERLOADED_MESSAGES:
            if keyword in lowered:
                return cls
    return ERRORS_BY_CODE.get(code, ApiError)


def _failed_status(status: int, message: str, path: str) -> TikTokError:
    """An answer without a usable envelope: the status says whether to try again."""
    if status == 429:
        return RateLimited(f"HTTP 429, {message}", status=status, path=path)
    if status >= 500:
        return Unavailable(f"HTTP {status}, {message}", status=status, path=path)
    return BadResponse(message, status=status, path=path)


def envelope_or_error(response: requests.Response, path: str) -> dict:
    """The decoded envelope of a successful call; otherwise raises the matching error."""
    status = response.status_code
    try:
        answer = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        kind = response.headers.get("Content-Type", "").split(";")[0] or "no content type"
        raise _failed_status(status, f"not JSON ({kind})", path) from None
    code = answer.get("code") if isinstance(answer, dict) else None
    if isinstance(code, bool) or not isinstance(code, int):
        raise _failed_status(status, "not TikTok's envelope (no numeric `code`)", path)
    message = text(answer.get("message"))[:MESSAGE_CHARS]
    request_id = text(answer.get("request_id"))[:64]
    if code != 0:
        cls = RateLimited if status == 429 else error_class(code, message)
        raise cls(message, code=code, request_id=request_id, status=status, path=path)
    if not 200 <= status < 300:
        raise _failed_status(status, "code 0 on a failed status", path)
    if not isinstance(answer.get("data"), dict):
        raise BadResponse(
            "`data` is missing or not an object", code=0, request_id=request_id, path=path
        )
    return answer


def is_rate_limit(response: requests.Response, error: TikTokError) -> bool:
    return response.status_code == 429 or error.code in RATE_LIMIT_CODES


def is_retryable(response: requests.Response, error: TikTokError) -> bool:
    return response.status_code in RETRY_STATUSES or error.code in RETRY_CODES


def retry_after(response: requests.Response) -> float | None:
    """`Retry-After` in seconds, when TikTok sends one (it is documented only as "if present")."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def text(value) -> str:
    """A string field as TikTok sends it; an id sent as a JSON number keeps all its digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def unix_time(value) -> datetime:
    """An absolute Unix time in seconds (TikTok's `*_expire_in` are times, not durations)."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a Unix time in seconds, got {type(value).__name__}")
    if not UNIX_SECONDS_MIN <= value < UNIX_SECONDS_MAX:
        raise ValueError(f"{value} is not a Unix time in seconds")
    return datetime.fromtimestamp(value, UTC)


def unix_seconds(when: datetime) -> int:
    """A moment as the Unix seconds TikTok's filters take; a naive one is refused."""
    if when.tzinfo is None:
        raise ValueError("a naive datetime has no place on TikTok's clock")
    return int(when.timestamp())
