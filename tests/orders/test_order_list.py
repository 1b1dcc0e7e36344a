"""/orders/: every filter (docs/order-list.md) through HTTP, against hand-computed expectations."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from orders.models import Order, OrderLine, Package, Refund
from orders.selectors.order_counts import order_list_counts
from orders.statuses import TrackingStatus
from tests.accounts.factories import member
from tests.orders.factories import OrderFactory
from tests.orders.helpers import list_orders, listed

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def orders(shop):
    return list_orders(shop)


def test_default_view_lists_my_shops_orders_newest_first(as_admin, orders, other_shop):
    OrderFactory(shop=other_shop)
    response = as_admin.get("/orders/")
    assert [r.order.order_id for r in response.context["page"].rows] == [
        "576000000000000002",
        "576000000000000001",
        "576000000000000003",
    ]


def test_repeated_status_is_or_and_filters_and(as_admin, orders):
    assert listed(as_admin, status=["IN_TRANSIT", "COMPLETED"]) == {
        "576000000000000001",
        "576000000000000003",
    }
    assert listed(as_admin, status=["IN_TRANSIT", "COMPLETED"], total_min="50") == {
        "576000000000000003"
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"total_min": "15.50", "total_max": "40"}, {"1", "2"}),
        ({"payment_method": "PayPal"}, {"1"}),
        ({"state": ["texas", "ohio"]}, {"1", "2"}),
        ({"city": "AUSTIN"}, {"1"}),
        ({"has_buyer_message": "1"}, {"2"}),
        ({"has_buyer_message": "0"}, {"1", "3"}),
        ({"needs_action": "ship_within_24h"}, {"2"}),
        ({"period": "last_7d"}, {"1", "2"}),
        ({"sort": "total"}, {"1", "2", "3"}),
    ],
)
def test_single_filters(as_admin, orders, params, expected):
    assert listed(as_admin, **params) == {f"57600000000000000{n}" for n in expected}


def test_sku_product_category_carrier_and_tracking_filters(as_admin, orders):
    order = orders["transit"]
    line = order.lines.first()
    package = order.packages.first()
    for params in (
        {"sku": line.seller_sku},
        {"sku": line.sku_id},
        {"product": line.product_name[3:12].lower()},
        {"category": line.product_category},
        {"carrier": package.shipping_provider_name.lower()},
        {"tracking_status": package.tracking_status},
    ):
        assert order.order_id in listed(as_admin, **params), params
    Package.objects.filter(pk=package.pk).update(tracking_status=TrackingStatus.EXCEPTION)
    assert listed(as_admin, needs_action="tracking_exception") == {order.order_id}


def test_refund_and_return_flags(as_admin, orders):
    order = orders["old"]
    Refund.objects.create(
        order=order,
        amount=Decimal("5"),
        reason="Damaged",
        status="REQUESTED",
        requested_at=timezone.now(),
    )
    assert listed(as_admin, has_refund="1") >= {order.order_id}
    assert order.order_id in listed(as_admin, needs_action="refund_requested")
    line = order.lines.first()
    line.returned_quantity = 1
    line.save(update_fields=["returned_quantity"])
    assert order.order_id in listed(as_admin, has_return="1")
    assert order.order_id not in listed(as_admin, has_return="0")


def test_search_several_order_ids_at_once(as_admin, orders):
    assert listed(as_admin, q="576000000000000001, 576000000000000003") == {
        "576000000000000001",
        "576000000000000003",
    }
    assert listed(as_admin, q="576000000000000001 576000000000000002") == {
        "576000000000000001",
        "576000000000000002",
    }


def test_search_tracking_number_buyer_product_and_sku(as_admin, orders):
    order = orders["transit"]
    assert listed(as_admin, q=order.packages.first().tracking_number) == {order.order_id}
    assert listed(as_admin, q="OLIVIA") == {order.order_id}
    assert listed(as_admin, q="liam jones") == {"576000000000000002"}
    assert order.order_id in listed(as_admin, q=order.lines.first().seller_sku)


def test_an_exact_order_id_is_offered_directly(as_admin, orders):
    response = as_admin.get("/orders/", {"q": "576000000000000002"})
    assert response.context["page"].exact_order.order_id == "576000000000000002"


def test_masked_buyer_fields_are_neither_shown_nor_searchable(as_viewer, orders):
    assert listed(as_viewer, q="olivia") == set()
    assert listed(as_viewer, buyer="Olivia") == set()
    response = as_viewer.get("/orders/")
    body = response.content.decode()
    assert "Olivia Smith" not in body and "O*** S***" in body
    assert listed(as_viewer, q="576000000000000001") == {"576000000000000001"}


def test_buyer_filter_for_roles_that_see_contacts(as_admin, orders):
    assert listed(as_admin, buyer="smith") == {"576000000000000001"}


def test_a_shop_i_do_not_belong_to_is_404_and_never_leaks(as_admin, orders, other_shop):
    OrderFactory(shop=other_shop, order_id="576999999999999999")
    assert as_admin.get("/orders/", {"shop": other_shop.slug}).status_code == 404
    assert "576999999999999999" not in listed(as_admin, q="576999999999999999")


@pytest.mark.parametrize(
    "params",
    [
        {"status": "SHIPPED"},
        {"date_from": "2026-13-45"},
        {"total_min": "-5"},
        {"total_max": "abc"},
        {"cursor": "garbage"},
        {"per_page": "100000"},
        {"date_from": "2026-05-10", "date_to": "2026-05-01"},
        {"q": "x" * 10_000},
        {"page": "-1"},
        {"needs_action": "later"},
        {"sort": "DROP TABLE"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"city": "\x00"},
        {"cursor": "garbage", "page": "3"},
        {"total_min": "\u0664\u0660"},
    ],
)
def test_bad_input_is_reported_never_a_500(as_admin, orders, params):
    response = as_admin.get("/orders/", params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.filterset.form.errors
    assert all(row.order.shop.slug == "north-shop" for row in page.rows)


def test_month_boundaries_follow_the_shop_zone(as_admin, shop):
    """23:30 on the last day of a month, Los Angeles time, belongs to that month."""
    late = datetime(2026, 10, 31, 23, 30, tzinfo=LA)  # = Nov 1, 06:30 UTC
    early = datetime(2026, 11, 1, 0, 15, tzinfo=LA)
    OrderFactory(shop=shop, order_id="576100000000000001", create_time=late)
    OrderFactory(shop=shop, order_id="576100000000000002", create_time=early)
    october = listed(as_admin, date_from="2026-10-01", date_to="2026-10-31")
    november = listed(as_admin, date_from="2026-11-01", date_to="2026-11-30")
    assert "576100000000000001" in october and "576100000000000001" not in november
    assert "576100000000000002" in november


def test_dst_change_day_is_a_whole_local_day(as_admin, shop):
    # US clocks went back on 2026-11-01: that local day has 25 hours.
    first = datetime(2026, 11, 1, 0, 10, tzinfo=LA)
    last = datetime(2026, 11, 1, 23, 50, tzinfo=LA)
    after = datetime(2026, 11, 2, 0, 5, tzinfo=LA)
    for n, moment in enumerate((first, last, after), 1):
        OrderFactory(shop=shop, order_id=f"57620000000000000{n}", create_time=moment)
    assert listed(as_admin, date_from="2026-11-01", date_to="2026-11-01") == {
        "576200000000000001",
        "576200000000000002",
    }


def test_each_shop_uses_its_own_zone(client, shop, other_shop):
    user = member(shop=shop, role=Role.ADMINISTRATOR, email="both@example.test")
    from accounts.services import membership_grant

    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    london = ZoneInfo("Europe/London")
    OrderFactory(
        shop=shop,
        order_id="576300000000000001",
        create_time=datetime(2026, 10, 31, 23, 0, tzinfo=LA),
    )
    OrderFactory(
        shop=other_shop,
        order_id="576300000000000002",
        create_time=datetime(2026, 10, 31, 23, 0, tzinfo=london),
    )
    client.force_login(user)
    assert listed(client, date_from="2026-10-31", date_to="2026-10-31") == {
        "576300000000000001",
        "576300000000000002",
    }


def test_status_tabs_count_with_every_other_filter(admin, orders):
    query = QueryDict("state=Texas&state=Ohio&status=COMPLETED")
    counts = order_list_counts(user=admin, query=query)
    tab_counts = {tab.code: tab.count.value for tab in counts.tabs}
    assert tab_counts["IN_TRANSIT"] == 1 and tab_counts["AWAITING_SHIPMENT"] == 1
    assert tab_counts["COMPLETED"] == 0
    assert {c.code: c.count.value for c in counts.needs_action}["ship_within_24h"] == 0
    assert counts.total.value == 0  # the total respects the status filter itself


def test_the_page_loads_its_counts_afterwards(as_admin, orders):
    page = as_admin.get("/orders/").content.decode()
    assert 'hx-get="/orders/counts/?' in page and 'hx-trigger="load"' in page
    counts = as_admin.get("/orders/counts/", HTTP_HX_REQUEST="true").content.decode()
    assert counts.lstrip().startswith('<div id="counts"') and "hx-trigger" not in counts
    assert '<span class="count">3</span>' in counts


def test_chips_describe_the_filters_and_remove_one_each(as_admin, orders):
    page = as_admin.get(
        "/orders/", {"status": ["IN_TRANSIT", "DELIVERED"], "period": "last_month", "q": "olivia"}
    ).context["page"]
    labels = [chip.label for chip in page.chips]
    assert labels == [
        "Status: In transit",
        "Status: Delivered",
        "Created last month",
        "Search: olivia",
    ]
    remove_transit = page.chips[0].remove_url
    assert "IN_TRANSIT" not in remove_transit and "DELIVERED" in remove_transit


def test_keyset_pages_cover_every_row_exactly_once(as_admin, shop):
    base = timezone.now() - timedelta(days=1)
    for n in range(60):  # identical times force the id tie-breaker
        OrderFactory(
            shop=shop, order_id=f"5764{n:014d}", create_time=base - timedelta(minutes=n // 3)
        )
    import orders.selectors.order_list as order_list

    seen, url, pages = [], "/orders/?per_page=25", 0
    original = order_list.SHALLOW_PAGES
    order_list.SHALLOW_PAGES = 1  # go to cursors straight after page one
    try:
        while url:
            page = as_admin.get(url).context["page"]
            seen += [row.order.order_id for row in page.rows]
            url = f"/orders/{page.next_url}" if page.next_url else None
            pages += 1
    finally:
        order_list.SHALLOW_PAGES = original
    assert pages == 3 and len(seen) == 60 and len(set(seen)) == 60
    expected = list(
        Order.objects.order_by("-create_time", "-pk").values_list("order_id", flat=True)
    )
    assert seen == expected


def test_query_count_does_not_grow_with_rows_or_depth(
    as_admin, shop, django_assert_max_num_queries
):
    for n in range(30):
        OrderFactory(shop=shop, order_id=f"5765{n:014d}")
    with django_assert_max_num_queries(40) as few:
        as_admin.get("/orders/", {"per_page": "25"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_admin.get("/orders/", {"per_page": "100", "page": "1"})


def test_a_repeated_list_request_reads_at_most_ten_times_and_writes_nothing(as_admin, orders):
    """Session, user, permission rows, saved views, shops and rows once each."""
    as_admin.get("/orders/")  # the first also records activity and the session's expiry
    with CaptureQueriesContext(connection) as again:
        assert as_admin.get("/orders/").status_code == 200
    statements = [query["sql"].lstrip().upper() for query in again.captured_queries]
    assert len(statements) <= 10, statements
    assert not [sql for sql in statements if sql.startswith(("UPDATE", "INSERT", "DELETE"))]


def test_htmx_gets_only_the_part_it_swaps(as_admin, orders):
    full = as_admin.get("/orders/")
    assert b"<html" in full.content and full["Vary"].count("HX-Request")
    results = as_admin.get("/orders/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = results.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="results"')
    listing = as_admin.get("/orders/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="order-list")
    assert listing.content.decode().lstrip().startswith('<div id="order-list"')


@pytest.mark.parametrize("threshold", [1, 10_000])
def test_common_and_rare_words_find_the_same_orders(as_admin, orders, monkeypatch, threshold):
    """Searched inline (a word common among recent orders) or by keys (a rare one)."""
    import orders.filters.search as filters

    monkeypatch.setattr(filters, "RECENT_HITS_FOR_INLINE", threshold)
    product = orders["old"].lines.first().product_name
    assert listed(as_admin, q="olivia") == {"576000000000000001"}
    assert "576000000000000003" in listed(as_admin, q=product)
    assert "576000000000000003" in listed(as_admin, product=product.lower())


def test_searches_matching_more_orders_than_the_key_cap_miss_none(as_admin, orders, monkeypatch):
    """A best-selling SKU, or a word with more matches than keys are fetched for, is searched
    in the rows query itself: every matching order is listed, none cut off at the cap."""
    import orders.filters.search as filters

    monkeypatch.setattr(filters, "SEARCH_MATCH_CAP", 1)
    monkeypatch.setattr(filters, "RECENT_HITS_FOR_INLINE", 10_000)  # plan every word as rare
    sku = orders["old"].lines.first().seller_sku
    product = orders["old"].lines.first().product_name
    with_sku = set(
        OrderLine.objects.filter(seller_sku=sku).values_list("order__order_id", flat=True)
    )
    with_product = set(
        OrderLine.objects.filter(product_name__icontains=product).values_list(
            "order__order_id", flat=True
        )
    )
    for order_id in ("576000000000000001", "576000000000000002"):
        line = Order.objects.get(order_id=order_id).lines.first()
        line.seller_sku, line.product_name = sku, product
        line.save(update_fields=["seller_sku", "product_name"])
        with_sku.add(order_id)
        with_product.add(order_id)
    assert len(with_sku) > 1
    assert listed(as_admin, q=sku) == with_sku
    assert listed(as_admin, q=product) >= with_product
