"""Tracking tasks (queue `tracking`): the beat dispatcher, batch polls and pushed updates.

The dispatcher claims due packages batch by batch (SKIP LOCKED, leased) and sends one task
per batch, so any number of workers share the work and no package is asked about twice; a
cache lock keeps two dispatchers from overlapping. Provider calls go through the shared rate
limiter of `orders.services.tracking_poll`.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from orders.carriers import NotConfigured, adapter_for, configured_providers
from orders.importing.bounds import memory_budget
from orders.importing.jobs import import_expire, import_recover, import_run
from orders.importing.uploads import upload_orphans_delete
from orders.models import Package
from orders.services.tracking import tracking_apply
from orders.services.tracking_poll import (
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


@shared_task(
    name="orders.tasks.import_run_task",
    soft_time_limit=settings.IMPORT_TIME_LIMIT_SECONDS,
    time_limit=settings.IMPORT_TIME_LIMIT_SECONDS + 60,
)
def import_run_task(job_id: int) -> None:
    """A large file's preview or import (SPEC §8), one transaction, progress in the cache,
    within a time budget (the limits above) and a memory budget (a bomb that slipped past the
    reading bounds fails the job instead of holding the worker at GBs)."""
    with memory_budget(settings.IMPORT_MEMORY_BUDGET_BYTES):
        import_run(job_id)


@shared_task(name="orders.tasks.import_recover_task")
def import_recover_task() -> dict:
    """Every minute: restart imports whose worker was lost, or fail them after the last try."""
    return import_recover().counts()


@shared_task(name="orders.tasks.import_expire_task")
def import_expire_task() -> int:
    """Hourly: uploads previewed but never applied are deleted after IMPORT_RETENTION_DAYS,
    and uploads that never got their job row (a killed request) after an hour."""
    orphans = upload_orphans_delete()
    if orphans:
        log.warning("deleted %s stored uploads that no import job refers to", orphans)
    return import_expire()
