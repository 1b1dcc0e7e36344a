"""What the order tests share: orders to filter on, and what an order's parts say."""

from django.core.cache import cache

from orders.models import Package
from tests.orders.factories import OrderFactory


def orders_with_filter_values(shop, other_shop) -> list:
    """Three shipped orders of `shop` with payment methods, countries, carriers and delivery
    options to list, and one of `other_shop` whose values must not be listed."""
    cache.clear()  # lists cached by an earlier test of a shop with the same key
    mine = [
        OrderFactory(
            shop=shop,
            order_id=f"57660000000000000{n}",
            status="IN_TRANSIT",  # shipped: each has a package
            payment_method_name=payment,
            region_code=country,
            delivery_option_name=delivery,
        )
        for n, (payment, country, delivery) in enumerate(
            [
                ("PayPal", "US", "Standard shipping"),
                ("Visa", "US", "Express <b>fast</b>"),
                ("Visa", "GB", "Standard shipping"),
            ]
        )
    ]
    assert all(order.packages.exists() for order in [*mine])
    Package.objects.filter(order__in=mine).update(shipping_provider_name="USPS")
    Package.objects.filter(order=mine[2]).update(shipping_provider_name="Royal Mail")
    theirs = OrderFactory(
        shop=other_shop, status="IN_TRANSIT", payment_method_name="Klarna", region_code="DE"
    )
    Package.objects.filter(order=theirs).update(shipping_provider_name="DHL")
    return mine


def line_statuses(order) -> list[str]:
    return sorted(order.lines.values_list("display_status", flat=True))


def package_statuses(order) -> list[str]:
    return sorted(order.packages.values_list("package_status", flat=True))
