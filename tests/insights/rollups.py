"""The reference the roll-up tests compare with: the defining aggregation of /work/defs-18.md
(docs/insights.md), computed in Python over the period's orders, and random orders across
two zones, two currencies and DST days."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.http import QueryDict
from django.test import RequestFactory, override_settings

from insights.scope import insight_request
from orders.models import BuyerRequest, Order, OrderLine
from orders.money import to_money
from orders.periods import local_midnight
from orders.selectors import sales_rollups as rolled
from orders.selectors.sales import sales_figures
from orders.selectors.sales_types import DayTotals, FunnelStep, LineTotals, RegionDay, RegionTotals
from orders.services.sales_rollups import sales_rollups_rebuild
from orders.statuses import OrderStatus, RequestKind
from tests.orders.factories import OrderFactory

S = OrderStatus
STATUSES = [
    *[S.UNPAID] * 2,
    *[S.CANCELLED] * 3,
    S.AWAITING_SHIPMENT,
    S.AWAITING_COLLECTION,
    *[S.IN_TRANSIT] * 2,
    *[S.DELIVERED] * 3,
    *[S.COMPLETED] * 3,
]
# Destinations with the letter case the filter ignores, and orders without one.
DESTINATIONS = [
    ("US", "California"),
    ("US", "california"),
    ("US", "Texas"),
    ("US", "New York"),
    ("CA", "Ontario"),
    ("GB", "England"),
    ("GB", "Scotland"),
    ("", ""),
]
# Days around DST changes: Los Angeles and New York on 2026-03-08 and 2026-11-01, London on
# 2026-03-29 and 2026-10-25.
SPANS = [(date(2026, 3, 5), date(2026, 4, 2)), (date(2026, 10, 22), date(2026, 11, 4))]


def random_day(rng) -> date:
    first, after = rng.choice(SPANS)
    return first + timedelta(days=rng.randrange((after - first).days))


def random_orders(rng: random.Random, shops, count: int) -> None:
    """Orders of these shops with every input of the roll-ups varied, some created within
    minutes of a local midnight."""
    for _ in range(count):
        shop = rng.choice(shops)
        day = random_day(rng)
        if rng.random() < 0.3:
            minutes = rng.choice([-1, 0, 1, 59, 60 * 24 - 1])
        else:
            minutes = rng.randrange(24 * 60)
        created = local_midnight(day, shop.zone) + timedelta(minutes=minutes)
        order = OrderFactory(shop=shop, status=rng.choice(STATUSES), create_time=created)
        region, state = rng.choice(DESTINATIONS)
        fields = {"region_code": region, "state": state}
        if rng.random() < 0.3:
            fields["refunded_amount"] = to_money(order.total_amount * Decimal(rng.random()))
            fields["has_refund"] = True
        if rng.random() < 0.3:
            fields["collection_time"] = created + timedelta(hours=rng.randrange(1, 96))
            fields["shipping_due_time"] = created + timedelta(hours=rng.randrange(1, 96))
        Order.objects.filter(pk=order.pk).update(**fields)
        for line in OrderLine.objects.filter(order=order):
            if rng.random() < 0.2:
                line.returned_quantity = rng.randint(0, line.quantity)
                line.save(update_fields=["returned_quantity"])
        if rng.random() < 0.15 and not BuyerRequest.objects.filter(order=order).exists():
            BuyerRequest.objects.create(
                order=order,
                kind=RequestKind.RETURN,
                request_id=f"R{order.pk}",
                request_type="RETURN_AND_REFUND",
                status="RETURN_OR_REFUND_REQUEST_PENDING",
            )


def rebuild(shops) -> None:
    sales_rollups_rebuild(shops=shops)


def scope_for(user, params: dict, currency: str):
    """The SalesScope the insights page makes of these list parameters."""
    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(name, values if isinstance(values, list) else [values])
    query["currency"] = currency
    request = RequestFactory().get("/insights/", query)
    request.user = user
    parsed = insight_request(request)
    assert parsed.sales is not None, parsed.refusal
    return parsed.sales


def _period(scope, first, after) -> list[dict]:
    zones = {shop.pk: shop.zone for shop in scope.shops}
    rows = list(
        scope.in_period(first, after).values(
            "pk",
            "shop_id",
            "status",
            "create_time",
            "region_code",
            "state",
            "original_total_product_price",
            "seller_discount",
            "shipping_fee_seller_discount",
            "platform_discount",
            "shipping_fee_platform_discount",
            "refunded_amount",
        )
    )
    for row in rows:
        row["day"] = row["create_time"].astimezone(zones[row["shop_id"]]).date()
        row["kept"] = row["status"] != S.CANCELLED
        row["net"] = (
            row["original_total_product_price"]
            - row["seller_discount"]
            - row["shipping_fee_seller_discount"]
            - row["platform_discount"]
            - row["shipping_fee_platform_discount"]
            - row["refunded_amount"]
        )
    return rows


def ref_days(scope, first, after) -> list[DayTotals]:
    orders, net = defaultdict(int), defaultdict(Decimal)
    for row in _period(scope, first, after):
        orders[row["day"]] += 1
        if row["kept"]:
            net[row["day"]] += row["net"]
    days = [first + timedelta(days=i) for i in range((after - first).days)]
    return [DayTotals(day, orders[day], to_money(net[day])) for day in days]


def ref_regions(scope, first, after) -> list[RegionTotals]:
    orders, net = defaultdict(int), defaultdict(Decimal)
    for row in _period(scope, first, after):
        key = (row["region_code"], row["state"])
        orders[key] += 1
        if row["kept"]:
            net[key] += row["net"]
    rows = [RegionTotals(*key, orders[key], to_money(net[key])) for key in orders]
    return sorted(rows, key=lambda r: (-r.net_sales, -r.orders, r.region_code, r.state))


def ref_region_days(scope, first, after) -> list[RegionDay]:
    orders, net = defaultdict(int), defaultdict(Decimal)
    for row in _period(scope, first, after):
        key = (row["day"], row["region_code"], row["state"])
        orders[key] += 1
        if row["kept"]:
            net[key] += row["net"]
    return [
        RegionDay(region, state, day, orders[key], to_money(net[key]))
        for key in sorted(orders)
        for day, region, state in [key]
    ]


def ref_funnel(scope, first, after) -> list[FunnelStep]:
    statuses = [row["status"] for row in _period(scope, first, after)]
    count = lambda *wanted: sum(1 for s in statuses if s in wanted)  # noqa: E731
    return [
        FunnelStep("paid", "Paid", len(statuses)),
        FunnelStep("shipped", "Shipped", count(S.IN_TRANSIT, S.DELIVERED, S.COMPLETED)),
        FunnelStep("delivered", "Delivered", count(S.DELIVERED, S.COMPLETED)),
        FunnelStep("completed", "Completed", count(S.COMPLETED)),
        FunnelStep("cancelled", "Cancelled", count(S.CANCELLED)),
    ]


def ref_lines(scope, first, after, key: str, limit: int | None = 10, keys=None):
    kept = [row["pk"] for row in _period(scope, first, after) if row["kept"]]
    groups = defaultdict(list)
    for line in OrderLine.objects.filter(order__in=kept):
        if keys is None or getattr(line, key) in keys:
            groups[getattr(line, key)].append(line)
    rows = []
    for value, lines in groups.items():
        name = max(line.product_name for line in lines)
        variation = max(line.variation for line in lines)
        sku = key == "sku_id"
        rows.append(
            LineTotals(
                key=value,
                name=f"{name} — {variation}" if sku and variation else name,
                seller_sku=max(line.seller_sku for line in lines) if sku else "",
                units=sum(line.quantity for line in lines),
                sales=to_money(sum(line.subtotal_after_discount for line in lines)),
                refunded_units=sum(line.returned_quantity for line in lines),
            )
        )
    return sorted(rows, key=lambda r: (-r.sales, -r.units, r.key))[:limit]  # None: all


def direct_figures(scope, first, after):
    with override_settings(INSIGHTS_ROLLUPS=False):
        return sales_figures(scope, first, after)


def assert_rolled_equal(scope, first, after, *, lines=True) -> None:
    """Every roll-up selector answers what the definition gives."""
    assert rolled.rolled_figures(scope, first, after) == direct_figures(scope, first, after)
    assert rolled.rolled_days(scope, first, after) == ref_days(scope, first, after)
    assert rolled.rolled_regions(scope, first, after) == ref_regions(scope, first, after)
    assert rolled.rolled_region_days(scope, first, after) == ref_region_days(scope, first, after)
    assert rolled.rolled_funnel(scope, first, after) == ref_funnel(scope, first, after)
    if lines:
        assert rolled.rolled_skus(scope, first, after) == ref_lines(scope, first, after, "sku_id")
        assert rolled.rolled_products(scope, first, after, limit=5) == ref_lines(
            scope, first, after, "product_id", 5
        )
        every = ref_lines(scope, first, after, "sku_id", None)
        assert rolled.rolled_skus(scope, first, after, None) == every
        some = {line.key for line in every[::2]}
        assert rolled.rolled_skus(scope, first, after, None, keys=some) == ref_lines(
            scope, first, after, "sku_id", None, some
        )
        # the SKUs and the products from one scan, for the top ten and for chosen keys
        products = ref_lines(scope, first, after, "product_id", None)
        assert rolled.rolled_top_lines(scope, first, after) == (every[:10], products[:10])
        chosen = {line.key for line in products[1::2]}
        assert rolled.rolled_top_lines(
            scope, first, after, None, sku_keys=some, product_keys=chosen
        ) == (
            ref_lines(scope, first, after, "sku_id", None, some),
            ref_lines(scope, first, after, "product_id", None, chosen),
        )
