"""/insights/: figures against hand-computed values, periods, links and refusals, over HTTP."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from accounts.services import membership_grant
from insights.periods import Span, compare_span, preset_span
from tests.accounts.factories import member
from tests.insights.helpers import REFUSED_QUERIES, order

pytestmark = pytest.mark.django_db
# Sign-in, permissions and the filter bar (8), then for each of the seven sections its
# queries for both periods, each read from the roll-ups with its check for days waiting.
QUERY_BUDGET = 40
LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
# The week of 2026-03-08, when Los Angeles springs forward: that Sunday has 23 hours.
WEEK = {"date_from": "2026-03-08", "date_to": "2026-03-14", "compare": "previous"}


def _section(response, name: str) -> dict:
    return next(s for s in response.context["sections"] if s["section"].name == name)


@pytest.fixture
def week_orders(shop):
    """Los Angeles orders around the DST week, each figure countable by hand."""
    local = lambda *a: datetime(*a, tzinfo=LA)  # noqa: E731
    inside = [
        # 00:30 on the 23-hour Sunday, and 23:59 on the last day: both inside.
        order(
            shop,
            local(2026, 3, 8, 0, 30),
            units=2,
            seller_discount=Decimal("10.00"),
            platform_discount=Decimal("5.00"),
            shipping_fee_seller_discount=Decimal("1.00"),
            retail_delivery_fee=Decimal("0.28"),
        ),
        order(
            shop,
            local(2026, 3, 14, 23, 59),
            units=3,
            refunded_amount=Decimal("40.00"),
            has_refund=True,
        ),
        order(
            shop,
            local(2026, 3, 10, 12, 0),
            units=1,
            collection_time=local(2026, 3, 12, 9, 0),
            shipping_due_time=local(2026, 3, 11, 9, 0),
        ),
        order(
            shop,
            local(2026, 3, 11, 12, 0),
            units=1,
            collection_time=local(2026, 3, 11, 15, 0),
            shipping_due_time=local(2026, 3, 12, 9, 0),
        ),
        order(
            shop,
            local(2026, 3, 12, 12, 0),
            status="CANCELLED",
            units=4,
            original_total_product_price=Decimal("999.00"),
        ),
    ]
    # Outside: a minute before the week (Saturday 23:59), and the Sunday after at 00:00;
    # an unpaid order inside.
    order(shop, local(2026, 3, 7, 23, 59), units=7)
    order(shop, local(2026, 3, 15, 0, 0), units=7)
    order(shop, local(2026, 3, 9, 12, 0), status="UNPAID", units=7)
    return inside


def figures(response):
    return {row["figure"].key: row for row in _section(response, "figures")["rows"]}


def test_figures_of_a_dst_week_match_the_hand_count(client, admin, week_orders):
    client.force_login(admin)
    response = client.get("/insights/", WEEK)
    assert response.status_code == 200
    rows = figures(response)
    shown = {key: row["value"] for key, row in rows.items()}
    # Five paid orders, one cancelled; four kept with 2+3+1+1 units.
    assert shown["orders"] == "5"
    assert shown["units"] == "7"
    assert shown["gross_sales"] == "400.00 USD"
    assert shown["seller_discounts"] == "11.00 USD"  # 10 on products + 1 on shipping
    assert shown["platform_discounts"] == "5.00 USD"
    assert shown["shipping"] == "20.00 USD"
    assert shown["taxes"] == "32.28 USD"  # 4 × 8 + a 0.28 retail delivery fee
    assert shown["refunds"] == "40.00 USD"
    assert shown["net_sales"] == "344.00 USD"  # 400 − 11 − 5 − 40
    assert shown["average_order_value"] == "86.00 USD"  # 344 / 4
    assert shown["cancellation_rate"] == "20.0%"  # 1 of 5
    assert shown["return_rate"] == "25.0%"  # 1 of 4 kept
    assert shown["late_rate"] == "50.0%"  # 1 of 2 shipped with a deadline
    # The week before holds the Saturday order only (7 units, 100 gross).
    assert rows["orders"]["base"] == "1"
    assert rows["units"]["change"] == "+0.0%"
    assert rows["gross_sales"]["change"] == "+300.0%"
    assert rows["refunds"]["change"] == "—"  # the base is 0
    assert rows["cancellation_rate"]["change"] == "+20.0\u00a0pts"


def test_the_figures_csv_holds_the_page_numbers(client, admin, week_orders):
    client.force_login(admin)
    page = client.get("/insights/", WEEK)
    url = _section(page, "figures")["csv_url"]
    assert url.startswith("/insights/figures.csv?")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "insights-figures-USD-2026-03-08-2026-03-14.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "period", "comparison"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Orders"] == ["5", "1"]
    assert by_label["Net sales"][0] == "344.00"
    assert by_label["Cancellation rate"][0] == "0.2"
    assert by_label["Refunds"][1] == "0.00"


def test_a_csv_refuses_what_the_page_refuses(client, admin, week_orders):
    client.force_login(admin)
    bad = client.get("/insights/figures.csv", {"period": "fortnight"})
    assert bad.status_code == 400 and "not a period" in bad.content.decode()
    assert client.get("/insights/nothing.csv").status_code == 404


def test_each_figure_links_to_the_orders_behind_it(client, admin, week_orders):
    client.force_login(admin)
    rows = figures(client.get("/insights/", {**WEEK, "shop": "north-shop"}))
    link = urlsplit(rows["cancellation_rate"]["url"])
    params = parse_qs(link.query)
    assert link.path == "/orders/"
    assert params["status"] == ["CANCELLED"]
    assert params["date_from"] == ["2026-03-08"] and params["date_to"] == ["2026-03-14"]
    assert params["shop"] == ["north-shop"]
    assert parse_qs(urlsplit(rows["refunds"]["url"]).query)["has_refund"] == ["1"]
    base = parse_qs(urlsplit(rows["orders"]["base_url"]).query)
    assert base["date_from"] == ["2026-03-01"] and base["date_to"] == ["2026-03-07"]
    # The list behind "Orders" shows exactly the five counted.
    listed = client.get(rows["orders"]["url"])
    assert {r.order.pk for r in listed.context["page"].rows} == {o.pk for o in week_orders}


def test_the_order_list_filters_apply(client, admin, week_orders):
    client.force_login(admin)
    rows = figures(client.get("/insights/", {**WEEK, "has_refund": "1"}))
    assert rows["orders"]["value"] == "1"
    assert rows["refunds"]["value"] == "40.00 USD"
    assert "has_refund=1" in rows["orders"]["url"]


def test_two_currencies_are_never_added(client, shop, other_shop):
    user = member(shop=shop, role=Role.ACCOUNTANT)
    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    order(shop, datetime(2026, 3, 10, 12, tzinfo=LA))
    order(
        other_shop,
        datetime(2026, 3, 10, 12, tzinfo=LONDON),
        original_total_product_price=Decimal("50.00"),
    )
    client.force_login(user)
    usd = client.get("/insights/", WEEK)
    assert usd.context["currency"] == "USD"
    assert figures(usd)["gross_sales"]["value"] == "100.00 USD"
    assert b"amounts are never added across currencies" in usd.content
    gbp = client.get("/insights/", {**WEEK, "currency": "GBP"})
    assert figures(gbp)["gross_sales"]["value"] == "50.00 GBP"
    assert "shop=south-shop" in figures(gbp)["orders"]["url"]


@pytest.mark.parametrize(
    ("query", "message"),
    REFUSED_QUERIES,
)
def test_bad_input_is_refused_with_a_sentence(client, admin, week_orders, query, message):
    client.force_login(admin)
    response = client.get("/insights/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "sections" not in response.context


def test_five_years_to_the_day_is_allowed(client, admin):
    client.force_login(admin)
    assert (
        client.get("/insights/", {"date_from": "2020-01-03", "date_to": "2025-01-02"}).status_code
        == 200
    )


def test_another_shops_numbers_never_show(client, admin, other_shop):
    order(other_shop, timezone.now())
    client.force_login(admin)
    assert client.get("/insights/", {"shop": "south-shop"}).status_code == 404
    rows = figures(client.get("/insights/", {"period": "last_7_days"}))
    assert rows["orders"]["value"] == "0"


def test_a_role_without_the_permission_is_told(client, shop):
    client.force_login(member(shop=shop, role=Role.FULFILMENT))
    response = client.get("/insights/")
    assert response.status_code == 403
    assert "View sales insights" in response.content.decode()


def test_presets_and_their_comparisons():
    today = date(2026, 3, 15)
    assert preset_span("last_7_days", today) == Span(date(2026, 3, 9), date(2026, 3, 16))
    assert preset_span("this_month", today) == Span(date(2026, 3, 1), date(2026, 4, 1))
    last_month = preset_span("last_month", today)
    assert last_month == Span(date(2026, 2, 1), date(2026, 3, 1))
    assert compare_span(last_month, "previous") == Span(date(2026, 1, 1), date(2026, 2, 1))
    year = preset_span("last_12_months", today)
    assert year == Span(date(2025, 3, 1), date(2026, 3, 1))
    assert compare_span(year, "previous") == Span(date(2024, 3, 1), date(2025, 3, 1))
    thirty = preset_span("last_30_days", today)
    assert compare_span(thirty, "previous") == Span(date(2026, 1, 15), date(2026, 2, 14))
    leap = Span(date(2024, 2, 29), date(2024, 3, 1))
    assert compare_span(leap, "last_year") == Span(date(2023, 2, 28), date(2023, 3, 1))
    assert compare_span(thirty, "none") is None


def test_a_shop_where_one_may_view_orders_but_not_insights_is_refused(client, shop, other_shop):
    user = member(shop=shop, role=Role.VIEWER)
    membership_grant(shop=other_shop, user=user, role=Role.FULFILMENT, actor=None)
    order(other_shop, timezone.now())
    client.force_login(user)
    response = client.get("/insights/", {"shop": "south-shop"})
    assert response.status_code == 403
    rows = figures(client.get("/insights/", {"period": "last_7_days"}))
    assert rows["orders"]["value"] == "0"  # the shops in view are only those with insights


def _queries(client, query) -> int:
    client.get("/insights/", query)  # the filter bar's value lists are cached by the first view
    with CaptureQueriesContext(connection) as run:
        assert client.get("/insights/", query).status_code == 200
    return len(run)


def test_the_page_takes_as_many_queries_whatever_the_orders(client, admin, shop, week_orders):
    client.force_login(admin)
    few = _queries(client, WEEK)
    for n in range(30):
        day = datetime(2026, 3, 8 + n % 7, 12, tzinfo=LA)
        order(shop, day, state=f"State {n}", lines=[{"sku_id": f"K{n}", "product_id": f"P{n}"}])
    assert _queries(client, WEEK) == few
    # Each section asks a fixed number of questions (a period and its comparison).
    assert few <= QUERY_BUDGET


def test_the_order_lists_presets_work_too(client, admin, shop):
    order(shop, timezone.now())
    client.force_login(admin)
    response = client.get("/insights/", {"period": "this_quarter"})
    span = response.context["span"]
    assert span.first.day == 1 and span.first.month in (1, 4, 7, 10)
    assert response.context["span_name"] == "This quarter"
    assert figures(response)["orders"]["value"] == "1"


def test_a_filter_the_list_refuses_is_named_and_left_out(client, admin, week_orders):
    client.force_login(admin)
    response = client.get("/insights/", {**WEEK, "total_min": "lots"})
    assert response.status_code == 200
    assert response.context["filter_errors"]
    assert "It was left out." in response.content.decode()
    assert figures(response)["orders"]["value"] == "5"


def test_each_shop_reads_the_days_in_its_own_zone(client, two_shops):
    east, west = two_shops
    user = member(shop=east, role=Role.VIEWER)
    membership_grant(shop=west, user=user, role=Role.VIEWER, actor=None)
    new_york = ZoneInfo("America/New_York")
    order(east, datetime(2026, 3, 8, 0, 30, tzinfo=new_york))  # inside: East's Sunday
    order(west, datetime(2026, 3, 8, 0, 30, tzinfo=new_york))  # Saturday 21:30 in Los Angeles
    order(west, datetime(2026, 3, 15, 2, 30, tzinfo=new_york))  # Saturday 23:30 in Los Angeles
    client.force_login(user)
    rows = figures(client.get("/insights/", WEEK))
    assert rows["orders"]["value"] == "2"
    assert rows["orders"]["base"] == "1"
