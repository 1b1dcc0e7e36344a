"""The insights selectors read from the daily roll-ups (orders/models/sales_rollups.py).

Each function answers exactly what its direct counterpart answers for a SalesScope and the
local days [first, after) (the definitions are orders/selectors/sales.py's and
sales_types.py's), reading one row per shop, day and destination (or SKU) instead of every
order. Each returns None when the roll-ups cannot answer exactly and the caller aggregates the
orders directly: the setting INSIGHTS_ROLLUPS is off; a filter other than the shop, state,
country or SKU is in use (for the top SKUs and products: a SKU together with a state or
country); or a day of the period waits for its recompute (a dirty mark). With a SKU the rows
are those of `SalesDaySku` and `SkuDayWith`: the orders with a line of that SKU ID or seller
SKU, as the list's `sku` filter selects them; with a state or country the lines are read from
`SkuDayRegion`.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum

from orders.models import SalesDay, SalesDayDirty, SalesDaySku, SkuDay, SkuDayRegion, SkuDayWith
from orders.money import to_money
from orders.sales_terms import FUNNEL
from orders.selectors.sales_types import (
    DayTotals,
    FunnelStep,
    LineTotals,
    RegionDay,
    RegionTotals,
    SalesFigures,
    SalesScope,
)

# The list filters the roll-ups apply as the FilterSet does (filter_iexact_any, filter_country,
# filter_sku).
APPLIED_FILTERS = ("state", "country", "sku")
ROLLED_FILTERS = frozenset({"shop", *APPLIED_FILTERS})
FIGURE_SUMS = (
    "orders",
    "cancelled",
    "units",
    "gross_sales",
    "seller_discount",
    "shipping_fee_seller_discount",
    "platform_discount",
    "shipping_fee_platform_discount",
    "shipping",
    "tax",
    "retail_delivery_fee",
    "refunds",
    "returned",
    "shipped",
    "shipped_late",
)
# Each funnel step's roll-up column: the paid orders, the steps by status, the cancelled.
FUNNEL_ROLLED = tuple(
    (code, label, {"paid": "orders", "cancelled": "cancelled"}.get(code, f"funnel_{code}"))
    for code, label, _ in FUNNEL
)


def rolled_filter_values(cleaned: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The cleaned values of the filters the roll-ups apply, for SalesScope.filter_values."""
    values = []
    for name in APPLIED_FILTERS:
        value = cleaned.get(name) or ()
        values.append((name, (value,) if isinstance(value, str) else tuple(value)))
    return tuple(values)


def _rows(scope: SalesScope, first: date, after: date, *, lines=False) -> QuerySet | None:
    """The roll-up rows of the scope's shops, currency, days and filters (of the orders, or
    of their lines), or None when they cannot answer exactly."""
    if not settings.INSIGHTS_ROLLUPS or not scope.filters <= ROLLED_FILTERS:
        return None
    days = {"shop__in": [shop.pk for shop in scope.shops], "day__gte": first, "day__lt": after}
    if ("waiting", first, after) not in scope.memo:
        waiting = SalesDayDirty.objects.filter(**days).exists()
        scope.memo[("waiting", first, after)] = waiting
    if scope.memo[("waiting", first, after)]:
        return None
    values = dict(scope.filter_values)
    states, countries, sku = values.get("state"), values.get("country"), values.get("sku")
    if not lines:
        model = SalesDaySku if sku else SalesDay
    elif sku and (states or countries):
        return None  # no line roll-up has both
    else:
        model = SkuDayWith if sku else SkuDayRegion if states or countries else SkuDay
    if sku:
        days["value"] = sku[0]
    rows = model.objects.filter(currency=scope.currency, **days)
    if states:  # any of the values, letter case aside
        rows = rows.filter(Q(*[Q(state__iexact=value) for value in states], _connector=Q.OR))
    if countries:
        rows = rows.filter(region_code__in=[value.upper() for value in countries])
    return rows.order_by()


def _order_sums(scope: SalesScope, first: date, after: date) -> dict | None:
    """Every sum of the orders' roll-up rows, the figures' and the funnel's, in one query per
    period and scope."""
    key = ("sums", first, after)
    if key not in scope.memo:
        rows = _rows(scope, first, after)
        columns = (*FIGURE_SUMS, *(column for _, _, column in FUNNEL_ROLLED))
        scope.memo[key] = (
            None
            if rows is None
            else {
                name: total or 0
                for name, total in rows.aggregate(
                    **{name: Sum(name) for name in dict.fromkeys(columns)}
                ).items()
            }
        )
    return scope.memo[key]


def rolled_figures(scope: SalesScope, first: date, after: date) -> SalesFigures | None:
    total = _order_sums(scope, first, after)
    if total is None:
        return None
    return SalesFigures(
        orders=total["orders"],
        cancelled=total["cancelled"],
        units=total["units"],
        gross_sales=to_money(total["gross_sales"]),
        seller_discounts=to_money(total["seller_discount"] + total["shipping_fee_seller_discount"]),
        platform_discounts=to_money(
            total["platform_discount"] + total["shipping_fee_platform_discount"]
        ),
        shipping=to_money(total["shipping"]),
        taxes=to_money(total["tax"] + total["retail_delivery_fee"]),
        refunds=to_money(total["refunds"]),
        returned=total["returned"],
        shipped=total["shipped"],
        shipped_late=total["shipped_late"],
    )


def rolled_days(scope: SalesScope, first: date, after: date) -> list[DayTotals] | None:
    rows = _rows(scope, first, after)
    if rows is None:
        return None
    found = {
        row["day"]: row
        for row in rows.values("day").annotate(t_orders=Sum("orders"), t_net=Sum("net_sales"))
    }
    days = []
    day = first
    while day < after:
        row = found.get(day)
        days.append(
            DayTotals(
                day=day,
                orders=row["t_orders"] if row else 0,
                net_sales=to_money(row["t_net"] if row else 0),
            )
        )
        day += timedelta(days=1)
    return days


def rolled_regions(scope: SalesScope, first: date, after: date) -> list[RegionTotals] | None:
    rows = _rows(scope, first, after)
    if rows is None:
        return None
    grouped = (
        rows.values("region_code", "state")
        .annotate(t_orders=Sum("orders"), t_net=Sum("net_sales"))
        .order_by("-t_net", "-t_orders", "region_code", "state")
    )
    return [
        RegionTotals(
            region_code=row["region_code"],
            state=row["state"],
            orders=row["t_orders"],
            net_sales=to_money(row["t_net"]),
        )
        for row in grouped
    ]


def rolled_region_days(scope: SalesScope, first: date, after: date) -> list[RegionDay] | None:
    """Per destination and local day, days with orders only; by day, region and state."""
    rows = _rows(scope, first, after)
    if rows is None:
        return None
    grouped = (
        rows.values("region_code", "state", "day")
        .annotate(t_orders=Sum("orders"), t_net=Sum("net_sales"))
        .filter(t_orders__gt=0)
        .order_by("day", "region_code", "state")
    )
    return [
        RegionDay(
            region_code=row["region_code"],
            state=row["state"],
            day=row["day"],
            orders=row["t_orders"],
            net_sales=to_money(row["t_net"]),
        )
        for row in grouped
    ]


def _lines(scope, first, after, key: str, limit: int | None, keys, *, with_variation: bool):
    rows = _rows(scope, first, after, lines=True)
    if rows is None:
        return None
    if keys is not None:
        rows = rows.filter(**{f"{key}__in": list(keys)})
    grouped = (
        rows.values(key)
        .annotate(
            t_units=Sum("units"),
            t_sales=Sum("sales"),
            t_refunded=Sum("refunded_units"),
            t_name=Max("product_name"),
            t_variation=Max("variation"),
            t_seller_sku=Max("seller_sku"),
        )
        .order_by("-t_sales", "-t_units", key)
    )
    if limit is not None:
        grouped = grouped[:limit]
    return [
        LineTotals(
            key=row[key],
            name=(
                f"{row['t_name']} — {row['t_variation']}"
                if with_variation and row["t_variation"]
                else row["t_name"]
            ),
            seller_sku=row["t_seller_sku"] if with_variation else "",
            units=row["t_units"],
            sales=to_money(row["t_sales"]),
            refunded_units=row["t_refunded"],
        )
        for row in grouped
    ]


def rolled_skus(
    scope: SalesScope, first: date, after: date, limit: int | None = 10, *, keys=None
) -> list[LineTotals] | None:
    """As top_skus: `limit` None for every one, `keys` only those SKU IDs."""
    return _lines(scope, first, after, "sku_id", limit, keys, with_variation=True)


def rolled_products(
    scope: SalesScope, first: date, after: date, limit: int | None = 10, *, keys=None
) -> list[LineTotals] | None:
    return _lines(scope, first, after, "product_id", limit, keys, with_variation=False)


def rolled_funnel(scope: SalesScope, first: date, after: date) -> list[FunnelStep] | None:
    total = _order_sums(scope, first, after)
    if total is None:
        return None
    return [
        FunnelStep(code=code, label=label, orders=total[column])
        for code, label, column in FUNNEL_ROLLED
    ]
