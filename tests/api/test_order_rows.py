"""api.order_rows gives the order list's rows as OrderSerializer does, byte for byte in JSON,
for varied orders (every status, refunds, packages, empty and odd values), masked and
unmasked, with every kind of `fields=` the API takes; and the list's audit of unmasked
buyer data is one event per order, written in one statement."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.masking import BUYER_FIELD_MASKS
from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from accounts.services import membership_grant
from api.order_rows import listed_orders
from api.serializers import OrderSerializer
from api.services import buyer_data_served
from orders.models import Order, Refund
from orders.statuses import OrderStatus, RefundStatus
from tests.accounts.factories import member
from tests.api.helpers import api_get, token_for
from tests.orders.factories import OrderFactory

ORDERS = "/api/v1/orders/"
ALL = list(OrderSerializer.Meta.fields)


def _sparse_choices() -> list[list[str] | None]:
    """None (every field), each field alone, the buyer fields, all but them, every field
    named backwards and twice, and random subsets in random order (fixed seed)."""
    rng = random.Random(19)
    buyer = list(BUYER_FIELD_MASKS)
    chosen = [None, *([name] for name in ALL), buyer, [n for n in ALL if n not in buyer]]
    chosen += [ALL[::-1], ALL + ALL[:3], ["lines", "order_id"], ["order_id", "shop"]]
    chosen += [rng.sample(ALL, rng.randint(2, len(ALL) - 1)) for _ in range(40)]
    return chosen


@pytest.fixture
def varied(shop, other_shop):
    """Orders of every status in both shops, with refunds and packages as the builder makes
    them, and values at the edges of what masking and formatting see."""
    now = timezone.now()
    orders = [
        OrderFactory(shop=s, status=status, create_time=now - timedelta(hours=i * 7 + n))
        for n, s in enumerate([shop, other_shop])
        for i, status in enumerate(OrderStatus.values)
    ]
    orders += [
        OrderFactory(
            shop=shop,
            recipient_name="  Zoë   van der Berg ",
            recipient_phone="(+44)7700****00",
            buyer_email="no-at-sign",
            buyer_username="ab",
            postal_code="SW11 4NJ",
            address_line2="",
            billing_name="",
            buyer_message='Quotes " and \\ backslash, émoji 📦, <tags>',
            total_amount=Decimal("0.10"),
            create_time=now - timedelta(days=40, microseconds=1),
        ),
        OrderFactory(
            shop=other_shop,
            postal_code="1",
            recipient_phone="12345",
            paid_time=None,
            shipping_due_time=None,
            delivery_due_time=None,
            create_time=now.replace(microsecond=0) - timedelta(days=41),
        ),
    ]
    for order in orders:
        if order.status == OrderStatus.DELIVERED:  # a refund decided, a line returned
            line = order.lines.order_by("pk").first()
            Refund.objects.create(
                order=order,
                amount=line.subtotal_after_discount,
                reason="Arrived damaged",
                status=RefundStatus.COMPLETED,
                requested_at=now - timedelta(hours=2),
                decided_at=now - timedelta(hours=1),
            )
            Order.objects.filter(pk=order.pk).update(
                has_refund=True, refunded_amount=line.subtotal_after_discount
            )
            type(line).objects.filter(pk=line.pk).update(returned_quantity=line.quantity)
    return orders


def _both(orders, *, fields, unmasked) -> tuple[bytes, bytes]:
    """(the serializer's JSON, the fast rows' JSON) of the same orders."""
    queryset = Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("-create_time", "-pk")
    instances = list(queryset.select_related("shop").prefetch_related("lines"))
    context = {"unmasked_shop_ids": unmasked, "fields": fields}
    slow = JSONRenderer().render(OrderSerializer(instances, many=True, context=context).data)
    rows = listed_orders(queryset, fields=fields, unmasked_shop_ids=unmasked)
    fast = JSONRenderer().render([row.data for row in rows])
    return slow, fast


@pytest.mark.django_db
def test_the_data_is_varied(varied):
    orders = Order.objects.filter(pk__in=[o.pk for o in varied])
    assert orders.filter(has_refund=True).exists()
    assert orders.filter(packages__isnull=False).exists()
    assert orders.filter(paid_time__isnull=True).exists()
    assert orders.filter(lines__isnull=False).distinct().count() == len(varied)
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)


@pytest.mark.django_db
def test_the_rows_are_the_serializers_json_byte_for_byte(varied, shop, other_shop):
    for fields in _sparse_choices():
        for unmasked in (set(), {shop.pk}, {shop.pk, other_shop.pk}):
            slow, fast = _both(varied, fields=fields, unmasked=unmasked)
            assert fast == slow, (fields, unmasked)


@pytest.mark.django_db
def test_times_are_written_in_the_current_zone_as_drf_writes_them(varied, shop):
    with timezone.override("America/New_York"):
        slow, fast = _both(varied, fields=None, unmasked={shop.pk})
    assert fast == slow
    assert b"-05:00" in fast or b"-04:00" in fast


@pytest.mark.django_db
def test_the_rows_have_the_serializers_fields_in_its_order(varied):
    rows = listed_orders(Order.objects.all(), fields=None, unmasked_shop_ids=set())
    assert rows and all(list(row.data) == ALL for row in rows)
    first = rows[0]
    assert (first.pk, first.order_id) == Order.objects.values_list("pk", "order_id").first()


@pytest.mark.django_db
def test_the_api_list_is_the_serializers_json(varied, shop, other_shop):
    """Through the view: a token over a shop where its owner sees buyer data and one where
    they see it masked."""
    user = member(shop=shop, role=Role.CUSTOMER_SERVICE, email="both@example.test")
    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    secret = token_for(user, [shop, other_shop]).secret
    for fields in [None, ["order_id", "recipient_name", "lines"], ["total_amount", "paid_time"]]:
        params = {"fields": ",".join(fields)} if fields else {}
        response = api_get(ORDERS, secret, per_page="25", **params)
        assert response.status_code == 200
        first = sorted(varied, key=lambda o: (o.create_time, o.pk), reverse=True)[:25]
        slow, _ = _both(first, fields=fields, unmasked={shop.pk})
        assert response.content.startswith(b'{"results":' + slow + b',"next":')


@pytest.mark.django_db
def test_a_page_audits_each_unmasked_order_once_in_one_statement(shop, other_shop):
    user = member(shop=shop, role=Role.CUSTOMER_SERVICE, email="both@example.test")
    membership_grant(shop=other_shop, user=user, role=Role.VIEWER, actor=None)
    now = timezone.now()
    seen = [OrderFactory(shop=shop, create_time=now - timedelta(hours=i)) for i in range(30)]
    hidden = [
        OrderFactory(shop=other_shop, create_time=now - timedelta(minutes=i)) for i in range(5)
    ]
    secret = token_for(user, [shop, other_shop]).secret
    api_get(ORDERS, secret, fields="order_id")  # the token's last use written, outside
    AuditEvent.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        assert api_get(ORDERS, secret).status_code == 200
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "accounts_auditevent"')]
    assert len(inserts) == 1
    events = AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED)
    assert sorted(events.values_list("target", flat=True)) == sorted(o.order_id for o in seen)
    assert set(events.values_list("shop_id", "actor_id")) == {(shop.pk, user.pk)}
    assert not events.filter(target__in=[o.order_id for o in hidden]).exists()
    assert {e.payload["via"] for e in events} == {"api"}

    # One buyer field among the sparse fields is buyer data served; none is not.
    AuditEvent.objects.all().delete()
    page = api_get(ORDERS, secret, fields="order_id,recipient_phone", per_page="25").json()
    listed = {row["order_id"] for row in page["results"]}
    assert len(listed) == 25
    assert set(events.all().values_list("target", flat=True)) == listed - {
        o.order_id for o in hidden
    }
    AuditEvent.objects.all().delete()
    api_get(ORDERS, secret, fields="order_id,city,lines")
    assert not events.all().exists()


@pytest.mark.django_db
def test_buyer_data_served_records_each_shop_and_order_id_pair(rf, shop, other_shop, cs_agent):
    token = token_for(cs_agent, [shop]).token
    AuditEvent.objects.all().delete()
    request = rf.get(ORDERS, HTTP_USER_AGENT="script/1", REMOTE_ADDR="203.0.113.9")
    pairs = [(shop, "576000000000000001"), (other_shop, "576000000000000002")]
    buyer_data_served(request=request, token=token, orders=pairs)
    buyer_data_served(request=request, token=token, orders=[])
    events = AuditEvent.objects.order_by("pk")
    assert [(e.shop, e.target) for e in events] == pairs
    assert {(e.action, e.actor, e.ip_address, e.user_agent) for e in events} == {
        (AuditAction.BUYER_DATA_VIEWED, cs_agent, "203.0.113.9", "script/1")
    }
    assert all(e.payload == {"via": "api", "token": token.shown} for e in events)
