"""An order's lines and packages follow its status: a delivered order's
items no longer say "Awaiting shipment"."""

import pytest
from django.utils import timezone

from orders.services.status import order_status_change
from orders.statuses import ActorType, LineStatus, OrderStatus, PackageStatus
from tests.orders.factories import OrderFactory
from tests.orders.helpers import line_statuses, package_statuses

pytestmark = pytest.mark.django_db


def test_a_delivered_order_has_delivered_lines_and_completed_packages(client, cs_agent, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    order.lines.update(display_status=LineStatus.AWAITING_SHIPMENT)  # as the old code left it

    order_status_change(order=order, new_status=OrderStatus.DELIVERED, actor_type=ActorType.CARRIER)

    assert set(line_statuses(order)) == {LineStatus.DELIVERED}
    assert set(package_statuses(order)) == {PackageStatus.COMPLETED}
    client.force_login(cs_agent)
    page = client.get(f"/orders/{order.order_id}/").content.decode()
    items = page[page.index('aria-labelledby="h-lines"') : page.index('id="tracking"')]
    assert "Awaiting shipment" not in items and "Delivered" in items


def test_cancelling_by_hand_cancels_lines_and_packages(client, packer, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION)
    client.force_login(packer)

    response = client.post(
        f"/orders/{order.order_id}/status/", {"status": "CANCELLED", "reason": "Out of stock"}
    )

    assert response.status_code in (200, 302)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert set(line_statuses(order)) == {LineStatus.CANCELLED}
    assert set(package_statuses(order)) == {PackageStatus.CANCELLED}


def test_a_line_already_delivered_stays_delivered_when_the_rest_is_cancelled(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    first, *others = order.lines.order_by("pk")
    first.display_status = LineStatus.DELIVERED
    first.save(update_fields=["display_status"])

    order_status_change(order=order, new_status=OrderStatus.CANCELLED, actor_type=ActorType.TIKTOK)

    first.refresh_from_db()
    assert first.display_status == LineStatus.DELIVERED
    assert all(
        line.display_status == LineStatus.CANCELLED for line in order.lines.exclude(pk=first.pk)
    )


def test_lines_never_move_back_and_a_cancelled_line_stays_cancelled(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    order.lines.update(display_status=LineStatus.CANCELLED)

    order_status_change(
        order=order,
        new_status=OrderStatus.IN_TRANSIT,
        actor_type=ActorType.TIKTOK,
        occurred_at=timezone.now(),
    )

    assert set(line_statuses(order)) == {LineStatus.CANCELLED}


def test_the_data_migration_repairs_orders_stored_before(shop):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("orders.migrations.0012_lines_follow_order_status")
    delivered = OrderFactory(shop=shop, status=OrderStatus.DELIVERED)
    cancelled = OrderFactory(shop=shop, status=OrderStatus.CANCELLED)
    delivered.lines.update(display_status=LineStatus.AWAITING_SHIPMENT)
    delivered.packages.update(package_status=PackageStatus.PROCESSING)
    cancelled.lines.update(display_status=LineStatus.AWAITING_SHIPMENT)

    migration.forwards(apps, None)

    assert set(line_statuses(delivered)) == {LineStatus.DELIVERED}
    assert set(package_statuses(delivered)) <= {PackageStatus.COMPLETED}
    assert set(line_statuses(cancelled)) == {LineStatus.CANCELLED}
