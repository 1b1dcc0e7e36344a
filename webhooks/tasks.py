"""Webhook tasks: thin wrappers that hand ids to webhooks.services."""

from celery import shared_task

# Past the total HTTP timeout, well inside the lease, so a hung send is cut before another
# worker may take the row.
SEND_TIME_LIMIT = 30


@shared_task(
    name="webhooks.tasks.webhook_deliver",
    acks_late=True,  # a claimed row sends once; a lost one comes back after its lease
    ignore_result=True,  # the outcome is on the row
    soft_time_limit=SEND_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT + 5,
)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt at one delivery: delivered, retried later, or given up."""
    from webhooks.services.deliveries import delivery_send

    return delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.tasks.webhooks_pass")
def webhooks_pass() -> dict:
    """Beat, every few seconds: new events into deliveries, then queue what is due and what a
    dead worker left."""
    from webhooks.services.deliveries import deliveries_due
    from webhooks.services.fanout import events_read

    return {**events_read(), **deliveries_due()}
