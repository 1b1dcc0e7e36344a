"""The "sales over time" chart: days in each shop's zone (DST included), weeks and months, the
comparison bucket by bucket, links, the table, the CSV and refusals, against hand counts."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from accounts.roles import Role
from accounts.services import membership_grant
from insights.buckets import bucket_for, buckets
from insights.periods import Span
from orders.models import Order
from orders.selectors.sales_days import region_days, sales_per_day
from orders.selectors.sales_types import DayTotals, RegionDay, SalesScope
from tests.accounts.factories import member
from tests.insights.helpers import order

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
WEEK = {"date_from": "2026-03-08", "date_to": "2026-03-14", "compare": "previous"}


def _scope(*shops) -> SalesScope:
    return SalesScope(Order.objects.all(), tuple(shops), "USD", frozenset())


def _chart(response) -> dict:
    return next(s for s in response.context["sections"] if s["section"].name == "sales")


def _numbers(chart) -> list[tuple]:
    return [
        (r["bucket"].first, r["bucket"].span.last, r["orders"], r["net"]) for r in chart["rows"]
    ]


def test_a_23_hour_and_a_25_hour_day_hold_their_whole_local_day(shop):
    local = lambda *a: datetime(*a, tzinfo=LA)  # noqa: E731
    # Spring forward: 2026-03-08 has 23 hours; both ends of it are that day.
    order(shop, local(2026, 3, 8, 0, 30))
    order(shop, local(2026, 3, 8, 23, 30), seller_discount=Decimal("10.00"))
    order(shop, local(2026, 3, 8, 12, 0), status="CANCELLED")  # counted, no sales
    order(shop, local(2026, 3, 7, 23, 59), refunded_amount=Decimal("25.50"))
    order(shop, local(2026, 3, 9, 0, 0), platform_discount=Decimal("1.25"))
    order(shop, local(2026, 3, 9, 10, 0), status="UNPAID")  # never a sale
    # Fall back: 2026-11-01 has 25 hours.
    order(shop, local(2026, 11, 1, 0, 30))
    order(shop, local(2026, 11, 1, 23, 30), shipping_fee_seller_discount=Decimal("2.00"))
    order(shop, local(2026, 11, 2, 0, 0))
    spring = sales_per_day(_scope(shop), date(2026, 3, 7), date(2026, 3, 10))
    assert spring == [
        DayTotals(date(2026, 3, 7), 1, Decimal("74.50")),
        DayTotals(date(2026, 3, 8), 3, Decimal("190.00")),
        DayTotals(date(2026, 3, 9), 1, Decimal("98.75")),
    ]
    fall = sales_per_day(_scope(shop), date(2026, 10, 31), date(2026, 11, 3))
    assert [(d.orders, d.net_sales) for d in fall] == [
        (0, Decimal("0.00")),
        (2, Decimal("198.00")),
        (1, Decimal("100.00")),
    ]


def test_two_shops_in_two_zones_each_count_their_own_day(two_shops):
    east, west = two_shops
    instant = datetime(2026, 3, 8, 0, 30, tzinfo=NEW_YORK)  # Saturday 21:30 in Los Angeles
    order(east, instant, state="New York", region_code="US")
    order(west, instant, state="California", region_code="US")
    order(west, datetime(2026, 3, 8, 23, 30, tzinfo=LA), state="California", region_code="US")
    days = sales_per_day(_scope(east, west), date(2026, 3, 7), date(2026, 3, 9))
    assert [(d.day, d.orders) for d in days] == [(date(2026, 3, 7), 1), (date(2026, 3, 8), 2)]
    regions = region_days(_scope(east, west), date(2026, 3, 7), date(2026, 3, 9))
    assert regions == [
        RegionDay("US", "California", date(2026, 3, 7), 1, Decimal("100.00")),
        RegionDay("US", "California", date(2026, 3, 8), 1, Decimal("100.00")),
        RegionDay("US", "New York", date(2026, 3, 8), 1, Decimal("100.00")),
    ]


@pytest.fixture
def dst_weeks(shop):
    """The DST week of 2026-03-08 and the week before, in Los Angeles."""
    local = lambda *a: datetime(*a, tzinfo=LA)  # noqa: E731
    order(shop, local(2026, 3, 8, 0, 30))
    order(shop, local(2026, 3, 8, 23, 30), refunded_amount=Decimal("40.00"), has_refund=True)
    order(shop, local(2026, 3, 10, 9, 0), status="CANCELLED")
    order(shop, local(2026, 3, 14, 23, 59), original_total_product_price=Decimal("250.00"))
    order(shop, local(2026, 3, 1, 12, 0))  # the comparison's first day
    order(shop, local(2026, 3, 3, 12, 0), seller_discount=Decimal("20.00"))
    order(shop, local(2026, 3, 3, 13, 0))


def test_days_and_the_comparison_line_up_day_by_day(client, admin, dst_weeks):
    client.force_login(admin)
    response = client.get("/insights/", WEEK)
    chart = _chart(response)
    assert chart["bucket"] == "day"
    zero = Decimal("0.00")
    assert [(r["orders"], r["net"]) for r in chart["rows"]] == [
        (2, Decimal("160.00")),  # Sun Mar 8, 23 hours
        (0, zero),
        (1, zero),  # cancelled: an order, no sales
        (0, zero),
        (0, zero),
        (0, zero),
        (1, Decimal("250.00")),
    ]
    against = [(r["base"].first, r["base_orders"], r["base_net"]) for r in chart["rows"]]
    assert against[0] == (date(2026, 3, 1), 1, Decimal("100.00"))
    assert against[2] == (date(2026, 3, 3), 2, Decimal("180.00"))
    assert against[6] == (date(2026, 3, 7), 0, zero)
    assert chart["total"] == {"orders": "4 orders", "net": "410.00 USD"}
    assert chart["base_total"] == {"orders": "3 orders", "net": "280.00 USD"}
    first = chart["rows"][0]
    assert first["name"] == ("Mar 8, 2026: 2 orders, 160.00 USD; Mar 1, 2026: 1 order, 100.00 USD")
    page = response.content.decode()
    assert (
        'aria-label="Mar 8, 2026: 2 orders, 160.00 USD; Mar 1, 2026: 1 order, 100.00 USD"' in page
    )
    assert "<title>Mar 8, 2026: 2 orders, 160.00 USD" in page
    assert "Show the numbers as a table" in page
    assert "Bars: Mar 8, 2026 – Mar 14, 2026, 4 orders, 410.00 USD net sales" in page
    assert "Line: Mar 1, 2026 – Mar 7, 2026, 3 orders, 280.00 USD net sales" in page
    assert 'style="' not in page.split('id="h-sales"')[1]


def test_each_point_links_to_its_days_orders_as_the_figures_do(client, admin, dst_weeks):
    client.force_login(admin)
    chart = _chart(client.get("/insights/", {**WEEK, "shop": "north-shop", "has_refund": "0"}))
    link = urlsplit(chart["rows"][0]["url"])
    params = parse_qs(link.query)
    assert link.path == "/orders/"
    assert params["date_field"] == ["created"]
    assert params["date_from"] == ["2026-03-08"] and params["date_to"] == ["2026-03-08"]
    assert params["shop"] == ["north-shop"] and params["has_refund"] == ["0"]
    assert "UNPAID" not in params["status"] and "CANCELLED" in params["status"]
    base = parse_qs(urlsplit(chart["rows"][2]["base_url"]).query)
    assert base["date_from"] == ["2026-03-03"] and base["date_to"] == ["2026-03-03"]
    # The filter holds on the chart and on the list alike: Sunday's refunded order is left out.
    assert chart["rows"][0]["orders"] == 1
    listed = client.get(chart["rows"][0]["url"])
    assert len(listed.context["page"].rows) == 1


def test_weeks_start_on_monday_and_the_edges_are_partial(client, admin, shop):
    local = lambda *a: datetime(*a, tzinfo=LA)  # noqa: E731
    order(shop, local(2026, 3, 4, 10, 0))  # Wed: the first, partial week (Mar 4–8)
    order(shop, local(2026, 3, 8, 23, 0))  # Sun, still that week
    order(shop, local(2026, 3, 9, 0, 10))  # Mon: the second week
    order(shop, local(2026, 3, 20, 12, 0))  # Fri: the last, partial week (Mar 16–20)
    order(shop, local(2026, 2, 19, 12, 0))  # comparison (Feb 15 – Mar 3): its first 5 days
    order(shop, local(2026, 2, 20, 12, 0))  # its next 7
    client.force_login(admin)
    query = {"date_from": "2026-03-04", "date_to": "2026-03-20", "bucket": "week"}
    chart = _chart(client.get("/insights/", query))
    assert chart["bucket"] == "week"
    h = Decimal("100.00")
    assert _numbers(chart) == [
        (date(2026, 3, 4), date(2026, 3, 8), 2, 2 * h),
        (date(2026, 3, 9), date(2026, 3, 15), 1, h),
        (date(2026, 3, 16), date(2026, 3, 20), 1, h),
    ]
    assert [r["bucket"].partial for r in chart["rows"]] == [True, False, True]
    assert chart["rows"][0]["label"] == "Mar 4, 2026 – Mar 8, 2026 (part of the week)"
    bases = [(r["base"].first, r["base"].last, r["base_orders"]) for r in chart["rows"]]
    assert bases == [
        (date(2026, 2, 15), date(2026, 2, 19), 1),
        (date(2026, 2, 20), date(2026, 2, 26), 1),
        (date(2026, 2, 27), date(2026, 3, 3), 0),
    ]


def test_long_periods_go_by_month_against_the_same_months_last_year(client, admin, shop):
    local = lambda *a: datetime(*a, tzinfo=LA)  # noqa: E731
    order(shop, local(2025, 7, 31, 23, 30))
    order(shop, local(2024, 7, 1, 0, 15), seller_discount=Decimal("5.00"))
    order(shop, local(2024, 6, 30, 12, 0))  # June 2024: before the comparison's first day
    client.force_login(admin)
    query = {"date_from": "2025-06-15", "date_to": "2026-01-10", "compare": "last_year"}
    chart = _chart(client.get("/insights/", query))
    assert chart["bucket"] == "month"
    labels = [r["label"] for r in chart["rows"]]
    assert labels[0] == "Jun 15, 2025 – Jun 30, 2025 (part of the month)"
    assert labels[1:7] == [
        "July 2025",
        "August 2025",
        "September 2025",
        "October 2025",
        "November 2025",
        "December 2025",
    ]
    assert labels[7] == "Jan 1, 2026 – Jan 10, 2026 (part of the month)"
    july = chart["rows"][1]
    assert (july["orders"], july["base"].first, july["base_orders"], july["base_net"]) == (
        1,
        date(2024, 7, 1),
        1,
        Decimal("95.00"),
    )
    assert chart["rows"][0]["base"] == Span(date(2024, 6, 15), date(2024, 7, 1))
    assert chart["rows"][0]["base_orders"] == 1


def test_the_bucket_is_chosen_by_length_and_days_over_400_go_by_week():
    first = date(2026, 1, 1)
    span = lambda days: Span(first, first + timedelta(days=days))  # noqa: E731
    assert bucket_for(span(45), "") == ("day", "")
    assert bucket_for(span(46), "") == ("week", "")
    assert bucket_for(span(190), "") == ("week", "")
    assert bucket_for(span(191), "") == ("month", "")
    assert bucket_for(span(400), "day") == ("day", "")
    bucket, note = bucket_for(span(401), "day")
    assert bucket == "week" and "drawn by week" in note
    assert len(buckets(Span(date(2026, 3, 1), date(2026, 3, 2)), "month")) == 1


def test_days_asked_for_a_long_period_say_why_they_are_weeks(client, admin, shop):
    client.force_login(admin)
    query = {"date_from": "2024-01-01", "date_to": "2025-12-31", "bucket": "day"}
    response = client.get("/insights/", query)
    assert response.status_code == 200
    assert _chart(response)["bucket"] == "week"
    assert "one bar a day is too many to read" in response.content.decode()


@pytest.mark.parametrize("url", ["/insights/", "/insights/sales.csv"])
def test_an_unknown_bucket_is_refused_with_a_sentence(client, admin, url):
    client.force_login(admin)
    response = client.get(url, {"bucket": "fortnight"})
    assert response.status_code == 400
    assert "“fortnight” is not a way to group the chart" in response.content.decode()


def test_the_switch_keeps_the_page_and_changes_the_bucket(client, admin, dst_weeks):
    client.force_login(admin)
    chart = _chart(client.get("/insights/", {**WEEK, "has_refund": "1"}))
    switch = {c["code"]: c for c in chart["switch"]}
    assert switch["day"]["current"]
    params = parse_qs(urlsplit(switch["month"]["url"]).query)
    assert params["bucket"] == ["month"] and params["has_refund"] == ["1"]
    assert params["date_from"] == ["2026-03-08"]
    chart = _chart(client.get(switch["week"]["url"]))
    # Mar 8 is a Sunday: the week of Mar 2 (its last day), then Mar 9–14.
    assert [(r["bucket"].first, r["orders"]) for r in chart["rows"]] == [
        (date(2026, 3, 8), 1),
        (date(2026, 3, 9), 0),
    ]


def test_the_csv_holds_the_charts_numbers(client, admin, dst_weeks):
    client.force_login(admin)
    page = client.get("/insights/", WEEK)
    response = client.get(_chart(page)["csv_url"])
    assert response.status_code == 200
    assert "insights-sales-USD-2026-03-08-2026-03-14.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "bucket start",
        "bucket end",
        "orders",
        "net sales",
        "comparison orders",
        "comparison net sales",
        "comparison start",
        "comparison end",
    ]
    assert rows[1] == [
        "2026-03-08",
        "2026-03-08",
        "2",
        "160.00",
        "1",
        "100.00",
        "2026-03-01",
        "2026-03-01",
    ]
    assert rows[3][2:6] == ["1", "0.00", "2", "180.00"]
    assert len(rows) == 8


def test_without_a_comparison_there_is_no_line(client, admin, dst_weeks):
    client.force_login(admin)
    response = client.get("/insights/", {**WEEK, "compare": "none"})
    chart = _chart(response)
    assert chart["base_total"] is None and chart["svg"]["net_lines"] == []
    rows = list(csv.reader(io.StringIO(client.get(chart["csv_url"]).content.decode())))
    assert rows[1] == ["2026-03-08", "2026-03-08", "2", "160.00", "", "", "", ""]


def test_a_longer_comparison_says_what_the_line_leaves_out(client, admin, shop):
    client.force_login(admin)
    # February against January: 28 days drawn against the first 28 of 31.
    response = client.get("/insights/", {"date_from": "2026-02-01", "date_to": "2026-02-28"})
    assert _chart(response)["left_out"] == 3
    assert "The comparison is 3 days longer than the period" in response.content.decode()


def test_two_zones_on_the_page_each_count_their_own_day(client, two_shops):
    east, west = two_shops
    user = member(shop=east, role=Role.VIEWER)
    membership_grant(shop=west, user=user, role=Role.VIEWER, actor=None)
    instant = datetime(2026, 3, 8, 0, 30, tzinfo=NEW_YORK)
    order(east, instant)
    order(west, instant)
    client.force_login(user)
    chart = _chart(client.get("/insights/", WEEK))
    assert chart["rows"][0]["orders"] == 1  # East's Sunday; West's is Saturday, the week before
    assert chart["rows"][0]["base"] is not None
    assert chart["base_total"]["orders"] == "1 order"
