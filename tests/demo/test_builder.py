"""The demo builder produces orders that TikTok itself could have produced: money to the cent,
timestamps in the order of the status, realistic lines, packages and checkpoints, and nothing
after now."""

import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Shop
from demo.builder import build_order
from orders.statuses import EventKind, OrderStatus, TrackingStatus

STEP_TIMES = ("create_time", "paid_time", "rts_time", "collection_time", "delivery_time")


def _built_orders(count=400):
    shop_us = Shop(pk=1, slug="us", market="US", currency="USD", timezone="America/Los_Angeles")
    shop_gb = Shop(pk=2, slug="gb", market="GB", currency="GBP", timezone="Europe/London")
    rng, now = random.Random(7), timezone.now()
    for i in range(count):
        created = now - timedelta(days=rng.uniform(0, 395))
        yield build_order(
            shop=shop_us if i % 3 else shop_gb,
            rng=rng,
            order_id=f"57{i:016d}",
            created=created,
            now=now,
        )


@pytest.fixture(scope="module")
def built():
    return list(_built_orders())


def test_money_identities_hold_to_the_cent(built):
    for demo in built:
        o = demo.order
        assert (
            o.sub_total == o.original_total_product_price - o.seller_discount - o.platform_discount
        )
        assert o.shipping_fee == (
            o.original_shipping_fee
            - o.shipping_fee_seller_discount
            - o.shipping_fee_platform_discount
        )
        assert o.total_amount == o.sub_total + o.shipping_fee + o.tax + o.retail_delivery_fee
        assert o.original_total_product_price == sum(
            line.subtotal_before_discount for line in demo.lines
        )
        assert o.sub_total == sum(line.subtotal_after_discount for line in demo.lines)
        for line in demo.lines:
            assert line.subtotal_before_discount == line.unit_original_price * line.quantity
            assert line.subtotal_after_discount == (
                line.subtotal_before_discount - line.platform_discount - line.seller_discount
            )
        amounts = [
            getattr(o, f) for f in ("total_amount", "tax", "shipping_fee", "refunded_amount")
        ]
        assert all(a == a.quantize(Decimal("0.01")) and a >= 0 for a in amounts)
        assert o.refunded_amount <= o.total_amount


def test_timestamps_follow_the_status(built):
    for demo in built:
        o = demo.order
        stamps = [getattr(o, name) for name in STEP_TIMES]
        reached = [t for t in stamps if t is not None]
        assert stamps[: len(reached)] == reached, "no step without the ones before it"
        assert reached == sorted(reached)
        assert o.update_time >= reached[-1]
        if o.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
            assert o.delivery_time is not None
        if o.status == OrderStatus.IN_TRANSIT:
            assert o.collection_time is not None and o.delivery_time is None
        if o.status in (OrderStatus.UNPAID,):
            assert o.paid_time is None and not o.address_line1
        if o.status == OrderStatus.CANCELLED:
            assert o.cancel_time and o.cancel_reason and o.cancellation_initiator
        if o.paid_time:
            assert o.shipping_due_time > o.paid_time


def test_lines_packages_and_checkpoints_are_realistic(built):
    statuses = {demo.order.status for demo in built}
    assert statuses >= {"AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"}
    assert any(len(demo.lines) > 1 for demo in built), "multi-line orders exist"
    assert any(
        re.search(r"\b(XS|S|M|L|XL|XXL)$", line.variation) for demo in built for line in demo.lines
    ), "sizes appear in variations"
    for demo in built:
        shipped = demo.order.status in ("IN_TRANSIT", "DELIVERED", "COMPLETED")
        if shipped:
            assert demo.packages, demo.order.status
        for package in demo.packages:
            assert package.shipping_provider_name and package.tracking_number
        times = [cp.occurred_at for _, cp in demo.checkpoints]
        assert times == sorted(times)
        assert {cp.status for _, cp in demo.checkpoints} <= set(TrackingStatus.values)
        if demo.checkpoints:
            assert demo.packages[0].tracking_status == demo.checkpoints[-1][1].status
        if demo.order.status in ("DELIVERED", "COMPLETED"):
            assert demo.packages[0].tracking_status == TrackingStatus.DELIVERED


@pytest.mark.django_db
def test_demo_orders_have_no_event_after_now_and_no_person_without_a_user():
    from tests.accounts.factories import ShopFactory

    shop = ShopFactory(slug="demo-check")
    now = timezone.now()
    rng = random.Random(7)
    seen_messages = 0
    for i in range(400):
        demo = build_order(
            shop=shop,
            rng=rng,
            order_id=f"5769200000{i:08d}",
            created=now - timedelta(hours=rng.uniform(0.1, 60)),
            now=now,
        )
        for event in demo.events:
            assert event.occurred_at <= now, (event.kind, event.occurred_at - now)
            seen_messages += event.kind == EventKind.MESSAGE_TO_BUYER
    assert seen_messages  # the check saw the seller's replies it is about
