"""/orders/: what the FilterSet refuses (dates outside 2000 to 2100, control characters, totals
and page numbers that are not plain whole numbers, a cursor that does not fit) is named as the
filter bar names it, and what it accepts still filters."""

import pytest

from tests.orders.factories import OrderFactory
from tests.orders.helpers import ids, list_orders, listed

pytestmark = pytest.mark.django_db

TEXT_FILTERS = (
    "q",
    "sku",
    "product",
    "buyer",
    "category",
    "payment_method",
    "country",
    "state",
    "city",
    "postal_code",
    "carrier",
    "delivery_option",
)


@pytest.fixture
def orders(shop):
    return list_orders(shop)


def _errors(response) -> dict:
    return response.context["page"].filterset.form.errors


@pytest.mark.parametrize("url", ["/orders/", "/orders/counts/"])
@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "1999-12-31"},
        {"date_to": "2101-01-01"},
    ],
)
def test_dates_outside_2000_to_2100_are_refused_with_a_message(as_admin, orders, url, params):
    response = as_admin.get(url, params)
    assert response.status_code == 200
    if url == "/orders/":
        (field,) = params
        assert _errors(response)[field] == ["Enter a date between 2000-01-01 and 2100-12-31."]
        assert ids(response) == {o.order_id for o in orders.values()}  # the filter is left out
    else:  # the counts leave the refused filter out too
        assert f'All <span class="count">{len(orders)}</span>' in response.content.decode()


# Each refused filter is named as the filter bar names it, never by its parameter or by
# django-filter's generated label ("Total amount is greater than or equal to").
NAMED = [
    ({"total_min": "abc"}, "Total at least: Enter an amount like 12.50"),
    ({"total_max": "1e400"}, "Total at most: Enter an amount like 12.50"),
    ({"date_to": "9999-12-31"}, "Date to: Enter a date between"),
    ({"payment_method": "\x00"}, "Payment method: Remove the control character U+0000"),
    ({"carrier": "\x00"}, "Carrier: Remove the control character U+0000"),
    ({"q": "\x00"}, "Search: Remove the control character U+0000"),
    ({"page": "x"}, "Page: Enter a whole number"),
    ({"cursor": "nope"}, "Page link: That page link is not valid."),
]


@pytest.mark.parametrize(("params", "line"), NAMED)
def test_refused_filters_are_named_as_a_person_would(as_admin, orders, params, line):
    body = as_admin.get("/orders/", params).content.decode()
    assert f"<li>{line}" in body
    assert f"<li>{next(iter(params))}:" not in body


def test_every_filter_has_a_label_of_its_own():
    from orders.filters import OrderFilterSet

    generated = {n for n, f in OrderFilterSet.base_filters.items() if f._label is None}
    assert not generated


def test_the_bounds_themselves_are_accepted(as_admin, orders):
    response = as_admin.get("/orders/", {"date_from": "2000-01-01", "date_to": "2100-12-31"})
    assert not _errors(response) and ids(response) == {o.order_id for o in orders.values()}


@pytest.mark.parametrize("field", TEXT_FILTERS)
@pytest.mark.parametrize("value", ["\x00", "Aus\x00tin", "Aus\x01tin", "line\nbreak", "\x7f"])
def test_control_characters_in_any_text_filter_are_refused(as_admin, orders, field, value):
    response = as_admin.get("/orders/", {field: value})
    assert response.status_code == 200
    (message,) = _errors(response)[field]
    assert "control character" in message
    counts = as_admin.get("/orders/counts/", {field: value})
    assert counts.status_code == 200
    assert f'All <span class="count">{len(orders)}</span>' in counts.content.decode()


def test_text_filters_still_accept_any_language(as_admin, orders):
    response = as_admin.get("/orders/", {"city": "Zürich", "q": "山田 太郎", "buyer": "Zoë"})
    assert not _errors(response)


@pytest.mark.parametrize(
    "value", ["\u0664\u0660", "\uff14\uff10", "\u096a\u0966", "4\u0660", "NaN", "Infinity", "1e3"]
)
def test_totals_accept_ascii_digits_only(as_admin, orders, value):
    response = as_admin.get("/orders/", {"total_min": value})
    assert "total_min" in _errors(response)
    assert ids(response) == {o.order_id for o in orders.values()}
    assert listed(as_admin, total_min="40") == {
        orders["transit"].order_id,
        orders["old"].order_id,
    }


@pytest.mark.parametrize("value", ["\u0663", "\uff13", "3.5", "1e1"])
def test_page_numbers_are_ascii_whole_numbers(as_admin, orders, value):
    assert "page" in _errors(as_admin.get("/orders/", {"page": value}))


def test_a_cursor_and_a_page_number_together_are_refused(as_admin, shop):
    for n in range(3):
        OrderFactory(shop=shop, order_id=f"57650000000000000{n}")
    import orders.selectors.order_list as order_list

    original = order_list.SHALLOW_PAGES
    order_list.SHALLOW_PAGES = 1
    try:
        next_url = as_admin.get("/orders/", {"per_page": "25"}).context["page"].next_url
        response = as_admin.get("/orders/", {"cursor": "garbage", "page": "3"})
    finally:
        order_list.SHALLOW_PAGES = original
    assert next_url is None  # three orders fit on one page
    assert response.status_code == 200
    errors = _errors(response)
    assert errors["page"] == ["Use either a page number or a page link, not both."]
    assert errors["cursor"] == ["That page link is not valid."]
    assert len(response.context["page"].rows) == 3  # the first page instead


def test_a_cursor_of_another_sort_order_is_refused(as_admin, shop):
    from orders.keyset import cursor_for

    order = OrderFactory(shop=shop)
    cursor = cursor_for(order, "-total")
    response = as_admin.get("/orders/", {"cursor": cursor, "sort": "-created"})
    assert _errors(response)["cursor"] == ["That page link belongs to another sort order."]
    assert not _errors(as_admin.get("/orders/", {"cursor": cursor, "sort": "-total"}))
