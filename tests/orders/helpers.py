"""What the order tests share: orders to filter on, and what an order's parts say."""

from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

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


def ids(response) -> set[str]:
    return {row.order.order_id for row in response.context["page"].rows}


def listed(client, **params) -> set[str]:
    response = client.get("/orders/", params)
    assert response.status_code == 200
    return ids(response)


def list_orders(shop) -> dict:
    """A handful of orders with known facts, in the shop's zone (Los Angeles)."""
    now = timezone.now()
    return {
        "transit": OrderFactory(
            shop=shop,
            status="IN_TRANSIT",
            order_id="576000000000000001",
            create_time=now - timedelta(days=2),
            total_amount=Decimal("40"),
            buyer_username="olivia.smith9",
            recipient_name="Olivia Smith",
            payment_method_name="PayPal",
            state="Texas",
            city="Austin",
            buyer_message="",
        ),
        "shipping": OrderFactory(
            shop=shop,
            status="AWAITING_SHIPMENT",
            order_id="576000000000000002",
            create_time=now - timedelta(hours=5),
            total_amount=Decimal("15.50"),
            buyer_username="liam.j",
            recipient_name="Liam Jones",
            buyer_message="Gift wrap please",
            shipping_due_time=now + timedelta(hours=3),
            state="Ohio",
            city="Columbus",
            payment_method_name="Visa",
        ),
        "old": OrderFactory(
            shop=shop,
            status="COMPLETED",
            order_id="576000000000000003",
            create_time=now - timedelta(days=200),
            total_amount=Decimal("99"),
            buyer_username="emma.w",
            recipient_name="Emma Wright",
            state="California",
            city="Los Angeles",
            payment_method_name="Apple Pay",
            buyer_message="",
        ),
    }
