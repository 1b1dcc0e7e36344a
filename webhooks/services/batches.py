"""What the delivery tasks run: a batch of one endpoint's due deliveries, or one delivery.

A batch is claimed in one statement, its endpoint's URL checked and resolved once (the
address every POST of the batch then connects to), its POSTs made one after another on the
thread's keep-alive connection, and settled in one transaction. The batch stops early when
the endpoint gives no answer (a timeout, a refused connection, a refused address: the rest
would only wait as long) or when WEBHOOKS_BATCH_SECONDS have passed (a slow endpoint), and
hands the rest back; so a thread spends at most that plus one timeout on an endpoint, well
inside the lease. A full batch queues the next one, so a backlog drains without waiting for
the beat.
"""

import time

from django.conf import settings
from django.utils import timezone

from webhooks.services.deliveries import (
    deliveries_claim,
    deliveries_release,
    deliveries_settle,
    endpoint_batch_enqueue,
)
from webhooks.services.sending import Answer, post_signed
from webhooks.targets import TargetRefused, target_resolve


def _send(rows: list) -> tuple[list, list, bool]:
    """(sent as [(row, started, answer)], rows not tried, whether the endpoint went silent)."""
    endpoint = rows[0].endpoint
    try:
        target = target_resolve(endpoint.url)
    except TargetRefused as refused:
        answer = Answer(False, None, 0, error=str(refused)[:255])
        return [(rows[0], timezone.now(), answer)], rows[1:], True
    deadline = time.monotonic() + settings.WEBHOOKS_BATCH_SECONDS
    sent = []
    for index, row in enumerate(rows):
        started = timezone.now()
        answer = post_signed(
            target=target, secret=endpoint.secret, event_id=row.event_id, body=row.body
        )
        sent.append((row, started, answer))
        silent = answer.status_code is None
        if silent or time.monotonic() > deadline:
            return sent, rows[index + 1 :], silent
    return sent, [], False


def endpoint_batch_send(*, endpoint_id: int) -> dict:
    """Up to WEBHOOKS_SEND_BATCH of the endpoint's due deliveries sent and settled."""
    rows = deliveries_claim(endpoint_id=endpoint_id, limit=settings.WEBHOOKS_SEND_BATCH)
    if not rows:
        return {"sent": 0}
    sent, untried, silent = _send(rows)
    states = deliveries_settle(sent)
    if silent:  # wait as long as the row that found it silent before trying the rest
        waiting = [row.next_attempt_at for row, _, _ in sent if row.state == "pending"]
        deliveries_release(untried, due_at=max(waiting, default=None))
    else:
        deliveries_release(untried)
    if not silent and (untried or len(rows) == settings.WEBHOOKS_SEND_BATCH):
        endpoint_batch_enqueue(endpoint_id)
    return {"sent": len(sent), "delivered": states.count("delivered"), "handed_back": len(untried)}


def delivery_send(*, delivery_id: int) -> str:
    """One attempt at one delivery if it is due; its state afterwards (or "skipped")."""
    rows = deliveries_claim(pk=delivery_id)
    if not rows:
        return "skipped"
    sent, _, _ = _send(rows)
    return deliveries_settle(sent)[0]
