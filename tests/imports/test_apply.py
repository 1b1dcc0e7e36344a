"""Applying an import to an order already stored: its lines and packages follow the status the
file gives it."""

import pytest

from orders.models import Order
from orders.statuses import LineStatus, OrderStatus, PackageStatus
from tests.imports.tiktok_files import ORDER, import_file, sku_csv, sku_row
from tests.orders.helpers import line_statuses, package_statuses

pytestmark = pytest.mark.django_db


def test_an_import_that_moves_the_order_moves_its_lines(us_shop):
    import_file(us_shop, sku_csv(sku_row()))
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
    assert import_file(us_shop, sku_csv(delivered)).updated == 1
    order = Order.objects.get(shop=us_shop, order_id=ORDER)
    assert order.status == OrderStatus.DELIVERED
    assert set(line_statuses(order)) == {LineStatus.DELIVERED}
    assert set(package_statuses(order)) == {PackageStatus.COMPLETED}
