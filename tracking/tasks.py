"""Tracking tasks (queue `tracking`): the beat dispatcher, batch polls and pushed updates.

The dispatcher claims due packages batch by batch (SKIP LOCKED, leased) and sends one task
per batch, so any number of workers share the work and no package is asked about twice; a
cache lock keeps two dispatchers from overlapping. Provider calls go through the shared rate
limiter of `tracking.services.poll`.

The registered names keep the `orders.tasks.` prefix they had before tracking was an app, so
beat entries, the `tracking` queue route and queued messages from before the move still work.
"""

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from orders.models import Package
from tracking.carriers import adapter_for, configured_providers
from tracking.exceptions import NotConfigured
from tracking.services.checkpoints import tracking_apply
from tracking.services.poll import (
    packages_claim,
    poll_batch,
    provider_health,
    tracking_start,
)

log = logging.getLogger(__name__)
DISPATCH_LOCK = "tracking:dispatch-lock"
DISPATCH_MAX = 100_000  # packages sent per cycle, per provider


@shared_task(name="orders.tasks.tracking_dispatch")
def tracking_dispatch() -> dict:
    """Send one poll task per batch of due packages, for every configured provider."""
    if not cache.add(DISPATCH_LOCK, "1", timeout=300):
        return {"skipped": "another dispatcher is running"}
    try:
        now = timezone.now()
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
                tracking_poll_batch.delay(code, [list(row) for row in rows])
                count += len(rows)
            sent[code] = count
        return sent
    finally:
        cache.delete(DISPATCH_LOCK)


@shared_task(
    name="orders.tasks.tracking_poll_batch", acks_late=True, soft_time_limit=240, time_limit=300
)
def tracking_poll_batch(provider: str, rows: list[list]) -> dict:
    """Ask `provider` about one claimed batch of [package id, tracking number]."""
    try:
        adapter = adapter_for(provider)
    except NotConfigured as error:
        log.warning("tracking batch for %s dropped: %s", provider, error)
        return {"dropped": len(rows)}
    result = poll_batch(adapter, [(int(pk), str(number)) for pk, number in rows])
    return {"asked": result.asked, "updated": result.updated, "failed": result.failed}


@shared_task(name="orders.tasks.tracking_start_task", acks_late=True, soft_time_limit=60)
def tracking_start_task(package_id: int) -> dict:
    """A tracking number just added: register and poll it now (services.tracking_poll)."""
    package = Package.objects.filter(pk=package_id).values_list("tracking_provider", flat=True)
    provider = package.first()
    try:
        adapter = adapter_for(provider or "")
    except NotConfigured as error:
        log.info("tracking start for package %s skipped: %s", package_id, error)
        return {"asked": 0}
    result = tracking_start(adapter, package_id=package_id)
    return {"asked": result.asked, "updated": result.updated, "failed": result.failed}


@shared_task(name="orders.tasks.tracking_webhook_apply", acks_late=True)
def tracking_webhook_apply(provider: str, body: str, headers: dict) -> dict:
    """Store a pushed update (already verified and deduplicated by the webhook view)."""
    adapter = adapter_for(provider)
    applied = ignored = 0
    for update in adapter.parse_webhook(body.encode(), headers):
        packages = Package.objects.filter(
            tracking_provider=provider, tracking_number=update.tracking_number
        ).values_list("pk", flat=True)
        if not packages:
            log.info(
                "%s webhook for unknown tracking number %s ignored",
                provider,
                update.tracking_number,
            )
            ignored += 1
        for pk in packages:
            tracking_apply(package_id=pk, update=update)
            applied += 1
    return {"applied": applied, "ignored": ignored}
