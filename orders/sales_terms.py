"""What the sales words mean, as SQL conditions and expressions: the one definition the
insights figures, their roll-ups and the order list's filters all read (docs/insights.md).

- Kept orders: paid and not cancelled (unpaid orders are never sales).
- Returned: a refund asked for (`has_refund`) or a buyer's return request.
- Shipped with a deadline: handed to the carrier (`collection_time`) with a ship-by time
  (`shipping_due_time`); late when handed over after it.
- Net sales of an order: gross (`original_total_product_price`) less the seller's and the
  platform's discounts on products and shipping, less refunds.
- The funnel: the period's paid orders by their status now.
"""

from decimal import Decimal

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, Value

from orders.models import BuyerRequest
from orders.statuses import OrderStatus, RequestKind

CANCELLED = Q(status=OrderStatus.CANCELLED)
RETURNED = Q(has_refund=True) | Q(
    Exists(BuyerRequest.objects.filter(order=OuterRef("pk"), kind=RequestKind.RETURN))
)
SHIPPED = Q(collection_time__isnull=False, shipping_due_time__isnull=False)
LATE = SHIPPED & Q(collection_time__gt=F("shipping_due_time"))
PAID_STATUSES = tuple(s for s in OrderStatus.values if s != OrderStatus.UNPAID)
KEPT_STATUSES = tuple(s for s in PAID_STATUSES if s != OrderStatus.CANCELLED)

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY_FIELD)
NET_SALES = ExpressionWrapper(
    F("original_total_product_price")
    - F("seller_discount")
    - F("shipping_fee_seller_discount")
    - F("platform_discount")
    - F("shipping_fee_platform_discount")
    - F("refunded_amount"),
    output_field=MONEY_FIELD,
)

# (code, label, the statuses counted): every step is a share of the first, paid orders.
FUNNEL = (
    ("paid", "Paid", PAID_STATUSES),
    ("shipped", "Shipped", (OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED, OrderStatus.COMPLETED)),
    ("delivered", "Delivered", (OrderStatus.DELIVERED, OrderStatus.COMPLETED)),
    ("completed", "Completed", (OrderStatus.COMPLETED,)),
    ("cancelled", "Cancelled", (OrderStatus.CANCELLED,)),
)
