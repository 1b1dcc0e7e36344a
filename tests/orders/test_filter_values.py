"""Payment method, country, carrier and delivery option are lists built from the shop's own
orders, and a value that is not in the list is refused in words."""

import re
from html import unescape

import pytest

from tests.orders.factories import OrderFactory
from tests.orders.helpers import orders_with_filter_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(shop, other_shop):
    return orders_with_filter_values(shop, other_shop)


def options(body: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="f-{name}" name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no list for {name}"
    return [
        (unescape(value), unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
    ]


def test_the_lists_hold_the_shops_own_values_only(client, admin, orders):
    client.force_login(admin)
    body = client.get("/orders/").content.decode()
    assert options(body, "payment_method") == [("", "Any"), ("PayPal", "PayPal"), ("Visa", "Visa")]
    assert options(body, "country") == [
        ("", "Any"),
        ("GB", "United Kingdom"),
        ("US", "United States"),
    ]
    assert options(body, "carrier") == [("", "Any"), ("Royal Mail", "Royal Mail"), ("USPS", "USPS")]
    assert options(body, "delivery_option") == [
        ("", "Any"),
        ("Express <b>fast</b>", "Express <b>fast</b>"),
        ("Standard shipping", "Standard shipping"),
    ]
    assert "Express &lt;b&gt;fast&lt;/b&gt;" in body and "<b>fast</b>" not in body
    assert "Klarna" not in body and "DHL" not in body  # another shop's values never show
    assert '<input id="f-payment_method"' not in body  # no longer free text


def test_the_chosen_value_is_selected_and_filters(client, admin, orders):
    client.force_login(admin)
    response = client.get("/orders/", {"carrier": "Royal Mail"})
    assert {row.order.order_id for row in response.context["page"].rows} == {orders[2].order_id}
    assert '<option value="Royal Mail" selected>' in response.content.decode()
    chips = client.get("/orders/", {"country": "gb"}).context["page"].chips
    assert [chip.label for chip in chips] == ["Country: United Kingdom"]  # not "GB"
    response = client.get("/orders/", {"payment_method": "paypal"})  # letter case aside
    assert {row.order.order_id for row in response.context["page"].rows} == {orders[0].order_id}


@pytest.mark.parametrize(
    ("params", "line"),
    [
        ({"payment_method": "Bitcoin"}, "Payment method: “Bitcoin” is not in the list"),
        ({"payment_method": "Klarna"}, "Payment method: “Klarna” is not in the list"),
        ({"country": "DE"}, "Country: “DE” is not in the list"),
        ({"carrier": ["DHL", "FedEx"]}, "Carrier: “DHL”, “FedEx” are not in the list"),
        ({"delivery_option": "<script>"}, "Delivery option: “&lt;script&gt;” is not in the list"),
    ],
)
def test_a_value_not_in_the_list_is_refused_in_words(client, admin, orders, params, line):
    client.force_login(admin)
    response = client.get("/orders/", params)
    assert response.status_code == 200
    assert f"<li>{line}" in response.content.decode()
    rows = {row.order.order_id for row in response.context["page"].rows}
    assert rows == {order.order_id for order in orders}  # the refused filter is left out
    counts = client.get("/orders/counts/", params).content.decode()
    assert f'All <span class="count">{len(orders)}</span>' in counts


def test_a_value_newer_than_the_cached_lists_is_accepted(client, admin, shop, orders):
    client.force_login(admin)
    client.get("/orders/")  # the lists are cached now
    new = OrderFactory(shop=shop, payment_method_name="Apple Pay")
    response = client.get("/orders/", {"payment_method": "Apple Pay"})
    assert not response.context["page"].filterset.form.errors
    assert {row.order.order_id for row in response.context["page"].rows} == {new.order_id}
    assert ("Apple Pay", "Apple Pay") in options(response.content.decode(), "payment_method")


def test_the_lists_are_read_once_then_kept(client, admin, orders):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)
    with CaptureQueriesContext(connection) as cold:
        client.get("/orders/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/orders/")

    def lists(queries):
        return [
            q["sql"]
            for q in queries
            if q["sql"].startswith("SELECT DISTINCT") or q["sql"].startswith("SELECT MIN(")
        ]

    # One probe per value and one to find there is no more; the carriers in one query.
    assert len(lists(cold.captured_queries)) == (2 + 1) + (2 + 1) + (2 + 1) + 1
    assert not lists(warm.captured_queries)
