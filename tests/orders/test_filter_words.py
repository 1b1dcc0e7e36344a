"""Every filter is named by its FilterSet label alike on the filter bar, in the chips and in an
export's description: one set of words, said once."""

import pytest
from django.http import QueryDict

from orders.filter_ui import filter_bar
from orders.filter_words import filters_text
from orders.filters import OrderFilterSet, filter_label
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

# (parameter, value, the value as the chip says it)
FILTERS = [
    ("sku", "HOOP-RED", "HOOP-RED"),
    ("product", "hula", "hula"),
    ("category", "Toys", "Toys"),
    ("buyer", "olivia", "olivia"),
    ("state", "Texas", "Texas"),
    ("total_min", "10", "10"),
    ("total_max", "90.5", "90.5"),
    ("payment_method", "PayPal", "PayPal"),
    ("status", "IN_TRANSIT", "In transit"),
    ("tracking_status", "DELIVERED", "Delivered"),
    ("has_refund", "1", "Yes"),
    ("risk", "0", "No"),
    ("needs_action", "overdue", "Overdue to ship"),
    ("sort", "total", "Lowest total"),
]


def _bar_labels(shop) -> dict[str, str]:
    bar = filter_bar(QueryDict(), [shop])
    labels = {group["name"]: group["label"] for group in bar["groups"]}
    labels |= {item["name"]: item["label"] for item in bar["texts"] + bar["lists"]}
    labels |= {flag["name"]: flag["label"] for flag in bar["flags"]}
    return labels | {name: bar["labels"][name] for name in ("total_min", "total_max", "sort")}


@pytest.mark.parametrize(("name", "value", "shown"), FILTERS)
def test_the_bar_the_chips_and_the_export_name_a_filter_alike(
    client, admin, shop, name, value, shown
):
    OrderFactory(shop=shop, payment_method_name="PayPal")
    label = filter_label(name)
    assert _bar_labels(shop)[name] == label

    client.force_login(admin)
    page = client.get("/orders/", {name: value}).context["page"]
    assert page.filterset.form.errors == {}
    assert [chip.label for chip in page.chips] == [f"{label}: {shown}"]

    exported = filters_text(f"{name}={value}", [shop])
    assert exported == f"{label}: {shown}" or name == "sort"  # files ignore the sort


def test_the_seller_sku_chip_says_what_the_filter_matches(client, admin, shop):
    """The filter bar's words, not a shorter "SKU" of the chips' own."""
    client.force_login(admin)
    chips = client.get("/orders/", {"sku": "HOOP-RED"}).context["page"].chips
    assert [chip.label for chip in chips] == ["Seller SKU or SKU ID: HOOP-RED"]
    assert filters_text("sku=HOOP-RED", [shop]) == "Seller SKU or SKU ID: HOOP-RED"


def test_every_filter_has_a_label_of_its_own():
    labels = [f.label for f in OrderFilterSet.base_filters.values()]
    assert all(labels) and len(set(labels)) == len(labels)
