"""What the tracking tasks run: the beat dispatcher, one claimed batch, a number just added.

The dispatcher claims due packages batch by batch (SKIP LOCKED, leased) and queues one poll
per batch, so any number of workers share the work and no package is asked about twice; a
cache lock keeps two dispatchers from overlapping. Provider calls go through the shared rate
limiter of `tracking.services.poll`. Each returns what its task reports.
"""

import logging

from django.core.cache import cache
from django.utils import timezone

from accounts.enqueue import registered_task
from accounts.tracking_providers import configured_providers
from orders.models import Package
from tracking.carriers import NotConfigured, adapter_for
from tracking.services.poll import (
    PollResult,
    packages_claim,
    poll_batch,
    provider_health,
    tracking_start,
)

log = logging.getLogger(__name__)
DISPATCH_LOCK = "tracking:dispatch-lock"
DISPATCH_MAX = 100_000  # packages sent per cycle, per provider
# The tasks' registered names (tracking/tasks.py).
TRACKING_DISPATCH = "orders.tasks.tracking_dispatch"
TRACKING_POLL_BATCH = "orders.tasks.tracking_poll_batch"


def tracking_dispatch_run() -> dict:
    """Queue one poll per batch of due packages, for every configured provider that is not
    paused; how many packages each was sent, or "paused"."""
    if not cache.add(DISPATCH_LOCK, "1", timeout=300):
        return {"skipped": "another dispatcher is running"}
    try:
        now = timezone.now()
        poll = registered_task(TRACKING_POLL_BATCH)
        sent = {}
        for code in configured_providers():
            if provider_health(code)["paused"]:
                log.warning("tracking provider %s keeps failing: paused", code)
                sent[code] = "paused"
                continue
            adapter = adapter_for(code)
            count = 0
            while count < DISPATCH_MAX:
                rows = packages_claim(code, adapter.batch_size, now)
                if not rows:
                    break
                poll.delay(code, [list(row) for row in rows])
                count += len(rows)
            sent[code] = count
        return sent
    finally:
        cache.delete(DISPATCH_LOCK)


def tracking_dispatch_enqueue() -> None:
    """Run the dispatcher in a worker now rather than at beat's next pass."""
    registered_task(TRACKING_DISPATCH).delay()


def _report(result: PollResult) -> dict:
    return {"asked": result.asked, "updated": result.updated, "failed": result.failed}


def tracking_batch_poll(*, provider: str, rows: list[list]) -> dict:
    """Ask `provider` about one claimed batch of [package id, tracking number]."""
    try:
        adapter = adapter_for(provider)
    except NotConfigured as error:
        log.warning("tracking batch for %s dropped: %s", provider, error)
        return {"dropped": len(rows)}
    return _report(poll_batch(adapter, [(int(pk), str(number)) for pk, number in rows]))


def tracking_start_now(*, package_id: int) -> dict:
    """Register and poll the package's number with its provider, when one is configured."""
    package = Package.objects.filter(pk=package_id).values_list("tracking_provider", flat=True)
    provider = package.first()
    try:
        adapter = adapter_for(provider or "")
    except NotConfigured as error:
        log.info("tracking start for package %s skipped: %s", package_id, error)
        return {"asked": 0}
    return _report(tracking_start(adapter, package_id=package_id))
