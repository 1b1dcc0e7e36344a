"""The protocol every tracking provider adapter follows, and what adapters return.

An adapter translates one provider's API into our normalized vocabulary
(`TrackingStatus`), keeping the provider's own status and sub-status. It never touches the
database: `tracking.services.checkpoints` stores what it returns. Every HTTP call has a timeout.
"""

import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from orders.statuses import TrackingStatus

TIMEOUT_SECONDS = 10


class ProviderError(Exception):
    """The provider failed or answered something we cannot use (retry later)."""


class RateLimited(ProviderError):
    """HTTP 429 or the provider's own "too many requests" code."""

    def __init__(self, message: str = "rate limited", retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class BadWebhook(ValueError):
    """A webhook whose signature or body is not acceptable (answered with a 4xx)."""


class BadSignature(BadWebhook):
    """A webhook whose signature is missing, wrong, or cannot be checked (answered 401)."""


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
