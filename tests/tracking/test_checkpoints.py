"""Storing a carrier's report: checkpoints kept once whatever order they arrive in, the order
following its parcels (the carrier as actor), silence expiring a parcel, and a batch stored in
the same statements however many parcels it holds."""

from datetime import timedelta

import pytest

from orders.models import OrderEvent, Package
from orders.statuses import ActorType, EventKind, OrderStatus, TrackingStatus
from tests.orders.factories import OrderFactory
from tests.tracking.helpers import (
    DELIVERED,
    OUT,
    PICKED_UP,
    START,
    tracked_package,
    tracking_update,
)
from tracking.models import TrackingCheckpoint
from tracking.services.checkpoints import tracking_apply


@pytest.mark.django_db
def test_first_scan_moves_the_order_in_transit_with_the_carrier_as_actor(shop):
    package = tracked_package(shop)
    tracking_apply(
        package_id=package.pk, update=tracking_update(package.tracking_number, PICKED_UP)
    )
    order = package.order
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
    event = OrderEvent.objects.filter(order=order, kind=EventKind.STATUS_CHANGED).latest("pk")
    assert event.actor_type == ActorType.CARRIER and event.payload["to"] == "IN_TRANSIT"
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.IN_TRANSIT
    assert package.last_checkpoint_message == "Picked up"
    assert package.next_poll_at > START  # asked again later, not now


@pytest.mark.django_db
def test_duplicates_and_out_of_order_updates_change_nothing(shop):
    package = tracked_package(shop)
    newest = tracking_update(package.tracking_number, PICKED_UP, OUT, DELIVERED)
    older = tracking_update(package.tracking_number, PICKED_UP, OUT)
    tracking_apply(package_id=package.pk, update=newest)
    tracking_apply(package_id=package.pk, update=newest)  # the same report again
    tracking_apply(package_id=package.pk, update=older)  # a stale report arriving late
    package.refresh_from_db()
    assert TrackingCheckpoint.objects.filter(package=package).count() == 3
    assert package.tracking_status == TrackingStatus.DELIVERED and package.next_poll_at is None
    order = package.order
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.delivery_time == DELIVERED[0]


@pytest.mark.django_db
def test_an_order_is_delivered_only_when_every_package_is(shop):
    first = tracked_package(shop)
    second = Package.objects.create(
        order=first.order, tracking_number="SIM000000002", tracking_provider="simulator"
    )
    tracking_apply(
        package_id=first.pk, update=tracking_update(first.tracking_number, PICKED_UP, DELIVERED)
    )
    first.order.refresh_from_db()
    assert first.order.status == OrderStatus.IN_TRANSIT
    tracking_apply(
        package_id=second.pk, update=tracking_update(second.tracking_number, PICKED_UP, DELIVERED)
    )
    first.order.refresh_from_db()
    assert first.order.status == OrderStatus.DELIVERED


@pytest.mark.django_db
def test_silence_expires_a_parcel(shop, settings):
    settings.TRACKING_EXPIRE_DAYS = 30
    package = tracked_package(shop)
    tracking_apply(
        package_id=package.pk,
        update=tracking_update(package.tracking_number, PICKED_UP),
        now=START + timedelta(days=31),
    )
    package.refresh_from_db()
    assert package.tracking_status == TrackingStatus.EXPIRED and package.next_poll_at is None


@pytest.mark.django_db
def test_an_exception_shows_in_needs_action(client, admin, shop):
    package = tracked_package(shop)
    stuck = (START + timedelta(hours=30), TrackingStatus.EXCEPTION, "Held by customs")
    tracking_apply(
        package_id=package.pk, update=tracking_update(package.tracking_number, PICKED_UP, stuck)
    )
    client.force_login(admin)
    listed = client.get("/orders/?needs_action=tracking_exception").content.decode()
    assert package.order.order_id in listed
    detail = client.get(f"/orders/{package.order.order_id}/").content.decode()
    assert "Held by customs" in detail


@pytest.mark.django_db
def test_storing_a_batch_costs_the_same_statements_for_5_or_40_parcels(shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracking.services.checkpoints import tracking_apply_batch

    def statements(count: int) -> int:
        order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED)
        packages = [
            Package.objects.create(
                order=order, tracking_number=f"SIMQ{count}{i:04d}", tracking_provider="simulator"
            )
            for i in range(count)
        ]
        updates = {p.pk: tracking_update(p.tracking_number, PICKED_UP, OUT) for p in packages}
        with CaptureQueriesContext(connection) as queries:
            changed = tracking_apply_batch(updates, now=START + timedelta(days=3))
        assert len(changed) == count
        return len(queries)

    assert statements(5) == statements(40)
