"""The insights selectors read from the daily and monthly roll-ups (orders/models/
sales_rollups.py, sales_months.py).

Each function answers exactly what its direct counterpart answers for a SalesScope and the
local days [first, after) (the definitions are orders/selectors/sales.py's and
sales_types.py's), reading one row per shop, day and destination (or SKU) instead of every
order. Each returns None when the roll-ups cannot answer exactly and the caller aggregates the
orders directly: the setting INSIGHTS_ROLLUPS is off; a filter other than the shop, state,
country or SKU is in use (for the top SKUs and products: a SKU together with a state or
country); or a day of the period waits for its recompute (a dirty mark). With a SKU the rows
are those of `SalesDaySku` and `SkuDayWith`: the orders with a line of that SKU ID or seller
SKU, as the list's `sku` filter selects them; with a state or country the lines are read from
`SkuDayRegion`. The totals of a period (figures, funnel, regions, top lines) read the monthly
rows of the calendar months wholly inside it and the daily rows of the days at its edges, in one
statement (orders/selectors/sales_rollup_union.py); the days and their regions read daily rows.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import DecimalField, Q, QuerySet, Sum

from orders.models import SalesDay, SalesDayDirty, SalesDaySku, SkuDay, SkuDayRegion, SkuDayWith
from orders.models.sales_months import MONTHLY
from orders.money import to_money
from orders.periods import add_months
from orders.sales_terms import FUNNEL
from orders.selectors.sales_rollup_union import summed_rows, summed_two_ways
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
MONEY_SUMS = frozenset(
    name for name in FIGURE_SUMS if isinstance(SalesDay._meta.get_field(name), DecimalField)
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


def _model(scope: SalesScope, *, lines: bool):
    """The daily roll-up that answers for the scope's filters (of the orders, or of their
    lines), or None when none can."""
    if not settings.INSIGHTS_ROLLUPS or not scope.filters <= ROLLED_FILTERS:
        return None
    values = dict(scope.filter_values)
    sku, by_place = values.get("sku"), values.get("state") or values.get("country")
    if not lines:
        return SalesDaySku if sku else SalesDay
    if sku and by_place:
        return None  # no line roll-up has both
    return SkuDayWith if sku else SkuDayRegion if by_place else SkuDay


def _waiting(scope: SalesScope, first: date, after: date) -> bool:
    """Whether a day of the period waits for its recompute. The scope's marked days are read
    once per request, for every period it asks about (nearly always none)."""
    if "waiting" not in scope.memo:
        shops = [shop.pk for shop in scope.shops]
        marked = SalesDayDirty.objects.filter(shop__in=shops).values_list("day", flat=True)
        scope.memo["waiting"] = sorted(set(marked))
    return any(first <= day < after for day in scope.memo["waiting"])


def _filtered(model, scope: SalesScope, days: Q) -> QuerySet:
    """The model's rows of the scope's shops, currency and filters on these days."""
    values = dict(scope.filter_values)
    states, countries, sku = values.get("state"), values.get("country"), values.get("sku")
    rows = model.objects.filter(days, shop__in=[shop.pk for shop in scope.shops])
    rows = rows.filter(currency=scope.currency, **({"value": sku[0]} if sku else {}))
    if states:  # any of the values, letter case aside
        rows = rows.filter(Q(*[Q(state__iexact=value) for value in states], _connector=Q.OR))
    if countries:
        rows = rows.filter(region_code__in=[value.upper() for value in countries])
    return rows.order_by()


def whole_months(first: date, after: date) -> tuple[date, date] | None:
    """[first month, after month) of the calendar months wholly inside [first, after)."""
    start = first if first.day == 1 else add_months(first.replace(day=1), 1)
    end = after.replace(day=1)
    return (start, end) if start < end else None


def _rows(scope: SalesScope, first: date, after: date) -> QuerySet | None:
    """The daily roll-up rows of the scope on these days (one row per day: for the days and
    their regions), or None when they cannot answer exactly."""
    model = _model(scope, lines=False)
    if model is None or _waiting(scope, first, after):
        return None
    return _filtered(model, scope, Q(day__gte=first, day__lt=after))


def _parts(scope: SalesScope, first: date, after: date, *, lines=False) -> list | None:
    """The rows that sum to the period: the monthly rows of its whole months and the daily
    rows of the days before and after them; None when they cannot answer exactly."""
    model = _model(scope, lines=lines)
    if model is None or _waiting(scope, first, after):
        return None
    months = whole_months(first, after)
    if months is None:
        return [_filtered(model, scope, Q(day__gte=first, day__lt=after))]
    start, end = months
    parts = [_filtered(MONTHLY[model], scope, Q(day__gte=start, day__lt=end))]
    if first < start or end < after:
        edges = Q(day__gte=first, day__lt=start) | Q(day__gte=end, day__lt=after)
        parts.append(_filtered(model, scope, edges))
    return parts


def _order_sums(scope: SalesScope, first: date, after: date) -> dict | None:
    """Every sum of the orders' roll-up rows, the figures' and the funnel's, in one query per
    period and scope."""
    key = ("sums", first, after)
    if key not in scope.memo:
        parts = _parts(scope, first, after)
        columns = (*FIGURE_SUMS, *(column for _, _, column in FUNNEL_ROLLED))
        scope.memo[key] = (
            None
            if parts is None
            else summed_rows(
                parts,
                (),
                {name: ("SUM", name) for name in dict.fromkeys(columns)},
                money=MONEY_SUMS,
            )[0]
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
    parts = _parts(scope, first, after)
    if parts is None:
        return None
    grouped = summed_rows(
        parts,
        ("region_code", "state"),
        {"t_orders": ("SUM", "orders"), "t_net": ("SUM", "net_sales")},
        money=frozenset({"t_net"}),
        order=("-t_net", "-t_orders", "region_code", "state"),
    )
    return [
        RegionTotals(
            region_code=row["region_code"],
            state=row["state"],
            orders=row["t_orders"],
            net_sales=row["t_net"],
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


LINE_AGGREGATES = {
    "t_units": ("SUM", "units"),
    "t_sales": ("SUM", "sales"),
    "t_refunded": ("SUM", "refunded_units"),
    "t_name": ("MAX", "product_name"),
    "t_variation": ("MAX", "variation"),
    "t_seller_sku": ("MAX", "seller_sku"),
}


def _lines(scope, first, after, key: str, limit: int | None, keys, *, with_variation: bool):
    parts = _parts(scope, first, after, lines=True)
    if parts is None:
        return None
    if keys is not None:
        parts = [part.filter(**{f"{key}__in": list(keys)}) for part in parts]
    grouped = summed_rows(
        parts,
        (key,),
        LINE_AGGREGATES,
        money=frozenset({"t_sales"}),
        order=("-t_sales", "-t_units", key),
        limit=limit,
    )
    return [_line(row[key], row, with_variation=with_variation) for row in grouped]


def _line(key: str, row: dict, *, with_variation: bool) -> LineTotals:
    return LineTotals(
        key=key,
        name=(
            f"{row['t_name']} — {row['t_variation']}"
            if with_variation and row["t_variation"]
            else row["t_name"]
        ),
        seller_sku=row["t_seller_sku"] if with_variation else "",
        units=row["t_units"],
        sales=row["t_sales"],
        refunded_units=row["t_refunded"],
    )


def rolled_top_lines(
    scope: SalesScope,
    first: date,
    after: date,
    limit: int | None = 10,
    *,
    sku_keys=None,
    product_keys=None,
) -> tuple[list[LineTotals], list[LineTotals]] | None:
    """As rolled_skus and rolled_products together, from one scan of the rows."""
    parts = _parts(scope, first, after, lines=True)
    if parts is None:
        return None
    skus, products = summed_two_ways(
        parts,
        ("sku_id", "product_id"),
        LINE_AGGREGATES,
        money=frozenset({"t_sales"}),
        order=("-t_sales", "-t_units"),
        limit=limit,
        keys=(
            None if sku_keys is None else list(sku_keys),
            None if product_keys is None else list(product_keys),
        ),
    )
    return (
        [_line(row["key"], row, with_variation=True) for row in skus],
        [_line(row["key"], row, with_variation=False) for row in products],
    )


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
