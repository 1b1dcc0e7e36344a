"""A packer adds a tracking number; it is registered and asked about at once (no "Pending"
for the dispatcher's next passes), and as the simulated carrier moves the parcel, the order
page's tracking history updates by itself (htmx), without a reload."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.carrier_simulator import NORMAL, scenario_for, simulator_server
from orders.statuses import OrderStatus
from tests.browser.conftest import HOME, screenshot, sign_in
from tests.orders.factories import OrderFactory
from tracking.carriers.seventeen_track import SeventeenTrack
from tracking.services.poll import poll_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KEY = "browser-simulator-key"


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def carrier(settings):
    clock = Clock()
    server, _ = simulator_server(api_key=KEY, speed=1.0, clock=clock)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    # The portal's own calls (the immediate registration) reach the same simulator.
    settings.TRACKING_SIMULATOR_URL = f"http://{host}:{port}/track/v2.2"
    settings.TRACKING_SIMULATOR_KEY = KEY
    settings.TRACKING_DEFAULT_PROVIDER = "simulator"
    adapter = SeventeenTrack(api_key=KEY, base_url=f"http://{host}:{port}/track/v2.2")
    adapter.code = "simulator"
    yield adapter, clock
    server.shutdown()
    server.server_close()


def test_tracking_history_updates_while_the_page_is_open(
    page,
    shop,
    packer,
    carrier,
    eager,  # noqa: F811 - the fixture imported above
):
    adapter, clock = carrier
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    number = next(f"SIMB{i:08d}" for i in range(10_000) if scenario_for(f"SIMB{i:08d}") is NORMAL)

    sign_in(page, packer.email)
    page.wait_for_url(HOME)
    page.goto(f"/orders/{order.order_id}/")
    page.get_by_label("Carrier").fill("Simulated Express")
    page.get_by_label("Tracking number").fill(number)
    page.get_by_role("button", name="Add tracking number").click()
    section = page.locator("#tracking")
    expect(section.get_by_text(number)).to_be_visible()
    expect(page.locator("#order-status")).not_to_have_text("In transit")
    # Registered and asked about at once: the carrier's first scan, not "Pending".
    expect(section.locator(".badge", has_text="Info received").first).to_be_visible()
    expect(section.get_by_text("Shipping label created").first).to_be_visible()
    move_to = page.locator("#fulfilment").get_by_label("Move to")
    expect(move_to.locator("option", has_text="In transit")).to_have_count(1)
    screenshot(page, "order-detail-tracking-added")

    # The dispatcher's work, done here: the carrier moves the parcel, the next poll sees it.
    page.evaluate("window.sameDocument = true")
    clock.now += timedelta(hours=7)
    assert poll_due(adapter, now=timezone.now() + timedelta(hours=5)).updated == 1

    scan = section.locator(".checkpoints li", has_text="Picked up by the carrier")
    expect(scan).to_be_visible(timeout=15_000)
    expect(section.locator(".badge", has_text="In transit").first).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("In transit")  # the header's badge too
    # The items follow the order, in place too.
    expect(page.locator("#items .badge").first).to_have_text("In transit")
    expect(page.locator("#items").get_by_text("Awaiting collection")).to_have_count(0)
    # Where the packer may move it refreshes too: in transit, nowhere (the carrier goes on),
    # and a parcel on its way takes no new tracking number.
    expect(move_to).to_have_count(0)
    expect(page.get_by_role("button", name="Add tracking number")).to_have_count(0)
    assert page.evaluate("window.sameDocument") is True  # swapped in place, not reloaded
    screenshot(page, "order-detail-tracking")
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
