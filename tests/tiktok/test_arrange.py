"""A TikTok-shipped order's shipment arranged from the order page against the simulated
TikTok: the handover TikTok offers, the outbox's call (Ship Package with a pick-up slot; the
US's Create Packages), TikTok's refusal undone visibly, and bad input changing nothing."""

import html

import pytest

from orders.models import OrderEvent
from orders.statuses import EventKind, OrderStatus
from tests.tiktok.arrange_world import documents_at_once  # noqa: F401 - a fixture
from tests.tiktok.outbox_world import GB, MY, US
from tiktok.models import ShippingDocument, TikTokAction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("documents_at_once")]


def page(client, order) -> str:
    return html.unescape(client.get(f"/orders/{order.order_id}/").content.decode())


def arrange(client, order, capture, **data):
    with capture(execute=True):
        answer = client.post(f"/orders/{order.order_id}/arrange/", data, follow=True)
    return html.unescape(answer.content.decode())


def first_slot(sim_order) -> str:
    from demo.tiktok_simulator.arrange import pickup_slots

    slot = pickup_slots(__import__("time").time())[0]
    return f"{slot['start_time']}-{slot['end_time']}"


def test_a_gb_order_is_arranged_for_pickup_and_its_documents_are_kept(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, GB)
    sim_order, order = world.order(connection, GB, seller=False)
    client.force_login(packer)
    shown = page(client, order)
    assert "Arrange shipment" in shown and "Pick-up by the carrier" in shown
    assert "Ship on TikTok" not in shown  # no tracking number for TikTok's own shipping

    answer = arrange(
        client,
        order,
        django_capture_on_commit_callbacks,
        handover_method="PICKUP",
        pickup_slot=first_slot(sim_order),
    )

    assert "Shipment arranged; it is being sent to TikTok" in answer
    action = TikTokAction.objects.get(kind="arrange")
    assert (action.state, action.payload["call"]) == ("done", "ship_package_handover")
    assert sim_order.data["status"] == "AWAITING_COLLECTION"
    assert sim_order.handover["method"] == "PICKUP"
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION
    package = order.packages.get()
    assert package.tracking_number == sim_order.data["tracking_number"]  # read back
    documents = ShippingDocument.objects.filter(package=package)
    assert {d.document_type for d in documents if d.file} == {"SHIPPING_LABEL", "PACKING_SLIP"}
    shown = page(client, order)
    assert "TikTok arranged the shipment (pick-up by the carrier" in shown
    assert "TikTok's shipping label" in shown and "fetched" in shown
    assert "tiktok-shipping-documents" not in shown and "/documents/" in shown
    assert sim_order.data["tracking_number"] not in [None, ""]


def test_a_us_order_buys_its_label_with_create_packages(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US, seller=False)
    assert not order.packages.exists()  # the US: no package before the label
    client.force_login(packer)
    assert "Drop-off at the carrier" in page(client, order)

    arrange(client, order, django_capture_on_commit_callbacks, handover_method="DROP_OFF")

    action = TikTokAction.objects.get(kind="arrange")
    assert (action.state, action.payload["call"]) == ("done", "create_packages")
    package = order.packages.get()
    assert package.package_id == sim_order.data["packages"][0]["id"]
    assert ShippingDocument.objects.filter(package=package).exclude(file="").count() == 2


def test_a_pickup_slot_tiktok_does_not_offer_changes_nothing(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, MY)
    sim_order, order = world.order(connection, MY, seller=False)
    client.force_login(packer)

    answer = arrange(
        client,
        order,
        django_capture_on_commit_callbacks,
        handover_method="PICKUP",
        pickup_slot="1-2",
    )

    assert "Nothing changed: Choose a pick-up time from TikTok's list" in answer
    assert not TikTokAction.objects.exists() and sim_order.data["status"] == "AWAITING_SHIPMENT"
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    answer = arrange(client, order, django_capture_on_commit_callbacks, handover_method="BY_PIGEON")
    assert "TikTok offers pick-up by the carrier or drop-off at the carrier" in answer


def test_a_seller_shipped_order_cannot_be_arranged(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, GB)
    _, order = world.order(connection, GB, seller=True)
    client.force_login(packer)
    assert "Arrange shipment" not in page(client, order)

    answer = arrange(client, order, django_capture_on_commit_callbacks, handover_method="DROP_OFF")

    assert "Nothing changed: Not a TikTok-shipped order" in answer
    assert not TikTokAction.objects.exists()


def test_tiktok_refusing_takes_the_arrangement_back_visibly(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, GB)
    sim_order, order = world.order(connection, GB, seller=False)
    client.force_login(packer)
    page(client, order)  # the slots, cached
    sim_order.data["is_buyer_request_cancel"] = True  # the buyer asks meanwhile

    arrange(client, order, django_capture_on_commit_callbacks, handover_method="DROP_OFF")

    action = TikTokAction.objects.get(kind="arrange")
    assert (action.state, action.response_code) == ("refused", 21008044)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    event = OrderEvent.objects.get(order=order, kind=EventKind.REFUSED)
    assert "open cancellation or return request" in event.payload["message"]
    shown = page(client, order)
    assert "The shipment was not arranged: TikTok did not take it" in shown
    assert "Refused by TikTok" in shown


def test_tiktok_down_leaves_the_arrangement_waiting_then_sends_it(
    client, packer, shop, world, django_capture_on_commit_callbacks, settings
):
    from tiktok.services.actions import action_send_now

    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1  # retried by hand below, not at once
    connection = world.connect(shop, GB)
    sim_order, order = world.order(connection, GB, seller=False)
    client.force_login(packer)
    page(client, order)
    world.sim.fault_add("unavailable")

    arrange(client, order, django_capture_on_commit_callbacks, handover_method="DROP_OFF")

    action = TikTokAction.objects.get(kind="arrange")
    assert (action.state, action.attempts) == ("pending", 1)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION  # as far as the portal knows
    assert "TikTok did not answer yet about the shipment" in page(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        assert action_send_now(action_id=action.pk) == "done"  # re-read first, then sent
    assert sim_order.data["status"] == "AWAITING_COLLECTION"


def test_the_slots_cannot_be_read_while_tiktok_is_down(client, packer, shop, world):
    connection = world.connect(shop, GB)
    _, order = world.order(connection, GB, seller=False)
    client.force_login(packer)
    world.sim.fault_add("unavailable", 3)
    shown = page(client, order)
    assert "TikTok did not answer when asked how its carrier takes this parcel" in shown
