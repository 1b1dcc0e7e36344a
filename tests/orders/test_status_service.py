from datetime import timedelta

import pytest

from orders.exceptions import (
    FulfilmentRefused,
    IllegalTransition,
    TrackingNumberNeeded,
    UnknownStatus,
)
from orders.models import Order, OrderEvent
from orders.services.status import (
    STAFF_TRANSITIONS,
    TRANSITIONS,
    allowed_next_statuses,
    order_status_change,
)
from orders.statuses import ActorType, EventKind, OrderStatus
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _events(order):
    return list(
        OrderEvent.objects.filter(order=order, kind=EventKind.STATUS_CHANGED)
        .order_by("id")
        .values_list("payload", flat=True)
    )


def test_allowed_transition_saves_status_stamps_time_and_records_event(shop, packer):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_COLLECTION)
    assert order.packages.exclude(tracking_number="").exists()  # handed over with a number
    before = len(_events(order))

    event = order_status_change(
        order=order, new_status="IN_TRANSIT", actor_type=ActorType.USER, actor=packer
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
    assert order.collection_time == event.occurred_at
    assert event.actor == packer and event.actor_type == ActorType.USER
    assert event.payload == {"from": "AWAITING_COLLECTION", "to": "IN_TRANSIT", "reason": ""}
    assert len(_events(order)) == before + 1


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        ("DELIVERED", "AWAITING_SHIPMENT"),
        ("COMPLETED", "CANCELLED"),
        ("CANCELLED", "AWAITING_SHIPMENT"),
        ("UNPAID", "DELIVERED"),
    ],
)
def test_illegal_transition_names_both_states_and_saves_nothing(shop, current, requested):
    order = OrderFactory(shop=shop, status=current)
    events_before = OrderEvent.objects.filter(order=order).count()
    row_before = Order.objects.values().get(pk=order.pk)

    with pytest.raises(IllegalTransition) as raised:
        order_status_change(order=order, new_status=requested, actor_type=ActorType.USER)

    said = str(raised.value)  # a person reads it: the statuses by their labels
    assert OrderStatus(current).label in said and OrderStatus(requested).label in said
    assert current not in said and requested not in said
    assert Order.objects.values().get(pk=order.pk) == row_before
    assert OrderEvent.objects.filter(order=order).count() == events_before


def test_unknown_status_is_refused_by_name(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    with pytest.raises(UnknownStatus, match="SHIPPED_MAYBE"):
        order_status_change(order=order, new_status="SHIPPED_MAYBE", actor_type=ActorType.USER)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT


def test_cancellation_records_the_reason_and_cancel_time(shop, admin):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT, cancel_reason="")
    event = order_status_change(
        order=order,
        new_status="CANCELLED",
        actor_type=ActorType.USER,
        actor=admin,
        reason="Out of stock",
    )
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("CANCELLED", "Out of stock")
    assert order.cancel_time == event.occurred_at


def test_tiktok_may_move_an_order_along_any_path_it_reports(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    later = order.update_time + timedelta(hours=2)
    # Not in the table for people (no AWAITING_SHIPMENT → DELIVERED), but TikTok says so.
    event = order_status_change(
        order=order, new_status="DELIVERED", actor_type=ActorType.TIKTOK, occurred_at=later
    )
    order.refresh_from_db()
    assert order.status == "DELIVERED" and order.update_time == later
    assert event.actor_type == ActorType.TIKTOK


def test_an_older_tiktok_update_never_overwrites_a_newer_one(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    newest = order.update_time
    events_before = OrderEvent.objects.filter(order=order).count()

    result = order_status_change(
        order=order,
        new_status="AWAITING_COLLECTION",
        actor_type=ActorType.TIKTOK,
        occurred_at=newest - timedelta(minutes=5),
    )

    assert result is None
    order.refresh_from_db()
    assert (order.status, order.update_time) == ("IN_TRANSIT", newest)
    assert OrderEvent.objects.filter(order=order).count() == events_before


def test_a_duplicate_tiktok_report_changes_nothing(shop):
    order = OrderFactory(shop=shop, status=OrderStatus.IN_TRANSIT)
    assert (
        order_status_change(
            order=order,
            new_status="IN_TRANSIT",
            actor_type=ActorType.TIKTOK,
            occurred_at=order.update_time + timedelta(hours=1),
        )
        is None
    )


def test_naive_times_are_refused(shop):
    order = OrderFactory(shop=shop)
    with pytest.raises(ValueError, match="timezone-aware"):
        order_status_change(
            order=order,
            new_status="CANCELLED",
            actor_type=ActorType.TIKTOK,
            occurred_at=order.update_time.replace(tzinfo=None),
        )


def test_transition_table_covers_every_status_and_final_states_are_final():
    assert set(TRANSITIONS) == set(OrderStatus) == set(STAFF_TRANSITIONS)
    assert all(STAFF_TRANSITIONS[s] <= TRANSITIONS[s] for s in OrderStatus)
    assert allowed_next_statuses("COMPLETED") == frozenset()
    assert allowed_next_statuses("CANCELLED") == frozenset()
    assert OrderStatus.CANCELLED in allowed_next_statuses("AWAITING_SHIPMENT")


# --- what people may do: only TikTok and carriers complete an order ------------------------

S = OrderStatus
SYSTEM_ONLY = [
    ("UNPAID", "AWAITING_SHIPMENT", "Only TikTok"),  # payment is TikTok's to report
    ("UNPAID", "ON_HOLD", "Only TikTok"),
    ("ON_HOLD", "AWAITING_SHIPMENT", "Only TikTok"),
    ("IN_TRANSIT", "DELIVERED", "Only TikTok or the carrier"),
    ("DELIVERED", "COMPLETED", "Only TikTok or the carrier"),
    ("IN_TRANSIT", "CANCELLED", "Only TikTok or the carrier"),
]


@pytest.mark.parametrize(("current", "requested", "says"), SYSTEM_ONLY)
def test_people_may_not_take_the_steps_tiktok_and_carriers_report(
    shop, packer, current, requested, says
):
    order = OrderFactory(shop=shop, status=current)
    row_before = Order.objects.values().get(pk=order.pk)
    with pytest.raises(IllegalTransition, match=says) as raised:
        order_status_change(
            order=order, new_status=requested, actor_type=ActorType.USER, actor=packer
        )
    said = str(raised.value)
    assert f"from {OrderStatus(current).label} to {OrderStatus(requested).label}." in said
    assert Order.objects.values().get(pk=order.pk) == row_before
    assert OrderStatus(requested) not in allowed_next_statuses(current, tracked=True)


@pytest.mark.parametrize(("current", "requested", "says"), SYSTEM_ONLY)
def test_tiktok_and_carriers_still_take_them(shop, current, requested, says):
    for source in (ActorType.TIKTOK, ActorType.CARRIER):
        order = OrderFactory(shop=shop, status=current)
        event = order_status_change(
            order=order,
            new_status=requested,
            actor_type=source,
            occurred_at=order.update_time + timedelta(minutes=1),
        )
        assert event.actor_type == source and event.payload["to"] == requested


@pytest.mark.parametrize("requested", ["AWAITING_COLLECTION", "IN_TRANSIT", "PARTIALLY_SHIPPING"])
def test_people_mark_an_order_shipped_only_with_a_tracking_number(shop, packer, requested):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    order.packages.all().delete()
    with pytest.raises(TrackingNumberNeeded, match="tracking number"):
        order_status_change(
            order=order, new_status=requested, actor_type=ActorType.USER, actor=packer
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    assert OrderStatus(requested) not in allowed_next_statuses("AWAITING_SHIPMENT")
    assert OrderStatus(requested) in allowed_next_statuses("AWAITING_SHIPMENT", tracked=True)


def test_an_unpaid_order_cannot_be_walked_to_completed_from_the_order_page(client, shop, packer):
    order = OrderFactory(shop=shop, status=OrderStatus.UNPAID)
    client.force_login(packer)
    url = f"/orders/{order.order_id}/status/"
    for step in ("AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"):
        client.post(url, {"status": step})
    response = client.post(url, {"status": "COMPLETED"})
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID
    assert not order.events.filter(kind=EventKind.STATUS_CHANGED, actor=packer).exists()
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("Only TikTok or the carrier" in m for m in messages)
    page = client.get(f"/orders/{order.order_id}/").content.decode()
    assert 'value="COMPLETED"' not in page and 'value="CANCELLED"' in page


def test_people_still_cancel_before_the_parcel_leaves(shop, packer):
    for status in ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "AWAITING_COLLECTION"):
        order = OrderFactory(shop=shop, status=status)
        order_status_change(
            order=order, new_status="CANCELLED", actor_type=ActorType.USER, reason="Out of stock"
        )
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED


def test_a_person_needs_the_status_permission_in_the_shop(shop, viewer):
    """One entry point for people and systems: naming a person checks their permission."""
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    with pytest.raises(FulfilmentRefused, match="permission"):
        order_status_change(
            order=order, new_status="CANCELLED", actor=viewer, reason="Out of stock"
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_SHIPMENT


def test_a_person_says_why_an_order_is_cancelled(shop, packer):
    order = OrderFactory(shop=shop, status=OrderStatus.AWAITING_SHIPMENT)
    with pytest.raises(FulfilmentRefused, match="Say why"):
        order_status_change(order=order, new_status="CANCELLED", actor=packer, reason="  ")
    event = order_status_change(
        order=order, new_status="CANCELLED", actor=packer, reason=" Out of stock "
    )
    assert event.payload["reason"] == "Out of stock" and event.actor_type == ActorType.USER
