"""Buyers' requests read from the simulated TikTok: the incremental sync searches those
updated in its windows, and webhooks 11 and 12 re-fetch the one request they name (and its
order, when the portal does not hold it yet)."""

import time

import pytest
from django.core.cache import cache

from orders.models import BuyerRequest, Order
from tests.tiktok.outbox_world import US, order_awaiting_shipment
from tests.tiktok.request_world import order_delivered, sim_control
from tiktok.after_sales_calls import AfterSalesCalls
from tiktok.services.sync import connection_sync
from tiktok.services.webhook_apply import tiktok_webhook_apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _envelope(kind: int, data: dict) -> dict:
    return {"type": kind, "tts_notification_id": "n1", "timestamp": int(time.time()), "data": data}


def test_the_sync_reads_the_requests_of_its_windows(shop, world):
    connection = world.connect(shop, US)
    sim_order, _ = world.order(connection, US)
    asked = sim_control(world, "/simulator/cancellations", order_id=sim_order.id)

    time.sleep(1.1)  # a window ends now, to the second: the request is a second old

    report = connection_sync(connection_id=connection.pk)

    assert not report.error, report.error
    request = BuyerRequest.objects.get(request_id=asked["cancel_id"])
    assert (request.kind, request.status) == ("cancellation", "CANCELLATION_REQUEST_PENDING")
    assert request.awaits_seller and request.order.order_id == sim_order.id
    assert connection_sync(connection_id=connection.pk).error == ""  # again: nothing new
    assert BuyerRequest.objects.count() == 1


def test_webhook_11_fetches_the_cancellation_and_an_order_not_held_yet(shop, world):
    connection = world.connect(shop, US)
    sim_order = order_awaiting_shipment(world.sim.world, US)  # never read into the portal
    asked = sim_control(world, "/simulator/cancellations", order_id=sim_order.id)

    done = tiktok_webhook_apply(
        connection_id=connection.pk,
        envelope=_envelope(
            11,
            {
                "order_id": sim_order.id,
                "cancel_id": asked["cancel_id"],
                "cancel_status": "CANCELLATION_REQUEST_PENDING",
                "cancellations_role": "BUYER",
            },
        ),
    )

    assert "error" not in done, done
    order = Order.objects.get(shop=shop, order_id=sim_order.id)
    request = order.buyer_requests.get()
    assert request.request_id == asked["cancel_id"] and request.awaits_seller
    assert request.deadline is not None


def test_webhook_12_fetches_the_return(shop, world):
    connection = world.connect(shop, US)
    sim_order, order = order_delivered(world, connection, US)
    asked = sim_control(world, "/simulator/returns", order_id=sim_order.id, type="REFUND")

    tiktok_webhook_apply(
        connection_id=connection.pk,
        envelope=_envelope(
            12,
            {
                "order_id": sim_order.id,
                "return_id": asked["return_id"],
                "return_status": "RETURN_OR_REFUND_REQUEST_PENDING",
                "return_type": "REFUND",
            },
        ),
    )

    request = order.buyer_requests.get()
    assert (request.kind, request.request_type) == ("return", "REFUND")
    assert request.refund_total > 0 and request.items


def test_a_webhook_naming_no_request_reads_only_the_order(shop, world):
    connection = world.connect(shop, US)
    sim_order, _ = world.order(connection, US)
    done = tiktok_webhook_apply(
        connection_id=connection.pk, envelope=_envelope(11, {"order_id": sim_order.id})
    )
    assert "error" not in done and not BuyerRequest.objects.exists()


def test_a_request_tiktok_sends_wrong_is_refused_and_kept_on_the_connection(
    shop, world, monkeypatch
):
    connection = world.connect(shop, US)
    sim_order, _ = world.order(connection, US)
    sim_control(world, "/simulator/cancellations", order_id=sim_order.id)
    real = AfterSalesCalls.search_cancellations

    def in_milliseconds(self, **kwargs):
        page = real(self, **kwargs)
        for obj in page.objects:
            obj["update_time"] = obj["update_time"] * 1000
        return page

    monkeypatch.setattr(AfterSalesCalls, "search_cancellations", in_milliseconds)
    time.sleep(1.1)

    connection_sync(connection_id=connection.pk)

    assert not BuyerRequest.objects.exists()
    connection.refresh_from_db()
    assert "milliseconds" in connection.last_error
