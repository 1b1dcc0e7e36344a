"""A connected shop's fulfilment ships an order from the order page: TikTok's carriers are
offered, the tracking number reaches the simulated TikTok through the outbox, and TikTok's
answer (accepted, refused, not answering) shows on the page and in the timeline."""

import html
import time

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction

from demo.tiktok_simulator import server as sim_server
from demo.tiktok_simulator.fulfilment import _ship
from demo.tiktok_simulator.lifecycle import provider_id
from orders.models import Order, OrderEvent
from orders.platform import platform_for
from orders.services.fulfilment import order_tracking_add
from orders.statuses import EventKind, OrderStatus
from tests.tiktok.outbox_world import GB, MY, US
from tiktok.models import TikTokAction
from tiktok.services.actions import action_send_now

pytestmark = pytest.mark.django_db
USPS, UPS = provider_id("USPS"), provider_id("UPS")
GOOD = "9400111122223333444455"


@pytest.fixture(autouse=True)
def _fresh_cache(eager):
    cache.clear()


def ship(client, order, provider=USPS, number=GOOD, capture=None):
    with capture(execute=True):
        return client.post(
            f"/orders/{order.order_id}/tracking/",
            {"shipping_provider_id": provider, "tracking_number": number},
            follow=True,
        )


def fulfilment_calls(monkeypatch) -> list[str]:
    """The paths of the fulfilment calls the simulated TikTok answers from now on."""
    calls, answer = [], sim_server.fulfilment_answer

    def counted(world, call, body):
        calls.append(call.path)
        return answer(world, call, body)

    monkeypatch.setattr(sim_server, "fulfilment_answer", counted)
    return calls


def page(client, order) -> str:
    return client.get(f"/orders/{order.order_id}/").content.decode()


def test_a_us_order_is_marked_shipped_on_tiktok(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    assert order.delivery_option_id == sim_order.data["delivery_option_id"]
    client.force_login(packer)
    form = page(client, order)
    assert f'<option value="{USPS}">USPS</option>' in form and "Ship on TikTok" in form

    answer = ship(client, order, capture=django_capture_on_commit_callbacks).content.decode()

    assert "being sent to TikTok" in answer
    action = TikTokAction.objects.get()
    assert (action.state, action.attempts, action.response_code) == ("done", 1, 0)
    assert action.payload["call"] == "mark_package_shipped" and action.actor == packer
    assert sim_order.data["status"] == "AWAITING_COLLECTION"
    assert sim_order.data["line_items"][0]["tracking_number"] == GOOD
    order.refresh_from_db()
    package = order.packages.get()
    assert package.package_id == sim_order.data["packages"][0]["id"]
    assert (package.tracking_number, package.shipping_provider_name) == (GOOD, "USPS")
    assert order.status == OrderStatus.AWAITING_COLLECTION
    assert "TikTok accepted the shipment of USPS " + GOOD in page(client, order)


def test_a_sea_order_ships_the_package_tiktok_made_at_payment(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, MY)
    sim_order, order = world.order(connection, MY)
    tiktok_package = sim_order.data["packages"][0]["id"]
    assert order.packages.get().package_id == tiktok_package
    client.force_login(packer)

    ship(client, order, capture=django_capture_on_commit_callbacks)

    action = TikTokAction.objects.get()
    assert (action.state, action.payload["call"]) == ("done", "ship_package")
    assert sim_order.data["status"] == "AWAITING_COLLECTION"
    package = order.packages.get()  # the same parcel, now with its number
    assert (package.package_id, package.tracking_number) == (tiktok_package, GOOD)


def test_a_tracking_number_tiktok_refuses_is_taken_off_with_its_answer(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, GB)
    sim_order, order = world.order(connection, GB)
    client.force_login(packer)
    royal_mail = provider_id("Royal Mail")

    ship(
        client,
        order,
        provider=royal_mail,
        number="AB-1234567",
        capture=django_capture_on_commit_callbacks,
    )

    action = TikTokAction.objects.get()
    assert (action.state, action.response_code) == ("refused", 21011022)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT and order.rts_time is None
    assert not order.packages.exclude(tracking_number="").exists()
    assert set(order.lines.values_list("display_status", flat=True)) == {"AWAITING_SHIPMENT"}
    event = OrderEvent.objects.get(order=order, kind=EventKind.REFUSED)
    assert event.payload["code"] == 21011022 and event.payload["request_id"]
    assert "does not accept tracking number AB-1234567 for Royal Mail" in event.payload["message"]
    shown = page(client, order)
    assert "Refused by TikTok" in shown and "does not accept tracking number AB-1234567" in shown
    assert "taken off the order" in shown and "Ship on TikTok" in shown  # may try again
    assert "the order is awaiting shipment again" in shown
    assert sim_order.data["status"] == "AWAITING_SHIPMENT"


def test_an_order_shipped_on_tiktok_meanwhile_ends_with_tiktok_s_parcel(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    with world.sim.world.lock:  # the seller shipped it in TikTok Seller Center
        _ship(
            world.sim.world,
            sim_order,
            {"tracking_number": "1Z999AA10123456784", "shipping_provider_id": UPS},
            "",
        )

    ship(client, order, capture=django_capture_on_commit_callbacks)

    action = TikTokAction.objects.get()
    assert (action.state, action.response_code) == ("refused", 21011040)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION  # as TikTok says, read back
    assert list(order.packages.values_list("tracking_number", flat=True)) == ["1Z999AA10123456784"]
    assert "shipped already, with another tracking number" in page(client, order)


def test_tiktok_down_the_page_says_it_retries_and_the_retry_ships_once(
    client, packer, shop, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1  # retried by hand below, not at once
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    assert "USPS" in page(client, order)  # TikTok's carriers, now cached
    world.sim.fault_add("unavailable")

    ship(client, order, capture=django_capture_on_commit_callbacks)

    action = TikTokAction.objects.get()
    assert (action.state, action.attempts) == ("pending", 1)
    assert "HTTP 503" in action.last_error
    shown = page(client, order)
    assert "tries again by itself" in shown and "Nothing to do meanwhile" in shown
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION  # the local change stands
    assert sim_order.data["status"] == "AWAITING_SHIPMENT"

    assert action_send_now(action_id=action.pk) == "done"
    action.refresh_from_db()
    assert (action.state, action.attempts) == ("done", 2)
    assert sim_order.data["line_items"][0]["tracking_number"] == GOOD
    assert action_send_now(action_id=action.pk) == "skipped"  # done is done


def test_the_answer_lost_after_tiktok_shipped_is_read_back_not_sent_again(
    shop, packer, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """TikTok ships it but the answer never arrives (a timeout): the retry reads the order,
    finds this tracking number, and is done without a second ship call."""
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    settings.TIKTOK_TIMEOUT_SECONDS = 1
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    calls = fulfilment_calls(monkeypatch)
    assert platform_for(order).carriers(order)  # cached: the next call is the shipment
    world.sim.fault_add("slow")  # answers after 5 s, having shipped
    with django_capture_on_commit_callbacks(execute=True):
        order_tracking_add(
            order=order, actor=packer, carrier="", tracking_number=GOOD, shipping_provider_id=USPS
        )
    action = TikTokAction.objects.get()
    assert action.state == "pending" and "no answer" in action.last_error
    deadline = time.monotonic() + 10
    while sim_order.data["status"] != "AWAITING_COLLECTION":
        assert time.monotonic() < deadline
        time.sleep(0.1)

    assert action_send_now(action_id=action.pk) == "done"
    action.refresh_from_db()
    assert action.response_message == "Already shipped with this tracking number"
    ship_calls = [path for path in calls if path.endswith("/packages")]
    assert len(ship_calls) == 1


def test_bad_input_changes_nothing(client, packer, shop, world):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    client.force_login(packer)
    url = f"/orders/{order.order_id}/tracking/"
    cases = [
        ({"shipping_provider_id": "7123", "tracking_number": GOOD}, "does not allow that carrier"),
        ({"shipping_provider_id": "", "tracking_number": GOOD}, "Choose the carrier"),
        ({"shipping_provider_id": USPS, "tracking_number": ""}, "6–40 letters"),
        ({"shipping_provider_id": USPS, "tracking_number": "x" * 41}, "Nothing changed"),
    ]
    for data, message in cases:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200 and message in response.content.decode(), data
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    assert not order.packages.exists() and not TikTokAction.objects.exists()


def test_a_double_click_or_a_second_person_sends_nothing_twice(
    client, packer, admin, shop, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    assert "USPS" in page(client, order)
    world.sim.fault_add("unavailable", 3)  # still pending while the others click
    ship(client, order, capture=django_capture_on_commit_callbacks)
    ship(client, order, capture=django_capture_on_commit_callbacks)  # the same click again
    client.force_login(admin)
    other = ship(
        client, order, number="9400999988887777666655", capture=django_capture_on_commit_callbacks
    )

    assert "cannot get a new tracking number" in other.content.decode()
    assert TikTokAction.objects.count() == 1
    assert Order.objects.get(pk=order.pk).packages.count() == 1
    action = TikTokAction.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TikTokAction.objects.create(
            connection=connection, order=order, kind="ship", payload=action.payload
        )


def test_an_order_tiktok_ships_itself_offers_no_tracking_form(client, packer, shop, world):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US, seller=False)
    client.force_login(packer)
    shown = page(client, order)
    assert "TikTok ships this order" in shown and "Ship on TikTok" not in shown
    response = client.post(
        f"/orders/{order.order_id}/tracking/",
        {"shipping_provider_id": USPS, "tracking_number": GOOD},
        follow=True,
    )
    assert "TikTok ships this order" in response.content.decode()
    assert not TikTokAction.objects.exists()


def test_carriers_are_asked_once_per_delivery_option(client, packer, shop, world, monkeypatch):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    calls = fulfilment_calls(monkeypatch)
    client.force_login(packer)
    for _ in range(3):
        assert "USPS" in page(client, order)
    assert len(calls) == 1 and calls[0].endswith("/shipping_providers")


def test_carriers_tiktok_cannot_list_say_so(client, packer, shop, world):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    world.sim.fault_add("unavailable", 5)
    client.force_login(packer)
    shown = page(client, order)
    assert "TikTok did not answer when asked for its carriers" in shown
    assert "Ship on TikTok" not in shown


def test_a_shop_without_a_connection_ships_as_before(client, packer, shop, world, settings):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    connection.state = "disconnected"  # the seller stopped the link: local behaviour again
    connection.save()
    client.force_login(packer)
    shown = page(client, order)
    assert 'name="carrier" maxlength="80"' in shown and "Ship on TikTok" not in shown
    response = client.post(
        f"/orders/{order.order_id}/tracking/",
        {"carrier": "Local Post", "tracking_number": "LP123456"},
        follow=True,
    )
    assert "Tracking number LP123456 (Local Post) added." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_COLLECTION
    assert not TikTokAction.objects.exists()


def test_a_connection_needing_authorization_refuses_to_ship(client, packer, shop, world):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    connection.state = "needs_reauthorization"
    connection.save()
    client.force_login(packer)
    assert "authorize the portal again" in page(client, order)
    response = client.post(
        f"/orders/{order.order_id}/tracking/",
        {"shipping_provider_id": USPS, "tracking_number": GOOD},
        follow=True,
    )
    assert "authorize the portal again" in response.content.decode()
    assert not order.packages.exists() and not TikTokAction.objects.exists()


def test_a_connection_lost_before_sending_gives_up_and_undoes(
    client, packer, shop, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    assert "USPS" in page(client, order)
    world.sim.fault_add("unavailable")
    ship(client, order, capture=django_capture_on_commit_callbacks)
    connection.state = "needs_reauthorization"  # the seller's authorization ended meanwhile
    connection.save()

    assert action_send_now(action_id=TikTokAction.objects.get().pk) == "failed"

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT and not order.packages.exists()
    event = OrderEvent.objects.get(order=order, kind=EventKind.REFUSED)
    assert "needs attention on the TikTok Shop page" in event.payload["message"]
    assert sim_order.data["status"] == "AWAITING_SHIPMENT"


def test_tiktok_down_for_good_gives_up_after_the_last_attempt(
    client, packer, shop, world, settings, django_capture_on_commit_callbacks
):
    settings.TIKTOK_ACTION_REQUEUE_MAX_SECONDS = -1
    settings.TIKTOK_ACTION_MAX_ATTEMPTS = 2
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    client.force_login(packer)
    assert "USPS" in page(client, order)
    world.sim.fault_add("unavailable", 10)
    ship(client, order, capture=django_capture_on_commit_callbacks)
    action = TikTokAction.objects.get()
    assert action.state == "pending"

    assert action_send_now(action_id=action.pk) == "failed"

    action.refresh_from_db()
    assert action.attempts == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT and not order.packages.exists()
    assert "did not answer after 2 attempts" in page(client, order)


def test_a_connected_shop_s_status_is_tiktok_s_to_set(client, packer, shop, world):
    connection = world.connect(shop, US)
    _, order = world.order(connection, US)
    client.force_login(packer)
    shown = html.unescape(page(client, order))
    assert "Move to" not in shown and 'id="status-owner"' in shown
    assert "TikTok sets this order's status" in shown

    response = client.post(
        f"/orders/{order.order_id}/status/",
        {"status": "CANCELLED", "reason": "Out of stock"},
        follow=True,
    )

    assert "Nothing changed: TikTok sets this order's status" in html.unescape(response.text)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    assert not order.events.filter(kind=EventKind.STATUS_CHANGED).exists()


def test_an_open_cancellation_request_is_answered_before_shipping(
    client, packer, shop, world, django_capture_on_commit_callbacks
):
    connection = world.connect(shop, US)
    sim_order, order = world.order(connection, US)
    client.force_login(packer)
    assert "USPS" in page(client, order)
    sim_order.data["is_buyer_request_cancel"] = True  # the buyer asks meanwhile

    ship(client, order, capture=django_capture_on_commit_callbacks)

    action = TikTokAction.objects.get()
    assert (action.state, action.response_code) == ("refused", 21008044)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    assert "open cancellation or return request: answer it first" in page(client, order)
