"""The order factory saves an order consistent with its lines, packages, checkpoints and events
(the demo builder it rests on is tested in tests/demo/test_builder.py)."""

import pytest

from orders.models import Order
from orders.statuses import OrderStatus
from tests.orders.factories import OrderFactory


@pytest.mark.django_db
def test_order_factory_saves_a_consistent_order_with_its_children(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED, buyer_username="maria.l")
    saved = Order.objects.get(pk=order.pk)
    assert saved.buyer_username == "maria.l"
    assert saved.lines.count() >= 1 and saved.packages.count() == 1
    assert saved.sub_total == sum(line.subtotal_after_discount for line in saved.lines.all())
    package = saved.packages.get()
    assert package.checkpoints.count() >= 3
    assert all(line.package_id == package.pk for line in saved.lines.all())
    assert saved.events.filter(kind="status_changed").exists()
