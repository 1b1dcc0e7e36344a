"""Every status, tracking state, refund state and timeline code is shown in words:
each page, admin list, email and our own export templates render with every code of
every vocabulary present, and none of the codes appears in what a person reads. TikTok's own
export template keeps TikTok's words."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from exports.columns import CATALOGUE, Kind
from orders.models import OrderEvent, Package, Refund
from orders.selectors.timeline import event_detail
from orders.statuses import (
    VOCABULARIES,
    ActorType,
    CancelInitiator,
    EventKind,
    FulfillmentType,
    LineStatus,
    OrderStatus,
    OrderType,
    PackageStatus,
    RefundStatus,
    TrackingStatus,
)
from tests.exports.helpers import as_dicts, generate_csv, make_job
from tests.helpers import visible_text
from tests.orders.factories import OrderFactory
from tracking.models import TrackingCheckpoint

pytestmark = pytest.mark.django_db

# Codes that are not also ordinary words: every upper-case code, and the event kinds and
# actor types written with an underscore (a plain "carrier" or "note" is English).
CODES = sorted(
    {
        code
        for choices in VOCABULARIES.values()
        for code in choices.values
        if code.isupper() or "_" in code
    },
    key=len,
    reverse=True,
)
RAW = re.compile(r"\b(?:[A-Z]{2,}(?:_[A-Z]+)+|" + "|".join(map(re.escape, CODES)) + r")\b")


def assert_in_words(text: str, where: str) -> None:
    found = sorted(set(RAW.findall(text)))
    assert not found, f"{where} shows codes {found}"


def _every_code(shop, user):
    """Orders that together hold every code of every vocabulary, in every place it lives."""
    orders = [
        OrderFactory(
            shop=shop,
            status=status,
            fulfillment_type=list(FulfillmentType)[i % len(FulfillmentType)],
            order_type=list(OrderType)[i % len(OrderType)],
            cancellation_initiator=list(CancelInitiator)[i % len(CancelInitiator)]
            if status == OrderStatus.CANCELLED
            else "",
        )
        for i, status in enumerate(OrderStatus)
    ]
    order = orders[0]
    now = timezone.now()
    for i, (line_status, package_status, tracking_status) in enumerate(
        zip(
            list(LineStatus) * 2,
            list(PackageStatus) * 3,
            list(TrackingStatus),
            strict=False,
        )
    ):
        package = Package.objects.create(
            order=order,
            shipping_provider_name="Simulated Express",
            tracking_number=f"SIMW{i:08d}",
            package_status=package_status,
            tracking_status=tracking_status,
        )
        order.lines.create(
            sku_id=f"17{i:016d}",
            product_name=f"Thing {i}",
            display_status=line_status,
            package=package,
        )
    for i, status in enumerate(TrackingStatus):
        TrackingCheckpoint.objects.create(
            package=package,
            occurred_at=now - timedelta(minutes=i),
            status=status,
            message=f"Scan {i}",
            fingerprint=f"words-{i}",
        )
    for status in RefundStatus:
        Refund.objects.create(
            order=order, amount=Decimal("1.00"), reason="Damaged", status=status, requested_at=now
        )
    payloads = {
        EventKind.CREATED: {"status": OrderStatus.UNPAID},
        EventKind.STATUS_CHANGED: {"from": OrderStatus.IN_TRANSIT, "to": OrderStatus.DELIVERED},
        EventKind.TRACKING_UPDATED: {
            "tracking_number": "SIMW00000000",
            "from": TrackingStatus.PENDING,
            "to": TrackingStatus.OUT_FOR_DELIVERY,
        },
        EventKind.REFUND: {"status": RefundStatus.REQUESTED, "amount": "1.00"},
        EventKind.IMPORTED: {"changed": ["status"], "from": "UNPAID", "to": "ON_HOLD"},
    }
    for i, kind in enumerate(EventKind):
        OrderEvent.objects.create(
            order=order,
            kind=kind,
            actor_type=list(ActorType)[i % len(ActorType)],
            actor=user if i % len(ActorType) == 0 else None,
            occurred_at=now - timedelta(hours=i),
            payload=payloads.get(kind, {"body": "Hello"}),
        )
    for status in OrderStatus:  # every status change, both ways round
        OrderEvent.objects.create(
            order=order,
            kind=EventKind.STATUS_CHANGED,
            actor_type=ActorType.TIKTOK,
            occurred_at=now - timedelta(days=1),
            payload={"from": status, "to": OrderStatus.CANCELLED, "reason": "Lost"},
        )
    return orders


def test_every_page_shows_every_code_in_words(client, admin, shop):
    orders = _every_code(shop, admin)
    client.force_login(admin)
    pages = ["/", "/orders/", "/orders/counts/"]
    pages += ["/orders/?tracking_status=OUT_FOR_DELIVERY&status=IN_TRANSIT"]
    pages += [f"/orders/?status={status}" for status in OrderStatus]
    for order in orders:
        pages += [f"/orders/{order.order_id}/", f"/orders/{order.order_id}/packing-slip/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_in_words(visible_text(response.content.decode()), url)
    page = visible_text(client.get(f"/orders/{orders[0].order_id}/").content.decode())
    assert "In transit → Delivered" in page  # the timeline of the issue
    assert "Pending → Out for delivery" in page and "Available for pickup" in page


def test_the_timeline_describes_every_event_kind_in_words(admin, shop):
    _every_code(shop, admin)
    for event in OrderEvent.objects.all():
        assert_in_words(event_detail(event), f"event {event.kind}")


def test_admin_lists_show_every_code_in_words(client, superuser, admin, shop):
    _every_code(shop, admin)
    client.force_login(superuser)
    models = ("orders/order", "orders/package", "tracking/trackingcheckpoint", "orders/orderevent")
    for model in (*models, "orders/orderline", "orders/refund"):
        response = client.get(f"/admin/{model}/")
        if response.status_code == 404 and model not in models:
            continue  # not in the admin
        assert response.status_code == 200, model
        assert_in_words(visible_text(response.content.decode()), f"admin {model} list")


def test_our_export_templates_write_words_and_tiktoks_keeps_its_own(admin, shop, tmp_path):
    _every_code(shop, admin)
    labels = [key for key, column in CATALOGUE.items() if column.kind == Kind.LABEL]
    status_columns = ["status", "tracking_status", "cancel_by", "fulfillment_type", *labels]
    custom = make_job(
        admin,
        [shop],
        template="custom",
        columns=[{"key": key} for key in dict.fromkeys(status_columns)],
    )
    for job in (make_job(admin, [shop], template="orders"), custom):
        for row in as_dicts(generate_csv(job, tmp_path)):
            for header, value in row.items():
                assert_in_words(value, f"{job.template} export, {header}")
    tiktok = as_dicts(generate_csv(make_job(admin, [shop], template="tiktok_sku_list"), tmp_path))
    assert {"To ship", "Shipped", "Delivered"} <= {row["Order Status"] for row in tiktok}


def test_emails_show_statuses_in_words(client, cs_agent, shop):
    orders = _every_code(shop, cs_agent)
    client.force_login(cs_agent)
    for order in orders:
        page = client.get(f"/orders/{order.order_id}/", {"reply": "where"})
        body = page.context["message_initial"] if page.context else ""
        client.post(f"/orders/{order.order_id}/messages/", {"body": body or "Hello"})
    assert mail.outbox
    for email in mail.outbox:
        assert_in_words(f"{email.subject}\n{email.body}", f"email {email.subject}")


def test_a_scan_is_named_in_words_where_the_admin_lists_it(admin, shop):
    _every_code(shop, admin)
    for checkpoint in TrackingCheckpoint.objects.all():
        assert_in_words(str(checkpoint), "a scan's name")
