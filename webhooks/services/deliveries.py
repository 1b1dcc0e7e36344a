"""Deliveries: claimed under a lease a batch at a time, settled a batch at a time, retried with
back-off for a day, and endpoints that keep failing switched off with an email to the shop's
administrators.

States: pending → sending → delivered | failed. A worker claims rows by setting `claimed_at`
(its lease, one value for the whole batch); a worker killed mid-POST leaves its rows
"sending", and the beat pass queues them again once WEBHOOKS_LEASE_SECONDS have passed, so
each is delivered at least once and never lost. A worker whose lease was taken over settles
nothing (its update matches no row). Rows of a batch the worker did not get to (the endpoint
stopped answering, or the batch's time ran out) are handed back unattempted.
"""

import logging
import math
import random
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.enqueue import registered_task
from webhooks.exceptions import WebhookError
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.alerts import endpoint_disabled_notify

log = logging.getLogger(__name__)
SEND_TASK = "webhooks.tasks.webhook_deliver"
BATCH_TASK = "webhooks.tasks.webhook_deliver_batch"
State = Delivery.State
SETTLED = [
    "state",
    "delivered_at",
    "next_attempt_at",
    "first_attempt_at",
    "claimed_at",
    "queued_at",
]


def backoff_seconds(attempts: int) -> float:
    """1 min, 2, 4 … capped at an hour, each ±10 % at random so retries do not bunch."""
    base, cap = settings.WEBHOOKS_BACKOFF_SECONDS, settings.WEBHOOKS_BACKOFF_CAP_SECONDS
    return min(cap, base * 2 ** max(0, attempts - 1)) * random.uniform(0.9, 1.1)


def _enqueue(task: str, arg: int) -> None:
    """Queue a send; with the broker down the beat pass finds the rows due anyway."""
    try:
        registered_task(task).apply_async(args=[arg], queue=settings.WEBHOOKS_QUEUE)
    except OperationalError as error:
        log.warning("webhook task %s(%s) not queued: %s", task, arg, error)


def delivery_enqueue(delivery_id: int) -> None:
    """One delivery sent now (a test event, "send again")."""
    _enqueue(SEND_TASK, delivery_id)


def endpoint_batch_enqueue(endpoint_id: int) -> None:
    """A batch of the endpoint's due deliveries sent."""
    _enqueue(BATCH_TASK, endpoint_id)


def deliveries_claim(*, endpoint_id: int | None = None, pk: int | None = None, limit: int = 1):
    """Up to `limit` due rows (of the endpoint, or the one row `pk`), now "sending" under one
    lease; none that another worker holds (SKIP LOCKED, or a lease still running), none of a
    switched-off endpoint. Each claim counts as an attempt (a killed one too)."""
    now = timezone.now()
    expired = now - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    claimable = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lte=expired
    )
    which = {"pk": pk} if pk is not None else {"endpoint_id": endpoint_id}
    with transaction.atomic():
        rows = list(
            Delivery.objects.filter(claimable, endpoint__enabled=True, **which)
            .select_related("endpoint")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at", "pk")[:limit]
        )
        if rows:
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    for row in rows:
        row.state, row.claimed_at, row.attempts = State.SENDING, now, row.attempts + 1
    return rows


def _mine(rows: list[Delivery]):
    """The rows still under this batch's lease (locked until the transaction ends)."""
    return Delivery.objects.filter(
        pk__in=[row.pk for row in rows], state=State.SENDING, claimed_at=rows[0].claimed_at
    )


def _outcome(row: Delivery, answer, now) -> None:
    """The row's state after its attempt (on the row; written by `_write`)."""
    row.first_attempt_at = row.first_attempt_at or row.claimed_at
    if answer.ok:
        row.state = State.DELIVERED
    elif now - row.first_attempt_at >= timedelta(hours=settings.WEBHOOKS_RETRY_HOURS):
        row.state = State.FAILED
    else:
        row.state = State.PENDING


def _write(rows: list[Delivery], now) -> None:
    """The settled rows in a statement per outcome: delivered, given up, and retried (one per
    attempt count, whose rows come due together, as one batch again)."""
    groups: dict[tuple, list[Delivery]] = {}
    for row in rows:
        key = (row.state, row.attempts if row.state == State.PENDING else 0)
        groups.setdefault(key, []).append(row)
    for (state, attempts), group in groups.items():
        values = {"state": state}
        if state == State.DELIVERED:
            values["delivered_at"] = now
        elif state == State.PENDING:
            values["next_attempt_at"] = now + timedelta(seconds=backoff_seconds(attempts))
            for row in group:
                row.next_attempt_at = values["next_attempt_at"]
        Delivery.objects.filter(pk__in=[row.pk for row in group]).update(
            first_attempt_at=Coalesce("first_attempt_at", "claimed_at"),
            claimed_at=None,
            queued_at=None,
            **values,
        )


def deliveries_settle(sent: list) -> list[str]:
    """Record a batch's attempts, `sent` = [(row, started, answer)] in the order they were
    made: the rows updated in a statement per outcome, the attempts inserted in one, the
    endpoint's failures followed; each row's state afterwards, or "superseded" when its
    lease was taken."""
    if not sent:
        return []
    now = timezone.now()
    with transaction.atomic():
        mine = set(
            _mine([row for row, _, _ in sent]).select_for_update().values_list("pk", flat=True)
        )
        states, settled, attempts = [], [], []
        for row, started, answer in sent:
            if row.pk not in mine:
                log.warning(
                    "webhook delivery %s was taken over; its attempt settles nothing", row.pk
                )
                states.append("superseded")
                continue
            _outcome(row, answer, now)
            states.append(row.state)
            settled.append((row, answer))
            attempts.append(
                Attempt(
                    delivery=row,
                    number=row.attempts,
                    started_at=started,
                    duration_ms=answer.duration_ms,
                    status_code=answer.status_code,
                    ok=answer.ok,
                    error=answer.error[:255],
                    response_excerpt=answer.excerpt[:500],
                )
            )
        if settled:
            _write([row for row, _ in settled], now)
            Attempt.objects.bulk_create(attempts)
            _endpoint_follow(sent[0][0].endpoint, [answer.ok for _, answer in settled], now=now)
    return states


def deliveries_release(rows: list[Delivery], *, due_at=None) -> None:
    """Hand back claimed rows no POST was made for: pending again, the claim not counted,
    due at `due_at` (or as they were)."""
    if not rows:
        return
    later = {"next_attempt_at": due_at} if due_at else {}
    _mine(rows).update(
        state=State.PENDING, claimed_at=None, queued_at=None, attempts=F("attempts") - 1, **later
    )


def _endpoint_follow(claimed: Endpoint, oks: list[bool], *, now) -> None:
    """Successes reset the endpoint's failures to those after the last one; too many in a row,
    or a day of them, switch it off."""
    tail = len(oks) - (max(i for i, ok in enumerate(oks) if ok) + 1 if any(oks) else 0)
    if not tail:
        if claimed.consecutive_failures or claimed.failing_since:  # as read at the claim
            Endpoint.objects.filter(pk=claimed.pk).update(
                consecutive_failures=0, failing_since=None
            )
        return
    endpoint = Endpoint.objects.select_for_update().select_related("shop").get(pk=claimed.pk)
    if tail < len(oks):  # a success in the batch: only the failures after it are in a row
        endpoint.consecutive_failures, endpoint.failing_since = tail, now
    else:
        endpoint.consecutive_failures += tail
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
    """Beat: the pending rows that are due and those whose worker's lease expired, queued as
    batches of their endpoint (at most WEBHOOKS_ENDPOINT_TASKS at once, so one endpoint's
    backlog leaves the workers' other threads to the other endpoints)."""
    now = timezone.now()
    expired = now - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
    enabled = Delivery.objects.filter(endpoint__enabled=True)
    # A row queued less than a lease ago is in the queue still; one queued earlier lost its
    # message (a broker restart) and is queued again.
    unqueued = Q(queued_at__isnull=True) | Q(queued_at__lte=expired)
    due = list(
        enabled.filter(unqueued, state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "endpoint_id")[: settings.WEBHOOKS_QUEUE_BATCH]
    )
    abandoned = list(
        enabled.filter(state=State.SENDING, claimed_at__lte=expired).values_list(
            "pk", "endpoint_id"
        )[: settings.WEBHOOKS_QUEUE_BATCH]
    )
    Delivery.objects.filter(pk__in=[pk for pk, _ in due + abandoned]).update(queued_at=now)
    per_endpoint = Counter(endpoint_id for _, endpoint_id in due + abandoned)
    for endpoint_id, count in per_endpoint.items():
        batches = math.ceil(count / settings.WEBHOOKS_SEND_BATCH)
        for _ in range(min(batches, settings.WEBHOOKS_ENDPOINT_TASKS)):
            endpoint_batch_enqueue(endpoint_id)
    return {"due": len(due), "abandoned": len(abandoned)}
