"""Each event type comes from the change the order services already record, once per
endpoint, with buyer contact masked unless the endpoint may have it."""

import json

import pytest
from django.utils import timezone

from accounts.masking import mask_email, mask_name, mask_phone
from accounts.services import membership_grant
from orders.models import OrderEvent
from orders.services.fulfilment import order_tracking_add
from orders.services.refunds import refund_decide, refund_request
from orders.services.status import order_status_change
from orders.services.tiktok_upsert import tiktok_orders_upsert
from orders.statuses import ActorType, EventKind, OrderStatus
from tests.exports.helpers import make_job
from tests.orders.factories import OrderFactory
from tests.orders.tiktok_objects import tiktok_order
from tests.tracking.helpers import DELIVERED, PICKED_UP, tracked_package, tracking_update
from tracking.services.checkpoints import tracking_apply
from webhooks.models import Delivery, Watermark
from webhooks.services.fanout import events_read

from .helpers import ALL_EVENTS, hook

pytestmark = pytest.mark.django_db


def _bodies(endpoint) -> dict[str, dict]:
    return {d.event_type: json.loads(d.body) for d in Delivery.objects.filter(endpoint=endpoint)}


def test_a_new_order_from_tiktok_is_order_created(receiver, admin, shop):
    endpoint = hook(receiver, admin, shop)
    tiktok_orders_upsert(shop=shop, objects=[tiktok_order()], source="sync")
    events_read()
    body = _bodies(endpoint)["order.created"]
    assert body["data"]["order"]["id"] == "576486316948490001"
    assert body["data"]["order"]["status"] == "AWAITING_SHIPMENT"
    assert body["api_version"] == "2026-12-01"
    event = OrderEvent.objects.get(kind=EventKind.CREATED)
    assert body["id"] == f"evt_{event.pk}"


def test_a_status_change_is_order_status_changed_with_from_and_to(receiver, admin, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION)
    endpoint = hook(receiver, admin, shop)
    order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
    events_read()
    body = _bodies(endpoint)["order.status_changed"]
    assert body["data"]["change"] == {
        "from": "AWAITING_COLLECTION",
        "to": "IN_TRANSIT",
        "reason": "",
    }
    assert body["data"]["order"]["status"] == "IN_TRANSIT"


def test_a_refund_is_requested_then_decided(receiver, admin, cs_agent, shop):
    shop.refund_limit = 0  # customer service's refunds then wait for an administrator
    shop.save(update_fields=["refund_limit"])
    order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED, refunds=False)
    endpoint = hook(receiver, admin, shop)
    refund = refund_request(order=order, actor=cs_agent, reason="Damaged", amount="1.00")
    events_read()
    assert set(_bodies(endpoint)) == {"refund.requested"}
    events_read()
    refund_decide(refund=refund, actor=admin, approve=False)
    events_read()
    bodies = _bodies(endpoint)
    assert bodies["refund.requested"]["data"]["change"]["amount"] == "1.00"
    assert bodies["refund.decided"]["data"]["change"]["status"] == "REJECTED"


def test_refunds_approved_at_once_are_decided(receiver, admin, shop):
    """An administrator's refund is completed as it is made: requested, then decided."""
    order = OrderFactory(shop=shop, status=OrderStatus.DELIVERED, refunds=False)
    endpoint = hook(receiver, admin, shop)
    refund_request(order=order, actor=admin, reason="Late", amount="2.00")
    events_read()
    statuses = {t: b["data"]["change"]["status"] for t, b in _bodies(endpoint).items()}
    assert statuses == {"refund.requested": "REQUESTED", "refund.decided": "COMPLETED"}


def test_a_tracking_number_is_package_shipped(receiver, packer, admin, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    order.packages.all().delete()
    endpoint = hook(receiver, admin, shop)
    order_tracking_add(
        order=order, actor=packer, carrier="UPS", tracking_number="1Z999AA10123456784"
    )
    events_read()
    bodies = _bodies(endpoint)
    assert bodies["package.shipped"]["data"]["change"] == {
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
    }
    assert bodies["order.status_changed"]["data"]["change"]["to"] == "AWAITING_COLLECTION"


def test_the_carriers_delivery_scan_is_package_delivered(receiver, admin, shop):
    package = tracked_package(shop)
    endpoint = hook(receiver, admin, shop, events=["package.delivered"])
    tracking_apply(
        package_id=package.pk, update=tracking_update(package.tracking_number, PICKED_UP)
    )
    events_read()
    assert _bodies(endpoint) == {}  # in transit is not delivered
    tracking_apply(
        package_id=package.pk, update=tracking_update(package.tracking_number, PICKED_UP, DELIVERED)
    )
    events_read()
    change = _bodies(endpoint)["package.delivered"]["data"]["change"]
    assert (change["tracking_number"], change["to"]) == (package.tracking_number, "DELIVERED")


def test_a_finished_export_is_export_ready_for_its_shops_endpoints(
    receiver, admin, accountant, shop, other_shop, outsider
):
    mine = hook(receiver, admin, shop, events=["export.ready"])
    theirs = hook(receiver, outsider, other_shop, path="/theirs", events=["export.ready"])
    job = make_job(accountant, [shop], status="done", file_name="orders.csv")
    job.finished_at, job.rows_total = timezone.now(), 3
    job.save()
    events_read()
    events_read()  # read again: the look-back makes nothing twice
    body = _bodies(mine)["export.ready"]
    assert body["id"] == f"evt_export_{job.pk}"
    assert (body["data"]["export"]["rows"], body["data"]["export"]["shops"]) == (3, ["north-shop"])
    assert Delivery.objects.filter(endpoint=mine).count() == 1
    assert _bodies(theirs) == {}


def test_an_export_of_two_shops_tells_each_shop_only_about_itself(
    receiver, admin, accountant, shop, other_shop
):
    membership_grant(shop=other_shop, user=accountant, role="accountant", actor=None)
    membership_grant(shop=other_shop, user=admin, role="administrator", actor=None)
    mine = hook(receiver, admin, shop, events=["export.ready"])
    theirs = hook(receiver, admin, other_shop, path="/theirs", events=["export.ready"])
    job = make_job(accountant, [shop, other_shop], status="done", file_name="orders.csv")
    job.finished_at, job.rows_total = timezone.now(), 7
    job.save()
    events_read()
    for endpoint, slug in ((mine, shop.slug), (theirs, other_shop.slug)):
        export = _bodies(endpoint)["export.ready"]["data"]["export"]
        assert (export["shops"], export["rows"]) == ([slug], None)


def test_only_the_events_chosen_and_only_the_shops_own(receiver, admin, outsider, shop, other_shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION)
    refunds_only = hook(receiver, admin, shop, events=["refund.requested"])
    elsewhere = hook(receiver, outsider, other_shop, path="/other")
    order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
    events_read()
    assert Delivery.objects.filter(endpoint__in=[refunds_only, elsewhere]).count() == 0


def test_events_before_the_endpoint_existed_are_not_sent(receiver, admin, shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION)
    order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
    endpoint = hook(receiver, admin, shop)
    events_read()
    assert not Delivery.objects.filter(endpoint=endpoint).exists()


def test_an_event_committed_after_a_higher_id_was_read_is_not_skipped(receiver, admin, shop):
    """Ids are handed out before commit: an older id may appear after the watermark passed it."""
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION)
    endpoint = hook(receiver, admin, shop)
    late = order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
    # The reader saw a higher id first (its watermark past `late`), as if `late` had not
    # committed yet when it read.
    Watermark.objects.update_or_create(name="order_events", defaults={"last_id": late.pk + 5})
    events_read()
    assert Delivery.objects.get(endpoint=endpoint).event_id == f"evt_{late.pk}"
    events_read()
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1  # once, however often read


def test_every_event_of_many_is_delivered_exactly_once_across_passes(
    receiver, admin, shop, settings
):
    settings.WEBHOOKS_READ_BATCH = 3  # several passes, each a small batch
    orders = [OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION) for _ in range(4)]
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"])
    changes = []
    for order in orders:
        changes.append(
            order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
        )
        changes.append(
            order_status_change(
                order=order, new_status=OrderStatus.DELIVERED, actor_type=ActorType.SYSTEM
            )
        )
        events_read()
    for _ in range(4):
        events_read()
    made = sorted(Delivery.objects.filter(endpoint=endpoint).values_list("event_id", flat=True))
    assert made == sorted(f"evt_{event.pk}" for event in changes)


def test_buyer_contact_is_masked_unless_the_endpoint_may_have_it(receiver, admin, shop):
    order = OrderFactory(
        shop=shop,
        status=OrderStatus.AWAITING_COLLECTION,
        buyer_email="jane.doe@example.com",
        recipient_name="Jane Doe",
        recipient_phone="(+1)4155550121",
    )
    masked = hook(receiver, admin, shop, path="/masked", events=["order.status_changed"])
    unmasked = hook(
        receiver, admin, shop, path="/unmasked", events=["order.status_changed"], contact=True
    )
    order_status_change(order=order, new_status=OrderStatus.IN_TRANSIT, actor=admin)
    events_read()
    hidden = _bodies(masked)["order.status_changed"]["data"]["order"]
    shown = _bodies(unmasked)["order.status_changed"]["data"]["order"]
    assert (
        hidden["buyer"]["buyer_email"] == mask_email("jane.doe@example.com") == "j***@example.com"
    )
    assert hidden["recipient"]["recipient_name"] == mask_name("Jane Doe")
    assert hidden["recipient"]["recipient_phone"] == mask_phone("(+1)4155550121")
    assert hidden["contact_masked"] is True
    assert shown["buyer"]["buyer_email"] == "jane.doe@example.com"
    assert shown["recipient"]["recipient_phone"] == "(+1)4155550121"
    assert shown["contact_masked"] is False


def test_contact_is_masked_again_once_its_creator_may_no_longer_see_it(receiver, admin, shop):
    from accounts.models import Membership

    order = OrderFactory(
        shop=shop, status=OrderStatus.AWAITING_COLLECTION, buyer_email="a@b.example"
    )
    endpoint = hook(receiver, admin, shop, events=["order.status_changed"], contact=True)
    membership_grant(user=admin, shop=shop, role="accountant", actor=None)
    assert Membership.objects.get(user=admin, shop=shop).role == "accountant"
    order_status_change(
        order=order, new_status=OrderStatus.IN_TRANSIT, actor=None, actor_type=ActorType.SYSTEM
    )
    events_read()
    data = _bodies(endpoint)["order.status_changed"]["data"]["order"]
    assert data["buyer"]["buyer_email"] == "a***@b.example"


def test_all_event_types_are_offered(admin):
    from webhooks.services.endpoints import SUBSCRIBABLE

    assert [str(choice) for choice in SUBSCRIBABLE] == ALL_EVENTS
