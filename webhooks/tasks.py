"""Webhook tasks: thin wrappers that hand ids to webhooks.services.

They run on the webhook workers (`webhooks.worker`: the thread pool, queue WEBHOOKS_QUEUE).
A thread pool enforces no Celery time limit; a send is bounded by its own timeouts and a
batch by WEBHOOKS_BATCH_SECONDS (webhooks/services/batches.py), inside the lease.
"""

from celery import shared_task


@shared_task(
    name="webhooks.tasks.webhook_deliver_batch",
    acks_late=True,  # claimed rows send once; lost ones come back after their lease
    ignore_result=True,  # the outcome is on the rows
)
def webhook_deliver_batch(endpoint_id: int) -> dict:
    """A batch of one endpoint's due deliveries: delivered, retried later, or given up."""
    from webhooks.services.batches import endpoint_batch_send

    return endpoint_batch_send(endpoint_id=endpoint_id)


@shared_task(name="webhooks.tasks.webhook_deliver", acks_late=True, ignore_result=True)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt at one delivery (a test event, "send again")."""
    from webhooks.services.batches import delivery_send

    return delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.tasks.webhooks_pass")
def webhooks_pass() -> dict:
    """Beat, every few seconds: new events into deliveries, then queue what is due and what a
    dead worker left."""
    from webhooks.services.deliveries import deliveries_due
    from webhooks.services.fanout import events_read

    return {**events_read(), **deliveries_due()}
