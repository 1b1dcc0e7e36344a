"""Order factories built on demo.builder, so test orders obey the same money identities and
timelines as the demo data."""

import random
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from demo.builder import build_order
from demo.seed import demo_orders_save
from orders.models import Order
from orders.statuses import EventKind, OrderStatus
from tests.accounts.factories import ShopFactory


class OrderFactory(DjangoModelFactory):
    """A complete order: lines with variations, packages, checkpoints and events.

    Any other field passed in overrides what the builder chose, e.g.
    `OrderFactory(shop=shop, status="IN_TRANSIT", buyer_username="maria.l")`.
    A delivered or completed order sometimes comes with a refund, now and then of all of it;
    `refunds=False` gives one nobody refunded yet, for a test that refunds it.
    """

    class Meta:
        model = Order

    shop = factory.SubFactory(ShopFactory)
    order_id = factory.Sequence(lambda n: f"576{n:015d}")
    status = OrderStatus.AWAITING_SHIPMENT
    create_time = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    seed = factory.Sequence(lambda n: n)

    @classmethod
    def _create(
        cls, model_class, *, shop, order_id, status, create_time, seed, refunds=True, **overrides
    ):
        now = timezone.now()
        demo = build_order(
            shop=shop,
            rng=random.Random(seed),
            order_id=order_id,
            created=create_time,
            now=max(now, create_time + timedelta(hours=1)),
            status=status,
        )
        for name, value in overrides.items():
            setattr(demo.order, name, value)
        if not refunds or ("total_amount" in overrides and "refunded_amount" not in overrides):
            # (A total set by hand no longer matches the generated refunds.)
            _without_refunds(demo)
        demo_orders_save([demo])
        return demo.order

    @classmethod
    def _build(
        cls, model_class, *, shop, order_id, status, create_time, seed, refunds=True, **overrides
    ):
        demo = build_order(
            shop=shop,
            rng=random.Random(seed),
            order_id=order_id,
            created=create_time,
            now=timezone.now(),
            status=status,
        )
        for name, value in overrides.items():
            setattr(demo.order, name, value)
        if not refunds:
            _without_refunds(demo)
        return demo.order


def _without_refunds(demo) -> None:
    demo.order.refunded_amount = 0
    demo.order.has_refund = False
    demo.refunds = []
    demo.events = [event for event in demo.events if event.kind != EventKind.REFUND]
    for line in demo.lines:
        line.returned_quantity = 0
