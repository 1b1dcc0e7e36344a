"""The menu marks the entry of the section the page belongs to, by the page's URL namespace."""

import re

import pytest

from tests.orders.factories import OrderFactory


def _current(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize(
    ("url", "entry"),
    [
        ("/", ["Overview"]),
        ("/orders/", ["Orders"]),
        ("/orders/import/", ["Import"]),
        ("/exports/", ["Exports"]),
        ("/accounts/access-review/", ["Access review"]),
        ("/accounts/two-factor/", []),
    ],
)
def test_the_menu_marks_the_section_of_the_page(client, admin, url, entry):
    client.force_login(admin)
    assert _current(client, url) == entry


def test_an_order_page_is_in_orders(client, admin, shop):
    client.force_login(admin)
    order = OrderFactory(shop=shop)
    assert _current(client, f"/orders/{order.order_id}/") == ["Orders"]
