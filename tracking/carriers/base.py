"""The protocol every tracking provider adapter follows, and what adapters return.

An adapter translates one provider's API into our normalized tracking vocabulary
(`TrackingStatus`), keeping the provider's own status and sub-status. It never touches the
database: `tracking.services.checkpoints` stores what it returns. Every HTTP call goes through
`http_json`, so a timeout, a refused connection, an HTTP error or an answer that is not JSON is
the same adapter error whichever provider gave it.
"""

import hmac
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

import requests

from orders.statuses import TrackingStatus
from tracking.exceptions import BadWebhook, ProviderError, RateLimited

TIMEOUT_SECONDS = 10
# `X-RateLimit-Reset` is documented as a Unix time; a smaller number can only be seconds.
UNIX_TIME_AFTER = 1_000_000_000


@dataclass(frozen=True)
class Checkpoint:
    occurred_at: datetime  # the carrier's time, timezone-aware
    status: TrackingStatus
    message: str = ""
    location: str = ""
    substatus: str = ""  # the provider's own words, kept as given
    raw: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class TrackingUpdate:
    """What a provider knows about one tracking number right now."""

    tracking_number: str
    status: TrackingStatus
    raw_status: str = ""
    substatus: str = ""
    checkpoints: tuple[Checkpoint, ...] = ()
    estimated_delivery: date | None = None
    event_id: str = ""  # webhooks: the provider's id of this notification, for dedup


class Adapter(Protocol):
    code: str
    batch_size: int  # tracking numbers per fetch call
    rate_per_second: float  # calls per second allowed across all workers

    def register(self, tracking_numbers: list[str]) -> None:
        """Start tracking these numbers (idempotent: known numbers are accepted again)."""

    def fetch(self, tracking_numbers: list[str]) -> list[TrackingUpdate]:
        """The current state of up to `batch_size` numbers; unknown numbers are left out."""

    def parse_webhook(self, body: bytes, headers: dict) -> list[TrackingUpdate]:
        """Verify and read a pushed notification; raises BadWebhook."""


def _seconds(value) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def retry_after(headers) -> float | None:
    """Seconds to wait after a 429: `Retry-After`, else until `X-RateLimit-Reset`."""
    seconds = _seconds(headers.get("Retry-After"))
    if seconds is not None:
        return seconds
    reset = _seconds(headers.get("X-RateLimit-Reset"))
    if reset is not None and reset > UNIX_TIME_AFTER:
        return max(0.0, reset - time.time())
    return reset


def http_json(
    session: requests.Session,
    method: str,
    url: str,
    *,
    what: str,
    refusal: Callable[[int, object], ProviderError | None] | None = None,
    **kwargs,
) -> dict:
    """The JSON object a provider answered, or the adapter error that says why not.

    `what` names the call in messages ("aftership trackings"). A transport failure or a
    timeout, an HTTP error and an answer that is not a JSON object raise ProviderError; a 429
    raises RateLimited with the wait the provider asked for. `refusal(status, body)` may turn
    a 4xx/5xx answer into the provider's own error first.
    """
    try:
        response = session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
    except requests.RequestException as error:
        raise ProviderError(f"{what}: {error.__class__.__name__}") from None
    if response.status_code == 429:
        raise RateLimited(retry_after=retry_after(response.headers))
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.status_code >= 400:
        raise (refusal and refusal(response.status_code, data)) or ProviderError(
            f"{what}: HTTP {response.status_code}"
        )
    if data is None:
        raise ProviderError(f"{what}: the answer is not JSON")
    if not isinstance(data, dict):
        raise ProviderError(f"{what}: the answer is not a JSON object")
    return data


def signature_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of two signatures."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def json_body(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadWebhook(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise BadWebhook("the body is not a JSON object")
    return data


def aware_time(value) -> datetime | None:
    """An ISO 8601 time with its offset; anything else (or a naive time) is no time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def day_of(value) -> date | None:
    """A date from an ISO time or a bare `YYYY-MM-DD`; None when it is neither."""
    when = aware_time(value)
    if when:
        return when.date()
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
