"""A connected shop's fulfilment cancels an order from its page with one of TikTok's reasons:
the order is cancelled here at once, TikTok hears of it through the outbox, and TikTok's
answer (cancelled, refused, not answering) shows on the page and in the timeline. A shop
that is not connected cancels locally, as before."""

import time

import pytest

from demo.tiktok_simulator.fulfilment import _ship
from demo.tiktok_simulator.lifecycle import provider_id
from orders.models import Order, OrderEvent
from orders.services.seller_cancel import order_cancel
from orders.statuses import CancelInitiator, EventKind, OrderStatus
from tests.orders.factories import OrderFactory
from tests.tiktok.outbox_world import US
from tiktok.models import ConnectionState, TikTokAction
from tiktok.services.actions import action_send_now

pytestmark = pytest.mark.django_db
OUT_OF_STOCK = "seller_cancel_reason_out_of_stock"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(eager):
    """The outbox's send runs where it is queued, as a worker would run it."""


def cancel(client, order, reason=OUT_OF_STOCK, capture=None):
    with capture(execute=True):
        return client.post(f"/orders/{order.order_id}/cancel/", {"reason": reason}, follow=True)


def page(client, order) -> str:
    return client.get(f"/orders/{order.order_id}/").content.decode()


def cancel_calls(monkeypatch) -> list[str]:
    """The Cancel Order calls the portal's client makes from now on."""
    from tiktok.client import TikTokClient

    calls, call = [], TikTokClient.cancel_order

    def counted(self, **arguments):
        calls.append(arguments["order_id"])
        return call(self, **arguments)

    monkeypatch.setattr(TikTokClient, "cancel_order", counted)
    return calls


def test_an_order_is_cancelled_on_tiktok_with_tiktok_s_reason(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    form = page(client, order)
    assert f'<option value="{OUT_OF_STOCK}">Out of stock</option>' in form
    assert "Cancel the order" in form

    answer = cancel(client, order, capture=django_capture_on_commit_callbacks).content.decode()

    assert "the cancellation is being sent to TikTok" in answer
    action = TikTokAction.objects.get()
    assert (action.kind, action.state, action.attempts) == ("cancel", "done", 1)
    assert action.payload["cancel_id"] and action.actor == packer
    assert sim_order.data["status"] == "CANCELLED"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "Out of stock"
    assert order.cancellation_initiator == CancelInitiator.SELLER
    assert set(order.lines.values_list("display_status", flat=True)) == {"CANCELLED"}
    assert "TikTok cancelled the order (“Out of stock”)." in page(client, order)


def test_a_reason_tiktok_does_not_take_for_the_status_changes_nothing(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    client.force_login(packer)
    for reason, message in [
        ("seller_cancel_unpaid_reason_out_of_stock", "Choose one of TikTok&#x27;s reasons"),
        ("", "Choose one of TikTok&#x27;s reasons"),
        ("x" * 161, "Nothing changed"),
    ]:
        shown = cancel(client, order, reason, capture=django_capture_on_commit_callbacks)
        assert message in shown.content.decode(), reason
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT and not TikTokAction.objects.exists()


def test_an_order_tiktok_shipped_meanwhile_is_put_back_with_tiktok_s_answer(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    assert "Cancel the order" in page(client, order)
    with world.sim.world.lock:  # shipped in TikTok Seller Center a moment ago
        _ship(
            world.sim.world,
            sim_order,
            {"tracking_number": "1Z999AA10123456784", "shipping_provider_id": provider_id("UPS")},
            "",
        )

    cancel(client, order, capture=django_capture_on_commit_callbacks)

    action = TikTokAction.objects.get()
    assert (action.state, action.response_code) == ("refused", 25001045)
    event = OrderEvent.objects.get(order=order, kind=EventKind.REFUSED)
    assert event.payload["restored_status"] == OrderStatus.AWAITING_SHIPMENT
    assert "can no longer be cancelled" in event.payload["message"]
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION  # as TikTok says, read back
    assert order.cancellation_initiator != CancelInitiator.SELLER and not order.cancel_time
    shown = page(client, order)
    assert "The cancellation was undone: TikTok did not take it" in shown
    assert "can no longer be cancelled" in shown


def test_tiktok_down_the_cancellation_stands_and_is_sent_once_later(
    client, packer, shop, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1  # retried by hand below
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    calls = cancel_calls(monkeypatch)
    world.sim.fault_add("unavailable")

    cancel(client, order, capture=django_capture_on_commit_callbacks)

    action = TikTokAction.objects.get()
    assert (action.state, action.attempts) == ("pending", 1)
    assert "tries again by itself" in page(client, order)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED  # here already
    assert sim_order.data["status"] == "AWAITING_SHIPMENT"

    assert action_send_now(action_id=action.pk) == "done"
    assert sim_order.data["status"] == "CANCELLED"
    assert action_send_now(action_id=action.pk) == "skipped"
    assert len(calls) == 2  # the one TikTok did not answer, and the one it did


def test_the_answer_lost_after_tiktok_cancelled_is_read_back_not_sent_again(
    shop, packer, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    settings.TIKTOK_TIMEOUT_SECONDS = 1
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    calls = cancel_calls(monkeypatch)
    world.sim.fault_add("slow")  # cancels, then answers too late
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=packer, reason=OUT_OF_STOCK)
    action = TikTokAction.objects.get()
    assert action.state == "pending"
    deadline = time.monotonic() + 10
    while sim_order.data["status"] != "CANCELLED":
        assert time.monotonic() < deadline
        time.sleep(0.1)

    assert action_send_now(action_id=action.pk) == "done"
    action.refresh_from_db()
    assert action.response_message == "Already cancelled on TikTok"
    assert len(calls) == 1


def test_a_double_click_sends_one_cancellation(
    client, packer, shop, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    client.force_login(packer)
    world.sim.fault_add("unavailable", 3)
    cancel(client, order, capture=django_capture_on_commit_callbacks)
    again = cancel(client, order, capture=django_capture_on_commit_callbacks).content.decode()
    assert "Nothing changed" in again
    assert TikTokAction.objects.count() == 1


def test_a_connection_to_authorize_again_offers_no_cancel(client, packer, shop, world):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    connection.state = ConnectionState.NEEDS_REAUTHORIZATION
    connection.save()
    client.force_login(packer)
    shown = page(client, order)
    assert "Cancel the order" not in shown and "no order can be cancelled" in shown
    response = client.post(f"/orders/{order.order_id}/cancel/", {"reason": OUT_OF_STOCK})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT and not TikTokAction.objects.exists()


def test_a_shop_that_is_not_connected_cancels_here_only(client, packer, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    client.force_login(packer)
    response = client.post(
        f"/orders/{order.order_id}/cancel/", {"reason": "Buyer phoned"}, follow=True
    )
    assert "The order is now cancelled." in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "Buyer phoned")
    assert not TikTokAction.objects.exists()
