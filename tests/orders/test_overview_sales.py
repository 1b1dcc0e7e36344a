"""The overview tile's sales: today and this week against the same days of last week, in the
shop's zone and currency, for the roles that may view insights; every count a link to its
orders; a fixed number of queries per shop."""

from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import membership_grant
from orders.models import Order
from orders.selectors.overview_sales import shop_sales
from tests.accounts.factories import ShopFactory, member
from tests.insights.helpers import order
from tests.orders.helpers import listed

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
# Wednesday of the week Los Angeles springs forward (Sunday 2026-03-08 has 23 hours).
WEDNESDAY = datetime(2026, 3, 11, 15, 0, tzinfo=LA)


def _at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LA)


@pytest.fixture
def march(shop, other_shop):
    """Orders around the week of WEDNESDAY, by name; net sales 100 unless said."""
    made = {
        "today_early": order(shop, _at(11, 0, 30)),
        "today_cancelled": order(shop, _at(11, 23, 59), status="CANCELLED"),
        "monday": order(shop, _at(9, 0), seller_discount=Decimal("10.00")),  # 90
        "last_wednesday": order(  # 80
            shop, _at(4), refunded_amount=Decimal("20.00"), has_refund=True
        ),
        "last_monday": order(shop, _at(2, 8)),
        # Outside both weeks' days: last Sunday, last Thursday, tomorrow; unpaid; another shop.
        "sunday": order(shop, _at(8, 23, 59)),
        "last_thursday": order(shop, _at(5, 0)),
        "tomorrow": order(shop, _at(12, 0)),
        "unpaid": order(shop, _at(11, 10), status="UNPAID"),
        "elsewhere": order(other_shop, _at(11, 10)),
    }
    return {name: o.order_id for name, o in made.items()}


def _sales(shop, now):
    return shop_sales(orders=Order.objects.filter(shop=shop), shop=shop, now=now)


def _cells(sales) -> dict:
    return {
        (row.label, key): getattr(row, key) for row in sales.rows for key in ("net_sales", "orders")
    }


def test_today_and_this_week_against_the_same_days_last_week(shop, march):
    sales = _sales(shop, WEDNESDAY)
    assert [(row.label, row.days, row.base_days) for row in sales.rows] == [
        ("Today", "Wed, Mar 11", "Wed, Mar 4"),
        ("This week", "Mon, Mar 9 – Wed, Mar 11", "Mon, Mar 2 – Wed, Mar 4"),
    ]
    shown = {key: (c.value, c.base, c.change) for key, c in _cells(sales).items()}
    assert shown[("Today", "net_sales")] == ("100.00 USD", "80.00 USD", "+25% on last week")
    assert shown[("Today", "orders")] == ("2 orders", "1 order", "+100% on last week")
    # 100 + 90 against 80 + 100: +5.6%, said as +6%.
    assert shown[("This week", "net_sales")] == ("190.00 USD", "180.00 USD", "+6% on last week")
    assert shown[("This week", "orders")] == ("3 orders", "2 orders", "+50% on last week")


def test_each_figure_links_to_exactly_its_orders(client, admin, shop, march):
    client.force_login(admin)
    expected = {
        ("Today", "net_sales"): ({"today_early"}, {"last_wednesday"}),
        ("Today", "orders"): ({"today_early", "today_cancelled"}, {"last_wednesday"}),
        ("This week", "net_sales"): ({"today_early", "monday"}, {"last_wednesday", "last_monday"}),
        ("This week", "orders"): (
            {"today_early", "today_cancelled", "monday"},
            {"last_wednesday", "last_monday"},
        ),
    }
    for key, cell in _cells(_sales(shop, WEDNESDAY)).items():
        now, base = expected[key]
        for url, names in ((cell.url, now), (cell.base_url, base)):
            query = parse_qs(urlsplit(url).query)
            assert query["shop"] == ["north-shop"] and query["date_field"] == ["created"]
            assert listed(client, **query) == {march[n] for n in names}, (key, url)


def test_on_a_monday_the_week_is_today_and_counted_once(shop, march, django_assert_num_queries):
    # The days waiting for their roll-ups (these are), read once for both periods, then each
    # period's two direct queries.
    with django_assert_num_queries(5):
        sales = _sales(shop, datetime(2026, 3, 9, 9, 0, tzinfo=LA))
    today, week = sales.rows
    assert today.orders == week.orders and week.days == "Mon, Mar 9"
    assert week.net_sales.value == "90.00 USD"
    assert week.net_sales.change == "-10% on last week"  # against last Monday's 100


def test_wording_without_sales_last_week_and_when_nothing_changed(shop):
    order(shop, _at(11))
    sales = _sales(shop, WEDNESDAY)
    cells = _cells(sales)
    assert cells[("Today", "net_sales")].change == "— no sales last week"
    assert cells[("Today", "orders")].change == "— no orders last week"
    assert cells[("Today", "orders")].value == "1 order"
    assert cells[("Today", "orders")].base == "0 orders"
    order(shop, _at(4))
    same = _cells(_sales(shop, WEDNESDAY))[("Today", "net_sales")]
    assert (same.change, same.trend) == ("same as last week", "flat")


def test_a_sunday_of_25_hours_is_one_day(shop):
    """Los Angeles falls back on Sunday 2026-11-01: the last day of that week has 25 hours."""
    order(shop, datetime(2026, 11, 1, 0, 30, tzinfo=LA))  # PDT
    order(shop, datetime(2026, 11, 1, 23, 30, tzinfo=LA))  # PST
    order(shop, datetime(2026, 11, 2, 0, 15, tzinfo=LA))  # Monday: next week
    order(shop, datetime(2026, 10, 25, 23, 30, tzinfo=LA))  # the Sunday before
    order(shop, datetime(2026, 10, 26, 0, 0, tzinfo=LA))  # this week's Monday at midnight
    today, week = _sales(shop, datetime(2026, 11, 1, 23, 45, tzinfo=LA)).rows
    assert (today.orders.value, today.orders.base) == ("2 orders", "1 order")
    assert (week.days, week.orders.value, week.orders.base) == (
        "Mon, Oct 26 – Sun, Nov 1",
        "3 orders",
        "1 order",  # Sunday Oct 25, the last day of Mon Oct 19 – Sun Oct 25
    )


def test_days_are_the_shops_own(other_shop):
    """London is 8 hours ahead of Los Angeles: 23:30 there on Tuesday is Wednesday here."""
    london = ZoneInfo("Europe/London")
    order(other_shop, datetime(2026, 3, 10, 23, 30, tzinfo=london))
    order(other_shop, datetime(2026, 3, 11, 0, 30, tzinfo=london))
    today = _sales(other_shop, WEDNESDAY).rows[0]
    assert today.days == "Wed, Mar 11" and today.orders.value == "1 order"
    assert today.net_sales.value == "100.00 GBP"


# --- the overview page --------------------------------------------------------------------


def _now_and_last_week(shop):
    """Now, and the same wall-clock time on the same weekday last week, in the shop's zone."""
    now = timezone.now().astimezone(shop.zone)
    last = datetime.combine(now.date() - timedelta(days=7), now.time(), tzinfo=shop.zone)
    return now, last


@pytest.fixture
def sold_today(shop):
    now, last_week = _now_and_last_week(shop)
    order(shop, now)
    order(shop, last_week, seller_discount=Decimal("50.00"))
    return shop


def _tile(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.context["shops"][0], response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ACCOUNTANT, Role.VIEWER])
def test_roles_that_may_view_insights_see_sales_on_the_tile(client, sold_today, role):
    entry, body = _tile(client, member(shop=sold_today, role=role))
    today = entry.sales.rows[0]
    assert (today.net_sales.value, today.net_sales.base) == ("100.00 USD", "50.00 USD")
    assert today.net_sales.change == "+100% on last week"
    assert "+100% on last week" in body and "See sales insights" in body
    assert f'href="/insights/?shop={sold_today.slug}&amp;period=last_7_days"' in body


@pytest.mark.parametrize("role", [Role.CUSTOMER_SERVICE, Role.FULFILMENT])
def test_other_roles_see_no_money_on_the_tile(client, sold_today, role):
    entry, body = _tile(client, member(shop=sold_today, role=role))
    assert entry.sales is None
    assert "USD<" not in body and "100.00" not in body and "Net sales" not in body
    assert "See sales insights" not in body


def test_a_role_per_shop_decides_for_that_shop_only(client, shop, other_shop):
    user = member(shop=shop, role=Role.ACCOUNTANT)
    membership_grant(shop=other_shop, user=user, role=Role.CUSTOMER_SERVICE, actor=None)
    client.force_login(user)
    entries = {e.shop.slug: e for e in client.get("/").context["shops"]}
    assert entries["north-shop"].sales is not None and entries["south-shop"].sales is None


def test_every_count_on_the_tile_links_to_its_orders(client, admin, shop):
    order(shop, timezone.now() - timedelta(days=20), status="IN_TRANSIT")
    order(shop, timezone.now() - timedelta(days=20), status="IN_TRANSIT")
    order(shop, timezone.now() - timedelta(days=30), status="CANCELLED")
    entry, body = _tile(client, admin)
    assert f'href="{entry.total_url}"' in body.replace("&amp;", "&")
    assert len(listed(client, **parse_qs(urlsplit(entry.total_url).query))) == entry.total == 3
    for code, _label, count, url in entry.status_rows:
        assert parse_qs(urlsplit(url).query) == {"shop": ["north-shop"], "status": [code]}
        assert len(listed(client, shop="north-shop", status=code)) == count
        assert f'href="{url}"'.replace("&", "&amp;") in body
    for counter in entry.counters:
        assert f'href="{counter.url}"'.replace("&", "&amp;") in body
    for row in entry.sales.rows:
        for figure in row.figures:
            for url in (figure.url, figure.base_url):
                assert f'href="{url}"'.replace("&", "&amp;") in body


def _shops_of(user, n: int) -> None:
    for i in range(n):
        extra = ShopFactory(slug=f"extra-{i}", name=f"Extra {i}")
        membership_grant(shop=extra, user=user, role=Role.ADMINISTRATOR, actor=None)
        for days in (0, 1, 7, 8):
            order(extra, timezone.now() - timedelta(days=days))


def test_the_overview_takes_a_fixed_number_of_queries_per_shop(
    client, admin, sold_today, django_assert_max_num_queries
):
    client.force_login(admin)
    client.get("/")  # sessions and caches settle
    with django_assert_max_num_queries(34) as one_shop:
        client.get("/")
    _shops_of(admin, 2)
    for _ in range(3):
        order(sold_today, timezone.now() - timedelta(days=2))
    # four periods of sales, three queries each (days waiting? then two direct queries); the
    # rest does not grow with shops
    per_shop = 12
    with django_assert_max_num_queries(len(one_shop) + 2 * per_shop):
        assert len(client.get("/").context["shops"]) == 3
