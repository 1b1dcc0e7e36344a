"""Risk indicators of an order: explained facts with a level (high, medium, low)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Q

from orders.models import Order

SAME_DESTINATION_WINDOW = timedelta(hours=24)
SAME_DESTINATION_ALERT = 3  # other orders to the same address or phone within the window
HIGH_VALUE_FACTOR = 3  # a first order this many times the shop's average order value
AVERAGE_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Risk:
    level: str  # "high", "medium" or "low"
    fact: str


def shop_average_order_value(shop) -> Decimal | None:
    """The shop's average order total over the last 90 days, cached for an hour."""
    key = f"orders:aov:{shop.pk}"
    value = cache.get(key)
    if value is None:
        recent = Order.objects.filter(shop=shop, paid_time__isnull=False).order_by("-create_time")
        latest = recent.values_list("create_time", flat=True).first()
        if latest is None:
            return None
        value = recent.filter(create_time__gte=latest - timedelta(days=90)).aggregate(
            a=Avg("total_amount")
        )["a"]
        cache.set(key, str(value), AVERAGE_CACHE_SECONDS)
    return Decimal(value) if value not in (None, "None") else None


def order_risks(order: Order) -> list[Risk]:
    """What about this order deserves a second look, most serious first."""
    risks = []
    if (
        order.billing_region_code
        and order.region_code
        and order.billing_region_code != order.region_code
    ):
        risks.append(
            Risk(
                "high",
                f"Billing address is in another country "
                f"({order.billing_region_code}) than the shipping address "
                f"({order.region_code}).",
            )
        )
    elif order.billing_address_line1 and (
        order.billing_address_line1,
        order.billing_postal_code,
    ) != (order.address_line1, order.postal_code):
        risks.append(Risk("medium", "Billing and shipping addresses differ."))
    if order.address_line1 or order.recipient_phone:
        same = Q()
        if order.recipient_phone:
            same |= Q(recipient_phone=order.recipient_phone)
        if order.address_line1:
            same |= Q(address_line1=order.address_line1, postal_code=order.postal_code)
        window = (
            order.create_time - SAME_DESTINATION_WINDOW,
            order.create_time + SAME_DESTINATION_WINDOW,
        )
        same_destination = Order.objects.filter(same, shop_id=order.shop_id)
        others = same_destination.filter(create_time__range=window).exclude(pk=order.pk).count()
        if others >= SAME_DESTINATION_ALERT:
            risks.append(
                Risk(
                    "medium", f"{others} other orders to the same address or phone within 24 hours."
                )
            )
    if order.is_buyer_request_cancel and order.status != "CANCELLED":
        risks.append(Risk("medium", "The buyer asked to cancel."))
    average = shop_average_order_value(order.shop)
    if average and order.total_amount >= HIGH_VALUE_FACTOR * average and order.buyer_user_id:
        earlier = Order.objects.filter(
            shop_id=order.shop_id,
            buyer_user_id=order.buyer_user_id,
            create_time__lt=order.create_time,
        ).exists()
        if not earlier:
            risks.append(
                Risk(
                    "low",
                    f"First order from this buyer, at "
                    f"{order.total_amount / average:.1f}× the shop's average "
                    "order value.",
                )
            )
    return risks
