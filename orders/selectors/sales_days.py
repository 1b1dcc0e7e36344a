"""Sales per local day, for the insights chart and its anomalies, by SQL aggregation.

A day is the order's create time read in its shop's zone (a DST day has 23 or 25 hours).
The database truncates to a local date one zone at a time, so the shops of the scope are
grouped by zone: one `GROUP BY day` query per zone, the rows merged here. The definitions are
those of `orders.selectors.sales` (docs/insights.md): orders count every paid order, cancelled
ones included; net sales sum the kept ones (gross − both discounts − refunds).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from orders.money import to_money
from orders.sales_terms import CANCELLED, MONEY_FIELD, NET_SALES
from orders.selectors.sales_rollups import rolled_days, rolled_region_days
from orders.selectors.sales_types import DayTotals, RegionDay, SalesScope

ZERO = Decimal("0.00")


def _zone_scopes(scope: SalesScope) -> list:
    """The scope split into one scope per time zone of its shops."""
    by_zone = defaultdict(list)
    for shop in scope.shops:
        by_zone[shop.timezone].append(shop)
    return [
        (shops[0].zone, SalesScope(scope.orders, tuple(shops), scope.currency, scope.filters))
        for shops in by_zone.values()
    ]


def _grouped(scope: SalesScope, first: date, after: date, *keys: str) -> dict:
    """{(local day, *keys): [orders, net sales]} over the period's orders, one query per zone."""
    totals = defaultdict(lambda: [0, ZERO])
    for zone, zoned in _zone_scopes(scope):
        rows = (
            zoned.in_period(first, after)
            .annotate(day=TruncDate("create_time", tzinfo=zone))
            .order_by()
            .values("day", *keys)
            .annotate(
                n=Count("pk"),
                net=Coalesce(
                    Sum(NET_SALES, filter=~CANCELLED), Value(ZERO), output_field=MONEY_FIELD
                ),
            )
        )
        for row in rows:
            total = totals[(row["day"], *(row[k] for k in keys))]
            total[0] += row["n"]
            total[1] += to_money(row["net"])
    return totals


def sales_per_day(scope: SalesScope, first: date, after: date) -> list[DayTotals]:
    """Every local day of [first, after), zeros included, in day order."""
    rolled = rolled_days(scope, first, after)
    if rolled is not None:
        return rolled
    totals = _grouped(scope, first, after)
    days = (first + timedelta(days=i) for i in range((after - first).days))
    return [DayTotals(day, *totals.get((day,), (0, ZERO))) for day in days]


def region_days(scope: SalesScope, first: date, after: date) -> list[RegionDay]:
    """Each destination (region_code, state) on each local day it had orders, by day, then
    region_code and state."""
    rolled = rolled_region_days(scope, first, after)
    if rolled is not None:
        return rolled
    totals = _grouped(scope, first, after, "region_code", "state")
    return [
        RegionDay(region, state, day, orders, net)
        for (day, region, state), (orders, net) in sorted(totals.items())
    ]
