"""An order's lines and packages follow its status (issue 14 item 8): a delivered order's
items no longer say "Awaiting shipment"."""

import pytest
from django.utils import timezone

from orders.models import Order
from orders.services.status import order_status_change
from orders.statuses import ActorType, LineStatus, OrderStatus, PackageStatus
from tests.imports.test_import import _import, us_shop  # noqa: F401
from tests.imports.tiktok_files import ORDER, sku_csv, sku_row
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _lines(order):
    return sorted(order.lines.values_list("display_status", flat=True))


def _packages(order):
    return sorted(order.packages.values_list("package_status", flat=True))


def test_a_delivered_order_has_delivered_lines_and_completed_packages(client, cs_agent, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    order.lines.update(display_status=LineStatus.AWAITING_SHIPMENT)  # as the old code left it

    order_status_change(order=order, new_status=OrderStatus.DELIVERED, actor_type=ActorType.CARRIER)

    assert set(_lines(order)) == {LineStatus.DELIVERED}
    assert set(_packages(order)) == {PackageStatus.COMPLETED}
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
    assert set(_lines(order)) == {LineStatus.CANCELLED}
    assert set(_packages(order)) == {PackageStatus.CANCELLED}


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

    assert set(_lines(order)) == {LineStatus.CANCELLED}


def test_an_import_that_moves_the_order_moves_its_lines(us_shop):  # noqa: F811
    _import(us_shop, sku_csv(sku_row()))
    delivered = sku_row(
        **{
            "Order Status": "Delivered",
            "Order Substatus": "Delivered",
            "RTS Time": "04/01/2026 09:00:00 AM",
            "Shipped Time": "04/01/2026 04:00:00 PM",
            "Delivered Time": "04/03/2026 10:00:00 AM",
            "Tracking ID": "1Z999AA10123456784\t",
            "Shipping Provider Name": "UPS",
        }
    )
    assert _import(us_shop, sku_csv(delivered)).updated == 1
    order = Order.objects.get(shop=us_shop, order_id=ORDER)
    assert order.status == OrderStatus.DELIVERED
    assert set(_lines(order)) == {LineStatus.DELIVERED}
    assert set(_packages(order)) == {PackageStatus.COMPLETED}


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

    assert set(_lines(delivered)) == {LineStatus.DELIVERED}
    assert set(_packages(delivered)) <= {PackageStatus.COMPLETED}
    assert set(_lines(cancelled)) == {LineStatus.CANCELLED}
