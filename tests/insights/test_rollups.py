"""The daily roll-ups answer exactly what the direct aggregation answers: over random periods
(DST days included) and random allowed filters, for two zones and two currencies, with
cancelled, unpaid, refunded and returned orders; and they fall back when they cannot."""

import random
from datetime import date, timedelta

import pytest
from django.test import override_settings

from accounts.roles import Role
from accounts.services import membership_grant
from orders.models import (
    OrderLine,
    SalesDay,
    SalesDayDirty,
    SalesDaySku,
    SalesMonth,
    SkuDay,
    SkuDayRegion,
    SkuDayWith,
    SkuMonth,
)
from orders.selectors import sales_rollups as rolled
from orders.selectors.sales import sales_figures
from orders.selectors.sales_breakdown import (
    sales_by_region,
    status_funnel,
    top_lines,
    top_products,
    top_skus,
)
from orders.selectors.sales_days import region_days, sales_per_day
from tests.accounts.factories import ShopFactory, member
from tests.insights.rollups import (
    DESTINATIONS,
    SPANS,
    assert_rolled_equal,
    direct_figures,
    random_orders,
    rebuild,
    scope_for,
)

pytestmark = pytest.mark.django_db
# Periods of whole months around the orders' spans (March and its DST days; October into
# November and its DST days), the months' first days in each shop's zone.
MONTHS_INSIDE = [
    (date(2026, 3, 1), date(2026, 4, 1)),
    (date(2026, 2, 26), date(2026, 4, 2)),
    (date(2026, 3, 4), date(2026, 11, 1)),
    (date(2026, 3, 1), date(2026, 11, 4)),
    (date(2026, 9, 28), date(2026, 11, 3)),
    (date(2026, 10, 1), date(2026, 12, 1)),
]


@pytest.fixture
def world():
    """Two USD shops in two zones and a GBP shop, one user who may see all three."""
    west = ShopFactory(slug="west", name="West", timezone="America/Los_Angeles")
    east = ShopFactory(slug="east", name="East", timezone="America/New_York")
    london = ShopFactory(
        slug="london", name="London", market="GB", currency="GBP", timezone="Europe/London"
    )
    user = member(shop=west, role=Role.ADMINISTRATOR)
    for shop in (east, london):
        membership_grant(shop=shop, user=user, role=Role.ADMINISTRATOR, actor=None)
    random_orders(random.Random(18), [west, east, london], 160)
    rebuild([west, east, london])
    return user, (west, east, london)


def _skus() -> list[str]:
    """Seller SKUs and SKU IDs the orders carry, and one no order has."""
    values = set(OrderLine.objects.values_list("seller_sku", flat=True))
    values |= set(OrderLine.objects.values_list("sku_id", flat=True)[:20])
    return sorted(values - {""}) + ["NO-SUCH-SKU"]


def _random_filters(rng, skus) -> dict:
    params = {}
    if rng.random() < 0.3:
        params["sku"] = rng.choice(skus)
    if rng.random() < 0.3:
        params["shop"] = rng.choice(["west", "east", "london"])
    if rng.random() < 0.4:
        states = rng.sample([s for _, s in DESTINATIONS if s], rng.randint(1, 2))
        params["state"] = [rng.choice([s, s.upper(), s.lower()]) for s in states]
    if rng.random() < 0.3:
        params["country"] = rng.sample(["us", "GB", "CA"], rng.randint(1, 2))
    return params


def _random_period(rng) -> tuple[date, date]:
    """A period within a span of the orders, or (2 in 5) one with whole months inside: days
    before them, after them, both or neither."""
    if rng.random() < 0.4:
        first, after = rng.choice(MONTHS_INSIDE)
        return first - timedelta(days=rng.choice([0, 0, 1, 3])), after + timedelta(
            days=rng.choice([0, 0, 1, 2])
        )
    first, after = rng.choice(SPANS)
    start = first - timedelta(days=rng.randrange(3))
    return start, start + timedelta(days=rng.randint(1, (after - first).days + 3))


def test_roll_ups_equal_the_direct_aggregation_over_random_periods_and_filters(world):
    user, _ = world
    rng = random.Random(2026)
    skus = _skus()
    for _ in range(50):
        params = _random_filters(rng, skus)
        currency = "GBP" if params.get("shop") == "london" else rng.choice(["USD", "GBP"])
        if params.get("shop") in ("west", "east"):
            currency = "USD"
        scope = scope_for(user, params, currency)
        first, after = _random_period(rng)
        applied = {name for name, values in scope.filter_values if values}
        both = "sku" in applied and applied & {"state", "country"}
        assert_rolled_equal(scope, first, after, lines=not both)
        if both:  # no line roll-up has a SKU's orders by destination: read directly
            assert rolled.rolled_skus(scope, first, after) is None


def test_a_whole_span_with_both_dst_days_and_every_shop(world):
    user, _ = world
    for currency in ("USD", "GBP"):
        scope = scope_for(user, {}, currency)
        for first, after in SPANS:
            assert_rolled_equal(scope, first, after)
        figures = rolled.rolled_figures(scope, SPANS[0][0], SPANS[1][1])
        assert figures.orders > 10 and figures.cancelled and figures.refunds and figures.returned


def test_sales_figures_read_the_roll_ups_and_agree(world, django_assert_max_num_queries):
    user, _ = world
    scope = scope_for(user, {"state": ["california"]}, "USD")
    first, after = SPANS[0]
    assert rolled.rolled_figures(scope, first, after) is not None  # served by the roll-ups
    scope = scope_for(user, {"state": ["california"]}, "USD")  # nothing remembered
    with django_assert_max_num_queries(2):  # the dirty check and one sum over roll-ups
        figures = sales_figures(scope, first, after)
    assert figures == direct_figures(scope, first, after)


def test_other_filters_and_the_setting_fall_back_to_direct_aggregation(world):
    user, _ = world
    first, after = SPANS[0]
    scope = scope_for(user, {"status": ["DELIVERED"]}, "USD")
    sku = OrderLine.objects.first().seller_sku
    with_state = scope_for(user, {"sku": sku, "state": ["Texas"]}, "USD")
    assert rolled.rolled_skus(with_state, first, after) is None
    assert rolled.rolled_figures(with_state, first, after) is not None
    assert rolled.rolled_figures(scope, first, after) is None
    assert rolled.rolled_days(scope, first, after) is None
    assert sales_figures(scope, first, after) == direct_figures(scope, first, after)
    plain = scope_for(user, {}, "USD")
    with override_settings(INSIGHTS_ROLLUPS=False):
        assert rolled.rolled_funnel(plain, first, after) is None


def test_a_day_waiting_for_its_recompute_is_read_directly(world):
    user, (west, _, _) = world
    scope = scope_for(user, {}, "USD")
    first, after = SPANS[0]
    SalesDay.objects.filter(shop=west, day=first + timedelta(days=2)).delete()
    SalesDayDirty.objects.create(shop=west, day=first + timedelta(days=2))
    assert rolled.rolled_figures(scope, first, after) is None
    assert sales_figures(scope, first, after) == direct_figures(scope, first, after)


def test_a_sku_filter_reads_the_orders_with_that_sku_once_each(world):
    user, _ = world
    line = OrderLine.objects.filter(order__status="DELIVERED", order__shop__currency="USD").first()
    first, after = SPANS[0][0], SPANS[1][1]
    for value in (line.seller_sku, line.sku_id):
        scope = scope_for(user, {"sku": value}, "USD")
        assert scope.filter_values[-1] == ("sku", (value,))
        figures = rolled.rolled_figures(scope, first, after)
        assert figures == direct_figures(scope, first, after) and figures.orders >= 1


def test_rebuild_restores_dropped_rows(world):
    user, shops = world
    scope = scope_for(user, {}, "USD")
    first, after = SPANS[1]
    expected = rolled.rolled_skus(scope, first, after)
    long_first, long_after = MONTHS_INSIDE[3]
    expected_long = rolled.rolled_skus(scope, long_first, long_after)
    SalesDay.objects.all().delete()
    SalesDaySku.objects.filter(shop=shops[1]).delete()
    SkuDay.objects.filter(shop=shops[0]).delete()
    SalesMonth.objects.all().delete()
    SkuMonth.objects.filter(shop=shops[1]).delete()
    rebuild(shops)
    assert_rolled_equal(scope, first, after)
    assert_rolled_equal(scope_for(user, {}, "USD"), long_first, long_after)
    assert rolled.rolled_skus(scope, first, after) == expected
    assert rolled.rolled_skus(scope, long_first, long_after) == expected_long


def test_whole_months_are_read_from_the_monthly_rows(world):
    """A period of whole months and edge days answers as the definition says, and its whole
    months come from the monthly rows: with the daily rows inside March gone, the same."""
    user, (west, east, london) = world
    first, after = MONTHS_INSIDE[3]  # March 1 – November 3: whole months and three days
    sku = OrderLine.objects.filter(order__shop=west).exclude(seller_sku="").first().seller_sku
    cases = [({}, "USD"), ({}, "GBP"), ({"state": ["texas"]}, "USD"), ({"sku": sku}, "USD")]
    answers = []
    for params, currency in cases:
        scope = scope_for(user, params, currency)
        assert_rolled_equal(scope, first, after)
        answers.append(_totals(scope, first, after))
    assert SalesMonth.objects.filter(shop=west, day=date(2026, 3, 1)).exists()
    assert SkuMonth.objects.filter(shop=london, day=date(2026, 10, 1)).exists()
    inside_march = {"day__gt": date(2026, 3, 1), "day__lt": date(2026, 3, 31)}
    for model in (SalesDay, SalesDaySku, SkuDay, SkuDayRegion, SkuDayWith):
        model.objects.filter(**inside_march).delete()
    for (params, currency), answer in zip(cases, answers, strict=True):
        assert _totals(scope_for(user, params, currency), first, after) == answer


def _totals(scope, first, after) -> tuple:
    return (
        rolled.rolled_figures(scope, first, after),
        rolled.rolled_regions(scope, first, after),
        rolled.rolled_skus(scope, first, after, None),
        rolled.rolled_products(scope, first, after),
        rolled.rolled_funnel(scope, first, after),
    )


def test_a_month_is_the_sum_of_its_local_days(world):
    """Each monthly row holds what its daily rows sum to (SalesDay's counts and amounts)."""
    _, shops = world
    for shop in shops:
        by_month = {}
        for row in SalesDay.objects.filter(shop=shop):
            key = (row.day.replace(day=1), row.currency, row.region_code, row.state)
            orders, net = by_month.get(key, (0, 0))
            by_month[key] = (orders + row.orders, net + row.net_sales)
        months = {
            (row.day, row.currency, row.region_code, row.state): (row.orders, row.net_sales)
            for row in SalesMonth.objects.filter(shop=shop)
        }
        assert months == by_month and months


def test_the_page_selectors_answer_alike_from_roll_ups_and_from_the_orders(world):
    """Each selector the page calls, read from the roll-ups and (with INSIGHTS_ROLLUPS off)
    by aggregating the orders, over random periods and filters: the same rows."""
    user, _ = world
    rng = random.Random(1812)
    skus = _skus()
    selectors = (sales_per_day, region_days, top_skus, top_products, top_lines, sales_by_region)
    served = 0
    for _ in range(25):
        params = _random_filters(rng, skus)
        currency = "GBP" if params.get("shop") == "london" else "USD"
        scope = scope_for(user, params, currency)
        first, after = _random_period(rng)
        served += rolled.rolled_days(scope, first, after) is not None
        for selector in (*selectors, status_funnel, sales_figures):
            rolled_answer = selector(scope, first, after)
            with override_settings(INSIGHTS_ROLLUPS=False):
                assert selector(scope, first, after) == rolled_answer, (selector, params)
    assert served > 15  # most draws were answered from the roll-ups, not directly twice
