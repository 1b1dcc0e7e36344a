"""Deliveries with real Celery workers (PostgreSQL, Redis), run as production runs them (the
thread pool of webhooks/worker.py): sent by a worker after the change commits, and a worker
killed mid-POST leaves the delivery to be sent exactly once more after its lease."""

import time

import pytest
from django.db import transaction

from orders.services.status import order_status_change
from orders.statuses import ActorType, OrderStatus
from tests.celery_worker import start_worker, stop_worker, wait_for, wait_until_ready
from tests.conftest import require
from webhooks.models import Attempt, Delivery
from webhooks.services.deliveries import deliveries_due
from webhooks.services.fanout import events_read
from webhooks.worker import worker_options

from .helpers import hook, quiet_order

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "webhooks-test"
ENV = {"WEBHOOKS_QUEUE": QUEUE, "WEBHOOKS_LEASE_SECONDS": "1"}
OPTIONS = worker_options(QUEUE)


def _state(delivery_id: int) -> str:
    return Delivery.objects.get(pk=delivery_id).state


def test_a_worker_killed_mid_delivery_leaves_it_to_be_sent_once_more(
    postgres, receiver, admin, shop, settings
):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL), the workers' broker")
    settings.WEBHOOKS_QUEUE, settings.WEBHOOKS_LEASE_SECONDS = QUEUE, 1
    receiver.state.hang_seconds = 8
    hook(receiver, admin, shop, events=["order.status_changed"])
    order = quiet_order(shop, status=OrderStatus.AWAITING_COLLECTION)

    worker = start_worker(name="webhooks-one", env=ENV, options=OPTIONS)
    try:
        wait_until_ready(worker, queue=QUEUE)
        with transaction.atomic():  # as the order page's view does
            order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
        events_read()
        deliveries_due()
        delivery = Delivery.objects.get()
        wait_for(lambda: _state(delivery.pk) == "delivered", "the worker's delivery")
        receiver.state.fail_next(1, "hang")
        with transaction.atomic():
            order_status_change(
                order=order, new_status=OrderStatus.DELIVERED, actor_type=ActorType.CARRIER
            )
        events_read()
        deliveries_due()
        doomed = Delivery.objects.exclude(pk=delivery.pk).get()
        wait_for(lambda: _state(doomed.pk) == "sending", "the claim")
        time.sleep(0.5)  # the POST is on its way and the receiver holds it
        worker.kill()  # SIGKILL while waiting for the answer
        worker.wait(timeout=10)
    finally:
        stop_worker(worker)
    assert _state(doomed.pk) == "sending"
    time.sleep(1.2)  # the lease

    worker = start_worker(name="webhooks-two", env=ENV, options=OPTIONS)
    try:
        wait_until_ready(worker, queue=QUEUE)
        assert deliveries_due() == {"due": 0, "abandoned": 1}
        wait_for(lambda: _state(doomed.pk) == "delivered", "the second worker's delivery")
    finally:
        stop_worker(worker)

    doomed.refresh_from_db()
    assert doomed.attempts == 2  # the killed attempt, then the one that got through
    assert Attempt.objects.filter(delivery=doomed).count() == 1  # the killed one logged nothing
    delivered = [row.event_id for row in receiver.state.delivered()]
    assert delivered == [delivery.event_id, doomed.event_id]  # each exactly once
