"""Deliveries: claimed under a lease, sent, retried with back-off for a day, and endpoints
that keep failing switched off with an email to the shop's administrators.

States: pending → sending → delivered | failed. A worker claims a row by setting `claimed_at`
(its lease); a worker killed mid-POST leaves the row "sending", and the beat pass queues it
again once WEBHOOKS_LEASE_SECONDS have passed, so it is delivered at least once and never
lost. A worker whose lease was taken over settles nothing (its update matches no row).
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.enqueue import registered_task
from webhooks.exceptions import WebhookError
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.alerts import endpoint_disabled_notify
from webhooks.services.sending import post_signed

log = logging.getLogger(__name__)
SEND_TASK = "webhooks.tasks.webhook_deliver"
State = Delivery.State


def backoff_seconds(attempts: int) -> float:
    """1 min, 2, 4 … capped at an hour, each ±10 % at random so retries do not bunch."""
    base, cap = settings.WEBHOOKS_BACKOFF_SECONDS, settings.WEBHOOKS_BACKOFF_CAP_SECONDS
    return min(cap, base * 2 ** max(0, attempts - 1)) * random.uniform(0.9, 1.1)


def delivery_enqueue(delivery_id: int) -> None:
    """Queue the send; with the broker down the beat pass finds the row due anyway."""
    try:
        registered_task(SEND_TASK).apply_async(args=[delivery_id], queue=settings.WEBHOOKS_QUEUE)
    except OperationalError as error:
        log.warning("webhook delivery %s not queued: %s", delivery_id, error)


def _claim(delivery_id: int):
    """The row, now "sending" under this worker's lease; None when it is not due, is leased
    to another worker, or its endpoint is switched off."""
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or not delivery.endpoint.enabled:
        return None
    now = timezone.now()
    expired = now - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    claimable = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lte=expired
    )
    mine = Delivery.objects.filter(claimable, pk=delivery_id).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not mine:
        return None
    delivery.state, delivery.claimed_at, delivery.attempts = (
        State.SENDING,
        now,
        delivery.attempts + 1,
    )
    return delivery


def delivery_send(*, delivery_id: int) -> str:
    """One attempt at a delivery if it is due; its state afterwards (or "skipped")."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    started = timezone.now()
    endpoint = delivery.endpoint
    answer = post_signed(
        url=endpoint.url, secret=endpoint.secret, event_id=delivery.event_id, body=delivery.body
    )
    return _settle(delivery, started, answer)


def _settle(delivery: Delivery, started, answer) -> str:
    now = timezone.now()
    first = delivery.first_attempt_at or started
    if answer.ok:
        values = {"state": State.DELIVERED, "delivered_at": now}
    elif now - first >= timedelta(hours=settings.WEBHOOKS_RETRY_HOURS):
        values = {"state": State.FAILED}
    else:
        delay = timedelta(seconds=backoff_seconds(delivery.attempts))
        values = {"state": State.PENDING, "next_attempt_at": now + delay}
    with transaction.atomic():
        mine = Delivery.objects.filter(
            pk=delivery.pk, state=State.SENDING, claimed_at=delivery.claimed_at
        ).update(first_attempt_at=first, claimed_at=None, queued_at=None, **values)
        if not mine:
            log.warning(
                "webhook delivery %s was taken over; this attempt settles nothing", delivery.pk
            )
            return "superseded"
        Attempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            ok=answer.ok,
            error=answer.error[:255],
            response_excerpt=answer.excerpt[:500],
        )
        _endpoint_follow(delivery.endpoint, ok=answer.ok, now=now)
    return values["state"]


def _endpoint_follow(claimed: Endpoint, *, ok: bool, now) -> None:
    """Success resets the endpoint's failures; too many in a row, or a day of them, disables it."""
    if ok:
        if claimed.consecutive_failures or claimed.failing_since:  # as read at the claim
            Endpoint.objects.filter(pk=claimed.pk).update(
                consecutive_failures=0, failing_since=None
            )
        return
    endpoint = Endpoint.objects.select_for_update().select_related("shop").get(pk=claimed.pk)
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    changed = ["consecutive_failures", "failing_since"]
    too_many = endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES
    too_long = now - endpoint.failing_since >= timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    if endpoint.enabled and (too_many or too_long):
        endpoint.enabled = False
        endpoint.disabled_reason = (
            f"Switched off after {endpoint.consecutive_failures} failed deliveries in a row."
            if too_many
            else "Switched off after a day of failed deliveries."
        )
        changed += ["enabled", "disabled_reason"]
        transaction.on_commit(lambda: endpoint_disabled_notify(endpoint))
    endpoint.save(update_fields=changed)


@transaction.atomic
def delivery_resend(*, delivery: Delivery) -> Delivery:
    """ "Send again": the same event id, a new attempt now, a new day of retries."""
    if not delivery.endpoint.enabled:
        raise WebhookError("Switch the endpoint on before sending an event again.")
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).exclude(state=State.SENDING).update(
        state=State.PENDING,
        next_attempt_at=now,
        first_attempt_at=None,
        claimed_at=None,
        queued_at=now,
    )
    transaction.on_commit(lambda: delivery_enqueue(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def deliveries_due() -> dict:
    """Beat: queue the pending rows that are due and those whose worker's lease expired."""
    now = timezone.now()
    expired = now - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    enabled = Delivery.objects.filter(endpoint__enabled=True)
    # A row queued less than a lease ago is in the queue still; one queued earlier lost its
    # message (a broker restart) and is queued again.
    unqueued = Q(queued_at__isnull=True) | Q(queued_at__lte=expired)
    due = list(
        enabled.filter(unqueued, state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.WEBHOOKS_QUEUE_BATCH]
    )
    abandoned = list(
        enabled.filter(state=State.SENDING, claimed_at__lte=expired).values_list("pk", flat=True)[
            : settings.WEBHOOKS_QUEUE_BATCH
        ]
    )
    Delivery.objects.filter(pk__in=due + abandoned).update(queued_at=now)
    for pk in due + abandoned:
        delivery_enqueue(pk)
    return {"due": len(due), "abandoned": len(abandoned)}
