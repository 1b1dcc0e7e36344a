"""Risk indicators of an order: explained facts with a level (high, medium, low).

The indicators the order row alone tells are declared once, as conditions (`ROW_RISKS`): the
list's `risk` filter selects the orders where one holds, and the order page reads the same
conditions from the database for its badges and its billing warning, so the three cannot
disagree. The others need other orders (same destination, the buyer's first order).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, BooleanField, ExpressionWrapper, F, Q, QuerySet

from orders.models import BILLING_COMPARED, Order
from orders.needs_action import cancel_requested_q

SAME_DESTINATION_WINDOW = timedelta(hours=24)
SAME_DESTINATION_ALERT = 3  # other orders to the same address or phone within the window
HIGH_VALUE_FACTOR = 3  # a first order this many times the shop's average order value
AVERAGE_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Risk:
    level: str  # "high", "medium" or "low"
    fact: str


def _differs(field: str) -> Q:
    return ~Q(**{f"billing_{field}": F(field)})


ROW_RISKS = {
    # Both countries known, and not the same.
    "billing_country": ~Q(billing_region_code="")
    & ~Q(region_code="")
    & ~Q(billing_region_code=F("region_code")),
    # A billing address was given, and some of it is not the shipping address's.
    "billing_address": ~Q(billing_address_line1="")
    & Q(*[_differs(field) for field in BILLING_COMPARED], _connector=Q.OR),
    "cancel_requested": cancel_requested_q(),
}
ANNOTATION = "risk_{}"


def risk_q() -> Q:
    """Orders with a risk indicator that can be told from the order row alone."""
    return Q(*ROW_RISKS.values(), _connector=Q.OR)


def with_row_risks(queryset: QuerySet) -> QuerySet:
    """Each order with its row risks read in the same query (see `row_risks`)."""
    return queryset.annotate(
        **{
            ANNOTATION.format(code): ExpressionWrapper(condition, output_field=BooleanField())
            for code, condition in ROW_RISKS.items()
        }
    )


def row_risks(order: Order) -> set[str]:
    """The `ROW_RISKS` that hold for the order, as the database reads them (one query
    unless the order was loaded through `with_row_risks`)."""
    names = [ANNOTATION.format(code) for code in ROW_RISKS]
    if all(hasattr(order, name) for name in names):
        values = [getattr(order, name) for name in names]
    else:
        values = with_row_risks(Order.objects.filter(pk=order.pk)).values_list(*names).get()
    return {code for code, holds in zip(ROW_RISKS, values, strict=True) if holds}


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
    held = row_risks(order)
    if "billing_country" in held:
        risks.append(
            Risk(
                "high",
                f"Billing address is in another country "
                f"({order.billing_region_code}) than the shipping address "
                f"({order.region_code}).",
            )
        )
    elif "billing_address" in held:
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
    if "cancel_requested" in held:
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
