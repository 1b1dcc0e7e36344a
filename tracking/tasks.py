"""Tracking tasks (queue `tracking`): plain values in, one service each
(`tracking/services/dispatch.py`, `tracking/services/webhooks.py`).

The registered names keep the `orders.tasks.` prefix they had before tracking was an app, so
beat entries, the `tracking` queue route and queued messages from before the move still work.
None retries itself: a provider call that fails backs its packages off, and a later dispatch
polls them again (a number whose start failed included); acknowledged late, a message whose
worker was lost mid-task is delivered again.
"""

from celery import shared_task

from tracking.services.dispatch import (
    tracking_batch_poll,
    tracking_dispatch_run,
    tracking_start_now,
)
from tracking.services.webhooks import tracking_webhook_store


@shared_task(name="orders.tasks.tracking_dispatch")
def tracking_dispatch() -> dict:
    """Send one poll task per batch of due packages, for every configured provider."""
    return tracking_dispatch_run()


@shared_task(
    name="orders.tasks.tracking_poll_batch", acks_late=True, soft_time_limit=240, time_limit=300
)
def tracking_poll_batch(provider: str, rows: list[list]) -> dict:
    """Ask `provider` about one claimed batch of [package id, tracking number]."""
    return tracking_batch_poll(provider=provider, rows=rows)


@shared_task(name="orders.tasks.tracking_start_task", acks_late=True, soft_time_limit=60)
def tracking_start_task(package_id: int) -> dict:
    """A tracking number just added: register and poll it now."""
    return tracking_start_now(package_id=package_id)


@shared_task(name="orders.tasks.tracking_webhook_apply", acks_late=True)
def tracking_webhook_apply(provider: str, body: str, headers: dict) -> dict:
    """Store a pushed update (already verified and deduplicated by the webhook view)."""
    return tracking_webhook_store(provider=provider, body=body, headers=headers)
