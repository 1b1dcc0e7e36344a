"""GET /api/v1/orders/ and /api/v1/orders/<order_id>/: the list's filters, cursor pages,
sparse fields, masking as for the person, and the audit of unmasked buyer data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from orders.models import Order
from orders.statuses import OrderStatus
from tests.api.helpers import api_get, token_for
from tests.orders.factories import OrderFactory

ORDERS = "/api/v1/orders/"


@pytest.fixture
def hand_picked(shop):
    """Four orders whose filters are easy to count by hand."""
    now = timezone.now()
    return {
        "cheap_new": OrderFactory(
            shop=shop,
            status=OrderStatus.AWAITING_SHIPMENT,
            total_amount=Decimal("10.00"),
            create_time=now - timedelta(days=1),
        ),
        "dear_new": OrderFactory(
            shop=shop,
            status=OrderStatus.AWAITING_SHIPMENT,
            total_amount=Decimal("250.00"),
            create_time=now - timedelta(days=2),
        ),
        "dear_shipped": OrderFactory(
            shop=shop,
            status=OrderStatus.IN_TRANSIT,
            total_amount=Decimal("300.00"),
            create_time=now - timedelta(days=3),
        ),
        "cancelled": OrderFactory(
            shop=shop,
            status=OrderStatus.CANCELLED,
            total_amount=Decimal("40.00"),
            create_time=now - timedelta(days=4),
        ),
    }


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["order_id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_the_list_filters_as_the_order_list_does(viewer, shop, hand_picked):
    secret = token_for(viewer, [shop]).secret
    o = {name: order.order_id for name, order in hand_picked.items()}
    assert _ids(api_get(ORDERS, secret)) == [
        o["cheap_new"],
        o["dear_new"],
        o["dear_shipped"],
        o["cancelled"],
    ]
    assert _ids(api_get(ORDERS, secret, status="AWAITING_SHIPMENT")) == [
        o["cheap_new"],
        o["dear_new"],
    ]
    assert _ids(api_get(ORDERS, secret, total_min="200")) == [o["dear_new"], o["dear_shipped"]]
    assert _ids(api_get(ORDERS, secret, total_min="200", status="IN_TRANSIT")) == [
        o["dear_shipped"]
    ]
    assert _ids(api_get(ORDERS, secret, sort="-total")) == [
        o["dear_shipped"],
        o["dear_new"],
        o["cancelled"],
        o["cheap_new"],
    ]
    assert _ids(api_get(ORDERS, secret, q=o["cancelled"])) == [o["cancelled"]]


@pytest.mark.django_db
def test_each_order_carries_its_lines(viewer, shop, hand_picked):
    secret = token_for(viewer, [shop]).secret
    row = api_get(ORDERS, secret, q=hand_picked["dear_new"].order_id).json()["results"][0]
    lines = hand_picked["dear_new"].lines.order_by("pk")
    assert [line["sku_id"] for line in row["lines"]] == [line.sku_id for line in lines]
    assert row["total_amount"] == "250.00"
    assert row["shop"] == "north-shop"


@pytest.mark.django_db
def test_empty_parameters_are_as_if_not_sent(viewer, shop, hand_picked):
    """`per_page=&total_max=&risk=` (an empty form's parameters) is the default page."""
    secret = token_for(viewer, [shop]).secret
    empty = api_get(ORDERS, secret, per_page="", total_max="", risk="", sort="")
    assert _ids(empty) == _ids(api_get(ORDERS, secret))
    assert len(_ids(empty)) == len(hand_picked)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "refused"),
    [
        ({"colour": "red"}, {"colour": ["Unknown parameter."]}),
        ({"status": "LOST"}, "status"),
        ({"total_min": "lots"}, "total_min"),
        ({"page": "2"}, {"page": ["The API pages by cursor: follow `next`."]}),
        ({"per_page": "7"}, "per_page"),
        ({"fields": "order_id,colour"}, {"fields": ["Unknown field: colour."]}),
    ],
)
def test_refused_parameters_are_400_naming_them(viewer, shop, params, refused):
    secret = token_for(viewer, [shop]).secret
    response = api_get(ORDERS, secret, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if isinstance(refused, dict):
        assert body["errors"] == refused
    else:
        assert list(body["errors"]) == [refused] and body["errors"][refused][0]
    assert body["title"] == "Bad Request"
    assert next(iter(body["errors"])) in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["garbage", "eyJzIjoiLWNyZWF0ZWQifQ:1abc:tampered"])
def test_a_malformed_or_tampered_cursor_is_400(viewer, shop, hand_picked, cursor):
    secret = token_for(viewer, [shop]).secret
    response = api_get(ORDERS, secret, cursor=cursor)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.django_db
def test_a_cursor_for_another_sort_is_400(viewer, shop, hand_picked):
    secret = token_for(viewer, [shop]).secret
    first = api_get(ORDERS, secret, per_page="25", sort="-total").json()
    assert first["next_cursor"] is None  # four orders: one page
    many = [OrderFactory(shop=shop) for _ in range(26)]
    assert len(many) == 26
    cursor = api_get(ORDERS, secret, per_page="25", sort="-total").json()["next_cursor"]
    response = api_get(ORDERS, secret, per_page="25", sort="created", cursor=cursor)
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"] == ["That page link belongs to another sort order."]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["-created", "created", "-total"])
def test_cursor_pages_give_every_order_exactly_once_while_orders_arrive(viewer, shop, sort):
    now = timezone.now()
    existing = {
        OrderFactory(shop=shop, create_time=now - timedelta(hours=i)).order_id for i in range(60)
    }
    secret = token_for(viewer, [shop]).secret
    seen, url, arrivals = [], None, 0
    params = {"per_page": "25", "sort": sort, "fields": "order_id"}
    while True:
        response = api_get(url, secret) if url else api_get(ORDERS, secret, **params)
        body = response.json()
        seen += [row["order_id"] for row in body["results"]]
        # Orders arrive between pages: newer than all, and older than all.
        OrderFactory(shop=shop, create_time=now + timedelta(minutes=arrivals + 1))
        OrderFactory(shop=shop, create_time=now - timedelta(days=30, minutes=arrivals))
        arrivals += 1
        url = body["next"]
        if not url:
            break
        assert url.startswith("http://testserver/api/v1/orders/?")
    assert len(seen) == len(set(seen)), "an order came twice"
    assert existing <= set(seen), "an order that was there all along was missed"


@pytest.mark.django_db
def test_sparse_fields_give_only_those_fields(viewer, shop, hand_picked):
    secret = token_for(viewer, [shop]).secret
    body = api_get(ORDERS, secret, fields="order_id,status", status="IN_TRANSIT").json()
    assert body["results"] == [
        {"order_id": hand_picked["dear_shipped"].order_id, "status": "IN_TRANSIT"}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "masked"),
    [
        (Role.ADMINISTRATOR, False),
        (Role.CUSTOMER_SERVICE, False),
        (Role.FULFILMENT, False),
        (Role.ACCOUNTANT, True),
        (Role.VIEWER, True),
    ],
)
def test_buyer_fields_are_masked_for_the_roles_that_see_them_masked(role_users, shop, role, masked):
    order = OrderFactory(
        shop=shop,
        recipient_name="Jane Doe",
        recipient_phone="(+1)4155550121",
        buyer_email="jane.doe@example.com",
        postal_code="90012",
        city="Los Angeles",
    )
    secret = token_for(role_users[role], [shop]).secret
    fields = "recipient_name,recipient_phone,buyer_email,postal_code,city"
    listed = api_get(ORDERS, secret, fields=fields).json()["results"][0]
    detail = api_get(f"{ORDERS}{order.order_id}/", secret, fields=fields).json()
    expected = (
        {
            "recipient_name": "J*** D***",
            "recipient_phone": "(+1)415****21",
            "buyer_email": "j***@example.com",
            "postal_code": "900**",
            "city": "Los Angeles",
        }
        if masked
        else {
            "recipient_name": "Jane Doe",
            "recipient_phone": "(+1)4155550121",
            "buyer_email": "jane.doe@example.com",
            "postal_code": "90012",
            "city": "Los Angeles",
        }
    )
    assert listed == expected
    assert detail == expected


@pytest.mark.django_db
def test_unmasked_buyer_data_served_is_audited_per_order(cs_agent, viewer, shop, hand_picked):
    secret = token_for(cs_agent, [shop]).secret
    AuditEvent.objects.all().delete()
    api_get(ORDERS, secret, status="AWAITING_SHIPMENT")
    events = AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED)
    assert sorted(events.values_list("target", flat=True)) == sorted(
        [hand_picked["cheap_new"].order_id, hand_picked["dear_new"].order_id]
    )
    event = events.first()
    assert event.actor == cs_agent and event.shop == shop
    assert event.payload["via"] == "api" and event.payload["token"].startswith("sc_pat_")

    AuditEvent.objects.all().delete()
    api_get(f"{ORDERS}{hand_picked['cancelled'].order_id}/", secret)
    assert list(AuditEvent.objects.values_list("action", "target")) == [
        (AuditAction.BUYER_DATA_VIEWED, hand_picked["cancelled"].order_id)
    ]

    # No buyer field asked for, or a role that sees them masked: nothing to audit.
    AuditEvent.objects.all().delete()
    api_get(ORDERS, secret, fields="order_id,status")
    api_get(ORDERS, token_for(viewer, [shop]).secret)
    assert not AuditEvent.objects.filter(action=AuditAction.BUYER_DATA_VIEWED).exists()


@pytest.mark.django_db
def test_the_detail_has_lines_packages_tracking_timeline_and_refunds(admin, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED)
    secret = token_for(admin, [shop]).secret
    body = api_get(f"{ORDERS}{order.order_id}/", secret).json()
    assert body["order_id"] == order.order_id
    assert len(body["lines"]) == order.lines.count()
    packages = list(order.packages.order_by("pk"))
    assert [p["tracking_number"] for p in body["packages"]] == [p.tracking_number for p in packages]
    assert len(body["packages"][0]["checkpoints"]) == packages[0].checkpoints.count()
    assert body["timeline"] and {"at", "title", "detail", "actor", "kind"} == set(
        body["timeline"][0]
    )
    assert len(body["refunds"]) == order.refunds.count()


@pytest.mark.django_db
def test_an_unknown_order_and_a_parameter_on_the_detail(admin, shop):
    secret = token_for(admin, [shop]).secret
    response = api_get(f"{ORDERS}5760000000000000999/", secret)
    assert response.status_code == 404
    assert response.json()["detail"] == "No such resource among those this token may read."
    order = OrderFactory(shop=shop)
    response = api_get(f"{ORDERS}{order.order_id}/", secret, status="x")
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Unknown parameter."]}


@pytest.mark.django_db
def test_a_page_costs_the_same_queries_whatever_its_size(cs_agent, shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secret = token_for(cs_agent, [shop]).secret
    api_get(ORDERS, secret)  # the token's last use written once, outside the measure

    def queries_for(count: int) -> int:
        while Order.objects.count() < count:
            OrderFactory(shop=shop)
        with CaptureQueriesContext(connection) as captured:
            assert len(api_get(ORDERS, secret, per_page="100").json()["results"]) == count
        return len(captured)

    few = queries_for(3)
    assert queries_for(40) == few
    assert few <= 11, few  # token, permissions, the shops, the rows, their lines, the audit
