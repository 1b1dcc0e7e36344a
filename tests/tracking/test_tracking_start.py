"""A new tracking number is registered and asked about at once, not ~24
minutes later at the dispatcher's next pass after its registration retry."""

import threading

import pytest

from demo.carrier_simulator import NORMAL, scenario_for, simulator_server
from orders.models import Package
from orders.statuses import OrderStatus, TrackingStatus
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
KEY = "start-now-key"


@pytest.fixture
def carrier(settings):
    server, simulated = simulator_server(api_key=KEY, speed=1.0, rate_limit=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    settings.TRACKING_SIMULATOR_URL = f"http://{host}:{port}/track/v2.2"
    settings.TRACKING_SIMULATOR_KEY = KEY
    settings.TRACKING_DEFAULT_PROVIDER = "simulator"
    yield simulated
    server.shutdown()
    server.server_close()


def _normal_number() -> str:
    return next(f"SIMN{i:08d}" for i in range(10_000) if scenario_for(f"SIMN{i:08d}") is NORMAL)


def test_adding_a_tracking_number_registers_and_polls_it_at_once(
    client, packer, shop, carrier, eager, django_capture_on_commit_callbacks
):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    order.packages.all().delete()
    number = _normal_number()
    client.force_login(packer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orders/{order.order_id}/tracking/",
            {"carrier": "Simulated Express", "tracking_number": number},
        )

    assert response.status_code == 302
    assert number in carrier.parcels  # registered with the carrier
    package = Package.objects.get(order=order, tracking_number=number)
    assert package.tracking_status == TrackingStatus.INFO_RECEIVED  # asked at once
    assert package.last_checkpoint_message == "Shipping label created"
    assert package.next_poll_at is not None  # and the schedule follows
    page = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "Info received" in page[page.index('id="tracking"') :]


def test_a_provider_that_is_down_leaves_the_number_to_the_schedule(
    client, packer, shop, settings, eager, django_capture_on_commit_callbacks
):
    settings.TRACKING_SIMULATOR_URL = "http://127.0.0.1:9/track/v2.2"  # nothing listens
    settings.TRACKING_DEFAULT_PROVIDER = "simulator"
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    client.force_login(packer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orders/{order.order_id}/tracking/",
            {"carrier": "Simulated Express", "tracking_number": "SIMDOWN00001"},
        )

    assert response.status_code == 302
    package = Package.objects.get(order=order, tracking_number="SIMDOWN00001")
    assert package.tracking_status == TrackingStatus.PENDING
    assert package.next_poll_at is not None and package.poll_failures == 1
