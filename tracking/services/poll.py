"""Polling providers for the packages that are due, without two workers asking twice.

A batch is claimed under `SELECT … FOR UPDATE SKIP LOCKED` and leased by pushing its next poll
time forward, so a second dispatcher or worker passes over it; storing the answer sets the
real next poll time. Calls to a provider are spaced by `rate_limit.rate_wait`, shared by
every worker.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from orders.models import Package
from orders.statuses import FINAL_TRACKING_STATUSES
from tracking.carriers.base import Adapter
from tracking.exceptions import ProviderError, RateLimited
from tracking.services.checkpoints import tracking_apply_batch, tracking_failed
from tracking.services.rate_limit import rate_wait

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
UNKNOWN_RETRY = timedelta(minutes=15)


@dataclass
class PollResult:
    asked: int = 0
    updated: int = 0
    registered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def packages_claim(
    provider: str, limit: int, now: datetime, *, ids: list[int] | None = None
) -> list[tuple[int, str]]:
    """Up to `limit` due packages of `provider` (of `ids`, when given) as (id, tracking
    number), leased to the caller."""
    with transaction.atomic():
        due = Package.objects.select_for_update(skip_locked=True)
        if ids is not None:
            due = due.filter(pk__in=ids)
        due = (
            due.filter(tracking_provider=provider, next_poll_at__lte=now)
            .exclude(tracking_status__in=FINAL_TRACKING_STATUSES)
            .exclude(tracking_number="")
            .order_by("next_poll_at")
            .values_list("pk", "tracking_number")[:limit]
        )
        rows = list(due)
        Package.objects.filter(pk__in=[pk for pk, _ in rows]).update(next_poll_at=now + LEASE)
    return rows


FAILURES_TO_PAUSE = 5
PAUSE_SECONDS = 600


def _health_key(provider: str) -> str:
    return f"tracking:health:{provider}"


def provider_health(provider: str) -> dict:
    """{"failures": n, "paused": bool}: a provider failing 5 calls in a row pauses 10 minutes."""
    failures = cache.get(_health_key(provider), 0)
    return {"failures": failures, "paused": failures >= FAILURES_TO_PAUSE}


def _outcome(provider: str, ok: bool) -> None:
    if ok:
        cache.delete(_health_key(provider))
        return
    key = _health_key(provider)
    cache.add(key, 0, timeout=PAUSE_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired meanwhile
        cache.add(key, 1, timeout=PAUSE_SECONDS)


def poll_batch(adapter: Adapter, rows: list[tuple[int, str]], now: datetime | None = None):
    """Ask the provider about one claimed batch and store the answers."""
    now = now or timezone.now()
    result = PollResult(asked=len(rows))
    ids = [pk for pk, _ in rows]
    numbers = [number for _, number in rows]
    try:
        rate_wait(adapter.code, adapter.rate_per_second)
        updates = adapter.fetch(numbers)
    except RateLimited as error:
        _outcome(adapter.code, ok=False)
        tracking_failed(package_ids=ids, now=now)
        result.failed = len(rows)
        result.errors.append(f"{adapter.code}: rate limited")
        log.warning("%s rate limited (retry after %s)", adapter.code, error.retry_after)
        return result
    except ProviderError as error:
        _outcome(adapter.code, ok=False)
        tracking_failed(package_ids=ids, now=now)
        result.failed = len(rows)
        result.errors.append(str(error))
        log.warning("%s batch of %s failed: %s", adapter.code, len(rows), error)
        return result
    _outcome(adapter.code, ok=True)
    answered = {update.tracking_number: update for update in updates}
    known = {pk: answered[number] for pk, number in rows if number in answered}
    unknown = [(pk, number) for pk, number in rows if number not in answered]
    tracking_apply_batch(known, now=now)
    result.updated = len(known)
    if unknown:
        result.registered = _register(adapter, unknown, now)
    return result


def _register(adapter: Adapter, rows: list[tuple[int, str]], now: datetime) -> int:
    """Numbers the provider does not know yet: register them and ask again soon."""
    try:
        rate_wait(adapter.code, adapter.rate_per_second)
        adapter.register([number for _, number in rows])
    except ProviderError as error:
        log.warning("%s could not register %s numbers: %s", adapter.code, len(rows), error)
        tracking_failed(package_ids=[pk for pk, _ in rows], now=now)
        return 0
    Package.objects.filter(pk__in=[pk for pk, _ in rows]).update(next_poll_at=now + UNKNOWN_RETRY)
    return len(rows)


def tracking_start(adapter: Adapter, *, package_id: int, now: datetime | None = None):
    """A tracking number just added: register it and ask about it at once, each call within
    the provider's shared rate limit; then its schedule (or the failure back-off) follows.
    Nothing happens when a dispatcher holds the package already."""
    now = now or timezone.now()
    rows = packages_claim(adapter.code, 1, now, ids=[package_id])
    if not rows or not _register(adapter, rows, now):
        return PollResult(asked=len(rows))
    return poll_batch(adapter, rows, now)


def poll_due(adapter: Adapter, *, limit: int = 10_000, now: datetime | None = None) -> PollResult:
    """Poll every due package of the adapter's provider, batch by batch, up to `limit`."""
    now = now or timezone.now()
    total = PollResult()
    while total.asked < limit:
        rows = packages_claim(adapter.code, min(adapter.batch_size, limit - total.asked), now)
        if not rows:
            break
        result = poll_batch(adapter, rows, now)
        total.asked += result.asked
        total.updated += result.updated
        total.registered += result.registered
        total.failed += result.failed
        total.errors += result.errors
    return total
