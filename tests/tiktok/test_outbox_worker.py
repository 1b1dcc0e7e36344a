"""The outbox with real Celery workers (PostgreSQL, Redis): a shipment sent after commit, and
a worker killed after TikTok accepted the call but before it heard the answer: the row stays
"sending", the beat pass gives it to another worker, which reads TikTok's order, finds the
parcel shipped with this tracking number, and marks the row done without shipping again."""

import time

import pytest
from django.core.cache import cache

from demo.tiktok_simulator import server as sim_server
from demo.tiktok_simulator.lifecycle import provider_id
from orders.platform import platform_for
from orders.services.fulfilment import order_tracking_add
from orders.statuses import OrderStatus
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.conftest import require
from tests.tiktok.outbox_world import US
from tiktok.models import TikTokAction
from tiktok.services.outbox import actions_due

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "tiktok-outbox-test"
USPS = provider_id("USPS")


def _wait(condition, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.1)


def _state(action_id: int) -> str:
    return TikTokAction.objects.get(pk=action_id).state


def test_a_worker_killed_after_tiktok_shipped_does_not_ship_twice(
    postgres, shop, packer, world, settings, monkeypatch
):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL), the workers' broker")
    settings.TIKTOK_ACTION_QUEUE = QUEUE
    settings.TIKTOK_ACTION_STUCK_SECONDS = 1
    cache.clear()
    calls, answer = [], sim_server.fulfilment_answer
    monkeypatch.setattr(
        sim_server,
        "fulfilment_answer",
        lambda w, call, body: calls.append(call.path) or answer(w, call, body),
    )
    connection = world.connect(shop, US)
    env = world.env(
        TIKTOK_TIMEOUT_SECONDS="300", TIKTOK_ACTION_QUEUE=QUEUE, TIKTOK_ACTION_STUCK_SECONDS="1"
    )

    worker = start_worker(queues=QUEUE, name="outbox-one", env=env)
    try:
        wait_until_ready(worker, queue=QUEUE)
        first, order = world.order(connection, US)
        order_tracking_add(
            order=order,
            actor=packer,
            carrier="",
            tracking_number="9400111122223333444455",
            shipping_provider_id=USPS,
        )
        action = TikTokAction.objects.get(order=order)
        _wait(lambda: _state(action.pk) == "done", "the worker's shipment")
        assert first.data["status"] == "AWAITING_COLLECTION"
        assert order.packages.get().package_id == first.data["packages"][0]["id"]

        doomed, order = world.order(connection, US)
        assert platform_for(order).carriers(order)  # cached: the next call is the shipment
        world.sim.fault_add("slow")  # TikTok acts after 5 s; the worker is dead by then
        order_tracking_add(
            order=order,
            actor=packer,
            carrier="",
            tracking_number="9400555566667777888899",
            shipping_provider_id=USPS,
        )
        action = TikTokAction.objects.get(order=order)
        _wait(lambda: _state(action.pk) == "sending", "the claim")
        worker.kill()  # SIGKILL while waiting for TikTok's answer
        worker.wait(timeout=10)
    finally:
        stop_worker(worker)
    _wait(lambda: doomed.data["status"] == "AWAITING_COLLECTION", "TikTok's shipment")
    assert _state(action.pk) == "sending"
    time.sleep(1.2)  # TIKTOK_ACTION_STUCK_SECONDS

    worker = start_worker(queues=QUEUE, name="outbox-two", env=env)
    try:
        wait_until_ready(worker, queue=QUEUE)
        assert actions_due() == {"due": 0, "abandoned": 1}
        _wait(lambda: _state(action.pk) == "done", "the second worker's settling")
    finally:
        stop_worker(worker)

    action.refresh_from_db()
    assert action.attempts == 2
    assert action.response_message == "Already shipped with this tracking number"
    ship_calls = [path for path in calls if path.endswith("/packages")]
    assert len(ship_calls) == 2  # one per order: the killed one was not sent again
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION
    assert order.packages.get().package_id == doomed.data["packages"][0]["id"]
