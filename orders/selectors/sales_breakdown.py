"""A period's sales broken down: top SKUs and products, destinations, the status funnel.

One SQL aggregation each over the orders of a `SalesScope` (the order list's filtered orders,
the shops of one currency) on local days [first, after), never an order loaded. The
definitions are the same for the daily roll-ups (docs/insights.md):

- Lines: those of the kept orders (paid, not cancelled); a SKU by `sku_id`, a product by
  `product_id`. Units are quantities, sales `subtotal_after_discount` (after the line's seller
  and platform discounts), refunds the units returned (`returned_quantity`), which every source
  holds exactly where an order's refunded amount is not apportioned to its lines.
- Regions: every period order (cancelled included) by its stored destination
  (`region_code`, `state`); net sales over the kept ones, as `SalesFigures.net_sales`.
- Funnel: the period's paid orders by their status now.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from orders.models import OrderLine
from orders.money import to_money
from orders.sales_terms import CANCELLED, FUNNEL, NET_SALES, ZERO
from orders.selectors.sales_rollups import (
    rolled_funnel,
    rolled_products,
    rolled_regions,
    rolled_skus,
    rolled_top_lines,
)
from orders.selectors.sales_types import FunnelStep, LineTotals, RegionTotals, SalesScope

TOP = 10
Limit = int | None  # None: every one
Keys = Iterable[str] | None  # None: any
FUNNEL_STATUSES = {code: statuses for code, _, statuses in FUNNEL}


def _kept_lines(scope: SalesScope, first: date, after: date):
    kept = scope.in_period(first, after).exclude(CANCELLED)
    return OrderLine.objects.filter(order__in=kept.values("pk"))


def _line_totals(lines, key: str, *, named: bool, limit: Limit, keys: Keys) -> list[LineTotals]:
    if keys is not None:
        lines = lines.filter(**{f"{key}__in": list(keys)})
    rows = (
        lines.values(key)
        .annotate(
            product=Max("product_name"),
            variation=Max("variation"),
            seller=Max("seller_sku"),
            units=Sum("quantity"),
            sales=Coalesce(Sum("subtotal_after_discount"), ZERO),
            refunded=Sum("returned_quantity"),
        )
        .order_by("-sales", "-units", key)
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        LineTotals(
            key=row[key],
            name=(
                f"{row['product']} — {row['variation']}"
                if named and row["variation"]
                else row["product"]
            ),
            seller_sku=row["seller"] if named else "",
            units=row["units"] or 0,
            sales=to_money(row["sales"]),
            refunded_units=row["refunded"] or 0,
        )
        for row in rows
    ]


def top_skus(
    scope: SalesScope, first: date, after: date, limit: Limit = TOP, *, keys: Keys = None
) -> list[LineTotals]:
    """The best-selling SKUs of the kept orders, by sales, units, then SKU ID; `keys` keeps
    only those SKU IDs (a comparison period's values for the rows shown)."""
    rolled = rolled_skus(scope, first, after, limit, keys=keys)
    if rolled is not None:
        return rolled
    lines = _kept_lines(scope, first, after)
    return _line_totals(lines, "sku_id", named=True, limit=limit, keys=keys)


def top_products(
    scope: SalesScope, first: date, after: date, limit: Limit = TOP, *, keys: Keys = None
) -> list[LineTotals]:
    """The best-selling products of the kept orders, as `top_skus` by product ID."""
    rolled = rolled_products(scope, first, after, limit, keys=keys)
    if rolled is not None:
        return rolled
    lines = _kept_lines(scope, first, after)
    return _line_totals(lines, "product_id", named=False, limit=limit, keys=keys)


def top_lines(
    scope: SalesScope,
    first: date,
    after: date,
    limit: Limit = TOP,
    *,
    sku_keys: Keys = None,
    product_keys: Keys = None,
) -> tuple[list[LineTotals], list[LineTotals]]:
    """`top_skus` and `top_products` at once (from the roll-ups: one statement for both),
    `sku_keys` and `product_keys` keeping only those of each."""
    rolled = rolled_top_lines(
        scope, first, after, limit, sku_keys=sku_keys, product_keys=product_keys
    )
    if rolled is not None:
        return rolled
    lines = _kept_lines(scope, first, after)
    return (
        _line_totals(lines, "sku_id", named=True, limit=limit, keys=sku_keys),
        _line_totals(lines, "product_id", named=False, limit=limit, keys=product_keys),
    )


def sales_by_region(scope: SalesScope, first: date, after: date) -> list[RegionTotals]:
    """Every destination of the period's orders: orders (cancelled included) and net sales of
    the kept ones, by net sales, orders, country, state."""
    rolled = rolled_regions(scope, first, after)
    if rolled is not None:
        return rolled
    rows = (
        scope.in_period(first, after)
        .values("region_code", "state")
        .annotate(
            orders=Count("pk"),
            net_sales=Coalesce(Sum(NET_SALES, filter=~CANCELLED), ZERO),
        )
        .order_by("-net_sales", "-orders", "region_code", "state")
    )
    return [
        RegionTotals(
            region_code=row["region_code"],
            state=row["state"],
            orders=row["orders"],
            net_sales=to_money(row["net_sales"]),
        )
        for row in rows
    ]


def status_funnel(scope: SalesScope, first: date, after: date) -> list[FunnelStep]:
    """The period's paid orders, then those shipped, delivered and completed by now, and
    those cancelled: one conditional count each."""
    rolled = rolled_funnel(scope, first, after)
    if rolled is not None:
        return rolled
    counts = scope.in_period(first, after).aggregate(
        **{
            code: Count("pk", filter=Q(status__in=statuses))
            for code, _, statuses in FUNNEL
            if code != "paid"
        },
        paid=Count("pk"),
    )
    return [FunnelStep(code=code, label=label, orders=counts[code]) for code, label, _ in FUNNEL]
