"""Signs of life of background jobs (imports, exports) and what a recovery run did with the
silent ones. Here because every app depends on `accounts`, as with `csvsafe`.

The heartbeat is a cache key, not a row: an import runs in one database transaction, so a row
it wrote would be invisible to the recovery until the import commits. A thread refreshes the
key every few seconds, so a long step (counting a file, one large COPY, storing the finished
file) still counts as alive; a killed or out-of-memory worker takes its thread with it.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Coalesce

log = logging.getLogger(__name__)
BEATS_PER_TIMEOUT = 6  # a lost beat or two (a cache hiccup, a busy interpreter) is not death


class Heartbeat:
    """While the `with` block runs, keep `key` at the current time in the cache, from a thread
    that beats `timeout / BEATS_PER_TIMEOUT` seconds apart; `beat()` also beats at once."""

    def __init__(self, key: str, *, timeout: float, ttl: int):
        self.key, self.ttl = key, ttl
        self.every = max(0.05, timeout / BEATS_PER_TIMEOUT)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {key}", daemon=True)

    def beat(self) -> None:
        cache.set(self.key, time.time(), timeout=self.ttl)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - the next beat may get through; never kill the job
                log.warning("heartbeat %s not written", self.key, exc_info=True)

    def __enter__(self) -> "Heartbeat":
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def last_beat(key: str) -> datetime | None:
    """When the heartbeat at `key` was last written; None when the cache has no such key."""
    stamp = cache.get(key)
    return datetime.fromtimestamp(stamp, UTC) if stamp else None


def same_attempt(job: Model, **state) -> QuerySet:
    """The job's row while it is still the attempt `job` was read at: in `state` (its running
    state, say) and not claimed again since. Every write of a run or of recovery goes through
    it, so whoever is wrong about an attempt changes nothing."""
    return type(job)._default_manager.filter(pk=job.pk, attempts=job.attempts, **state)


@dataclass
class Recovered:
    """Jobs a recovery run queued again, failed or re-sent (primary keys), files it deleted."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    cleaned: int = 0

    def counts(self) -> dict:
        return {
            "requeued": len(self.requeued),
            "failed": len(self.failed),
            "resent": len(self.resent),
            "cleaned": self.cleaned,
        }


def resend_waiting(
    queued: QuerySet,
    *,
    stale: datetime,
    now: datetime,
    send: Callable[[int], object],
    dry_run: bool,
) -> list[int]:
    """Send again the message of each `queued` job waiting since before `stale` (the broker may
    have lost it; a duplicate claims nothing), stamped so that it goes once per timeout."""
    waiting = queued.alias(since=Coalesce("heartbeat_at", "created_at")).filter(since__lt=stale)
    resent = []
    for pk in waiting.values_list("pk", flat=True):
        if dry_run or waiting.filter(pk=pk).update(heartbeat_at=now):
            resent.append(pk)
            if not dry_run:
                transaction.on_commit(lambda pk=pk: send(pk))
    return resent
