"""Sales figures of a period, by SQL aggregation over the order list's filtered orders.

The insights page (and the overview's tiles) pass a SalesScope (the orders `order_filterset`
selects, scoped to the user's shops, the list's one FilterSet applied; the shops of one
currency) and get the figures of one period in two queries, never loading an order.
docs/insights.md says what each figure means; the definitions below are the only place they
are computed.

- An order belongs to a period by its create time read in its shop's zone: the period is
  [local midnight of the first day, local midnight after the last day) per shop, so a day
  across a DST change has 23 or 25 hours (TikTok's `create_time`, docs/tiktok.md).
- Unpaid orders are not sales and are left out. "Orders" counts the rest, cancelled included;
  every money figure and units count the orders not cancelled ("kept orders").
- Gross sales: original_total_product_price (product prices before any discount).
- Seller discounts: seller_discount + shipping_fee_seller_discount; platform discounts
  (funded by TikTok): platform_discount + shipping_fee_platform_discount.
- Shipping: shipping_fee (what buyers paid for shipping, after its discounts).
- Taxes: tax + retail_delivery_fee.
- Refunds: refunded_amount (TikTok's refunded total, shipping refunds included).
- Net sales: gross sales - both discounts - refunds (what buyers paid for the products,
  less what was given back).
- Average order value: net sales / kept orders.
- Cancellation rate: cancelled orders / orders.
- Return rate: kept orders with a refund asked for or a return request / kept orders.
- Shipped late: kept orders shipped (collection_time) after their ship-by deadline
  (shipping_due_time) / kept orders shipped with a deadline.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from orders.models import OrderLine
from orders.money import to_money
from orders.sales_terms import CANCELLED, LATE, RETURNED, SHIPPED
from orders.selectors.sales_rollups import rolled_figures
from orders.selectors.sales_types import SalesFigures, SalesScope


def _money(field, condition: Q):
    return Coalesce(Sum(field, filter=condition), Value(Decimal(0)))


def sales_figures(scope: SalesScope, first: date, after: date) -> SalesFigures:
    """The figures of the scope's orders created on days first..after-1: from the daily
    roll-ups when they can serve the scope, else one aggregate and one units sum."""
    rolled = rolled_figures(scope, first, after)
    if rolled is not None:
        return rolled
    period_orders = scope.in_period(first, after)
    kept = ~CANCELLED
    totals = period_orders.aggregate(
        orders=Count("pk"),
        cancelled=Count("pk", filter=CANCELLED),
        gross_sales=_money("original_total_product_price", kept),
        seller_product=_money("seller_discount", kept),
        seller_shipping=_money("shipping_fee_seller_discount", kept),
        platform_product=_money("platform_discount", kept),
        platform_shipping=_money("shipping_fee_platform_discount", kept),
        shipping=_money("shipping_fee", kept),
        tax=_money("tax", kept),
        retail_delivery=_money("retail_delivery_fee", kept),
        refunds=_money("refunded_amount", kept),
        returned=Count("pk", filter=kept & RETURNED),
        shipped=Count("pk", filter=kept & SHIPPED),
        shipped_late=Count("pk", filter=kept & LATE),
    )
    kept_ids = period_orders.exclude(CANCELLED).values("pk")
    units = OrderLine.objects.filter(order__in=kept_ids).aggregate(n=Sum("quantity"))["n"]
    return SalesFigures(
        orders=totals["orders"],
        cancelled=totals["cancelled"],
        units=units or 0,
        gross_sales=to_money(totals["gross_sales"]),
        seller_discounts=to_money(totals["seller_product"] + totals["seller_shipping"]),
        platform_discounts=to_money(totals["platform_product"] + totals["platform_shipping"]),
        shipping=to_money(totals["shipping"]),
        taxes=to_money(totals["tax"] + totals["retail_delivery"]),
        refunds=to_money(totals["refunds"]),
        returned=totals["returned"],
        shipped=totals["shipped"],
        shipped_late=totals["shipped_late"],
    )
