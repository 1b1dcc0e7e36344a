"""A seller's cancellation with a real Celery worker (PostgreSQL, Redis): sent after commit
and cancelled on TikTok; and one TikTok refuses (the order shipped there meanwhile), put back
here by the worker with TikTok's answer in the timeline."""

import time

import pytest

from demo.tiktok_simulator.fulfilment import _ship
from demo.tiktok_simulator.lifecycle import provider_id
from orders.services.seller_cancel import order_cancel
from orders.statuses import EventKind, OrderStatus
from tests.celery_worker import start_worker, stop_worker, wait_until_ready
from tests.conftest import require
from tests.tiktok.outbox_world import US
from tiktok.models import TikTokAction

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
QUEUE = "tiktok-cancel-test"
OUT_OF_STOCK = "seller_cancel_reason_out_of_stock"


def _settled(action_id: int, seconds: float = 30) -> TikTokAction:
    deadline = time.monotonic() + seconds
    while (action := TikTokAction.objects.get(pk=action_id)).state in ("pending", "sending"):
        assert time.monotonic() < deadline, "the worker did not settle the cancellation"
        time.sleep(0.1)
    return action


def test_a_worker_cancels_on_tiktok_and_puts_back_what_tiktok_refuses(
    postgres, shop, packer, world, settings
):
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL), the workers' broker")
    settings.TIKTOK_ACTION_QUEUE = QUEUE
    connection = world.connect(shop, US)
    worker = start_worker(queues=QUEUE, name="cancel-one", env=world.env(TIKTOK_ACTION_QUEUE=QUEUE))
    try:
        wait_until_ready(worker, queue=QUEUE)
        cancelled, order = world.order(connection, US)
        order_cancel(order=order, actor=packer, reason=OUT_OF_STOCK)
        action = _settled(TikTokAction.objects.get(order=order).pk)
        assert action.state == "done" and action.payload["cancel_id"]
        assert cancelled.data["status"] == "CANCELLED"
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED

        shipped, order = world.order(connection, US)
        with world.sim.world.lock:  # shipped in TikTok Seller Center a moment ago
            _ship(
                world.sim.world,
                shipped,
                {
                    "tracking_number": "1Z999AA10123456784",
                    "shipping_provider_id": provider_id("UPS"),
                },
                "",
            )
        order_cancel(order=order, actor=packer, reason=OUT_OF_STOCK)
        action = _settled(TikTokAction.objects.get(order=order).pk)
    finally:
        stop_worker(worker)

    assert (action.state, action.response_code) == ("refused", 25001045)
    order.refresh_from_db()
    assert order.status != OrderStatus.CANCELLED  # put back, then TikTok's state read in
    refusal = order.events.get(kind=EventKind.REFUSED)
    assert refusal.payload["restored_status"] == OrderStatus.AWAITING_SHIPMENT
