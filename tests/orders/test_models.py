"""Database constraints guard the invariants even when code forgets to."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orders.models import Order, OrderLine
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_tiktok_order_id_is_unique_per_shop_but_not_across_shops(shop, other_shop):
    OrderFactory(shop=shop, order_id="576486316948490001")
    OrderFactory(shop=other_shop, order_id="576486316948490001")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(shop=shop, order_id="576486316948490001")
    assert Order.objects.filter(order_id="576486316948490001").count() == 2


@pytest.mark.parametrize("field", ["total_amount", "seller_discount", "tax", "shipping_fee"])
def test_negative_money_is_rejected_by_the_database(shop, field):
    order = OrderFactory(shop=shop)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(**{field: Decimal("-0.01")})


def test_refund_cannot_exceed_the_order_total(shop):
    order = OrderFactory(shop=shop, status="DELIVERED")
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(refunded_amount=order.total_amount + 1)


def test_line_quantity_is_at_least_one_and_returns_within_it(shop):
    line = OrderFactory(shop=shop).lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(pk=line.pk).update(quantity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=line.quantity + 1)


def test_unknown_status_is_rejected_by_the_database(shop):
    order = OrderFactory(shop=shop)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(status="SHIPPED")


@pytest.mark.parametrize("bad", ["12345", "57648631694849000A", "57648631694849000123"])
def test_order_id_must_be_an_18_or_19_digit_number(shop, bad):
    order = OrderFactory.build(shop=shop, order_id=bad)
    with pytest.raises(ValidationError) as raised:
        order.full_clean(exclude=["shop"])
    assert "order_id" in raised.value.message_dict


def test_the_address_field_lists_name_real_fields_and_masking_covers_their_people():
    """The address lists are declared once (orders/models/fields.py); masking, which lives
    below orders in accounts, keeps its own table: every part of an address that points at a
    person (names, phone, street, postal code) is in it, and city, state and country are not."""
    from accounts.masking import BUYER_FIELD_MASKS
    from orders.models import BILLING_ADDRESS_FIELDS, RECIPIENT_FIELDS, SHIPPING_ADDRESS_FIELDS

    names = {field.name for field in Order._meta.get_fields()}
    listed = (*RECIPIENT_FIELDS, *SHIPPING_ADDRESS_FIELDS, *BILLING_ADDRESS_FIELDS)
    assert set(listed) <= names and len(set(listed)) == len(listed)
    readable = ("district", "city", "state", "region_code")
    for field in listed:
        place = field.removeprefix("billing_")
        assert (field in BUYER_FIELD_MASKS) == (place not in readable), field
