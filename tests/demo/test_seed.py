"""Seeding the demo: the replies to buyers are by members of the shop."""

import pytest
from django.utils import timezone

from accounts.models import Membership
from orders.models import OrderEvent
from orders.statuses import EventKind

pytestmark = pytest.mark.django_db


def test_seeded_replies_to_buyers_are_by_a_member_of_the_shop(db):
    from demo.seed import demo_seed

    demo_seed(orders=300, seed=11)
    replies = OrderEvent.objects.filter(kind=EventKind.MESSAGE_TO_BUYER)
    assert replies.exists()
    assert not replies.filter(actor__isnull=True).exists()
    for event in replies.select_related("order", "actor")[:20]:
        assert Membership.objects.filter(user=event.actor, shop=event.order.shop_id).exists()
    assert not OrderEvent.objects.filter(occurred_at__gt=timezone.now()).exists()
