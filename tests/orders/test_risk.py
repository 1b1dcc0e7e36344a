"""Risk indicators on the order page: explained facts with a level."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from orders.risk import order_risks
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def levels(order):
    return [(risk.level, risk.fact.split(" ")[0]) for risk in order_risks(order)]


def test_billing_in_another_country_is_high(shop):
    order = OrderFactory(
        shop=shop, billing_region_code="CA", region_code="US", is_buyer_request_cancel=False
    )
    assert order_risks(order)[0].level == "high"
    assert "another country (CA)" in order_risks(order)[0].fact


def test_a_calm_order_has_no_indicator(shop):
    order = OrderFactory(
        shop=shop,
        billing_region_code="US",
        region_code="US",
        billing_address_line1="1 Main St",
        address_line1="1 Main St",
        billing_postal_code="90001",
        postal_code="90001",
        is_buyer_request_cancel=False,
        total_amount=Decimal("20"),
    )
    OrderFactory.create_batch(3, shop=shop, total_amount=Decimal("20"))
    assert order_risks(order) == []


def test_many_orders_to_the_same_phone_within_a_day(shop):
    first = OrderFactory(shop=shop, recipient_phone="(+1)4155550100", is_buyer_request_cancel=False)
    for n in range(3):
        OrderFactory(
            shop=shop,
            recipient_phone="(+1)4155550100",
            create_time=first.create_time + timedelta(hours=n + 1),
        )
    facts = [risk.fact for risk in order_risks(first)]
    assert any("3 other orders to the same address or phone" in f for f in facts)


def test_buyer_asking_to_cancel_is_medium(shop):
    order = OrderFactory(shop=shop, status="AWAITING_SHIPMENT", is_buyer_request_cancel=True)
    assert ("medium", "The") in levels(order)


def test_a_first_order_far_above_the_average_is_low(shop):
    OrderFactory.create_batch(4, shop=shop, total_amount=Decimal("20"))
    big = OrderFactory(
        shop=shop, total_amount=Decimal("500"), buyer_user_id="7999", is_buyer_request_cancel=False
    )
    assert any(r.level == "low" and "First order" in r.fact for r in order_risks(big))


def test_the_detail_page_explains_the_risks(client, cs_agent, shop):
    order = OrderFactory(shop=shop, billing_region_code="CA", region_code="US")
    client.force_login(cs_agent)
    body = client.get(f"/orders/{order.order_id}/").content.decode()
    assert "Worth a second look" in body and "risk-high" in body
